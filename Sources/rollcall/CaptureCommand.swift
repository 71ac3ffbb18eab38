import ArgumentParser
import Capture
import Foundation

/// `rollcall capture …`: look at a camera or a file source from the command line.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Inspect frame sources (V4L2 cameras, image folders, MJPEG files).",
        subcommands: [Probe.self]
    )

    /// `rollcall capture probe`: open a V4L2 camera, stream N frames and print one JSON object with the
    /// negotiated format and the counters. Exits non-zero if the camera failed before N frames.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a V4L2 camera, capture frames and print the negotiated format and counters as JSON.")

        @Option(help: "Device node.") var device = "/dev/video0"
        @Option(help: "Frames to capture.") var frames = 10
        @Option(help: "Wanted width.") var width = 640
        @Option(help: "Wanted height.") var height = 480
        @Option(help: "Wanted frame rate.") var fps = 30
        @Option(help: "Seconds without a frame before the device is reopened.") var pollTimeout = 2.0
        @Option(help: "First reopen delay in seconds (doubling up to 10 s).") var backoff = 0.25
        @Option(help: "Give up after this many failed reopen attempts in a row.") var maxReopenAttempts = 20
        @Option(help: "Overall time limit in seconds.") var timeout = 30.0

        func run() async throws {
            var configuration = V4L2Configuration(device: device, width: width, height: height, framesPerSecond: fps,
                                                  pollTimeout: pollTimeout, backoff: Backoff(initial: backoff),
                                                  maxReopenAttempts: maxReopenAttempts)
            configuration.bufferCount = 4
            let camera = try V4L2Camera(configuration)
            var report = ProbeReport(device: device)
            do {
                try camera.open()
                report.format = camera.streamFormat.map(ProbeReport.Format.init)
            } catch {
                report.error = error.description
                try report.print()
                throw ExitCode.failure
            }
            let stream = CaptureStream(source: camera, queueCapacity: max(2, frames))
            stream.start()
            let deadline = Date(timeIntervalSinceNow: timeout)
            let watchdog = Thread {
                while Date() < deadline, stream.statistics.running { Thread.sleep(forTimeInterval: 0.05) }
                stream.stop()
            }
            watchdog.start()
            var sizes = Set<[Int]>()
            for await frame in stream.frames {
                report.sequences.append(frame.sequence)
                sizes.insert([frame.image.width, frame.image.height])
                if report.sequences.count >= frames { break }
            }
            stream.stop()
            while stream.statistics.running { try await Task.sleep(for: .milliseconds(10)) }
            let statistics = stream.statistics
            report.frames = report.sequences.count
            report.frameSizes = sizes.sorted { $0.lexicographicallyPrecedes($1) }
            report.reopens = statistics.counters.reopens
            report.timeouts = statistics.counters.timeouts
            report.corrupt = statistics.counters.corruptFrames
            report.dropped = statistics.dropped
            report.formatAfter = camera.streamFormat.map(ProbeReport.Format.init)
            if report.frames < frames { report.error = statistics.lastError ?? "stopped after \(report.frames) of \(frames) frames" }
            try report.print()
            if report.error != nil { throw ExitCode.failure }
        }
    }
}

/// The JSON `rollcall capture probe` prints.
private struct ProbeReport: Encodable {
    struct Format: Encodable {
        var driver: String, card: String, pixelFormat: String, width: Int, height: Int
        var framesPerSecond: Double?, buffers: Int, offeredFormats: [String]

        init(_ format: V4L2StreamFormat) {
            driver = format.driver
            card = format.card
            pixelFormat = V4L2Negotiation.name(format.pixelFormat)
            width = format.width
            height = format.height
            framesPerSecond = format.framesPerSecond
            buffers = format.bufferCount
            offeredFormats = format.offeredFormats.map(V4L2Negotiation.name)
        }
    }

    var device: String
    var format: Format?
    var formatAfter: Format?
    var frames = 0
    var sequences: [UInt64] = []
    var frameSizes: [[Int]] = []
    var reopens: UInt64 = 0
    var timeouts: UInt64 = 0
    var corrupt: UInt64 = 0
    var dropped: UInt64 = 0
    var error: String?

    init(device: String) { self.device = device }

    func print() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        Swift.print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}
