// Test doubles for the seams other modules fill in production (Wire's signed gallery format, FaceRecognition's
// gallery, FaceDetection, Imaging's JPEG). Signatures are real Ed25519 (swift-crypto).
import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
@testable import Agent

/// Test gallery message: version u64 | base u64 (0: snapshot) | model length u8 | model | body | Ed25519 signature.
struct TestGalleryFormat: GalleryMessageVerifying {
    let rawPublicKey: Data

    init(publicKey: Curve25519.Signing.PublicKey) {
        rawPublicKey = publicKey.rawRepresentation
    }

    static func sign(version: UInt64, base: UInt64 = 0, model: String = "test-net", body: String,
                     key: Curve25519.Signing.PrivateKey) -> Data {
        sign(version: version, base: base, model: model, body: Data(body.utf8), key: key)
    }

    static func sign(version: UInt64, base: UInt64 = 0, model: String = "test-net", body: Data,
                     key: Curve25519.Signing.PrivateKey) -> Data {
        var data = Data()
        data.appendLittleEndian(version)
        data.appendLittleEndian(base)
        data.append(UInt8(model.utf8.count))
        data.append(contentsOf: model.utf8)
        data.append(body)
        // swiftlint:disable:next force_try
        return data + ((try? key.signature(for: data)) ?? Data())
    }

    func verify(_ message: Data) throws(GalleryMessageError) -> VerifiedGalleryMessage {
        let bytes = [UInt8](message)
        guard bytes.count >= 17 + 64, 17 + Int(bytes[16]) <= bytes.count - 64 else {
            throw GalleryMessageError(.malformed, detail: "too short")
        }
        let signed = Data(bytes[..<(bytes.count - 64)]), signature = Data(bytes[(bytes.count - 64)...])
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey),
              publicKey.isValidSignature(signature, for: signed) else {
            throw GalleryMessageError(.badSignature, detail: "signature does not verify")
        }
        let modelEnd = 17 + Int(bytes[16])
        let base = bytes.littleEndian(UInt64.self, at: 8)
        return VerifiedGalleryMessage(version: bytes.littleEndian(UInt64.self, at: 0), baseVersion: base == 0 ? nil : base,
                                      modelID: String(decoding: bytes[17..<modelEnd], as: UTF8.self),
                                      body: Data(bytes[modelEnd..<(bytes.count - 64)]))
    }
}

/// Test gallery for the cache's own tests: one line per worker, `name:x,y`; deltas add or replace lines.
struct TestGallery: Equatable {
    var centroids: [String: [Float]]
}

struct TestGalleryBuilder: GalleryBuilding {
    func parse(_ body: Data) throws(GalleryMessageError) -> [String: [Float]] {
        var centroids: [String: [Float]] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":")
            guard parts.count == 2 else { throw GalleryMessageError(.malformed, detail: "bad line \(line)") }
            let values = parts[1].split(separator: ",").compactMap { Float($0) }
            guard values.count == 2 else { throw GalleryMessageError(.malformed, detail: "bad vector \(line)") }
            centroids[String(parts[0])] = values
        }
        return centroids
    }

    func gallery(fromSnapshot body: Data, modelID: String) throws(GalleryMessageError) -> TestGallery {
        TestGallery(centroids: try parse(body))
    }

    func applying(delta body: Data, to gallery: TestGallery) throws(GalleryMessageError) -> TestGallery {
        TestGallery(centroids: gallery.centroids.merging(try parse(body)) { $1 })
    }
}

/// Encodes events as readable text lines (the real encoder is Wire's binary format).
struct TestEncoder: AgentMessageEncoding {
    let galleryTopic = "test/gallery"

    func face(_ event: FaceEvent) throws -> OutgoingMessage {
        let kind: String
        switch event.content {
        case .jpeg(let bytes, _): kind = "jpeg \(bytes.count)"
        case .embedding(let model, let values): kind = "embedding \(model) \(values.count)"
        }
        let edge = event.edge.map { " worker \($0.decision.workerID.map(String.init) ?? "unknown") v\($0.galleryVersion)" } ?? ""
        return OutgoingMessage(topic: "test/faces/\(event.camera)",
                               payload: Array("face \(event.messageID) track \(event.trackID) \(event.reason.rawValue) \(kind)\(edge)".utf8))
    }

