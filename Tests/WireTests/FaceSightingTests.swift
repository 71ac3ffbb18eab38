import Foundation
import Testing
@testable import Wire

/// The image-free "face seen, too small" message: round trip, documented bytes, refusals naming the field.
@Suite struct FaceSightingTests {
    @Test func roundTripsCompactlyWithoutAnyImage() throws {
        let data = try WireSamples.sighting.encoded()
        #expect(try FaceSighting(decoding: data) == WireSamples.sighting)
        #expect(WireHeader.peekKind(data) == .faceSighting)
        // Header 4 + UUID 16 + camera 1+4 + track 8 + two times 16 + detections 4 + size 4 + frame 4 + reason 1.
        #expect(data.count == 62)
        for reason in FaceSighting.Reason.allCases {
            var sighting = WireSamples.sighting
            sighting.reason = reason
            #expect(try FaceSighting(decoding: try sighting.encoded()).reason == reason)
        }
    }

    @Test func hasTheDocumentedBytes() throws {
        // The example in docs/protocol.md.
        let hex = try WireSamples.sighting.encoded().map { String(format: "%02x", $0) }.joined()
        #expect(hex == "52430208" + "00112233445566778899aabbccddeeff" + "04" + "79617264" + "000000000000004d"
                + "0000019ace6f6c7d" + "0000019ace6f7ce5" + "00000026" + "41fc0000" + "0280" + "0168" + "00")
    }

    @Test func refusesWhatItCannotMean() throws {
        func refused(_ change: (inout FaceSighting) -> Void) -> String? {
            var sighting = WireSamples.sighting
            change(&sighting)
            do {
                _ = try sighting.encoded()
                return nil
            } catch let error as WireError {
                return error.field
            } catch {
                return "\(error)"
            }
        }
        #expect(refused { $0.camera = "a/b" } == "sighting.camera")
        #expect(refused { $0.lastSeen = $0.firstSeen.addingTimeInterval(-1) } == "sighting.lastSeen")
        #expect(refused { $0.detections = 0 } == "sighting.detections")
        #expect(refused { $0.largestFacePixels = .nan } == "sighting.largestFacePixels")
        #expect(refused { $0.frameWidth = 0 } == "sighting.frameSize")
        // A reason byte past the defined ones, written by hand.
        var bytes = [UInt8](try WireSamples.sighting.encoded())
        bytes[bytes.count - 1] = 9
        #expect(throws: WireError.self) { try FaceSighting(decoding: Data(bytes)) }
        // A sighting is not a face crop, and the other way round.
        #expect(throws: WireError.self) { try FaceCrop(decoding: try WireSamples.sighting.encoded()) }
        #expect(throws: WireError.self) { try FaceSighting(decoding: try WireSamples.crop.encoded()) }
    }

    @Test func travelsOnItsCamerasSightingsTopic() throws {
        let topic = Topic.sightings(site: "s1", agent: "a1", camera: "yard")
        #expect(topic.name == "rollcall/v1/sites/s1/agents/a1/cameras/yard/sightings")
        #expect(try Topic(parsing: topic.name) == topic)
        #expect(topic.agent == "a1" && topic.site == "s1")
        #expect(TopicFilter.allSightings == "rollcall/v1/sites/+/agents/+/cameras/+/sightings")
        #expect(throws: WireError.self) { try Topic.sightings(site: "s", agent: "a", camera: "x/y").validated() }
    }
}
