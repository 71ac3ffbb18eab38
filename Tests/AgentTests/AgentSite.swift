// A site for whole-agent tests: a real Mosquitto with the project's configuration and ACL (mTLS; started or not —
// its port stays closed until then), the
// cloud's gallery key, a "cloud" MQTT client that records what the agent publishes, and the agent's config file.
import Crypto
import Foundation
import TestSupport
import MQTT
import Wire
@testable import Agent

/// Everything one whole-agent test needs around the `rollcall-agent` process.
final class AgentSite: @unchecked Sendable {
    let folder: String
    let broker: BrokerFixture
    /// The cloud's gallery signing key.
    let key = Curve25519.Signing.PrivateKey()
    let metricsPort: Int
    static let site = "hq", agent = "door-1", camera = "entrance"

    init(_ name: String = #function) throws {
        folder = temporaryFolder(name)
        broker = try BrokerFixture(clouds: ["main"], agents: [(Self.site, Self.agent)], folderPrefix: "rollcall-agent-site",
                                   start: false)
        metricsPort = try LoopbackPort.free()
    }

    var outboxPath: String { folder + "/outbox" }
    var galleryPath: String { folder + "/gallery" }

    /// Stores a signed gallery message the way the agent's cache keeps the one it synced last (`snapshot.msg`),
    /// as if the agent had received it from the cloud before the test.
    func seedGallery(_ message: Data) throws {
        try FileManager.default.createDirectory(atPath: galleryPath, withIntermediateDirectories: true)
        try message.write(to: URL(fileURLWithPath: galleryPath + "/snapshot.msg"))
    }

    /// Writes JPEG frames, in play order, into a new folder and returns its path.
    func frames(_ jpegs: [[UInt8]], name: String = "frames") throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (index, jpeg) in jpegs.enumerated() {
            try Data(jpeg).write(to: URL(fileURLWithPath: path + String(format: "/%03d.jpg", index)))
        }
        return path
    }

    /// Writes the agent's configuration (`source` is the camera's `source:` mapping in YAML flow style) and returns
    /// its path.
    func writeConfig(mode: AgentConfig.Mode, source: String, rate: Int, queueDepth: Int,
                     improveSeconds: Double = 30) throws -> String {
        let yaml = """
            site: \(Self.site)
            agent_id: \(Self.agent)
            mode: \(mode.rawValue)
            broker:
              host: 127.0.0.1
              port: \(broker.port)
              ca_file: \(broker.caFile)
              cert_file: \(broker.certificate("agents/\(Self.site)/\(Self.agent)").certificate)
              key_file: \(broker.certificate("agents/\(Self.site)/\(Self.agent)").key)
              keepalive_s: 5
            cameras:
              - id: \(Self.camera)
                source: \(source)
                rate: \(rate)
                queue_depth: \(queueDepth)
            tracking:
              max_missed_frames: 2
            crops:
              min_quality: 0.3
              improve_interval_s: \(improveSeconds)
            outbox:
              path: \(outboxPath)
            gallery:
              path: \(galleryPath)
              public_key: \(key.publicKey.rawRepresentation.base64EncodedString())
            status:
              heartbeat_s: 1
              metrics_port: \(metricsPort)
            """
        let path = folder + "/agent-\(mode.rawValue).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The messages waiting in the agent's outbox (read while the agent is stopped), oldest first.
    func outboxMessages() throws -> [(topic: String, payload: Data)] {
        let outbox = try Outbox(folder: outboxPath, maxBytes: 1 << 30)
        var messages: [(String, Data)] = []
        while let entry = try outbox.checkOut() { messages.append((entry.topic, entry.payload)) }
        return messages
    }

    /// The cloud side: an MQTT client (mTLS) subscribed to every topic of the agent, recording what arrives.
    func cloud() async throws -> CloudRecorder {
        let client = try await broker.connectedClient("cloud/main", clientID: "cloud")
        let subscription = try await client.subscribe(to: "\(Topic.root)/sites/\(Self.site)/agents/\(Self.agent)/#")
        let recorder = CloudRecorder(client: client)
        recorder.record(subscription)
        return recorder
    }
}

/// What the cloud received from the agent, decoded with Wire.
final class CloudRecorder: @unchecked Sendable {
    let client: MQTTClient
    private let lock = NSLock()
    private var messages: [MQTTMessage] = []
    private var listener: Task<Void, Never>?

    init(client: MQTTClient) {
        self.client = client
    }

    /// Records every message of `subscription` until `close()`.
    func record(_ subscription: MQTTSubscription) {
        listener = Task { [weak self] in
            for await message in subscription { self?.add(message) }
        }
    }

    private func add(_ message: MQTTMessage) { lock.withLock { messages.append(message) } }

    var all: [MQTTMessage] { lock.withLock { messages } }

    /// Face messages (crops or, in privacy mode, embeddings) that decode.
    var faces: [FaceCrop] { all.filter { $0.topic.hasSuffix("/faces") }.compactMap { try? FaceCrop(decoding: $0.payload) } }

    /// Messages on any agent results topic (agents put their decisions in the face messages; this stays empty).
    var agentResultMessages: [MQTTMessage] { all.filter { $0.topic.hasSuffix("/results") } }

    /// Gallery acknowledgements that decode.
    var acks: [GalleryAck] { all.filter { $0.topic.hasSuffix("/gallery/ack") }.compactMap { try? GalleryAck(decoding: $0.payload) } }

    /// Heartbeats that decode.
    var statuses: [AgentStatus] { all.filter { $0.topic.hasSuffix("/status") }.compactMap { try? AgentStatus(decoding: $0.payload) } }

    func close() async {
        listener?.cancel()
        await client.disconnect()
    }
}
