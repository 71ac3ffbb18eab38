import Foundation
import RollcallCore
import Testing
@testable import Wire

@Suite struct DecodeErrorTests {
    private func error(_ body: () throws -> Void) -> WireError? {
        do { try body(); return nil } catch let error as WireError { return error } catch { return nil }
    }

    @Test func otherVersionsAreRefusedCleanly() throws {
        // 3: newer than this build; 1: the format before faces carried their geometry in the JPEG's pixels.
        for version: UInt8 in [3, 1] {
            var data = try WireSamples.crop.encoded()
            data[2] = version
            let failure = error { _ = try FaceCrop(decoding: data) }
            #expect(failure?.code == .unsupportedVersion)
            #expect(failure?.field == "header.version")
        }
    }

    @Test func edgeDecisionsAreChecked() throws {
        var crop = WireSamples.decidedCrop
        crop.edge?.workerID = 0
        #expect(error { _ = try crop.encoded() }?.field == "face.edge.workerID")
        crop = WireSamples.decidedCrop
        crop.edge?.distance = .infinity
        #expect(error { _ = try crop.encoded() }?.field == "face.edge.distance")
        // Unknown flag bits, or details without the "decided" bit, are refused.
        let flagsOffset = 4 + 16 + 1 + 6 + 8 + 8 + 4 + 16 + 1 + 6 * 8 + 8
        for flags: UInt8 in [8, 2, 6] {
            var data = try WireSamples.crop.encoded()
            data[flagsOffset] = flags
            #expect(error { _ = try FaceCrop(decoding: data) }?.field == "face.edge.flags")
        }
        // A negative worker id patched into an encoded decision.
        var data = try WireSamples.decidedCrop.encoded()
        data.replaceSubrange((flagsOffset + 1)..<(flagsOffset + 9), with: [0xFF, 0, 0, 0, 0, 0, 0, 1])
        #expect(error { _ = try FaceCrop(decoding: data) }?.field == "face.edge.workerID")
    }

    @Test func aCropNeedsTheRegionItShows() throws {
        var crop = WireSamples.crop
        crop.content = .jpeg(WireSamples.jpeg, region: Rect(x: 0, y: 0, width: 0, height: 10))
        #expect(error { _ = try crop.encoded() }?.field == "face.region")
        crop.content = .jpeg(WireSamples.jpeg, region: Rect(x: .nan, y: 0, width: 10, height: 10))
        #expect(error { _ = try crop.encoded() }?.field == "face.region.x")
    }

    @Test func headerProblemsAreNamed() throws {
        #expect(error { _ = try FaceCrop(decoding: Data()) }?.code == .truncated)
        #expect(error { _ = try FaceCrop(decoding: Data("{\"json\":1}".utf8)) }?.code == .badMagic)
        var unknown = try WireSamples.ack.encoded()
        unknown[3] = 99
        #expect(error { _ = try AnyWireMessage(decoding: unknown) }?.code == .unknownKind)
        #expect(error { _ = try FaceCrop(decoding: try WireSamples.ack.encoded()) }?.code == .wrongKind)
    }

    @Test func truncationNamesTheField() throws {
        let data = try WireSamples.crop.encoded()
        let failure = error { _ = try FaceCrop(decoding: data.prefix(data.count - 10)) }
        #expect(failure?.code == .truncated)
        #expect(failure?.field == "face.jpeg")
        #expect(error { _ = try FaceCrop(decoding: data + Data([0])) }?.code == .trailingBytes)
    }

    @Test func outOfRangeValuesAreRefused() throws {
        var crop = WireSamples.crop
        crop.detectionScore = .nan
        #expect(error { _ = try crop.encoded() }?.field == "face.detectionScore")
        crop = WireSamples.crop
        crop.camera = "door/1"
        #expect(error { _ = try crop.encoded() }?.code == .invalidString)
        crop = WireSamples.crop
        crop.content = .jpeg(Data([0x89, 0x50, 0x4E, 0x47]), region: WireSamples.region)
        #expect(error { _ = try crop.encoded() }?.field == "face.jpeg")
        crop.content = .jpeg(Data([0xFF, 0xD8, 0xFF]) + Data(count: WireLimits.jpegBytes), region: WireSamples.region)
        #expect(error { _ = try crop.encoded() }?.code == .tooLarge)
        crop = WireSamples.crop
        crop.keypoints = Array(repeating: .init(x: 1, y: 1), count: 17)
        #expect(error { _ = try crop.encoded() }?.field == "face.keypoints")

        // Patch the score's bytes in an encoded crop to a NaN: the decoder names the field.
        var data = try WireSamples.crop.encoded()
        let scoreOffset = 4 + 16 + 1 + 6 + 8 + 8 + 4 + 16 + 1 + 6 * 8
        data.replaceSubrange(scoreOffset..<(scoreOffset + 4), with: [0x7F, 0xC0, 0, 0])
        #expect(error { _ = try FaceCrop(decoding: data) }?.field == "face.detectionScore")
    }

    @Test func declaredLengthsOverTheLimitAreRefusedBeforeReading() throws {
        var writer = WireWriter()
        writer.writeRaw(WireHeader.magic)
        writer.write(WireHeader.version)
        writer.write(MessageKind.galleryAck.rawValue)
        writer.write(UInt64(1)); writer.write(UInt8(0)); writer.write(UInt64(1)); writer.write(Int64(0))
        writer.write(UInt16(60_000))  // detail length far over 256
        let failure = error { _ = try GalleryAck(decoding: Data(writer.bytes)) }
        #expect(failure?.code == .tooLarge)
        #expect(failure?.field == "ack.detail")
    }

    @Test func invalidUTF8AndControlCharactersAreRefused() throws {
        var ack = WireSamples.ack
        ack.detail = "bad\u{0}text"
        #expect(error { _ = try ack.encoded() }?.code == .invalidString)
        var data = try WireSamples.availability.encoded()
        data[data.count - 1] = 0xFF
        #expect(error { _ = try Availability(decoding: data) }?.code == .invalidString)
    }
}
