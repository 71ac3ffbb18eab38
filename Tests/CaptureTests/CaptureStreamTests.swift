import Capture
import Foundation
import Imaging
import Testing

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
        for _ in 0 ..< 200 where stream.statistics.running { try await Task.sleep(for: .milliseconds(10)) }
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
