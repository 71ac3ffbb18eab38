import Cloud
import Foundation
import Logging
import MQTT
import RollcallCore
import Testing
import Wire

/// Ingest's message handling without a broker (the broker path is in CloudIngestTests): every hostile
/// payload is refused and counted, and a valid crop still goes through afterwards.
@Suite struct IngestServiceTests {
    func service(_ env: TestEnvironment) throws -> IngestService {
        let client = try MQTTClient(configuration: MQTTConfiguration(clientID: "unused", tls: nil))
        return IngestService(client: client, aggregator: env.aggregator, logger: Logger(label: "t"))
    }

    func payload(_ image: [UInt8], id: UUID = UUID(), camera: String = "door") throws -> Data {
        try FaceCrop(messageID: id, camera: camera, trackID: 7, frameTime: Date(), frameWidth: 640, frameHeight: 480,
                     box: .init(x: 1, y: 2, width: 100, height: 100), keypoints: [], detectionScore: 0.9, quality: 0.7,
                     content: .jpeg(Data(image), region: Rect(x: 0, y: 0, width: 64, height: 64))).encoded()
    }

    @Test func hostilePayloadsAreRefusedAndCounted() async throws {
        let env = try await TestEnvironment { $0.mqtt.maxMessageBytes = 64 * 1024 }
        defer { env.remove() }
        try await env.registerAgent("a1", site: "hq")
        let ingest = try service(env)
        let topic = Topic.faces(site: "hq", agent: "a1", camera: "door").name
        // A real JPEG header so the crop passes the image check (the scripted recognizer keys on the bytes).
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x40, 0x00, 0x40, 0x01, 0x01, 0x11, 0x00,
                             0xFF, 0xD9]
        env.recognizer.scriptFace(jpeg, embedding: Embeddings.axis(4))
        let valid = try payload(jpeg)

        var generator = SystemRandomNumberGenerator()
        for round in 0 ..< 2000 {
            var bytes = [UInt8](valid)
            switch round % 4 {
            case 0: bytes = (0 ..< Int.random(in: 0 ... 300, using: &generator)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            case 1: bytes[Int.random(in: 0 ..< bytes.count, using: &generator)] ^= UInt8.random(in: 1 ... 255, using: &generator)
            case 2: bytes = Array(bytes.prefix(Int.random(in: 0 ..< bytes.count, using: &generator)))
            default: bytes += [UInt8](repeating: 0, count: Int.random(in: 1 ... 64, using: &generator))
            }
            _ = await ingest.handleFace(topic: topic, payload: Data(bytes))
        }
        #expect(await ingest.handleFace(topic: topic, payload: Data(count: 70 * 1024)) == nil)
        #expect(await ingest.handleFace(topic: "rollcall/v1/sites/hq/agents/a1/status", payload: valid) == nil)
        #expect(await ingest.handleFace(topic: Topic.faces(site: "hq", agent: "a1", camera: "other").name,
                                        payload: valid) == nil)
        let refused = env.metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "malformed"])
        #expect(refused >= 1000)
        #expect(env.metrics.counter("rollcall_cloud_messages_refused_total", labels: ["reason": "oversized"]) == 1)

        // (Mutated copies of the valid message that still decode share its id: counted as duplicates.)
        let duplicatesBefore = env.metrics.counter("rollcall_cloud_messages_duplicate_total")
        let id = UUID()
        let result = await ingest.handleFace(topic: topic, payload: try payload(jpeg, id: id))
        #expect(result?.agentID == "a1" && result?.trackID == "7" && result?.cropMessageID == id)
        #expect(await ingest.handleFace(topic: topic, payload: try payload(jpeg, id: id)) == nil)   // duplicate
        #expect(env.metrics.counter("rollcall_cloud_messages_duplicate_total") == duplicatesBefore + 1)
        let stranger = Topic.faces(site: "hq", agent: "intruder", camera: "door").name
        #expect(await ingest.handleFace(topic: stranger, payload: try payload(jpeg)) == nil)
        #expect(env.metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "badMessage"]) >= 1)
    }
}
