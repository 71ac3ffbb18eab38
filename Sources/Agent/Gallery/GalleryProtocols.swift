// The seams between the gallery cache and the modules that know the formats: Wire verifies the signed message,
// FaceRecognition turns snapshot bytes into a gallery it can match against.
import Foundation

/// A gallery message whose signature verified: the version and the snapshot (or delta) bytes it carries.
public struct VerifiedGalleryMessage: Sendable, Equatable {
    /// This gallery version (> 0, increasing).
    public var version: UInt64
    /// For a delta, the version it applies to; nil for a whole snapshot.
    public var baseVersion: UInt64?
    /// The embedding backbone the gallery belongs to (`Backbone.modelID`, e.g. `dlib-resnet-v1`).
    public var modelID: String
    /// FaceRecognition's encoding of the gallery or of the change.
    public var body: Data
    /// After this instant the message is stale (nil: the message carries no expiry).
    public var expiresAt: Date?

    public init(version: UInt64, baseVersion: UInt64?, modelID: String, body: Data, expiresAt: Date? = nil) {
        self.version = version
        self.baseVersion = baseVersion
        self.modelID = modelID
        self.body = body
        self.expiresAt = expiresAt
    }
}

/// Why a gallery message was refused (the previous gallery stays in use).
public enum GalleryRefusal: String, Sendable, Equatable {
    /// The signature did not verify with the cloud's key (or there was none).
    case badSignature
    /// The message or the snapshot inside it is malformed.
    case malformed
    /// A delta whose base version is not the one in use.
    case baseMismatch
    /// The embedding backbone is not the agent's.
    case modelMismatch
    /// Not newer than the version in use, older than a version this agent has seen (a rollback), or past
    /// its signed expiry.
    case stale
    /// Storing it on disk failed.
    case storage
}

/// Decodes a gallery message and checks its signature (Wire's `GalleryUpdate.verified`).
public protocol GalleryMessageVerifying: Sendable {
    /// Throws `GalleryMessageError` with `.badSignature` or `.malformed`.
    func verify(_ message: Data) throws(GalleryMessageError) -> VerifiedGalleryMessage
}

/// A refused gallery message.
public struct GalleryMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var refusal: GalleryRefusal
    public var detail: String

    public init(_ refusal: GalleryRefusal, detail: String) {
        self.refusal = refusal
        self.detail = detail
    }

    public var description: String { "gallery refused (\(refusal.rawValue)): \(detail)" }
}

/// Builds the in-memory gallery that local matching uses (FaceRecognition's gallery decoding).
public protocol GalleryBuilding: Sendable {
    associatedtype Gallery: Sendable
    /// The gallery a snapshot describes; throws `.malformed` for bytes that are not one.
    func gallery(fromSnapshot body: Data, modelID: String) throws(GalleryMessageError) -> Gallery
    /// `gallery` changed by a delta; throws `.malformed` when the delta does not apply.
    func applying(delta body: Data, to gallery: Gallery) throws(GalleryMessageError) -> Gallery
}
