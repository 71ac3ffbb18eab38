// One identity core, two places: the same crops through an edge-matching agent's path and through the cloud's
// give the same decisions (and the same distances, bit for bit), with the real models on the demo photos. And
// the cloud's alignment from the agent's shipped geometry gives the embedding re-detection would.
import Agent
import Cloud
import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import Logging
import MQTT
import ModelSupply
import RollcallCore
import Testing
import Wire

@Suite(.serialized) struct EdgeCloudAgreementTests {
    /// A cloud on real SQLite with the real recognizer, Obama enrolled from two demo photos, and an edge matcher
    /// holding the gallery the cloud signed.
    struct Setup {
        let root: URL
        let aggregator: Aggregator
        let recognizer: DlibFaceRecognizer
        let metrics = CloudMetrics()
        let matcher: EdgeMatcher
        let obama: WorkerID
        let galleryVersion: Int

        init(path: AgentPath) async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-agreement-\(UUID().uuidString)")
            var config = CloudConfig()
            config.storage.database = root.appendingPathComponent("db.sqlite").path
            config.storage.cropsDirectory = root.appendingPathComponent("crops").path
            config.storage.photosDirectory = root.appendingPathComponent("photos").path
            config.sites = [.init(id: AgentPath.site, name: "HQ", emotion: true)]
            recognizer = try DlibFaceRecognizer(models: path.store, slots: 1)
            let signer = GallerySigner()
            aggregator = Aggregator(config: config, store: try SQLiteStore(path: config.storage.database),
                                    recognizer: recognizer, fleet: RecordingFleet(), signer: signer, metrics: metrics,
                                    logger: Logger(label: "test"))
            try await aggregator.load()
            try await aggregator.agentReported(id: AgentPath.agent, siteID: AgentPath.site, status: "online",
                                               framesPerSecond: nil, outboxDepth: nil)
            let worker = try await aggregator.createWorker(name: "Barack Obama", actor: "test")
            obama = try #require(worker.id)
            _ = try await aggregator.enroll(workerID: obama, photo: try path.demo("obama"), actor: "test")
            let (_, version) = try await aggregator.enroll(workerID: obama, photo: try path.demo("obama2"), actor: "test")
            galleryVersion = version.version
            // The agent side: the signed message the cloud published, verified and decoded by the agent's cache.
            let cache = try GalleryCache(folder: root.appendingPathComponent("agent-gallery").path,
                                         verifier: WireGalleryVerifier(rawPublicKey: signer.publicKey),
                                         builder: RecognitionGalleryBuilder(modelID: Backbone.dlib.modelID),
                                         expectedModelID: Backbone.dlib.modelID)
            let published = try #require(try await aggregator.store.latestGalleryVersion())
            #expect(cache.apply(published.snapshot) == .applied(version: UInt64(version.version)))
            matcher = EdgeMatcher(cache: cache)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        func ingest() throws -> IngestService {
            IngestService(client: try MQTTClient(configuration: MQTTConfiguration(clientID: "unused", tls: nil)),
                          aggregator: aggregator, logger: Logger(label: "ingest"))
        }
    }

    static let photos = ["obama3", "biden", "obama", "obama2"]

    @Test(arguments: [AgentConfig.Mode.edgeMatch, .privacy])
    func theSameCropsGetTheSameDecisionAtTheEdgeAndInTheCloud(_ mode: AgentConfig.Mode) async throws {
        let path = try AgentPath()
        let setup = try await Setup(path: path)
        defer { setup.remove() }
        let ingest = try setup.ingest()
        let gallery = try #require(setup.aggregator.gallery)
        var sent = 0
        for (index, name) in Self.photos.enumerated() {
            let faces = try path.faces(of: try path.demo(name), mode: mode, matcher: setup.matcher, track: UInt64(index + 1))
            try #require(faces.count == 1, "one crop of the \(name) photo")
            for face in faces {
                let edge = try #require(face.event.edge, "the agent decided \(name) locally")
                #expect(edge.galleryVersion == UInt64(setup.galleryVersion))
                // The cloud's own decision for this face, from the message as it arrives.
                let crop = try FaceCrop(decoding: face.payload)
                let embedding: [Float]
                switch crop.content {
                case .jpeg(let jpeg, _):
                    #expect(mode == .edgeMatch)
                    let analyzed = try await setup.recognizer.analyzeCrop(
                        try EncodedImage(bytes: [UInt8](jpeg)),
                        face: DetectedFace(score: crop.detectionScore, box: crop.box, keypoints: crop.keypoints),
                        emotion: false)
                    embedding = analyzed.embedding
                case .embedding(let shipped):
                    #expect(mode == .privacy)
                    embedding = shipped.values
                }
                let cloud = try gallery.decide(embedding)
                #expect(cloud == edge.decision, "\(name): the cloud decides \(cloud), the agent \(edge.decision)")
                #expect(cloud.workerID == (name.hasPrefix("obama") ? setup.obama : nil), "\(name)")
                // Through ingest: stored with the agent's decision and the comparison.
                let result = try #require(await ingest.handleFace(topic: face.topic, payload: face.payload))
                let stored = try #require(try await setup.aggregator.store.detection(id: result.detectionID))
                #expect(stored.edgeWorkerID == edge.decision.workerID && stored.edgeAgreement == .agree)
                #expect(stored.edgeDistance == edge.decision.distance.map(Double.init))
                #expect(stored.edgeGalleryVersion == setup.galleryVersion)
                sent += 1
            }
        }
        #expect(setup.metrics.counter("rollcall_cloud_edge_decisions_total", labels: ["agreement": "agree"]) == Double(sent))
        #expect(setup.metrics.counter("rollcall_cloud_edge_decisions_total", labels: ["agreement": "disagree"]) == 0)
    }

