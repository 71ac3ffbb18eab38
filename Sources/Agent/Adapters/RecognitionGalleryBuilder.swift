// Decodes the cloud's signed gallery snapshots (FaceRecognition's `RCGS` encoding, what the cloud's
// `GallerySigner` publishes) into a `Gallery` the agent matches against in edge-match and privacy modes.
import FaceRecognition
import Foundation

/// Builds FaceRecognition galleries from snapshot bytes. The cloud publishes whole snapshots only; a delta is
/// refused (the cache keeps the gallery in use and the acknowledgement asks for a snapshot).
public struct RecognitionGalleryBuilder: GalleryBuilding {
    /// The backbone this agent embeds with (`Backbone.modelID`); snapshots of another backbone are refused.
    public let modelID: String

    public init(modelID: String) {
        self.modelID = modelID
    }

    public func gallery(fromSnapshot body: Data, modelID: String) throws(GalleryMessageError) -> FaceRecognition.Gallery {
        guard modelID == self.modelID else {
            throw GalleryMessageError(.modelMismatch, detail: "gallery is for \(modelID), this agent embeds with \(self.modelID)")
        }
        do {
            return try FaceRecognition.Gallery(snapshot: [UInt8](body), expectedModelID: self.modelID)
        } catch {
            throw GalleryMessageError(error.code == .backboneMismatch ? .modelMismatch : .malformed, detail: error.detail)
        }
    }

    public func applying(delta body: Data, to gallery: FaceRecognition.Gallery) throws(GalleryMessageError) -> FaceRecognition.Gallery {
        throw GalleryMessageError(.baseMismatch, detail: "gallery deltas are not supported; send a snapshot")
    }
}
