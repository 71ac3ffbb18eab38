// The whole agent as a site runs it: the `rollcall-agent` executable started on a configuration file (`run
// --config`), watched through its Prometheus /metrics port, stopped with SIGTERM (SIGKILL after a grace
// period) or killed with SIGKILL as a crash or a power cut ends it. One helper for every test that runs the
// agent as a process (agent, cloud fault runs, end to end).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One running `rollcall-agent` process, in its own process group, its output in a log file.
public final class AgentProcess: @unchecked Sendable {
    /// The configuration file it runs.
    public let config: String
    /// Its /metrics port (`status.metrics_port` of the configuration).
    public let metricsPort: Int
    private let child: ChildProcess

    /// The debug `rollcall-agent`: $ROLLCALL_AGENT_BIN, else the one built next to the test bundle
    /// (`swift build --build-tests` builds it).
    public static func debugBinary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_AGENT_BIN"], !path.isEmpty { return path }
        return try BuiltProducts.path("rollcall-agent")
    }

    /// Starts `<executable> run --config <config>` (the debug build unless `executable` names another) with
    /// `environment` added to this process's own; its output is appended to `log` (default `<config>.log`).
    public init(name: String = "rollcall-agent", executable: String? = nil, config: String, metricsPort: Int,
                log: URL? = nil, environment: [String: String] = [:]) throws {
        self.config = config
        self.metricsPort = metricsPort
        child = try ChildProcess(name: name, executable: try executable ?? Self.debugBinary(),
                                 arguments: ["run", "--config", config],
                                 log: log ?? URL(fileURLWithPath: config + ".log"), environment: environment)
    }

    deinit { child.stop(grace: 5) }

    /// A name for messages.
    public var name: String { child.name }
    /// Its log file.
    public var logFile: URL { child.log }
    /// Everything it wrote to standard output and error so far.
    public var log: String { child.output }
    /// The last lines of its log, for failure messages.
    public func logTail(_ lines: Int = 30) -> String { child.logTail(lines: lines) }

    public var isRunning: Bool { child.isRunning }

    /// Every sample of its /metrics by full name (`name{labels}`); empty while the endpoint does not answer.
    public func metrics() -> [String: Double] {
        LoopbackHTTP.metrics(port: metricsPort)
    }

    /// The sum of a metric's samples over all its labels (0 when it has none yet); nil while the agent does not
    /// answer.
    public func metric(_ name: String) -> Double? {
        let samples = metrics()
        guard !samples.isEmpty else { return nil }
        return samples.filter { $0.key == name || $0.key.hasPrefix(name + "{") }.values.reduce(0, +)
    }

    /// SIGTERM, then up to `seconds` for a clean exit (SIGKILL after that); returns whether it exited by itself.
    @discardableResult
    public func stop(within seconds: Double = 30) -> Bool {
        child.stop(grace: seconds)
    }

    /// SIGTERM; true when it stopped by itself within `seconds` (SIGKILL after), waiting without blocking.
    public func terminate(within seconds: Double = 20) async -> Bool {
        guard child.isRunning else { return true }
        child.signal(SIGTERM)
        let exited = await child.waitForExit(within: seconds)
        if !exited { child.kill9() }
        return exited
    }

    /// SIGKILL to its process group, as a crash or a power cut ends it.
    public func kill9() {
        child.kill9()
    }
}
