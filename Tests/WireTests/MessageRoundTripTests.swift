import Foundation
import Testing
@testable import Wire

@Suite struct MessageRoundTripTests {
    @Test func faceCropRoundTrips() throws {
        let crop = WireSamples.crop
        let data = try crop.encoded()
        #expect(try FaceCrop(decoding: data) == crop)
        // Compact: the JPEG travels raw, the metadata (with 6 keypoints) costs 124 bytes.
        #expect(data.count - WireSamples.jpeg.count == 124)
        #expect(WireHeader.peekKind(data) == .faceCrop)
    }

    @Test func embeddingVariantRoundTrips() throws {
        let crop = WireSamples.embeddingCrop
        let data = try crop.encoded()
        #expect(WireHeader.peekKind(data) == .faceEmbedding)
        #expect(try FaceCrop(decoding: data) == crop)
    }

    @Test func resultsRoundTrip() throws {
        for result in [WireSamples.result, WireSamples.unknownResult] {
            #expect(try RecognitionResult(decoding: try result.encoded()) == result)
        }
    }

    @Test func statusAckAndAvailabilityRoundTrip() throws {
        #expect(try AgentStatus(decoding: try WireSamples.status.encoded()) == WireSamples.status)
        #expect(try GalleryAck(decoding: try WireSamples.ack.encoded()) == WireSamples.ack)
        #expect(try Availability(decoding: try WireSamples.availability.encoded()) == WireSamples.availability)
    }

    @Test func anyMessageDecodesEveryKind() throws {
        let kinds = try WireSamples.payloads.map { data -> String in
            switch try AnyWireMessage(decoding: data) {
            case .faceCrop: return "face"
            case .recognitionResult: return "result"
            case .galleryUpdate: return "gallery"
            case .galleryAck: return "ack"
            case .agentStatus: return "status"
            case .availability: return "availability"
            }
        }
        #expect(kinds == ["face", "face", "result", "result", "gallery", "ack", "status", "availability"])
    }

    @Test func availabilityHasTheDocumentedBytes() throws {
        // The example in docs/protocol.md.
        let hex = try WireSamples.availability.encoded().map { String(format: "%02x", $0) }.joined()
        #expect(hex == "52430107" + "00" + "0000019ace6f6c7d" + "05" + "302e312e30")
    }
}
