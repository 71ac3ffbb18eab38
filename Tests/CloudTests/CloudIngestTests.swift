import Cloud
import Crypto
import FaceRecognition
import Imaging
import Foundation
import Logging
import ModelSupply
import MQTT
import PKI
import Testing
import TestSupport
import Synchronization
import Wire

/// The whole cloud path against a real Mosquitto (TLS, client certificates, the project's ACL) and the real
/// recognizer: an agent's crops → detections with the right worker; enrollment → signed gallery → ack;
/// deletion leaves nothing; bad messages are refused and counted while the service keeps running.
@Suite(.serialized) struct CloudIngestTests {
    static func demo(_ name: String) throws -> Data {
        let url = try ModelStore.standard().url(for: "demo-\(name)")
        return try Data(contentsOf: url)
    }

    /// The crop a cloud-match agent publishes when it sees `photo` (the agent's own pipeline), as track `track`.
    static func cropMessage(_ photo: Data, track: UInt64, camera: String = "door", id: UUID = UUID()) throws -> Data {
        let path = try AgentPath(localRecognition: false)
        guard let face = try path.faces(of: [UInt8](photo), mode: .cloudMatch).first else {
            throw CloudError(.badMessage, "the agent found no face in the photo")
        }
        var crop = try FaceCrop(decoding: face.payload)
        crop.messageID = id
        crop.camera = camera
        crop.trackID = track
        return try crop.encoded()
    }

    /// A face message carrying raw bytes as its "JPEG" (hostile input).
    static func rawCropMessage(_ bytes: Data, track: UInt64, camera: String = "door") throws -> Data {
        try FaceCrop(camera: camera, trackID: track, frameTime: Date(), frameWidth: 640, frameHeight: 480,
                     box: Rect(x: 0, y: 0, width: 200, height: 200), keypoints: [], detectionScore: 0.9, quality: 0.8,
                     content: .jpeg(bytes, region: Rect(x: 0, y: 0, width: 200, height: 200))).encoded()
    }

    static func embeddingMessage(_ values: [Float], model: String, track: UInt64, camera: String = "door") throws -> Data {
        try FaceCrop(camera: camera, trackID: track, frameTime: Date(), frameWidth: 640, frameHeight: 480,
                     box: Rect(x: 0, y: 0, width: 200, height: 200), keypoints: [], detectionScore: 0.9, quality: 0.8,
                     content: .embedding(.init(modelID: model, values: values))).encoded()
    }

    @Test func cropsEnrollmentAcksAndDeletionOverMosquitto() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-cloud-mqtt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = folder.appendingPathComponent("pki")
        let authority = try CertificateAuthority.create(in: pki)
        try authority.issue(.broker(hosts: ["127.0.0.1", "localhost"]))
        try authority.issue(.cloud(name: "main"))
        try authority.issue(.agent(site: "hq", agent: "door"))
        try authority.issue(.agent(site: "hq", agent: "silent"))
        let broker = MosquittoBroker(configuration: BrokerConfiguration(
            pkiFolder: pki, runtimeFolder: folder.appendingPathComponent("run"), port: try LoopbackPort.free()))
        try broker.start()
        defer { broker.kill() }
        let port = broker.configuration.port
        func mqtt(_ identity: String) -> MQTTConfiguration {
            MQTTConfiguration(port: port, clientID: identity.replacingOccurrences(of: "/", with: "-"),
                              tls: .init(caFile: pki.appendingPathComponent("ca.crt").path,
                                         certificateFile: pki.appendingPathComponent("\(identity).crt").path,
                                         keyFile: pki.appendingPathComponent("\(identity).key").path),
                              keepAlive: 10, cleanStart: true, sessionExpiry: 0,
                              reconnect: ReconnectPolicy(initialDelay: 0.05, maxDelay: 0.5), connectTimeout: 5)
        }

        // The cloud: real store, real recognizer, MQTT fleet and ingest.
        var config = CloudConfig()
        config.storage.database = folder.appendingPathComponent("cloud/db.sqlite").path
        config.storage.cropsDirectory = folder.appendingPathComponent("cloud/crops").path
        config.storage.photosDirectory = folder.appendingPathComponent("cloud/photos").path
        config.mqtt.maxMessageBytes = 1024 * 1024
        config.recognition.workers = 2
        config.recognition.matchThreshold = 0.6
        config.sites = [.init(id: "hq", name: "HQ", emotion: true)]
        let metrics = CloudMetrics()
        let cloudClient = try MQTTClient(configuration: mqtt("cloud/main"))
        let signer = GallerySigner()
        let aggregator = Aggregator(config: config, store: try SQLiteStore(path: config.storage.database),
                                    recognizer: try DlibFaceRecognizer(models: try ModelStore.standard(), slots: 2),
                                    fleet: MQTTFleet(client: cloudClient), signer: signer, metrics: metrics,
                                    logger: Logger(label: "cloud"))
        try await aggregator.load()
        let ingest = IngestService(client: cloudClient, aggregator: aggregator, logger: Logger(label: "ingest"))
        let ingestTask = Task { try await ingest.run() }
        defer { ingestTask.cancel() }
        let publisher = Task { await aggregator.galleryPublisher.run() }
        defer { publisher.cancel() }
        #expect(await eventually { cloudClient.isConnected })
        try await Task.sleep(nanoseconds: 300_000_000)   // subscriptions in place

