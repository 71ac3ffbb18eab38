import Capture
import Foundation
import Imaging
import Testing
import TestSupport

@Suite struct CaptureStreamTests {
    @Test func slowConsumerCausesCountedDropsNeverBackpressure() async throws {
        let folder = try CaptureFixtures.temporaryFolder("stream")
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 0 ..< 3 { try Data(CaptureFixtures.frame(i).pnmData()).write(to: folder.appendingPathComponent("\(i).ppm")) }
        let source = try ImageFolderSource(folder: folder.path, framesPerSecond: 400, loop: true)
        let stream = CaptureStream(source: source, queueCapacity: 2)
        stream.start()
        var sequences: [UInt64] = []
        for await frame in stream.frames {
            sequences.append(frame.sequence)
            try await Task.sleep(for: .milliseconds(20)) // a consumer much slower than 400 fps
            if sequences.count == 8 { break }
        }
        stream.stop()
        #expect(await eventually(within: 2) { !stream.statistics.running })
        let statistics = stream.statistics
        #expect(!statistics.running)
        #expect(statistics.dropped > 0)
        #expect(statistics.captured >= UInt64(sequences.count) + statistics.dropped - 2)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 })
        #expect(sequences.last! - sequences.first! > 7) // gaps are the dropped frames
    }

    @Test func finiteSourceFinishesTheStream() async throws {
        let folder = try CaptureFixtures.temporaryFolder("finite")
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 0 ..< 4 { try Data(CaptureFixtures.frame(i).pngData()).write(to: folder.appendingPathComponent("\(i).png")) }
        let stream = CaptureStream(source: try ImageFolderSource(folder: folder.path, framesPerSecond: nil, loop: false),
                                   queueCapacity: 8)
        stream.start()
        var count = 0
        for await _ in stream.frames { count += 1 }
        #expect(count == 4)
        #expect(stream.statistics.captured == 4 && stream.statistics.lastError == nil)
    }
}

@Suite struct CaptureRunTests {
    /// Collects what the capture thread hands over.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var sequences: [UInt64] = []
        private var corrupt = 0
        func add(_ frame: Frame) { lock.lock(); sequences.append(frame.sequence); lock.unlock() }
        func addCorrupt() { lock.lock(); corrupt += 1; lock.unlock() }
        var snapshot: (sequences: [UInt64], corrupt: Int) { lock.lock(); defer { lock.unlock() }; return (sequences, corrupt) }
    }

    @Test func runDeliversEveryFrameReportsCorruptOnesAndEnds() async throws {
        let folder = try CaptureFixtures.temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try CaptureFixtures.frame(0).jpegData()
        let clip = folder.appendingPathComponent("clip.mjpeg")
        try Data(good + Array(good.prefix(200)) + good + good).write(to: clip)
        let collector = Collector()
        try await CaptureSourceConfiguration.mjpegFile(path: clip.path, framesPerSecond: nil, loop: false)
            .run(deliver: { collector.add($0) }, corrupt: { collector.addCorrupt() })
        #expect(collector.snapshot.sequences == [0, 1, 2])
        #expect(collector.snapshot.corrupt == 1)
    }

    @Test func runStopsWhenTheTaskIsCancelledAndThrowsTypedErrors() async throws {
        let folder = try CaptureFixtures.temporaryFolder("cancel")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(CaptureFixtures.frame(0).jpegData()).write(to: folder.appendingPathComponent("a.jpg"))
        let collector = Collector()
        let task = Task {
            try await CaptureSourceConfiguration.imageFolder(path: folder.path, framesPerSecond: 100, loop: true)
                .run(deliver: { collector.add($0) })
        }
        #expect(await eventually(within: 5) { collector.snapshot.sequences.count >= 3 })
        task.cancel()
        try await task.value // returns normally once the thread has stopped
        let delivered = collector.snapshot.sequences.count
        #expect(delivered > 2)
        // The task returned after its capture thread stopped: nothing can be delivered after that.
        #expect(collector.snapshot.sequences.count == delivered)
        do {
            try await CaptureSourceConfiguration.imageFolder(path: folder.path + "/none", framesPerSecond: nil, loop: false)
                .run(deliver: { _ in })
            Issue.record("a missing folder ran")
        } catch {
            #expect(error.code == .notFound)
        }
    }
}
