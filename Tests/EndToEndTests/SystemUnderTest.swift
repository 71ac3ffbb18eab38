// The whole system as separate processes on loopback: Mosquitto with the project's TLS configuration, the
// release `rollcall-cloud` and `rollcall-agent`, certificates from `rollcall pki`, all state in a temporary
// folder. Every process it starts is stopped by `shutdown()` (also from `deinit`).
import Foundation
import TestSupport

final class SystemUnderTest: @unchecked Sendable {
    static let site = "hq"
    static let agentID = "door-1"

    let root: URL
    let rollcall: String
    let cloudBinary: String
    let agentBinary: String
    let mosquitto: String
    let photos: URL
    let brokerPort: Int
    let httpPort: Int
    let metricsPort: Int

    private(set) var broker: ChildProcess?
    private(set) var cloud: ChildProcess?
    private(set) var agent: AgentProcess?
    private var runs = 0

    var pki: URL { root.appendingPathComponent("pki") }
    var client: CloudClient { CloudClient(base: "http://127.0.0.1:\(httpPort)", token: token) }
    private(set) var token = ""

    /// Finds the binaries (`ROLLCALL_BIN` and its siblings) and the demo photos, makes the state folder.
    init() throws {
        guard let bin = ProcessInfo.processInfo.environment["ROLLCALL_BIN"], !bin.isEmpty else {
            throw HarnessError(.setup, "ROLLCALL_BIN", """
                unset: the end-to-end test runs the release binaries; build them with
                `swift build -c release --product rollcall` (and --product rollcall-cloud, --product rollcall-agent)
                and export ROLLCALL_BIN=$PWD/.build/release/rollcall (scripts/test does both)
                """)
        }
        rollcall = bin
        let folder = (bin as NSString).deletingLastPathComponent
        cloudBinary = (folder as NSString).appendingPathComponent("rollcall-cloud")
        agentBinary = (folder as NSString).appendingPathComponent("rollcall-agent")
        for binary in [rollcall, cloudBinary, agentBinary] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw HarnessError(.setup, binary, "missing: `swift build -c release --product \((binary as NSString).lastPathComponent)`")
        }
        mosquitto = ProcessInfo.processInfo.environment["ROLLCALL_MOSQUITTO"] ?? "/usr/sbin/mosquitto"
        guard FileManager.default.isExecutableFile(atPath: mosquitto) else {
            throw HarnessError(.setup, mosquitto, "mosquitto is not installed (scripts/setup)")
        }
        let obama = try Self.capture(rollcall, ["models", "path", "demo-obama"]).trimmingCharacters(in: .whitespacesAndNewlines)
        photos = URL(fileURLWithPath: obama).deletingLastPathComponent()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-e2e-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        brokerPort = try LoopbackPort.free()
        httpPort = try LoopbackPort.free()
        metricsPort = try LoopbackPort.free()
    }

    deinit { shutdown() }

    func photo(_ name: String) -> URL { photos.appendingPathComponent(name) }

    /// Stops agent, cloud and broker (in that order). Idempotent.
    func shutdown() {
        agent?.stop()
        cloud?.stop()
        broker?.stop()
    }

    /// Removes the state folder (after a passing run).
    func removeState() {
        try? FileManager.default.removeItem(at: root)
    }

    /// The last lines of every process's log.
    func logs() -> String {
        let processes = [broker, cloud].compactMap { $0 }.map { ($0.name, $0.log.path, $0.logTail()) }
            + [agent].compactMap { $0 }.map { ($0.name, $0.logFile.path, $0.logTail(25)) }
        return processes.map { "--- \($0.0) (\($0.1)):\n\($0.2)" }.joined(separator: "\n") + "\n--- broker log:\n" + brokerLogTail()
    }

    func brokerLogTail() -> String {
        let text = (try? String(contentsOf: root.appendingPathComponent("broker/mosquitto.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    // MARK: Certificates and broker

    /// A CA, the broker's, the cloud's and the agent's certificates, through `rollcall pki`.
    func makePKI() throws {
        let dir = pki.path
        _ = try Self.capture(rollcall, ["pki", "init", "--dir", dir, "--days", "2"])
        _ = try Self.capture(rollcall, ["pki", "issue", "broker", "--dir", dir, "--days", "2"])
        _ = try Self.capture(rollcall, ["pki", "issue", "cloud", "--dir", dir, "--name", "main", "--days", "2"])
        _ = try Self.capture(rollcall, ["pki", "issue", "agent", "--dir", dir, "--site", Self.site, "--id", Self.agentID,
                                        "--days", "2"])
    }

    /// Renders the broker configuration (`rollcall pki broker-config`) and starts mosquitto; waits until it listens.
    func startBroker() async throws {
        let config = try Self.capture(rollcall, ["pki", "broker-config", "--dir", pki.path, "--port", "\(brokerPort)",
                                                 "--runtime", root.appendingPathComponent("broker").path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let process = try ChildProcess(name: "mosquitto", executable: mosquitto, arguments: ["-c", config],
                                       log: root.appendingPathComponent("logs/mosquitto.out"))
        broker = process
        _ = try await poll("mosquitto listening on 127.0.0.1:\(brokerPort)", within: 15, every: .milliseconds(50),
                                 context: logs) { () async throws -> Bool? in
            guard process.isRunning else { throw HarnessError(.exited, "mosquitto", logs()) }
            return LoopbackPort.accepts(brokerPort) ? true : nil
        }
    }

    /// Stops the broker gracefully (it saves its persistence file), as an operator's restart does.
    func stopBroker() {
        broker?.stop()
    }

    // MARK: Cloud

    /// Writes the cloud's configuration, creates an admin token (`rollcall token create`), starts the cloud and
    /// waits for `/healthz`.
    func startCloud() async throws {
        let state = root.appendingPathComponent("cloud").path
        let config = root.appendingPathComponent("cloud.yaml")
        try """
            http:
              host: 127.0.0.1
              port: \(httpPort)
            storage:
              database: \(state)/rollcall.sqlite
              crops_dir: \(state)/crops
              photos_dir: \(state)/photos
            recognition:
              queue_depth: 256
            mqtt:
              host: 127.0.0.1
              port: \(brokerPort)
              ca: \(pki.path)/ca.crt
              cert: \(pki.path)/cloud/main.crt
              key: \(pki.path)/cloud/main.key
              client_id: rollcall-e2e-cloud
            gallery:
              signing_key: \(state)/gallery-signing.key
            sites:
              - id: \(Self.site)
                name: End-to-end site
                emotion: true

            """.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        token = try Self.capture(rollcall, ["token", "create", "--config", config.path, "--role", "admin", "--name", "e2e"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let process = try ChildProcess(name: "rollcall-cloud", executable: cloudBinary,
                                       arguments: ["--config", config.path],
                                       log: root.appendingPathComponent("logs/cloud.log"))
        cloud = process
        let client = self.client
        _ = try await poll("rollcall-cloud answering /healthz", within: 60, context: logs) { () async throws -> Bool? in
            guard process.isRunning else { throw HarnessError(.exited, "rollcall-cloud", logs()) }
            return await client.healthy() ? true : nil
        }
    }

    // MARK: Agent and its camera

    /// A folder the agent plays as its camera: for each round, each photo for `frames` frames then an empty
    /// frame for `gap` frames (which ends the face's track, so every round makes new tracks).
    func makeFeed(_ name: String, photos names: [String], rounds: Int, frames: Int, gap: Int) throws -> URL {
        let folder = root.appendingPathComponent("feeds/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let blank = root.appendingPathComponent("feeds/empty-\(name).ppm")
        var bytes = Data("P6\n320 240\n255\n".utf8)
        bytes.append(Data(repeating: 128, count: 320 * 240 * 3))
        try bytes.write(to: blank)
        var index = 0
        func link(_ target: URL, _ label: String) throws {
            index += 1
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(String(format: "%05d-%@", index, label)), withDestinationURL: target)
        }
        for _ in 0 ..< rounds {
            for photo in names {
                for _ in 0 ..< frames { try link(self.photo(photo), photo) }
                for _ in 0 ..< gap { try link(blank, "empty.ppm") }
            }
        }
        return folder
    }

    /// Writes the agent's configuration for `feed` and starts it (a previous agent process is stopped first).
    func startAgent(feed: URL, loop: Bool, rate: Int, publicKey: String) throws {
        agent?.stop()
        runs += 1
        let state = root.appendingPathComponent("agent").path
        let config = root.appendingPathComponent("agent-\(runs).yaml")
        try """
            site: \(Self.site)
            agent_id: \(Self.agentID)
            mode: cloud-match
            broker:
              host: 127.0.0.1
              port: \(brokerPort)
              ca_file: \(pki.path)/ca.crt
              cert_file: \(pki.path)/agents/\(Self.site)/\(Self.agentID).crt
              key_file: \(pki.path)/agents/\(Self.site)/\(Self.agentID).key
              keepalive_s: 5
            cameras:
              - id: entrance
                source:
                  kind: folder
                  path: \(feed.path)
                  loop: \(loop)
                rate: \(rate)
                detector: short
                queue_depth: 4
            tracking:
              max_missed_frames: 2
            crops:
              improve_interval_s: 30
            outbox:
              path: \(state)/outbox
              max_bytes: 268435456
            gallery:
              path: \(state)/gallery
              public_key: \(publicKey)
            status:
              heartbeat_s: 2
              metrics_port: \(metricsPort)

            """.write(to: config, atomically: true, encoding: .utf8)
        let check = try Self.capture(agentBinary, ["--config", config.path, "--check"])
        guard check.contains("valid") else { throw HarnessError(.setup, config.path, check) }
        agent = try AgentProcess(name: "rollcall-agent[\(runs)]", executable: agentBinary, config: config.path,
                                 metricsPort: metricsPort, log: root.appendingPathComponent("logs/agent-\(runs).log"))
    }

    /// The agent's Prometheus text from its `/metrics` port.
    func agentMetrics() async throws -> String {
        guard agent?.isRunning == true else { throw HarnessError(.exited, "rollcall-agent", logs()) }
        let client = CloudClient(base: "http://127.0.0.1:\(metricsPort)", token: "")
        return String(decoding: try await client.call("GET", "/metrics", authorized: false), as: UTF8.self)
    }

    // MARK: Helpers

    /// Runs a short command to completion and returns its standard output; throws with its output when it fails.
    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try Tool.run(executable, arguments)
        guard result.status == 0 else {
            throw HarnessError(.setup, ([executable] + arguments).joined(separator: " "),
                               "exit status \(result.status): \(result.standardOutput)\(result.standardError)")
        }
        return result.standardOutput
    }
}
