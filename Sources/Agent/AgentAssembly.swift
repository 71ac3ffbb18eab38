// Builds the running agent from its configuration: the one place where the real implementations of the
// pipeline's seams (Capture, FaceDetection, Imaging, FaceRecognition, Wire, MQTT) are chosen.
import FaceDetection
import FaceRecognition
import Foundation
import MQTT
import ModelSupply
import RollcallCore

/// A failure to assemble the agent (after the configuration itself validated).
public struct AgentAssemblyError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A component the configuration asks for is not available in this build.
        case unavailable
        /// A model, certificate or folder could not be opened.
        case resource
        /// The configuration lacks something the chosen mode needs (`component` names the key).
        case configuration
    }

    public let code: Code
    public let component: String
    public let detail: String

    public init(_ code: Code, component: String, detail: String) {
        self.code = code
        self.component = component
        self.detail = detail
    }

    public var description: String { "\(component): \(detail)" }
}

/// Resolves a validated configuration into services.
public enum AgentAssembly {
    /// How camera sources are opened (Capture's V4L2 and file sources, adapted to `CameraFeed`).
    public typealias FeedFactory = @Sendable (CameraConfig) throws -> any CameraFeed

    /// The services of a configured agent, ready for `AgentRuntime.run`: MQTT connection, outbox drainer,
    /// gallery sync, heartbeat, optional metrics, and one camera service per camera. In edge-match and privacy
    /// modes the cameras also embed (dlib ResNet) and match against the cached, signed gallery.
    public static func services(for config: AgentConfig, stats: AgentStats = AgentStats(),
                                feeds: FeedFactory? = nil) throws -> [any AgentService] {
        guard let feeds = feeds ?? defaultFeeds else {
            throw AgentAssemblyError(.unavailable, component: "cameras",
                                     detail: "this build has no capture sources yet (Capture module)")
        }
        let matchesLocally = config.mode != .cloudMatch
        let publicKey = config.gallery.publicKey.flatMap { Data(base64Encoded: $0) }
        if matchesLocally, publicKey == nil {
            throw AgentAssemblyError(.configuration, component: "gallery.public_key",
                                     detail: "required in \(config.mode.rawValue) mode (galleries must be verified)")
        }
        let store: ModelStore
        do {
            store = try ModelStore.standard()
        } catch {
            throw AgentAssemblyError(.resource, component: "models", detail: error.description)
        }
        let outbox: Outbox
        do {
            outbox = try Outbox(folder: FileSystem.expandingTilde(config.outbox.path), maxBytes: config.outbox.maxBytes)
        } catch {
            throw AgentAssemblyError(.resource, component: "outbox.path", detail: error.description)
        }
        let encoder = WireAgentEncoder(site: config.site, agent: config.agentID, mode: config.mode,
                                       version: RollcallVersion.current)
        let client = try mqttClient(config, encoder: encoder)
        let transport = MQTTTransport(client: client)

        var services: [any AgentService] = [
            MQTTConnectionService(client: client, encoder: encoder, stats: stats),
            OutboxDrainer(outbox: outbox, publisher: transport, stats: stats),
        ]
        func gallerySync<Builder: GalleryBuilding>(_ builder: Builder, key: Data,
                                                   modelID: String?) throws -> GalleryCache<Builder> {
            let cache: GalleryCache<Builder>
            do {
                cache = try GalleryCache(folder: FileSystem.expandingTilde(config.gallery.path),
                                         verifier: WireGalleryVerifier(rawPublicKey: key), builder: builder,
                                         expectedModelID: modelID)
            } catch {
                throw AgentAssemblyError(.resource, component: "gallery.path", detail: error.description)
            }
            services.append(GallerySyncService(cache: cache, subscriber: transport, encoder: encoder, outbox: outbox,
                                               stats: stats))
            return cache
        }
        var galleryVersion: @Sendable () -> UInt64 = { 0 }
        let local: LocalRecognition?
        if matchesLocally, let publicKey {
            let models = try dlibModels(store)
            let modelID = Backbone.dlib.modelID
            let cache = try gallerySync(RecognitionGalleryBuilder(modelID: modelID), key: publicKey, modelID: modelID)
            galleryVersion = { cache.version }
            local = LocalRecognition(models: models, matcher: EdgeMatcher(cache: cache))
        } else {
            local = nil
            if let publicKey {   // cloud-match: the gallery is kept and acknowledged, not decoded
                let cache = try gallerySync(SnapshotGalleryBuilder(), key: publicKey, modelID: nil)
                galleryVersion = { cache.version }
            }
        }
        let reporter = StatusReporter(mode: config.mode, cameras: config.cameras.map(\.id), stats: stats, outbox: outbox,
                                      galleryVersion: galleryVersion)
        services.append(HeartbeatService(reporter: reporter, encoder: encoder, publisher: transport,
                                         interval: .seconds(config.status.heartbeatSeconds), stats: stats))
        if let port = config.status.metricsPort {
            services.append(MetricsServer(address: config.status.metricsAddress, port: port) { reporter.prometheusText() })
        }
        let sink = EventSink(encoder: encoder, outbox: outbox, stats: stats)
        // Track ids start from the run's start time (ms) so that they do not repeat across restarts.
        let seed = UInt64(Date().timeIntervalSince1970 * 1000) << 8
        for (index, camera) in config.cameras.enumerated() {
            let modelURLs = try detectorModels(camera.detector, store: store, component: "cameras[\(index)].detector")
            let feed = try feeds(camera)
            services.append(CameraService(camera: camera.id, source: feed, queueDepth: camera.queueDepth, stats: stats,
                                          sink: sink) {
                // The embedder owns scratch memory: one per camera, made in the camera's own task.
                FrameProcessor(camera: camera.id, mode: config.mode, detection: config.detection,
                               tracking: config.tracking, crops: config.crops,
                               detector: try detector(modelURLs, minScore: config.detection.minScore),
                               renderer: ImagingCropRenderer(), embedder: local.map { DlibFaceEmbedder(models: $0.models) },
                               matcher: local?.matcher, stats: stats, firstTrackID: seed + UInt64(index) << 48)
            })
        }
        return services
    }