    func sighting(_ event: SightingEvent) throws -> OutgoingMessage {
        OutgoingMessage(topic: "test/sightings/\(event.camera)",
                        payload: Array("sighting track \(event.trackID) \(event.reason.rawValue) \(event.detections) \(Int(event.largestFacePixels))".utf8))
    }

    func status(_ report: StatusReport) throws -> OutgoingMessage {
        OutgoingMessage(topic: "test/status", payload: Array("status \(report.galleryVersion)".utf8))
    }

    func availability(online: Bool, since: Date) throws -> OutgoingMessage {
        OutgoingMessage(topic: "test/availability", payload: Array("\(online)".utf8), retain: true)
    }

    func galleryAck(_ outcome: GalleryOutcome) throws -> OutgoingMessage {
        switch outcome {
        case .applied(let version):
            return OutgoingMessage(topic: "test/ack", payload: Array("applied \(version)".utf8))
        case .refused(let version, let reason, _, let active):
            return OutgoingMessage(topic: "test/ack", payload: Array("refused \(version ?? 0) \(reason.rawValue) active \(active)".utf8))
        }
    }
}

/// Detector stand-in: returns scripted faces per frame, keyed by the frame's first pixel value.
struct ScriptedDetector: FaceDetecting {
    let script: [[DetectedFace]]
    func detect(_ image: Image) throws -> [DetectedFace] {
        let index = Int(image.pixels[0])
        return index < script.count ? script[index] : []
    }
}

/// Cuts by copying pixels; "encodes" as a JPEG-marked byte string of the crop's size.
struct CopyRenderer: CropRendering {
    func cut(_ image: Image, box: Rect) throws -> Image {
        let x0 = max(0, Int(box.x)), y0 = max(0, Int(box.y))
        let x1 = min(image.width, Int(box.x + box.width)), y1 = min(image.height, Int(box.y + box.height))
        var pixels: [UInt8] = []
        for y in y0..<y1 {
            let start = (y * image.width + x0) * image.channels
            pixels += image.pixels[start..<(start + (x1 - x0) * image.channels)]
        }
        return try Image(width: x1 - x0, height: y1 - y0, format: image.format, pixels: pixels)
    }

    func jpeg(_ image: Image, minSide: Int, quality: Int) throws -> EncodedCrop {
        EncodedCrop(bytes: [0xFF, 0xD8, 0xFF] + Array("\(image.width)x\(image.height)".utf8), width: image.width,
                    height: image.height)
    }
}

/// Embeds a face as its box centre divided by 100 (so tests can place faces near gallery centroids).
final class PositionEmbedder: FaceEmbedder {
    let modelID = "test-net"
    let dimension = 2
    let offset: Point
    init(offset: Point) { self.offset = offset }
    func embedding(of image: Image, face: DetectedFace) throws(RecognitionError) -> [Float] {
        [(face.box.center.x + offset.x) / 100, (face.box.center.y + offset.y) / 100]
    }
}

/// Plays frames whose first pixel is the frame index, with a textured background (so quality is high).
struct SyntheticSource: CameraFeed {
    let frames: Int
    var intervalMilliseconds = 2
    /// Every n-th frame is reported as undecodable instead of delivered.
    var corruptEvery: Int?
    let width = 320, height = 240

    func run(deliver: @escaping @Sendable (CapturedFrame) -> Void, corrupt: @escaping @Sendable () -> Void,
             reopened: @escaping @Sendable () -> Void) async throws {
        for index in 0..<frames {
            if let corruptEvery, index % corruptEvery == corruptEvery - 1 {
                corrupt()
                continue
            }
            var pixels = [UInt8](repeating: 0, count: width * height)
            for i in 1..<pixels.count { pixels[i] = UInt8((i * 7 + (i / width) * 13) % 251) }
            pixels[0] = UInt8(index)
            deliver(CapturedFrame(image: try Image(width: width, height: height, format: .gray, pixels: pixels),
                                  time: Date(), monotonicSeconds: Double(index) * 0.1))
            if intervalMilliseconds > 0 { try await Task.sleep(for: .milliseconds(intervalMilliseconds)) }
        }
    }
}
