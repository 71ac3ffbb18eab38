// Builds the aggregator application from a configuration: store, recognizer, fleet, router and services.
import Foundation
import Hummingbird
import Logging
import ModelSupply
import MQTT
import ServiceLifecycle

/// The parts an application is made of; tests pass their own recognizer or fleet, the executable the real ones.
public struct CloudComponents: Sendable {
    public var store: any Store
    public var recognizer: any FaceRecognizer
    public var fleet: any FleetPublisher
    public var signer: GallerySigner
    public var metrics: CloudMetrics
    /// The broker connection ingest reads from (nil: API and dashboard only).
    public var mqtt: MQTTClient?

    public init(store: any Store, recognizer: any FaceRecognizer, fleet: any FleetPublisher, signer: GallerySigner,
                metrics: CloudMetrics, mqtt: MQTTClient? = nil) {
        self.store = store
        self.recognizer = recognizer
        self.fleet = fleet
        self.signer = signer
        self.metrics = metrics
        self.mqtt = mqtt
    }
}

/// Builds the Hummingbird application and the aggregator behind it.
public enum CloudApp {
    /// The default parts for `config`: SQLite store, the dlib recognizer (models from the model store:
    /// `rollcall models fetch`), and MQTT ingest and fleet push when `mqtt.host` is set.
    public static func defaultComponents(config: CloudConfig, logger: Logger) throws(CloudError) -> CloudComponents {
        let metrics = CloudMetrics()
        let store = try SQLiteStore(path: config.storage.database)
        let signer = try GallerySigner(keyFile: config.gallery.signingKeyFile)
        let models: ModelStore
        do {
            models = try ModelStore.standard()
        } catch {
            throw CloudError(.unavailable, "model store: \(error)", subject: "models")
        }
        let recognizer = try DlibFaceRecognizer(models: models, slots: config.recognition.effectiveWorkers,
                                                blasThreads: config.recognition.effectiveBLASThreads)
        guard let host = config.mqtt.host, let ca = config.mqtt.caFile else {
            logger.warning("no mqtt.host configured: API and dashboard only, nothing is published to agents")
            return CloudComponents(store: store, recognizer: recognizer, fleet: OfflineFleet(metrics: metrics),
                                   signer: signer, metrics: metrics)
        }
        let client: MQTTClient
        do {
            client = try MQTTClient(configuration: MQTTConfiguration(
                host: host, port: config.mqtt.port, clientID: config.mqtt.clientID,
                tls: .init(caFile: ca, certificateFile: config.mqtt.certificateFile, keyFile: config.mqtt.keyFile),
                // A short backoff cap: after a broker restart the cloud must re-subscribe before agents resume
                // publishing (they wait 3 s after reconnecting; Mosquitto delivers nothing to an offline
                // subscriber's restored session).
                reconnect: ReconnectPolicy(initialDelay: 0.25, maxDelay: 2),
                subscriptionBufferLimit: max(config.recognition.queueDepth, 1)))
        } catch {
            throw CloudError(.invalidConfig, "\(error)", subject: "mqtt")
        }
        return CloudComponents(store: store, recognizer: recognizer, fleet: MQTTFleet(client: client), signer: signer,
                               metrics: metrics, mqtt: client)
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
            services: [retention, LiveFeedCloser(live: aggregator.live)]
                + (components.mqtt.map { [IngestService(client: $0, aggregator: aggregator, logger: logger)] } ?? []),
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
            return HealthView(status: "ok", galleryWorkers: aggregator.gallery?.workers.count ?? 0,
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
