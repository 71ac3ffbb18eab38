import Foundation
import Testing
@testable import Wire

@Suite struct MessageRoundTripTests {
    @Test func faceCropRoundTrips() throws {
        let crop = WireSamples.crop
        let data = try crop.encoded()
        #expect(try FaceCrop(decoding: data) == crop)
        // Compact: the JPEG travels raw, the metadata (with 6 keypoints and the frame region) costs 141 bytes.
        #expect(data.count - WireSamples.jpeg.count == 141)
        #expect(WireHeader.peekKind(data) == .faceCrop)
    }

    @Test func anEdgeDecisionTravelsWithTheFace() throws {
        let decided = WireSamples.decidedCrop
        let data = try decided.encoded()
        #expect(try FaceCrop(decoding: data) == decided)
        // Worker, distance and gallery version: 20 bytes more.
        #expect(data.count - (try WireSamples.crop.encoded()).count == 20)
        var unknown = decided
        unknown.edge = FaceCrop.EdgeDecision(workerID: nil, distance: 0.9, galleryVersion: 5)
        #expect(try FaceCrop(decoding: try unknown.encoded()) == unknown)
        var empty = decided
        empty.edge = FaceCrop.EdgeDecision(workerID: nil, distance: nil, galleryVersion: 0)
        #expect(try FaceCrop(decoding: try empty.encoded()) == empty)
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
            case .faceSighting: return "sighting"
            }
        }
        #expect(kinds == ["face", "face", "face", "result", "result", "gallery", "ack", "status", "availability",
                          "sighting"])
    }

    @Test func availabilityHasTheDocumentedBytes() throws {
        // The example in docs/protocol.md.
        let hex = try WireSamples.availability.encoded().map { String(format: "%02x", $0) }.joined()
        #expect(hex == "52430207" + "00" + "0000019ace6f6c7d" + "05" + "302e312e30")
    }
}

@Suite struct DocumentedExampleTests {
    /// The embedding-crop hex dump in docs/protocol.md.
    @Test func embeddingCropHasTheDocumentedBytes() throws {
        let crop = FaceCrop(messageID: UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!, camera: "cam1", trackID: 42,
                            frameTime: Date(timeIntervalSince1970: 1_764_400_000.125), frameWidth: 640, frameHeight: 480,
                            box: .init(x: 100, y: 80, width: 120, height: 140), keypoints: [], detectionScore: 0.9,
                            quality: 0.75, content: .embedding(.init(modelID: "dlib-resnet", values: [0.5, -0.25, 0.125, 0])))
        let hex = try crop.encoded().map { String(format: "%02x", $0) }.joined()
        #expect(hex == "5243020200112233445566778899aabbccddeeff0463616d3100000000000000"
            + "2a0000019ace6f6c7d028001e042c8000042a0000042f00000430c0000003f66"
            + "66663f400000000b646c69622d7265736e657400043f000000be8000003e0000"
            + "0000000000")
    }
}
