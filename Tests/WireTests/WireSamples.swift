import Crypto
import Foundation
import RollcallCore
@testable import Wire

/// One valid message of every kind.
enum WireSamples {
    static let time = Date(timeIntervalSince1970: 1_764_400_000.125)
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x42, count: 300) + [0xFF, 0xD9])
    static var signingKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))
    }

    static let keypoints: [Point] = (0..<6).map { (index: Int) -> Point in
        Point(x: Float(40 + index * 10), y: Float(50 + index * 5))
    }
    /// The part of the 640×480 frame the sample JPEG shows.
    static let region = Rect(x: 64, y: 30, width: 192, height: 224)

    static var crop: FaceCrop {
        FaceCrop(messageID: UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!, camera: "door-1", trackID: 42,
                 frameTime: time, frameWidth: 640, frameHeight: 480,
                 box: Rect(x: 36.5, y: 50, width: 120, height: 140),
                 keypoints: keypoints,
                 detectionScore: 0.93, quality: 0.71, content: .jpeg(jpeg, region: region))
    }

    /// The sample crop with an edge-matching agent's decision.
    static var decidedCrop: FaceCrop {
        var crop = self.crop
        crop.edge = FaceCrop.EdgeDecision(workerID: 17, distance: 0.31, galleryVersion: 5)
        return crop
    }

    static var embeddingCrop: FaceCrop {
        var crop = self.crop
        let values: [Float] = (0..<128).map { (index: Int) -> Float in Float(index) / 128 - 0.5 }
        crop.content = .embedding(.init(modelID: "dlib-resnet", values: values))
        return crop
    }

    static var result: RecognitionResult {
        RecognitionResult(cropMessageID: crop.messageID, agent: "agent-1", camera: "door-1", trackID: 42,
                          frameTime: time, decidedAt: time.addingTimeInterval(0.2), workerID: 17, distance: 0.41,
                          emotion: .happy, emotionScore: 0.8, galleryVersion: 5)
    }

    static var unknownResult: RecognitionResult {
        RecognitionResult(cropMessageID: crop.messageID, agent: "agent-1", camera: "door-1", trackID: 43,
                          frameTime: time, decidedAt: time, workerID: nil, distance: nil, galleryVersion: 0)
    }

    static var gallery: GalleryUpdate {
        try! GalleryUpdate.signed(version: 7, modelID: "dlib-resnet", issuedAt: time,
                                  snapshot: Data((0..<1000).map { UInt8(truncatingIfNeeded: $0) }), key: signingKey)
    }

    static let ack = GalleryAck(version: 7, outcome: .applied, activeVersion: 7, at: time, detail: "ok")

    static var status: AgentStatus {
        AgentStatus(sentAt: time, agentVersion: "0.1.0", mode: .edgeMatch, uptimeSeconds: 3600,
                    cameras: [.init(id: "door-1", framesPerSecond: 29.5, framesCaptured: 106_200, framesDropped: 12,
                                    facesPublished: 310, online: true),
                              .init(id: "yard", framesPerSecond: 0, framesCaptured: 0, framesDropped: 0,
                                    facesPublished: 0, online: false)],
                    outboxDepth: 3, outboxBytes: 61_000, outboxOldestAgeSeconds: 1.5, outboxDropped: 0, galleryVersion: 7)
    }

    static let availability = Availability(online: false, since: time, agentVersion: "0.1.0")

    static let sighting = FaceSighting(messageID: UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!,
                                       camera: "yard", trackID: 77, firstSeen: time, lastSeen: time.addingTimeInterval(4.2),
                                       detections: 38, largestFacePixels: 31.5, frameWidth: 640, frameHeight: 360,
                                       reason: .tooSmall)

    /// Every sample, encoded.
    static var payloads: [Data] {
        [try! crop.encoded(), try! embeddingCrop.encoded(), try! decidedCrop.encoded(), try! result.encoded(),
         try! unknownResult.encoded(),
         try! gallery.encoded(), try! ack.encoded(), try! status.encoded(), try! availability.encoded(),
         try! sighting.encoded()]
    }
}
