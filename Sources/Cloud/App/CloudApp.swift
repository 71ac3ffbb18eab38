// Builds the aggregator application from a configuration: store, recognizer, fleet, router and services.
import Foundation
import Hummingbird
import Logging
import ModelSupply
import MQTT
import Neural
import ServiceLifecycle

/// The parts an application is made of; tests pass their own recognizer or fleet, the executable the real ones.
public struct CloudComponents: Sendable {
    public var store: any Store
    public var recognizer: any FaceRecognizer
    public var fleet: any FleetPublisher
    public var signer: GallerySigner
    public var metrics: CloudMetrics
    /// The broker connection ingest reads from (nil: API and dashboard only). The fleet publishes on its own
    /// connection (`FleetConnection`, among `services`).
    public var mqtt: MQTTClient?
    /// Where crops and enrollment photos go (nil: files under the configured folders).
    public var crops: (any BlobVault)?
    public var photos: (any BlobVault)?
    /// Services the parts need run (the PostgreSQL store's connection pool), started first and stopped last.
    public var services: [any Service]

    public init(store: any Store, recognizer: any FaceRecognizer, fleet: any FleetPublisher, signer: GallerySigner,
                metrics: CloudMetrics, mqtt: MQTTClient? = nil, crops: (any BlobVault)? = nil,
                photos: (any BlobVault)? = nil, services: [any Service] = []) {
        self.store = store
        self.recognizer = recognizer
        self.fleet = fleet
        self.signer = signer
        self.metrics = metrics
        self.mqtt = mqtt
        self.crops = crops
        self.photos = photos
        self.services = services
    }
}

/// Builds the Hummingbird application and the aggregator behind it.
public enum CloudApp {
    /// The default parts for `config`: SQLite store (PostgreSQL with `storage.postgres_url`, crops and photos in
    /// it), the dlib recognizer (models from the model store: `rollcall models fetch`), and MQTT ingest and fleet
    /// push when `mqtt.host` is set.
    public static func defaultComponents(config: CloudConfig, logger: Logger) async throws(CloudError) -> CloudComponents {
        let metrics = CloudMetrics()
        let store: any Store
        var crops: (any BlobVault)?, photos: (any BlobVault)?
        var services: [any Service] = []
        if let url = config.storage.postgresURL {
            let postgres = try await PostgresStore.open(url: url, logger: logger)
            store = postgres
            crops = PostgresBlobVault(store: postgres)
            photos = PostgresBlobVault(store: postgres)
            services.append(postgres)
        } else {
            store = try SQLiteStore(path: config.storage.database)
        }
        let signer = try GallerySigner(keyFile: config.gallery.signingKeyFile,
                                       maxAge: config.gallery.maxAgeHours * 3600)
        let models: ModelStore
        do {
            models = try ModelStore.standard()
        } catch {
            throw CloudError(.unavailable, "model store: \(error)", subject: "models")
        }
        let recognizer = try DlibFaceRecognizer(models: models, slots: config.recognition.effectiveWorkers,
                                                blasThreads: config.recognition.effectiveBLASThreads)
        let kernels = KernelDispatch.active
        for note in kernels.notes { logger.warning("\(note)") }
        if kernels.isSlowPath {
            logger.warning("inference on the slow path: kernels \(kernels.isa.rawValue), GEMM \(kernels.gemmName) (this CPU supports \(kernels.cpuBest.rawValue)); expect a fraction of the usual crops/s")
        }
        guard let host = config.mqtt.host, let ca = config.mqtt.caFile else {
            logger.warning("no mqtt.host configured: API and dashboard only, nothing is published to agents")
            return CloudComponents(store: store, recognizer: recognizer, fleet: OfflineFleet(metrics: metrics),
                                   signer: signer, metrics: metrics, crops: crops, photos: photos, services: services)
        }
        let ingest: MQTTClient, publishing: MQTTClient
        do {
            let configuration = MQTTConfiguration(
                host: host, port: config.mqtt.port, clientID: config.mqtt.clientID,
                tls: .init(caFile: ca, certificateFile: config.mqtt.certificateFile, keyFile: config.mqtt.keyFile),
                // A short backoff cap: after a broker restart the cloud must re-subscribe before agents resume
                // publishing (they wait 3 s after reconnecting; Mosquitto delivers nothing to an offline
                // subscriber's restored session).
                reconnect: ReconnectPolicy(initialDelay: 0.25, maxDelay: 2),
                // A message is acknowledged once its detection (or refusal) is committed; the broker holds
                // back more than `queue_depth` unacknowledged ones.
                manualAcknowledgements: true, receiveMaximum: config.recognition.queueDepth)
            ingest = try MQTTClient(configuration: configuration)
            // Results and gallery versions on their own connection: ingest's writes wait for its batch.
            publishing = try MQTTClient(configuration: FleetConnection.configuration(ingest: configuration))
        } catch {
            throw CloudError(.invalidConfig, "\(error)", subject: "mqtt")
        }
        services.append(FleetConnection(client: publishing, metrics: metrics, logger: logger))
        // Not `ingest`: while a face is unacknowledged that connection writes nothing (the write gate), and a
        // result or gallery version must not wait for a batch to commit — nor for a database outage to end.
        return CloudComponents(store: store, recognizer: recognizer, fleet: MQTTFleet(client: publishing),
                               signer: signer, metrics: metrics, mqtt: ingest, crops: crops, photos: photos,
                               services: services)
    }