        // The agent announces itself, listens to its site's gallery and results.
        let agent = try MQTTClient(configuration: mqtt("agents/hq/door"))
        try await agent.connect()
        let galleries = try await agent.subscribe(to: try Topic.gallery(site: "hq").validated())
        let results = try await agent.subscribe(to: try Topic.results(site: "hq").validated())
        let galleryInbox = Collector(galleries), resultInbox = Collector(results)
        try await agent.publish(try Availability(online: true, agentVersion: "test").encoded(),
                                to: try Topic.availability(site: "hq", agent: "door").validated(), retain: true)
        #expect(await eventually { (try? await aggregator.store.agent(siteID: "hq", id: "door")) != nil })

        // Enroll Obama from two photos: a signed gallery reaches the agent, which acknowledges it.
        let obama = try await aggregator.createWorker(name: "Barack Obama", actor: "test")
        let obamaID = try #require(obama.id)
        _ = try await aggregator.enroll(workerID: obamaID, photo: [UInt8](try Self.demo("obama")), actor: "test")
        let (_, version) = try await aggregator.enroll(workerID: obamaID, photo: [UInt8](try Self.demo("obama2")),
                                                       actor: "test")
        // The durable publisher publishes the newest version (an older one not sent yet is superseded).
        #expect(await eventually(within: 30) {
            guard let last = await galleryInbox.messages.last,
                  let update = try? GalleryUpdate(decoding: last.payload) else { return false }
            return update.version == UInt64(version.version)
        })
        let last = try #require(await galleryInbox.messages.last)
        let update = try GalleryUpdate.verified(decoding: last.payload,
                                                publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: signer.publicKey))
        #expect(update.version == UInt64(version.version))
        let gallery = try Gallery(snapshot: [UInt8](update.snapshot), expectedModelID: Backbone.dlib.modelID)
        #expect(gallery.workers.map(\.id) == [obamaID] && gallery.workers[0].exemplars.count == 2)
        try await agent.publish(try Wire.GalleryAck(version: update.version, outcome: .applied,
                                                    activeVersion: update.version).encoded(),
                                to: try Topic.galleryAck(site: "hq", agent: "door").validated())
        #expect(await eventually { (try? await aggregator.store.agent(siteID: "hq", id: "door"))??.galleryVersionAcked == version.version })

        // Crops as the agent publishes them: Obama recognised (with an emotion), Biden unknown.
        let facesTopic = try Topic.faces(site: "hq", agent: "door", camera: "door").validated()
        let obamaCropID = UUID()
        try await agent.publish(try Self.cropMessage(try Self.demo("obama3"), track: 1, id: obamaCropID), to: facesTopic)
        try await agent.publish(try Self.cropMessage(try Self.demo("biden"), track: 2), to: facesTopic)
        // Hostile input on the same topic: garbage, an oversized message, a duplicate; all refused and counted.
        try await agent.publish(Data("not a wire message".utf8), to: facesTopic)
        try await agent.publish(try Self.rawCropMessage(Data([0xFF, 0xD8, 0xFF, 0xD9] + [UInt8](repeating: 1, count: 1_200_000)),
                                                        track: 3), to: facesTopic)
        try await agent.publish(try Self.cropMessage(try Self.demo("obama3"), track: 1, id: obamaCropID), to: facesTopic)
        #expect(await eventually(within: 60) {
            ((try? await aggregator.store.detections(.init(), limit: 10, cursor: nil))?.items.count ?? 0) >= 2
        })
        let stored = try await aggregator.store.detections(.init(), limit: 10, cursor: nil).items
        #expect(stored.count == 2, "\(metrics.prometheusText())")
        let obamaRow = try #require(stored.first { $0.trackID == "1" })
        let bidenRow = try #require(stored.first { $0.trackID == "2" })
        #expect(obamaRow.workerID == obamaID)
        #expect(obamaRow.emotion != nil)
        #expect(bidenRow.workerID == nil)
        #expect(await eventually { metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "malformed"]) == 1 })
        #expect(await eventually { metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "oversized"]) == 1 })
        // Ingest works on several crops at once: the duplicate may be counted after both rows are stored.
        #expect(await eventually { metrics.counter("rollcall_cloud_messages_duplicate_total") == 1 })
        #expect(await eventually { await resultInbox.messages.count >= 2 })
        let published = try await resultInbox.messages.map { try Wire.RecognitionResult(decoding: $0.payload) }
        #expect(published.contains { $0.cropMessageID == obamaCropID && $0.workerID == obamaID })

        // Privacy mode: the agent sends only the embedding of the face (the same dlib embedder, here run on the
        // demo photo), never the image. Stored with Obama, no crop file, no emotion; bad embeddings are refused
        // and counted, and the service carries on.
        let obamaFaces = try await aggregator.recognizer.analyze(try EncodedImage(bytes: [UInt8](try Self.demo("obama3"))),
                                                                 emotion: false)
        let obamaEmbedding = try #require(obamaFaces.first?.embedding)
        try await agent.publish(try Self.embeddingMessage(obamaEmbedding, model: Backbone.dlib.modelID, track: 4),
                                to: facesTopic)
        try await agent.publish(try Self.embeddingMessage(Array(obamaEmbedding.prefix(64)), model: Backbone.dlib.modelID,
                                                          track: 5), to: facesTopic)
        try await agent.publish(try Self.embeddingMessage(obamaEmbedding, model: Backbone.vgg16.modelID, track: 6),
                                to: facesTopic)
        #expect(await eventually(within: 30) {
            metrics.counter("rollcall_cloud_embeddings_refused_total", labels: ["reason": "dimension"]) == 1
                && metrics.counter("rollcall_cloud_embeddings_refused_total", labels: ["reason": "model"]) == 1
        })
        #expect(await eventually(within: 30) {
            (try? await aggregator.store.detections(.init(trackID: "4"), limit: 10, cursor: nil))?.items.count == 1
        })
        let privacyRow = try #require(try await aggregator.store.detections(.init(trackID: "4"), limit: 10, cursor: nil)
            .items.first)
        #expect(privacyRow.workerID == obamaID && privacyRow.privacy)
        #expect(privacyRow.cropFile == nil && privacyRow.emotion == nil)
        #expect(metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "badEmbedding"]) == 2)
        #expect(try await aggregator.store.detections(.init(), limit: 10, cursor: nil).items.count == 3)
        #expect(await eventually {
            let published = await resultInbox.messages.compactMap { try? Wire.RecognitionResult(decoding: $0.payload) }
            return published.contains { $0.trackID == 4 && $0.workerID == obamaID && $0.emotion == nil }
        })

        // A crop from an agent that never announced itself is refused.
        let silent = try MQTTClient(configuration: mqtt("agents/hq/silent"))
        try await silent.connect()
        try await silent.publish(try Self.cropMessage(try Self.demo("obama3"), track: 9),
                                 to: try Topic.faces(site: "hq", agent: "silent", camera: "door").validated())
        #expect(await eventually(within: 30) {
            metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "badMessage"]) == 1
        })
        await silent.disconnect()

        // Deleting Obama: a new gallery without him, and no row or file of his left.
        let deletion = try await aggregator.deleteWorker(id: obamaID, actor: "token:admin")
        #expect(await eventually {
            guard let last = await galleryInbox.messages.last,
                  let update = try? GalleryUpdate(decoding: last.payload) else { return false }
            return update.version == UInt64(deletion.version)
        })
        #expect(try await aggregator.store.detections(.init(workerID: obamaID), limit: 10, cursor: nil).items.isEmpty)
        #expect(try await aggregator.store.photos(workerID: obamaID).isEmpty)
        let leftPhotos = FileManager.default.enumerator(atPath: config.storage.photosDirectory)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".jpg") } ?? []
        #expect(leftPhotos.isEmpty)
        #expect(await !aggregator.crops.exists(try #require(obamaRow.cropFile)))
        #expect(await aggregator.crops.exists(try #require(bidenRow.cropFile)))
        try await agent.publish(try Wire.GalleryAck(version: UInt64(deletion.version), outcome: .applied,
                                                    activeVersion: UInt64(deletion.version)).encoded(),
                                to: try Topic.galleryAck(site: "hq", agent: "door").validated())
        #expect(await eventually {
            (try? await aggregator.store.auditLog(limit: 20))?.contains {
                $0.action == "gallery.ack" && $0.subject == "gallery:\(deletion.version)" && $0.actor == "agent:hq/door"
            } == true
        })
        await agent.disconnect()
        ingestTask.cancel()
        _ = await ingestTask.result
    }
}

/// Collects a subscription's messages in the background.
final class Collector: Sendable {
    final class Box: Sendable {
        let messages = Mutex<[MQTTMessage]>([])
    }

    private let box: Box
    private let task: Task<Void, Never>

    init(_ subscription: MQTTSubscription) {
        let box = Box()
        self.box = box
        task = Task { for await message in subscription { box.messages.withLock { $0.append(message) } } }
    }

    deinit { task.cancel() }

    var messages: [MQTTMessage] { get async { box.messages.withLock { $0 } } }
}
