import Foundation
import MQTT
import PKI

/// A throwaway Mosquitto with the project's TLS configuration and a fresh PKI (CA, broker, a cloud `bench`
/// and an agent `bench/a1`), for the benchmarks that go over a real broker. `stop()` removes everything.
struct BenchBroker {
    let folder: URL
    let pki: URL
    let broker: MosquittoBroker

    /// Creates the PKI under a new temporary folder named after `name` and starts the broker.
    init(name: String, templatesFolder: URL? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-bench-\(name)-\(UUID().uuidString)")
        pki = folder.appendingPathComponent("pki")
        let authority = try CertificateAuthority.create(in: pki)
        try authority.issue(.broker(hosts: ["127.0.0.1"]))
        try authority.issue(.cloud(name: "bench"))
        try authority.issue(.agent(site: "bench", agent: "a1"))
        broker = MosquittoBroker(configuration: BrokerConfiguration(
            pkiFolder: pki, runtimeFolder: folder.appendingPathComponent("run"), port: try MosquittoBroker.freePort(),
            templatesFolder: templatesFolder ?? BrokerConfiguration.defaultTemplatesFolder()))
        try broker.start()
    }

    /// A clean-session client with the certificate `identity` (`cloud/bench` or `agents/bench/a1`).
    func client(_ identity: String, _ id: String) throws -> MQTTClient {
        try MQTTClient(configuration: configuration(identity, id))
    }

    /// The configuration of such a client (with manual acknowledgements and a Receive Maximum, as the cloud's
    /// ingest connection).
    func configuration(_ identity: String, _ id: String, manualAcknowledgements: Bool = false,
                       receiveMaximum: Int = 20) -> MQTTConfiguration {
        MQTTConfiguration(
            port: broker.configuration.port, clientID: id,
            tls: .init(caFile: pki.appendingPathComponent("ca.crt").path,
                       certificateFile: pki.appendingPathComponent("\(identity).crt").path,
                       keyFile: pki.appendingPathComponent("\(identity).key").path),
            cleanStart: true, sessionExpiry: 0, manualAcknowledgements: manualAcknowledgements,
            receiveMaximum: receiveMaximum)
    }

    /// Stops the broker and removes the folder.
    func stop() {
        broker.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
