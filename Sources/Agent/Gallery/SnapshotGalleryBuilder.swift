// The gallery as the agent keeps it in cloud-match mode: the verified snapshot bytes, held and acknowledged but
// not decoded (no local matching happens in that mode).
import Foundation

/// Keeps a snapshot's bytes as they are; refuses deltas (they need FaceRecognition's gallery to apply).
public struct SnapshotGalleryBuilder: GalleryBuilding {
    public struct Snapshot: Sendable, Equatable {
        public var modelID: String
        public var bytes: Data
    }

    public init() {}

    public func gallery(fromSnapshot body: Data, modelID: String) throws(GalleryMessageError) -> Snapshot {
        guard !body.isEmpty else { throw GalleryMessageError(.malformed, detail: "empty snapshot") }
        return Snapshot(modelID: modelID, bytes: body)
    }

    public func applying(delta body: Data, to gallery: Snapshot) throws(GalleryMessageError) -> Snapshot {
        throw GalleryMessageError(.baseMismatch, detail: "this agent keeps whole snapshots only; send a snapshot")
    }
}
