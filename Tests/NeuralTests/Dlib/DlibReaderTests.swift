import Foundation
import ModelSupply
import Testing
@testable import Neural

@Suite struct DlibReaderTests {
    @Test func integersUseTheControlByte() throws {
        // 2 → 01 02; −28 → 81 1c; 300 → 02 2c 01; 0 is written with one byte count.
        var r = DlibReader(bytes: [0x01, 0x02, 0x81, 0x1C, 0x02, 0x2C, 0x01, 0x01, 0x00])
        #expect(try r.readSigned() == 2)
        #expect(try r.readSigned() == -28)
        #expect(try r.readUnsigned() == 300)
        #expect(try r.readSigned() == 0)
        #expect(r.remaining == 0)
    }

    @Test func badIntegersAreRefusedWithTheirOffset() {
        // Unsigned with the sign bit, a zero-length integer, a 5-byte int32, and a truncated one.
        for (bytes, code) in [([UInt8]([0x81, 0x01]), DlibError.Code.invalidInteger), ([0x00], .invalidInteger),
                              ([0x05, 1, 2, 3, 4, 5], .invalidInteger), ([0x04, 1, 2], .truncated)] {
            var r = DlibReader(bytes: bytes)
            #expect(throws: DlibError.self) {
                if code == .invalidInteger && bytes.first == 0x05 { _ = try r.readInt32() } else { _ = try r.readUnsigned() }
            }
        }
        var r = DlibReader(bytes: [0x01, 0x05, 0x02])
        _ = try? r.readSigned()
        do { _ = try r.readSigned(); Issue.record("truncated integer accepted") } catch {
            #expect(error.code == .truncated)
            #expect(error.offset == 2)
        }
    }

    @Test func floatsAreMantissaThenExponent() throws {
        // 0.04 = 0xa3d70a · 2^-28 and 0.6 = 0x99999a · 2^-24, as in the ResNet file's loss layer.
        var r = DlibReader(bytes: [0x03, 0x0A, 0xD7, 0xA3, 0x81, 0x1C, 0x03, 0x9A, 0x99, 0x99, 0x81, 0x18,
                                   0x01, 0x00, 0x02, 0x00, 0x7D,  // inf: mantissa 0, exponent 32000
                                   0x01, 0x00, 0x02, 0x02, 0x7D])  // NaN
        #expect(try r.readFloat() == 0.04)
        #expect(try r.readFloat() == 0.6)
        #expect(try r.readFloat() == .infinity)
        #expect(try r.readFloat().isNaN)
    }

    @Test func stringsBoolsAndTensors() throws {
        var bytes: [UInt8] = [0x01, 0x04] + Array("con_".utf8) + [UInt8(ascii: "1"), UInt8(ascii: "0")]
        bytes += [0x01, 0x02, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01]  // tensor v2, 1×2×1×1
        for v: Float in [1.5, -2] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        var r = DlibReader(bytes: bytes)
        #expect(try r.readString() == "con_")
        #expect(try r.readBool() == true)
        #expect(try r.readBool() == false)
        let t = try r.readTensor()
        #expect(t.k == 2 && t.values == [1.5, -2])
        var short = DlibReader(bytes: Array(bytes.dropLast(1)))
        _ = try short.readString(); _ = try short.readBool(); _ = try short.readBool()
        #expect(throws: DlibError.self) { _ = try short.readTensor() }
    }

    @Test func truncatedModelFilesAreRefused() throws {
        let url = try ModelStore.standard().url(for: "dlib-shape-5")
        let bytes = [UInt8](try Data(contentsOf: url))
        for cut in [0, 7, bytes.count / 3, bytes.count - 1] {
            var r = DlibReader(bytes: Array(bytes.prefix(cut)))
            #expect(throws: DlibError.self) { _ = try DlibShapePredictorFile(reading: &r) }
        }
        var full = DlibReader(bytes: bytes)
        let file = try DlibShapePredictorFile(reading: &full)
        #expect(file.partCount == 5)
    }
}
