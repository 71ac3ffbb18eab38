import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import Testing
import Wire
@testable import Agent

@Suite struct WireAdapterTests {
    let encoder = WireAgentEncoder(site: "hq", agent: "door-1", mode: .edgeMatch, version: "0.1.0")

    @Test func faceEventEncodesAsAValidFaceCropOnTheCameraTopic() throws {
        let region = Rect(x: 300, y: 200, width: 135, height: 135)
        var event = FaceEvent(messageID: UUID(), camera: "entrance", trackID: 77, frameTime: Date(), frameWidth: 640,
                              frameHeight: 480, face: face(x: 10, y: 20, size: 90), quality: 0.8, reason: .first,
                              content: .jpeg([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], region: region))
        let message = try encoder.face(event)
        #expect(message.topic == "rollcall/v1/sites/hq/agents/door-1/cameras/entrance/faces")
        let crop = try FaceCrop(decoding: Data(message.payload))
        #expect(crop.messageID == event.messageID)
        #expect(crop.trackID == 77)
        #expect(crop.keypoints == event.face.keypoints)
        #expect(crop.box == Rect(x: 10, y: 20, width: 90, height: 90))
        #expect(crop.content == .jpeg(Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), region: region))
        #expect(crop.edge == nil)

        // The local decision travels in the same message.
        event.edge = EdgeMatch(decision: MatchDecision(reason: .accepted, nearest: 17, distance: 0.31, margin: nil),
                               galleryVersion: 9)
        let decided = try FaceCrop(decoding: Data(try encoder.face(event).payload))
        #expect(decided.edge == FaceCrop.EdgeDecision(workerID: 17, distance: 0.31, galleryVersion: 9))
        event.edge = EdgeMatch(decision: MatchDecision(reason: .tooFar, nearest: 17, distance: 0.8, margin: 0.1),
                               galleryVersion: 9)
        let unknown = try FaceCrop(decoding: Data(try encoder.face(event).payload))
        #expect(unknown.edge == FaceCrop.EdgeDecision(workerID: nil, distance: 0.8, galleryVersion: 9))
    }

    @Test func privacyEventCarriesOnlyTheEmbedding() throws {
        let event = FaceEvent(messageID: UUID(), camera: "entrance", trackID: 1, frameTime: Date(), frameWidth: 640,
                              frameHeight: 480, face: face(x: 0, y: 0), quality: 0.7, reason: .final,
                              content: .embedding(modelID: "dlib-resnet", values: [0.1, 0.2, 0.3]))
        let crop = try FaceCrop(decoding: Data(try encoder.face(event).payload))
        #expect(crop.kind == .faceEmbedding)
        #expect(crop.content == .embedding(FaceCrop.Embedding(modelID: "dlib-resnet", values: [0.1, 0.2, 0.3])))
    }

    @Test func ackStatusAndAvailabilityDecode() throws {
        let ack = try GalleryAck(decoding: Data(try encoder.galleryAck(
            .refused(version: 4, reason: .badSignature, detail: "nope", activeVersion: 3)).payload))
        #expect(ack.outcome == .badSignature && ack.version == 4 && ack.activeVersion == 3)
        #expect(try GalleryAck(decoding: Data(try encoder.galleryAck(.applied(version: 5)).payload)).outcome == .applied)

        let will = try encoder.availability(online: false, since: Date())
        #expect(will.retain)
        #expect(try Availability(decoding: Data(will.payload)).online == false)

        let outbox = try Outbox(folder: temporaryFolder(), maxBytes: 1 << 20)
        let stats = AgentStats()
        stats.count(.framesCaptured, camera: "entrance", by: 10)
        let reporter = StatusReporter(mode: .edgeMatch, cameras: ["entrance"], stats: stats, outbox: outbox,
                                      galleryVersion: { 9 })
        let status = try AgentStatus(decoding: Data(try encoder.status(reporter.report()).payload))
        #expect(status.mode == .edgeMatch && status.galleryVersion == 9)
        #expect(status.cameras.map(\.framesCaptured) == [10])
    }

    @Test func signedWireGalleryIsVerifiedAndForgeriesRefused() throws {
        let key = Curve25519.Signing.PrivateKey()
        let verifier = WireGalleryVerifier(rawPublicKey: key.publicKey.rawRepresentation)
        let update = try GalleryUpdate.signed(version: 12, modelID: "dlib-resnet", snapshot: Data([1, 2, 3]), key: key)
        let verified = try verifier.verify(try update.encoded())
        #expect(verified == VerifiedGalleryMessage(version: 12, baseVersion: nil, modelID: "dlib-resnet", body: Data([1, 2, 3])))

        let forged = try GalleryUpdate.signed(version: 13, modelID: "dlib-resnet", snapshot: Data([9]),
                                              key: Curve25519.Signing.PrivateKey())
        let forgedBytes = try forged.encoded()
        #expect(refusal(verifier, forgedBytes) == .badSignature)
        #expect(refusal(verifier, Data("not a gallery".utf8)) == .malformed)
        let large = try GalleryUpdate.signed(version: 15, modelID: "dlib-resnet", snapshot: Data(repeating: 5, count: 200), key: key)
        var flipped = try large.encoded()
        flipped[flipped.count - 64 - 100] ^= 1   // inside the snapshot
        #expect(refusal(verifier, flipped) == .badSignature)
        let delta = try GalleryUpdate.signed(mode: .delta, version: 14, baseVersion: 12, modelID: "dlib-resnet",
                                             snapshot: Data([4]), key: key)
        #expect(try verifier.verify(try delta.encoded()).baseVersion == 12)
    }

    func refusal(_ verifier: WireGalleryVerifier, _ bytes: Data) -> GalleryRefusal? {
        do {
            _ = try verifier.verify(bytes)
            return nil
        } catch {
            return error.refusal
        }
    }
}
