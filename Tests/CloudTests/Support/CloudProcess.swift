// Real `rollcall-cloud` processes on a real Mosquitto (TestSupport's BrokerFixture), for tests that kill them.
import Foundation
import MQTT
import PKI
import Synchronization
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension BrokerFixture {
    /// A connected agent client with a persistent session.
    func agent(site: String, agent: String) async throws -> MQTTClient {
        try await connectedClient("agents/\(site)/\(agent)", cleanStart: false)
    }

    /// A cloud configuration on this broker with its own data folder (`name`): SQLite unless `postgresURL`;
    /// without `mqtt`, API and dashboard only (no ingest, nothing published).
    func cloudYAML(name: String, httpPort: Int, sites: [String], postgresURL: String? = nil, mqtt: Bool = true,
                   extra: String = "") -> String {
        let data = folder.appendingPathComponent(name).path
        let (certificate, key) = self.certificate("cloud/main")
        let broker = """
            mqtt:
              host: 127.0.0.1
              port: \(port)
              ca: \(caFile)
              cert: \(certificate)
              key: \(key)
              client_id: rollcall-cloud-\(name)
            """
        return """
            http: {port: \(httpPort)}
            storage: {database: \(data)/db.sqlite, crops_dir: \(data)/crops, photos_dir: \(data)/photos\(
                postgresURL.map { ", postgres_url: \"\($0)\"" } ?? "")}
            gallery: {signing_key: \(folder.path)/gallery.key}
            recognition: {workers: 2, queue_depth: 16}
            \(mqtt ? broker : "")
            sites:
            \(sites.map { "  - {id: \($0), name: \($0), emotion: false}" }.joined(separator: "\n"))
            \(extra)
            """
    }
}

/// One `rollcall-cloud` process (the debug build next to the tests), started and restarted on one config.
final class CloudProcess: @unchecked Sendable {
    static let binary = ".build/debug/rollcall-cloud"
    let name: String
    let configFile: URL
    let logFile: URL
    let httpPort: Int
    /// The separate metrics listener's port (`metrics.port` in its config), when it has one.
    let metricsPort: Int?
    private var process: ChildProcess?
    /// The viewer token `/metrics` is read with (made on first use).
    private let viewerToken = Mutex<String?>(nil)

    init(folder: URL, name: String, yaml: String, httpPort: Int, metricsPort: Int? = nil) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.name = name
        configFile = folder.appendingPathComponent("\(name).yaml")
        logFile = folder.appendingPathComponent("\(name).log")
        self.httpPort = httpPort
        self.metricsPort = metricsPort
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
    }

    deinit { kill9() }

    /// Starts the process (its output appended to its log).
    func start() throws {
        process = try ChildProcess(name: "rollcall-cloud \(name)", executable: Self.binary,
                                   arguments: ["--config", configFile.path, "--log-level", "info"], log: logFile)
    }

    /// SIGKILL, as a crash would end it.
    func kill9() {
        process?.kill9()
    }

    /// SIGTERM; true when it stopped by itself within `timeout` seconds (SIGKILL after).
    func terminate(timeout: Double = 15) async -> Bool {
        guard let process else { return true }
        process.signal(SIGTERM)
        let exited = await process.waitForExit(within: timeout)
        if !exited { process.kill9() }
        return exited
    }

    /// `method path` on the process (its main listener unless `port` says another; with `body` of
    /// `contentType`); status and body, nil when it does not answer.
    func request(_ path: String, token: String? = nil, method: String = "GET", port: Int? = nil, body: Data? = nil,
                 contentType: String? = nil, timeout: Double = 5) async -> (Int, Data)? {
        guard let url = URL(string: "http://127.0.0.1:\(port ?? httpPort)\(path)") else { return nil }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let status = (response as? HTTPURLResponse)?.statusCode else { return nil }
        return (status, data)
    }

    var healthy: Bool { get async { await request("/healthz")?.0 == 200 } }

    /// A viewer token on this process's database (`rollcall token create`, once): `/metrics` needs one.
    func metricsToken() -> String? {
        if let token = viewerToken.withLock({ $0 }) { return token }
        guard let cli = try? BuiltProducts.path("rollcall"),
              let result = try? Tool.run(cli, ["token", "create", "--config", configFile.path, "--role", "viewer",
                                               "--name", "metrics-\(name)"]),
              result.status == 0 else { return nil }
        let token = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        viewerToken.withLock { $0 = token }
        return token
    }

    /// The Prometheus text of `/metrics`: from the separate listener when there is one (it answers without the
    /// database), else from the main listener with a viewer token. Nil when the process does not answer.
    func metricsText() async -> String? {
        if let metricsPort {
            guard let (status, body) = await request("/metrics", port: metricsPort), status == 200 else { return nil }
            return String(decoding: body, as: UTF8.self)
        }
        guard let token = metricsToken(), let (status, body) = await request("/metrics", token: token), status == 200
        else { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    /// A sample's value from `/metrics` (`name` with its labels, as written), nil when absent.
    func metric(_ name: String) async -> Double? {
        guard let text = await metricsText() else { return nil }
        return LoopbackHTTP.prometheusSamples(text)[name]
    }

    /// The last lines of its log, for failure messages.
    func logTail(_ lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
