// The whole agent as a site runs it: the `rollcall-agent` executable started on a configuration file, watched
// through its Prometheus /metrics endpoint, stopped with SIGTERM (or killed).
import Foundation
import TestSupport

/// One running `rollcall-agent` process.
final class AgentProcess: @unchecked Sendable {
    let process = Process()
    let metricsPort: Int
    let logPath: String

    /// The `rollcall-agent` executable: $ROLLCALL_AGENT_BIN, else the one built next to this test bundle
    /// (`swift build --build-tests` builds it; `swift build --show-bin-path` names that folder).
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_AGENT_BIN"], !path.isEmpty { return path }
        return try BuiltProducts.path("rollcall-agent")
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
            throw TestSupportError("cannot create \(logPath)")
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
        LoopbackHTTP.metrics(port: metricsPort)
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