    /// The configured store alone (SQLite, or PostgreSQL with `storage.postgres_url`), for command-line tools.
    public static func openStore(config: CloudConfig, logger: Logger) async throws(CloudError) -> any Store {
        if let url = config.storage.postgresURL { return try await PostgresStore.open(url: url, logger: logger) }
        return try SQLiteStore(path: config.storage.database)
    }

    /// The application: HTTP server plus retention and the components' services. Loads the aggregator first.
    public static func build(config: CloudConfig, components: CloudComponents,
                             logger: Logger) async throws(CloudError) -> (some ApplicationProtocol, Aggregator) {
        let aggregator = Aggregator(config: config, store: components.store, recognizer: components.recognizer,
                                    fleet: components.fleet, signer: components.signer, metrics: components.metrics,
                                    logger: logger, crops: components.crops, photos: components.photos)
        try await aggregator.load()
        let router = buildRouter(aggregator: aggregator)
        let retention = RetentionService(store: components.store, crops: aggregator.crops,
                                         retention: config.retention, metrics: components.metrics, logger: logger)
        // `/metrics` without a token only on its own listener (an internal address), when one is configured.
        let metricsListener: [any Service] = config.metrics.port.map { port in
            [Application(router: buildMetricsRouter(metrics: components.metrics),
                         configuration: .init(address: .hostname(config.metrics.host, port: port),
                                              serverName: "rollcall-cloud-metrics"),
                         logger: logger)]
        } ?? []
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.http.host, port: config.http.port),
                                 serverName: "rollcall-cloud"),
            services: components.services + [retention, aggregator.liveEvents, LiveFeedCloser(live: aggregator.live),
                                              aggregator.galleryPublisher, GalleryRefreshService(aggregator: aggregator),
                                              try unknownPeopleService(aggregator, logger: logger)]
                + metricsListener + (try notificationServices(aggregator, mqtt: components.mqtt, logger: logger))
                + (components.mqtt.map { [IngestService(client: $0, aggregator: aggregator, logger: logger)] } ?? []),
            logger: logger)
        return (app, aggregator)
    }

    /// Every route: health (open), metrics (bearer token), the JSON API (bearer token, JSON bodies), the
    /// dashboard (database session, same-site forms with anti-forgery tokens); security headers on all.
    public static func buildRouter(aggregator: Aggregator) -> Router<CloudRequestContext> {
        let config = aggregator.config
        let metrics = aggregator.metrics
        let tokens = TokenIssuer(store: aggregator.store)
        let origin = RequestOrigin(settings: config.dashboard)
        let throttle = LoginThrottle(failuresPerMinute: config.dashboard.failedLoginsPerMinute)
        let sessions = DashboardSessions(store: aggregator.store, lifetime: config.dashboard.sessionHours * 3600)
        let router = Router(context: CloudRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware(origin: origin))
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware(metrics: metrics))

        router.get("healthz") { _, _ -> HealthView in
            _ = try await aggregator.store.latestGalleryVersion()   // the database answers
            return HealthView(status: "ok", galleryWorkers: aggregator.gallery?.workers.count ?? 0,
                              liveSubscribers: aggregator.live.subscriberCount)
        }
        // The figures name sites and agents: a viewer token here, or the separate listener (`metrics.port`).
        router.group("metrics")
            .add(middleware: AuthMiddleware(tokens: tokens, throttle: throttle, origin: origin))
            .get("") { _, _ in metricsResponse(metrics) }

        let api = router.group("api/v1")
            .add(middleware: AuthMiddleware(tokens: tokens, throttle: throttle, origin: origin,
                                            readOnlyPosts: ["/api/v1/recognize"]))
        APIController(aggregator: aggregator, config: config).register(on: api)
        TokenController(tokens: tokens, config: config).register(on: api)
        FeatureRoutes(aggregator: aggregator, config: config).register(on: api)

        DashboardController(aggregator: aggregator, tokens: tokens, sessions: sessions, throttle: throttle,
                            origin: origin).register(on: router)
        return router
    }

    /// The separate metrics listener's router: `/metrics` only, no token (bind it to an internal address).
    public static func buildMetricsRouter(metrics: CloudMetrics) -> Router<CloudRequestContext> {
        let router = Router(context: CloudRequestContext.self)
        router.get("metrics") { _, _ in metricsResponse(metrics) }
        return router
    }

    static func metricsResponse(_ metrics: CloudMetrics) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
    }
}
