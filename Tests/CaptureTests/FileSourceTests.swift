import Capture
import Foundation
import Imaging
import Testing

@Suite struct FileSourceTests {
    @Test func folderPlaysSortedImagesSkipsCorruptOnesAndEnds() throws {
        let folder = try CaptureFixtures.temporaryFolder("folder")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(CaptureFixtures.frame(0).pngData()).write(to: folder.appendingPathComponent("a.png"))
        try Data("broken".utf8).write(to: folder.appendingPathComponent("b.jpg"))
        try Data(CaptureFixtures.frame(2).jpegData()).write(to: folder.appendingPathComponent("c.jpg"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let source = try ImageFolderSource(folder: folder.path, framesPerSecond: nil, loop: false)
        let control = CaptureControl()
        let first = try #require(try source.nextFrame(control))
        #expect(first.image == (try CaptureFixtures.frame(0)))
        #expect(first.sequence == 0)
        let second = try #require(try source.nextFrame(control))
        #expect(second.sequence == 1 && second.timestamp >= first.timestamp)
        #expect(try source.nextFrame(control) == nil)
        #expect(source.counters.corruptFrames == 1 && source.counters.frames == 2)
    }

    @Test func loopingFolderKeepsGoingAndEmptyFoldersAreRefused() throws {
        let folder = try CaptureFixtures.temporaryFolder("loop")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CaptureError.self) { try ImageFolderSource(folder: folder.path, framesPerSecond: nil, loop: true) }
        try Data(CaptureFixtures.frame(1).pnmData()).write(to: folder.appendingPathComponent("only.ppm"))
        let source = try ImageFolderSource(folder: folder.path, framesPerSecond: nil, loop: true)
        let control = CaptureControl()
        for expected in 0 ..< 5 as Range<UInt64> { #expect(try source.nextFrame(control)?.sequence == expected) }
        #expect(throws: CaptureError.self) {
            try ImageFolderSource(folder: folder.path + "/missing", framesPerSecond: nil, loop: true)
        }
    }

    @Test func mjpegFileSkipsCorruptFramesOnceAndLoops() throws {
        let folder = try CaptureFixtures.temporaryFolder("mjpeg")
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try CaptureFixtures.frame(0).jpegData(), b = try CaptureFixtures.jpegWithEmbeddedThumbnail(1)
        var damaged = try CaptureFixtures.frame(2).jpegData()
        damaged.replaceSubrange(damaged.count / 2 ..< damaged.count / 2 + 40, with: [UInt8](repeating: 0xA5, count: 40))
        let file = folder.appendingPathComponent("clip.mjpeg")
        try Data(a + damaged + b + Array(a.prefix(300))).write(to: file)

        let once = try MJPEGFileSource(path: file.path, framesPerSecond: nil, loop: false)
        let control = CaptureControl()
        var images: [Image] = []
        while let frame = try once.nextFrame(control) { images.append(frame.image) }
        #expect(images.count == 2)
        #expect(once.counters.corruptFrames == 2) // the damaged frame and the truncated tail
        #expect(images.allSatisfy { $0.width == 64 && $0.height == 48 })

        let looping = try MJPEGFileSource(path: file.path, framesPerSecond: nil, loop: true)
        for expected in 0 ..< 7 as Range<UInt64> { #expect(try looping.nextFrame(control)?.sequence == expected) }
        #expect(looping.counters.corruptFrames >= 6)
    }

    @Test func mjpegFileWithoutAnyGoodFrameEndsWithATypedError() throws {
        let folder = try CaptureFixtures.temporaryFolder("bad-mjpeg")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("junk.mjpeg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + [UInt8](repeating: 7, count: 500)).write(to: file)
        let source = try MJPEGFileSource(path: file.path, framesPerSecond: nil, loop: true)
        do {
            _ = try source.nextFrame(CaptureControl())
            Issue.record("a file without frames produced one")
        } catch {
            #expect(error.code == .empty)
        }
        #expect(throws: CaptureError.self) { try MJPEGFileSource(path: file.path + ".missing", framesPerSecond: 10, loop: false) }
        #expect(throws: CaptureError.self) { try MJPEGFileSource(path: file.path, framesPerSecond: -1, loop: false) }
    }

    @Test func pacedSourceHonoursTheRateAndStopsPromptly() throws {
        let folder = try CaptureFixtures.temporaryFolder("paced")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(CaptureFixtures.frame(0).jpegData()).write(to: folder.appendingPathComponent("f.jpg"))
        let source = try ImageFolderSource(folder: folder.path, framesPerSecond: 50, loop: true)
        let control = CaptureControl()
        let start = monotonicSeconds()
        for _ in 0 ..< 6 { _ = try source.nextFrame(control) }
        // Six frames at 50 fps span at least five intervals (100 ms); only a lower bound is asserted.
        #expect(monotonicSeconds() - start >= 0.095)
        control.stop()
        #expect(try source.nextFrame(control) == nil)
    }
}

@Suite struct CaptureSourceConfigurationTests {
    @Test func eachKindMakesItsSourceAndBadValuesAreTypedErrors() throws {
        let folder = try CaptureFixtures.temporaryFolder("config")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(CaptureFixtures.frame(0).jpegData()).write(to: folder.appendingPathComponent("a.jpg"))
        let clip = folder.appendingPathComponent("clip.mjpeg")
        try Data(CaptureFixtures.frame(1).jpegData() + CaptureFixtures.frame(2).jpegData()).write(to: clip)

        let gray = try CaptureSourceConfiguration.imageFolder(path: folder.path, framesPerSecond: nil, loop: false)
            .makeSource(format: .gray)
        #expect(try gray.nextFrame(CaptureControl())?.image.format == .gray)
        let small = try CaptureSourceConfiguration.mjpegFile(path: clip.path, framesPerSecond: nil, loop: false)
            .makeSource(maxPixels: 600)
        let frame = try #require(try small.nextFrame(CaptureControl()))
        #expect(frame.image.pixelCount <= 600 && frame.source == clip.path)
        #expect(try CaptureSourceConfiguration.camera(V4L2Configuration(device: "/dev/video7")).makeSource().name == "/dev/video7")
        do {
            _ = try CaptureSourceConfiguration.camera(V4L2Configuration(bufferCount: 1)).makeSource()
            Issue.record("a bad buffer count was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration && error.detail.contains("buffer_count"))
        }
    }
}
