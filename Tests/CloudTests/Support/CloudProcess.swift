// Real `rollcall-cloud` processes on a real Mosquitto, for tests that kill them. Small and local until the
// shared TestSupport target offers the same.
import Foundation
import MQTT
import PKI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fresh PKI (CA, broker, two cloud identities, agents), a real Mosquitto with the project's configuration on a
/// free loopback port, and a temporary folder for the clouds' databases; all removed when released.
final class CloudFleetFixture: @unchecked Sendable {
    let folder: URL
    let pki: URL
    let broker: MosquittoBroker

    init(agents: [(site: String, agent: String)]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-fleet-\(UUID().uuidString)")
        pki = folder.appendingPathComponent("pki")
        let authority = try CertificateAuthority.create(in: pki)
        try authority.issue(.broker(hosts: ["127.0.0.1", "localhost"]))
        try authority.issue(.cloud(name: "main"))
        for (site, agent) in agents { try authority.issue(.agent(site: site, agent: agent)) }
        var attempt = 0
        while true {
            let broker = MosquittoBroker(configuration: BrokerConfiguration(
                pkiFolder: pki, runtimeFolder: folder.appendingPathComponent("broker"),
                port: try MosquittoBroker.freePort()))
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

    /// Client configuration for an identity (`agents/hq/door`).
    func mqtt(_ identity: String, cleanStart: Bool = true) -> MQTTConfiguration {
        MQTTConfiguration(port: broker.configuration.port, clientID: identity.replacingOccurrences(of: "/", with: "-"),
                          tls: .init(caFile: pki.appendingPathComponent("ca.crt").path,
                                     certificateFile: pki.appendingPathComponent("\(identity).crt").path,
                                     keyFile: pki.appendingPathComponent("\(identity).key").path),
                          keepAlive: 10, cleanStart: cleanStart, sessionExpiry: cleanStart ? 0 : 600,
                          reconnect: ReconnectPolicy(initialDelay: 0.05, maxDelay: 0.5), connectTimeout: 5)
    }

    /// A connected agent client.
    func agent(site: String, agent: String) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: mqtt("agents/\(site)/\(agent)", cleanStart: false))
        try await client.connect()
        return client
    }

    /// A cloud configuration on this broker with its own database folder (`name`), SQLite unless `storage`
    /// says otherwise.
    func cloudYAML(name: String, httpPort: Int, sites: [String], extra: String = "") -> String {
        let data = folder.appendingPathComponent(name).path
        return """
            http: {port: \(httpPort)}
            storage: {database: \(data)/db.sqlite, crops_dir: \(data)/crops, photos_dir: \(data)/photos}
            gallery: {signing_key: \(folder.path)/gallery.key}
            recognition: {workers: 2, queue_depth: 16}
            mqtt:
              host: 127.0.0.1
              port: \(broker.configuration.port)
              ca: \(pki.appendingPathComponent("ca.crt").path)
              cert: \(pki.appendingPathComponent("cloud/main.crt").path)
              key: \(pki.appendingPathComponent("cloud/main.key").path)
              client_id: rollcall-cloud-\(name)
            sites:
            \(sites.map { "  - {id: \($0), name: \($0), emotion: false}" }.joined(separator: "\n"))
            \(extra)
            """
    }
}

/// One `rollcall-cloud` process (the debug build next to the tests) with its output in a log file.
final class CloudProcess: @unchecked Sendable {
    static let binary = ".build/debug/rollcall-cloud"
    let configFile: URL
    let logFile: URL
    let httpPort: Int
    private var process: Process?

    init(folder: URL, name: String, yaml: String, httpPort: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        configFile = folder.appendingPathComponent("\(name).yaml")
        logFile = folder.appendingPathComponent("\(name).log")
        self.httpPort = httpPort
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
    }

    deinit { kill9() }

    /// Starts the process (appending to its log).
    func start() throws {
        if !FileManager.default.fileExists(atPath: logFile.path) {
            FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config", configFile.path, "--log-level", "info"]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    var isRunning: Bool { process?.isRunning ?? false }
    var exitStatus: Int32? { process.flatMap { $0.isRunning ? nil : $0.terminationStatus } }

    /// SIGKILL, and waits for the process to be gone.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM; true when it stopped within `timeout` seconds.
    func terminate(timeout: Double = 15) async -> Bool {
        guard let process, process.isRunning else { return true }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 50_000_000) }
        return !process.isRunning
    }

    /// `GET path` on the process; status and body, nil when it does not answer.
    func get(_ path: String, token: String? = nil, method: String = "GET") async -> (Int, Data)? {
        guard let url = URL(string: "http://127.0.0.1:\(httpPort)\(path)") else { return nil }
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let status = (response as? HTTPURLResponse)?.statusCode else { return nil }
        return (status, data)
    }

    var healthy: Bool { get async { await get("/healthz")?.0 == 200 } }

    /// A metric's value from `/metrics` (the first line with that name and labels), nil when absent.
    func metric(_ name: String) async -> Double? {
        guard let (_, body) = await get("/metrics") else { return nil }
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    /// The last lines of its log, for failure messages.
    func logTail(_ lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
