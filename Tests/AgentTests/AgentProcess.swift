// The whole agent as a site runs it: the `rollcall-agent` executable started on a configuration file, watched
// through its Prometheus /metrics endpoint, stopped with SIGTERM (or killed).
import Foundation

/// One running `rollcall-agent` process.
final class AgentProcess: @unchecked Sendable {
    let process = Process()
    let metricsPort: Int
    let logPath: String

    /// The `rollcall-agent` executable: $ROLLCALL_AGENT_BIN, else the one built next to this test bundle
    /// (`swift build --build-tests` builds it; `swift build --show-bin-path` names that folder).
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_AGENT_BIN"], !path.isEmpty { return path }
        guard let path = OutboxKillTests.agentBinary else {
            throw TestBrokerError.tool("rollcall-agent not built: run `swift build --build-tests`")
        }
        return path
    }

    /// Starts `rollcall-agent run --config <config>` with `environment` added to this process's own; its output
    /// goes to `<config>.log`.
    init(config: String, metricsPort: Int, environment: [String: String] = [:]) throws {
        self.metricsPort = metricsPort
        logPath = config + ".log"
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["run", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw TestBrokerError.tool("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// What the agent wrote to standard output and error so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    var isRunning: Bool { process.isRunning }

    /// Every unlabelled or labelled sample of the agent's /metrics, by full name (`name{labels}`); empty while
    /// the endpoint does not answer.
    func metrics() -> [String: Double] {
        guard let (status, body) = try? httpGet("http://127.0.0.1:\(metricsPort)/metrics"), status == 200 else { return [:] }
        var samples: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }

    /// One metric (0 while absent).
    func metric(_ name: String) -> Double { metrics()[name] ?? 0 }

    /// SIGTERM, then waits up to `seconds` for a clean exit (SIGKILL after that); returns whether it exited by itself.
    @discardableResult
    func stop(within seconds: Double = 30) -> Bool {
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    deinit { stop(within: 5) }
}

/// A blocking HTTP/1.0 GET over a raw socket to 127.0.0.1 (the tests need no HTTP client).
func httpGet(_ url: String) throws -> (status: Int, body: String) {
    let parts = url.dropFirst("http://".count).split(separator: "/", maxSplits: 1)
    let port = Int(parts[0].split(separator: ":")[1]) ?? 0
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    guard connectLoopback(fd, port: port) else { throw POSIXError(.ECONNREFUSED) }
    let request = Array("GET /\(parts.count > 1 ? String(parts[1]) : "") HTTP/1.0\r\nHost: x\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var response = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        response += buffer[0..<n]
    }
    let text = String(decoding: response, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, body)
}