    /// The verified model files a detector range needs (`auto`: both BlazeFace models).
    public static func detectorModels(_ range: CameraConfig.DetectorRange, store: ModelStore,
                                      component: String) throws -> [BlazeFaceModel: URL] {
        let models: [BlazeFaceModel] = switch range {
        case .short: [.short]
        case .full: [.full]
        case .auto: [.short, .full]
        }
        var urls = [BlazeFaceModel: URL]()
        for model in models {
            do {
                urls[model] = try store.url(for: model.modelID)
            } catch {
                throw AgentAssemblyError(.resource, component: component, detail: error.description)
            }
        }
        return urls
    }

    /// One camera's detector: the one BlazeFace model given, or both composed over scales (`auto`).
    public static func detector(_ urls: [BlazeFaceModel: URL], minScore: Float) throws -> any FaceDetecting {
        var detectors = [BlazeFaceModel: BlazeFaceDetector]()
        for (model, url) in urls { detectors[model] = try BlazeFaceDetector(model: model, modelURL: url, minScore: minScore) }
        if let short = detectors[.short], let full = detectors[.full] {
            return MultiScaleFaceDetector(short: short, full: full)
        }
        guard let only = detectors.values.first else {
            throw AgentAssemblyError(.configuration, component: "cameras.detector", detail: "no detector model chosen")
        }
        return only
    }

    /// Capture's sources: V4L2 cameras, image folders, MJPEG files.
    static let defaultFeeds: FeedFactory? = { camera in CaptureFeed(camera: camera) }

    static func mqttClient(_ config: AgentConfig, encoder: WireAgentEncoder) throws -> MQTTClient {
        let will = try encoder.availability(online: false, since: Date())
        let configuration = MQTTConfiguration(
            host: config.broker.host, port: config.broker.port, clientID: "agent-\(config.site)-\(config.agentID)",
            tls: .init(caFile: config.broker.caFile, certificateFile: config.broker.certFile, keyFile: config.broker.keyFile),
            keepAlive: config.broker.keepAliveSeconds, cleanStart: false,
            will: .init(topic: will.topic, payload: Data(will.payload), qos: .atLeastOnce, retain: true))
        do {
            try configuration.validate()
            return try MQTTClient(configuration: configuration)
        } catch {
            throw AgentAssemblyError(.resource, component: "broker", detail: String(describing: error))
        }
    }
}
