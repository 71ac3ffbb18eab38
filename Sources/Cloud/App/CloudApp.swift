// Builds the aggregator application from a configuration: store, recognizer, fleet, router and services.
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The parts an application is made of; tests pass their own recognizer or fleet, the executable the real ones.
public struct CloudComponents: Sendable {
    public var store: any Store
    public var recognizer: any FaceRecognizer
    public var fleet: any FleetPublisher
    public var signer: GallerySigner
    public var metrics: CloudMetrics
    /// Extra long-running services (ingest over MQTT).
    public var services: [any Service]

    public init(store: any Store, recognizer: any FaceRecognizer, fleet: any FleetPublisher, signer: GallerySigner,
                metrics: CloudMetrics, services: [any Service] = []) {
        self.store = store
        self.recognizer = recognizer
        self.fleet = fleet
        self.signer = signer
        self.metrics = metrics
        self.services = services
    }
}

/// Builds the Hummingbird application and the aggregator behind it.
public enum CloudApp {
    /// The default parts for `config`: SQLite store, the linked recognizer, the fleet publisher.
    public static func defaultComponents(config: CloudConfig, logger: Logger) throws(CloudError) -> CloudComponents {
        let metrics = CloudMetrics()
        let store = try SQLiteStore(path: config.storage.database)
        let signer = try GallerySigner(keyFile: config.gallery.signingKeyFile)
        if config.mqtt.host != nil {
            throw CloudError(.unavailable, "this build has no MQTT transport yet; remove mqtt.host to run API-only",
                             subject: "mqtt.host")
        }
        return CloudComponents(
            store: store,
            recognizer: UnavailableRecognizer(reason: "this build has no face recognition backend yet"),
            fleet: OfflineFleet(metrics: metrics), signer: signer, metrics: metrics)
    }

    /// The application: HTTP server plus retention and the components' services. Loads the aggregator first.
    public static func build(config: CloudConfig, components: CloudComponents,
                             logger: Logger) async throws(CloudError) -> (some ApplicationProtocol, Aggregator) {
        let aggregator = Aggregator(config: config, store: components.store, recognizer: components.recognizer,
                                    fleet: components.fleet, signer: components.signer, metrics: components.metrics,
                                    logger: logger)
        try await aggregator.load()
        let router = buildRouter(aggregator: aggregator)
        let retention = RetentionService(store: components.store, crops: aggregator.crops,
                                         retention: config.retention, metrics: components.metrics, logger: logger)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.http.host, port: config.http.port),
                                 serverName: "rollcall-cloud"),
            services: [retention, LiveFeedCloser(live: aggregator.live)] + components.services,
            logger: logger)
        return (app, aggregator)
    }

    /// Every route: health and metrics (open), the JSON API (bearer token), the dashboard (cookie).
    public static func buildRouter(aggregator: Aggregator) -> Router<CloudRequestContext> {
        let config = aggregator.config
        let metrics = aggregator.metrics
        let tokens = TokenIssuer(store: aggregator.store)
        let router = Router(context: CloudRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware(metrics: metrics))

        router.get("healthz") { _, _ -> HealthView in
            _ = try await aggregator.store.latestGalleryVersion()   // the database answers
            return HealthView(status: "ok", galleryWorkers: aggregator.gallery.entries.count,
                              liveSubscribers: aggregator.live.subscriberCount)
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
        }

        let api = router.group("api/v1")
            .add(middleware: AuthMiddleware(tokens: tokens, readOnlyPosts: ["/api/v1/recognize"]))
        APIController(aggregator: aggregator, config: config).register(on: api)

        DashboardController(aggregator: aggregator, tokens: tokens).register(on: router)
        return router
    }
}
