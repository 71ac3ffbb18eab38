// A real Mosquitto for tests: a fresh PKI, the project's own broker configuration and ACL (TLS only, client
// certificates, identity from the certificate), on a free loopback port, removed when the fixture goes away.
import Foundation
import MQTT
import PKI

/// A fresh CA with the certificates a test asks for and a real broker using them.
///
/// ```swift
/// let fixture = try BrokerFixture(agents: [("s1", "a1")])
/// let cloud = try await fixture.connectedClient("cloud/main")
/// ```
public final class BrokerFixture: @unchecked Sendable {
    /// The temporary folder holding everything (removed in `deinit`).
    public let folder: URL
    /// The PKI folder (`ca.crt`, `broker.crt`, `cloud/NAME.crt`, `agents/SITE/AGENT.crt`, with keys).
    public let pki: URL
    /// The broker process (kill and start it again to simulate a crash; the session store persists).
    public let broker: MosquittoBroker
    /// The broker's port on 127.0.0.1.
    public var port: Int { broker.configuration.port }
    /// The CA, to issue more certificates (then `reloadACL()`).
    public let authority: CertificateAuthority

    /// Makes a CA, a broker certificate for 127.0.0.1/localhost, one cloud certificate per name and one agent
    /// certificate per (site, agent), then `prepare` (more certificates), renders the configuration and ACL,
    /// and starts the broker unless `start` is false (a test of an outage starts it later with `start()`).
    public init(clouds: [String] = ["main"], agents: [(site: String, agent: String)] = [("s1", "a1")],
                folderPrefix: String = "rollcall-broker", start: Bool = true,
                prepare: (CertificateAuthority) throws -> Void = { _ in }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(folderPrefix)-\(UUID().uuidString)")
        pki = folder.appendingPathComponent("pki")
        authority = try CertificateAuthority.create(in: pki)
        try authority.issue(.broker(hosts: ["127.0.0.1", "localhost"]))
        for name in clouds { try authority.issue(.cloud(name: name)) }
        for (site, agent) in agents { try authority.issue(.agent(site: site, agent: agent)) }
        try prepare(authority)
        // A port found free may be taken before mosquitto binds it (other suites start servers too): retry.
        var attempt = 0
        while true {
            let configuration = BrokerConfiguration(pkiFolder: pki, runtimeFolder: folder.appendingPathComponent("run"),
                                                    port: try LoopbackPort.free())
            let broker = MosquittoBroker(configuration: configuration)
            do {
                if start { try broker.start() } else { try configuration.write() }
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

    /// The certificate and key of an identity (`cloud/main`, `agents/s1/a1`).
    public func certificate(_ identity: String) -> (certificate: String, key: String) {
        (pki.appendingPathComponent("\(identity).crt").path, pki.appendingPathComponent("\(identity).key").path)
    }

    /// The CA certificate clients trust.
    public var caFile: String { pki.appendingPathComponent("ca.crt").path }

    /// Client configuration for an identity's certificate (`cloud/main`, `agents/s1/a1`), or none (nil).
    /// `pkiFolder` takes the certificate from another PKI (a foreign CA).
    public func configuration(_ identity: String?, clientID: String? = nil, pkiFolder: URL? = nil,
                              cleanStart: Bool = true, will: MQTTConfiguration.Will? = nil) -> MQTTConfiguration {
        let root = pkiFolder ?? pki
        let tls = MQTTConfiguration.TLS(
            caFile: caFile,
            certificateFile: identity.map { root.appendingPathComponent("\($0).crt").path },
            keyFile: identity.map { root.appendingPathComponent("\($0).key").path })
        return MQTTConfiguration(port: port,
                                 clientID: clientID ?? (identity ?? "anonymous").replacingOccurrences(of: "/", with: "-"),
                                 tls: tls, keepAlive: 10, cleanStart: cleanStart, sessionExpiry: cleanStart ? 0 : 600,
                                 will: will, reconnect: ReconnectPolicy(initialDelay: 0.05, maxDelay: 0.5),
                                 connectTimeout: 5)
    }

    /// A client of `identity`, connected.
    public func connectedClient(_ identity: String, clientID: String? = nil, cleanStart: Bool = true) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: configuration(identity, clientID: clientID, cleanStart: cleanStart))
        try await client.connect()
        return client
    }

    /// Starts the broker (again) on its port, with the sessions it persisted.
    public func start() throws {
        try broker.start()
    }

    /// Kills the broker with SIGKILL, as a crash would; its persisted sessions survive for `start()`.
    public func kill() {
        broker.kill()
    }

    /// Kills the broker and starts it again on the same port with its persisted sessions.
    public func restart() throws {
        broker.kill()
        try broker.start()
    }

    /// Re-renders the ACL (after issuing certificates) and has the broker reload it.
    public func reloadACL() throws {
        try broker.reload()
    }
}
