// End-to-end tests of the real V4L2 capture code against the emulated camera (Sources/FakeV4L2, loaded with
// LD_PRELOAD into a `rollcall capture probe` child process, since LD_PRELOAD only acts at process start).
import Foundation
import Imaging
import Testing

@Suite(.serialized) struct EmulatedV4L2Tests {
    struct Probe: Decodable {
        struct Format: Decodable {
            var driver: String
            var pixelFormat: String
            var width: Int
            var height: Int
            var buffers: Int
            var offeredFormats: [String]
        }
        var format: Format?
        var frames: Int
        var sequences: [UInt64]
        var frameSizes: [[Int]]
        var reopens: UInt64
        var corrupt: UInt64
        var error: String?
    }

    /// The rollcall binary: $ROLLCALL_BIN, else the debug build the test script makes first.
    private func rollcallBinary() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["ROLLCALL_BIN"], !bin.isEmpty { return bin }
        let debug = FileManager.default.currentDirectoryPath + "/.build/debug/rollcall"
        guard FileManager.default.isExecutableFile(atPath: debug) else {
            throw TestFailure("ROLLCALL_BIN is unset and \(debug) does not exist: run `swift build --build-tests` first")
        }
        return debug
    }

    /// The emulated device library built from Sources/FakeV4L2 (`swift build` builds the FakeV4L2 product).
    private func fakeLibrary() throws -> String {
        let root = FileManager.default.currentDirectoryPath
        for candidate in [".build/debug/libFakeV4L2.so", ".build/release/libFakeV4L2.so"] {
            let path = "\(root)/\(candidate)"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw TestFailure("libFakeV4L2.so not found under .build/debug or .build/release: run `swift build --build-tests`")
    }

    /// Writes `count` frames of 64×48 as both .jpg (for MJPG) and .yuyv (for YUYV).
    private func framesFolder(_ count: Int) throws -> URL {
        let folder = try CaptureFixtures.temporaryFolder("v4l2")
        for i in 0 ..< count {
            let image = try CaptureFixtures.frame(i)
            try Data(image.jpegData()).write(to: folder.appendingPathComponent(String(format: "%03d.jpg", i)))
            try Data(image.yuyvData()).write(to: folder.appendingPathComponent(String(format: "%03d.yuyv", i)))
        }
        return folder
    }

    private func probe(device: String = "/dev/video0", frames: Int, environment: [String: String]) throws -> (Probe, Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try rollcallBinary())
        process.arguments = ["capture", "probe", "--device", device, "--frames", "\(frames)", "--width", "64",
                             "--height", "48", "--fps", "60", "--poll-timeout", "1", "--backoff", "0.05",
                             "--max-reopen-attempts", "40", "--timeout", "20"]
        var env = ProcessInfo.processInfo.environment
        env["LD_PRELOAD"] = try fakeLibrary()
        env["ROLLCALL_FAKE_V4L2_SIZE"] = "64x48"
        env["ROLLCALL_FAKE_V4L2_FPS"] = "60"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        do {
            return (try JSONDecoder.snakeCase.decode(Probe.self, from: data), process.terminationStatus)
        } catch {
            throw TestFailure("probe printed no valid JSON (status \(process.terminationStatus)): \(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test func negotiationPicksMJPEGWhenOfferedAndStreams() throws {
        let folder = try framesFolder(4)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, status) = try probe(frames: 8, environment: ["ROLLCALL_FAKE_V4L2_FORMATS": "YUYV,MJPG",
                                                                 "ROLLCALL_FAKE_V4L2_FRAMES": folder.path])
        #expect(status == 0, "\(result.error ?? "")")
        let format = try #require(result.format)
        #expect(format.driver == "rollcall-fake")
        #expect(format.offeredFormats == ["YUYV", "MJPG"])
        #expect(format.pixelFormat == "MJPG")
        #expect(format.buffers >= 4)
        #expect(result.frames == 8 && result.sequences == Array(0 ..< 8))
        #expect(result.frameSizes == [[64, 48]])
        #expect(result.corrupt == 0 && result.reopens == 0)
    }

    @Test func negotiationFallsBackToYUYV() throws {
        let folder = try framesFolder(3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, status) = try probe(frames: 5, environment: ["ROLLCALL_FAKE_V4L2_FORMATS": "YUYV",
                                                                 "ROLLCALL_FAKE_V4L2_FRAMES": folder.path])
        #expect(status == 0, "\(result.error ?? "")")
        #expect(result.format?.pixelFormat == "YUYV")
        #expect(result.frames == 5 && result.frameSizes == [[64, 48]])
    }

    @Test func unplugMidStreamReopensWithBackoffAndContinues() throws {
        let folder = try framesFolder(3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, status) = try probe(frames: 12, environment: ["ROLLCALL_FAKE_V4L2_FORMATS": "MJPG,YUYV",
                                                                  "ROLLCALL_FAKE_V4L2_FRAMES": folder.path,
                                                                  "ROLLCALL_FAKE_V4L2_UNPLUG_AFTER": "5",
                                                                  "ROLLCALL_FAKE_V4L2_UNPLUG_MS": "300"])
        #expect(status == 0, "\(result.error ?? "")")
        #expect(result.frames == 12)
        #expect(result.reopens == 1)
        #expect(result.sequences == Array(0 ..< 12)) // the source's numbering continues across the reopen
    }

    @Test func corruptDriverFramesAreSkippedAndCounted() throws {
        let folder = try framesFolder(2)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("definitely not a jpeg".utf8).write(to: folder.appendingPathComponent("001b.jpg"))
        let (result, status) = try probe(frames: 6, environment: ["ROLLCALL_FAKE_V4L2_FORMATS": "MJPG",
                                                                 "ROLLCALL_FAKE_V4L2_FRAMES": folder.path])
        #expect(status == 0, "\(result.error ?? "")")
        #expect(result.frames == 6)
        #expect(result.corrupt >= 2)
    }

    @Test func aMissingDeviceIsATypedErrorThroughRealLibv4l2() throws {
        let (result, status) = try probe(device: "/dev/rollcall-no-such-camera", frames: 1, environment: [:])
        #expect(status != 0)
        #expect(result.format == nil)
        #expect(result.error?.contains("notFound") == true)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