    @Test func aDecisionAgainstAnotherGalleryIsCountedApartAndADisagreementIsCounted() async throws {
        let path = try AgentPath()
        let setup = try await Setup(path: path)
        defer { setup.remove() }
        let ingest = try setup.ingest()
        let face = try #require(try path.faces(of: try path.demo("obama3"), mode: .edgeMatch, matcher: setup.matcher).first)
        var crop = try FaceCrop(decoding: face.payload)
        let topic = face.topic
        // An agent still on an older gallery: not comparable.
        crop.messageID = UUID()
        crop.edge?.galleryVersion = UInt64(setup.galleryVersion - 1)
        _ = try #require(await ingest.handleFace(topic: topic, payload: try crop.encoded()))
        #expect(setup.metrics.counter("rollcall_cloud_edge_decisions_total", labels: ["agreement": "other_gallery"]) == 1)
        // An agent that says "unknown" where the cloud names Obama (same gallery): a disagreement, stored as such.
        crop.messageID = UUID()
        crop.edge = FaceCrop.EdgeDecision(workerID: nil, distance: 0.9, galleryVersion: UInt64(setup.galleryVersion))
        let result = try #require(await ingest.handleFace(topic: topic, payload: try crop.encoded()))
        #expect(setup.metrics.counter("rollcall_cloud_edge_decisions_total", labels: ["agreement": "disagree"]) == 1)
        let stored = try #require(try await setup.aggregator.store.detection(id: result.detectionID))
        #expect(stored.edgeAgreement == .disagree && stored.edgeWorkerID == nil && stored.workerID == setup.obama)
        // A cloud-match agent sends no decision: nothing to compare, nothing counted.
        crop.messageID = UUID()
        crop.edge = nil
        let plain = try #require(await ingest.handleFace(topic: topic, payload: try crop.encoded()))
        #expect(try await setup.aggregator.store.detection(id: plain.detectionID)?.edgeAgreement == nil)
        #expect(setup.metrics.counter("rollcall_cloud_edge_decisions_total", labels: ["agreement": "agree"]) == 0)
    }

    @Test func alignmentFromTheShippedGeometryMatchesReDetection() async throws {
        let path = try AgentPath()
        let recognizer = try DlibFaceRecognizer(models: path.store, slots: 1)
        for name in Self.photos {
            let face = try #require(try path.faces(of: try path.demo(name), mode: .cloudMatch).first)
            let crop = try FaceCrop(decoding: face.payload)
            guard case .jpeg(let jpeg, _) = crop.content else {
                Issue.record("cloud-match sends a JPEG")
                continue
            }
            let image = try EncodedImage(bytes: [UInt8](jpeg))
            let shipped = try await recognizer.analyzeCrop(
                image, face: DetectedFace(score: crop.detectionScore, box: crop.box, keypoints: crop.keypoints), emotion: false)
            // The old way: BlazeFace again on the crop.
            let redetected = try #require(try await recognizer.analyze(image, emotion: false).first, "\(name)")
            let distance = euclideanDistance(shipped.embedding, redetected.embedding)
            // Same face, same aligner; the start boxes differ by the detector's noise only. dlib's same-person
            // distances are ~0.3–0.5 and the threshold 0.47, so 0.1 leaves the decision where re-detection put it.
            #expect(distance < 0.1, "\(name): shipped vs re-detected embeddings \(distance) apart")
            // And the original photo's own embedding (the enrollment path) is as close.
            let whole = try #require(try await recognizer.analyze(try EncodedImage(bytes: try path.demo(name)), emotion: false).first)
            #expect(euclideanDistance(shipped.embedding, whole.embedding) < 0.1, "\(name)")
        }
    }
}
