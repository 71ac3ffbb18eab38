import Foundation
import MQTT
import PKI
import Wire

/// A fresh PKI (CA, broker, cloud, agents of two sites, an expired agent, an agent of a foreign CA) and a
/// real Mosquitto on a free loopback port with the project's configuration.
final class BrokerFixture: @unchecked Sendable {
    let folder: URL
    let pki: URL
    let foreignPKI: URL
    let broker: MosquittoBroker
    var port: Int { broker.configuration.port }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-mqtt-\(UUID().uuidString)")
        pki = folder.appendingPathComponent("pki")
        foreignPKI = folder.appendingPathComponent("foreign")
        let authority = try CertificateAuthority.create(in: pki)
        try authority.issue(.broker(hosts: ["127.0.0.1", "localhost"]))
        try authority.issue(.cloud(name: "main"))
        try authority.issue(.cloud(name: "second"))
        try authority.issue(.agent(site: "s1", agent: "a1"))
        try authority.issue(.agent(site: "s1", agent: "a2"))
        try authority.issue(.agent(site: "s2", agent: "b1"))
        try authority.issue(.agent(site: "s1", agent: "old"), days: 1, notBefore: Date().addingTimeInterval(-3 * 86_400))
        let foreign = try CertificateAuthority.create(in: foreignPKI, name: "Someone else's CA")
        try foreign.issue(.agent(site: "s1", agent: "a1"))
        // Tests run in parallel: a port found free may be taken before mosquitto binds it, so try a few.
        var attempt = 0
        while true {
            let configuration = BrokerConfiguration(pkiFolder: pki, runtimeFolder: folder.appendingPathComponent("run"),
                                                    port: try MosquittoBroker.freePort())
            let broker = MosquittoBroker(configuration: configuration)
            do {
                try broker.start()
                self.broker = broker
                break
            } catch {
                attempt += 1
                if attempt == 5 { throw error }
            }
        }
    }

    deinit {
        broker.kill()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Client configuration for an identity's certificate (`cloud/main`, `agents/s1/a1`) or none.
    func configuration(_ identity: String?, clientID: String? = nil, pkiFolder: URL? = nil, cleanStart: Bool = true,
                       will: MQTTConfiguration.Will? = nil) -> MQTTConfiguration {
        let root = pkiFolder ?? pki
        let tls = MQTTConfiguration.TLS(
            caFile: pki.appendingPathComponent("ca.crt").path,
            certificateFile: identity.map { root.appendingPathComponent("\($0).crt").path },
            keyFile: identity.map { root.appendingPathComponent("\($0).key").path })
        return MQTTConfiguration(port: port, clientID: clientID ?? (identity ?? "anonymous").replacingOccurrences(of: "/", with: "-"),
                                 tls: tls, keepAlive: 10, cleanStart: cleanStart, sessionExpiry: cleanStart ? 0 : 600,
                                 will: will, reconnect: ReconnectPolicy(initialDelay: 0.05, maxDelay: 0.5),
                                 connectTimeout: 5)
    }

    func connectedClient(_ identity: String, clientID: String? = nil, cleanStart: Bool = true) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: configuration(identity, clientID: clientID, cleanStart: cleanStart))
        try await client.connect()
        return client
    }
}

/// A valid face crop payload with a given message id.
func facePayload(_ id: UUID = UUID(), camera: String = "cam1", jpegBytes: Int = 200) throws -> Data {
    var jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0])
    jpeg.append(Data(repeating: 0x5A, count: max(0, jpegBytes - 6)))
    jpeg.append(contentsOf: [0xFF, 0xD9])
    return try FaceCrop(messageID: id, camera: camera, trackID: 1, frameTime: Date(), frameWidth: 640, frameHeight: 480,
                        box: .init(x: 10, y: 20, width: 100, height: 120), keypoints: [], detectionScore: 0.9,
                        quality: 0.8, content: .jpeg(jpeg, region: .init(x: 0, y: 0, width: 200, height: 200))).encoded()
}

/// Waits for `condition` up to `timeout` seconds.
func eventually(timeout: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(nanoseconds: 5_000_000)
    }
    return await condition()
}

/// Collects a subscription's messages in the background.
actor Inbox {
    private(set) var messages: [MQTTMessage] = []
    func append(_ message: MQTTMessage) { messages.append(message) }
    var count: Int { messages.count }

    static func collect(_ subscription: MQTTSubscription) -> (Inbox, Task<Void, Never>) {
        let inbox = Inbox()
        let task = Task {
            for await message in subscription { await inbox.append(message) }
        }
        return (inbox, task)
    }
}
