// A real `rollcall-agent` process (TestSupport's AgentProcess: the debug build next to the tests) on a
// BrokerFixture's broker, its camera a folder of frames, watched through its /metrics port, killed or stopped and
// started again on the same state (outbox and gallery folders): the agent side of the fault runs.
import Foundation
import Imaging
import ModelSupply
import TestSupport

/// One edge agent, started and restarted on one site's certificate and one state folder.
final class EdgeAgentProcess: @unchecked Sendable {
    static let camera = "entrance"
    let site: String
    let agent: String
    /// Holds the configuration, the log, the outbox, the gallery cache and the camera feeds.
    let folder: URL
    let metricsPort: Int
    private let fixture: BrokerFixture
    private let publicKey: String
    private let outboxBytes: Int
    private let cropPixels: Int
    private var process: AgentProcess?
    private var runs = 0

    var outboxPath: String { folder.appendingPathComponent("outbox").path }
    var galleryPath: String { folder.appendingPathComponent("gallery").path }
    var log: URL { folder.appendingPathComponent("agent.log") }

    /// `publicKey`: the cloud's gallery key (base64); `outboxBytes`: the outbox bound (≥ 1 MiB); `cropPixels`:
    /// the crops' shorter side (160…1024: large crops fill a small outbox with few faces).
    init(fixture: BrokerFixture, site: String, agent: String, publicKey: String, outboxBytes: Int = 256 << 20,
         cropPixels: Int = 160) throws {
        self.fixture = fixture
        self.site = site
        self.agent = agent
        self.publicKey = publicKey
        self.outboxBytes = outboxBytes
        self.cropPixels = cropPixels
        folder = fixture.folder.appendingPathComponent("agent-\(site)-\(agent)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        metricsPort = try LoopbackPort.free()
    }

    deinit { process?.kill9() }

    // MARK: Camera feeds

    /// A demo photo (`obama`, `obama2`, …) as a camera frame: the whole photo scaled to 480 pixels wide, JPEG.
    static func demoFrame(_ name: String) throws -> Data {
        let url = try ModelStore.standard().url(for: "demo-\(name)")
        let photo = try Image.load(contentsOf: url.path, options: DecodeOptions(format: .rgb))
        let height = photo.height * 480 / photo.width
        return Data(try photo.resized(width: 480, height: height).jpegData())
    }

    /// A folder the agent plays as its camera (`source.kind: folder`): for each of `rounds` rounds, each of
    /// `photos` for `frames` frames, then an empty frame for `gap` frames (which ends the track, so every round
    /// makes new tracks). Returns the folder and its number of frames.
    func feed(_ name: String, photos: [String], rounds: Int, frames: Int, gap: Int) throws -> (URL, Int) {
        let blank = try still("empty") {
            Data(try Image(width: 480, height: 360, format: .rgb, pixels: [UInt8](repeating: 96, count: 480 * 360 * 3))
                .jpegData())
        }
        var stillFor: [String: URL] = [:]
        for photo in photos { stillFor[photo] = try still(photo) { try Self.demoFrame(photo) } }
        var sequence: [URL] = []
        for _ in 0 ..< rounds {
            for photo in photos {
                sequence += Array(repeating: stillFor[photo] ?? blank, count: frames)
                sequence += Array(repeating: blank, count: gap)
            }
        }
        if sequence.isEmpty { sequence = [blank] }
        let feed = folder.appendingPathComponent("feed-\(name)")
        try FileManager.default.createDirectory(at: feed, withIntermediateDirectories: true)
        for (index, still) in sequence.enumerated() {
            try FileManager.default.createSymbolicLink(
                at: feed.appendingPathComponent(String(format: "%05d-%@", index + 1, still.lastPathComponent)),
                withDestinationURL: still)
        }
        return (feed, sequence.count)
    }

    /// A feed without faces (one empty frame; loop it): an agent that only drains its outbox and syncs its gallery.
    func emptyFeed() throws -> URL {
        try feed("empty", photos: [], rounds: 0, frames: 0, gap: 0).0
    }

    /// The frame file `name.jpg`, written by `make` the first time.
    private func still(_ name: String, _ make: () throws -> Data) throws -> URL {
        let stills = folder.appendingPathComponent("stills")
        let url = stills.appendingPathComponent("\(name).jpg")
        guard !FileManager.default.fileExists(atPath: url.path) else { return url }
        try FileManager.default.createDirectory(at: stills, withIntermediateDirectories: true)
        try make().write(to: url)
        return url
    }

    // MARK: Process

    /// Writes the configuration for `feed` and starts the agent (output appended to `log`).
    func start(feed: URL, loop: Bool, rate: Int) throws {
        runs += 1
        let (certificate, key) = fixture.certificate("agents/\(site)/\(agent)")
        let config = folder.appendingPathComponent("agent-\(runs).yaml")
        try """
            site: \(site)
            agent_id: \(agent)
            mode: cloud-match
            broker:
              host: 127.0.0.1
              port: \(fixture.port)
              ca_file: \(fixture.caFile)
              cert_file: \(certificate)
              key_file: \(key)
              keepalive_s: 5
            cameras:
              - id: \(Self.camera)
                source: {kind: folder, path: \(feed.path), loop: \(loop)}
                rate: \(rate)
                detector: short
                queue_depth: 8
            tracking:
              max_missed_frames: 2
            crops:
              min_quality: 0.3
              improve_interval_s: 60
              min_size_px: \(cropPixels)
            outbox:
              path: \(outboxPath)
              max_bytes: \(outboxBytes)
            gallery:
              path: \(galleryPath)
              public_key: \(publicKey)
            status:
              heartbeat_s: 1
              metrics_port: \(metricsPort)

            """.write(to: config, atomically: true, encoding: .utf8)
        process = try AgentProcess(name: "rollcall-agent \(site)/\(agent)", config: config.path, metricsPort: metricsPort,
                                   log: log)
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// SIGKILL, as a crash or a power cut ends it.
    func kill9() {
        process?.kill9()
    }

    /// SIGTERM; true when it stopped by itself within `timeout` seconds (SIGKILL after).
    func terminate(timeout: Double = 20) async -> Bool {
        await process?.terminate(within: timeout) ?? true
    }

    /// Every sample of its /metrics by full name; empty while it does not answer.
    func metrics() -> [String: Double] {
        process?.metrics() ?? [:]
    }

    /// The sum of a metric's samples over all its labels (`rollcall_agent_crops_queued_total`); nil while the
    /// agent does not answer.
    func metric(_ name: String) -> Double? {
        process?.metric(name)
    }

    /// The last lines of its log, for failure messages.
    func logTail(_ lines: Int = 30) -> String {
        process?.logTail(lines) ?? ""
    }
}
