import Crypto
import Foundation

/// A gallery version pushed by the cloud to a site's agents on `Topic.gallery(site:)` (retained): the opaque
/// snapshot bytes of FaceRecognition's deterministic gallery encoding, its version and backbone, signed with
/// the cloud's Ed25519 key. Agents must apply only updates that `verified(decoding:publicKey:)` accepts.
///
/// The signature covers every byte of the payload before it (header included).
public struct GalleryUpdate: WireMessage, Equatable {
    /// Whether `snapshot` is a whole gallery or a change against `baseVersion`.
    public enum Mode: UInt8, Sendable {
        case snapshot = 0
        case delta = 1
    }

    /// Ed25519 signature size.
    public static let signatureBytes = 64

    public let mode: Mode
    /// This gallery version (increasing, > 0).
    public let version: UInt64
    /// For `.delta`, the version the change applies to; 0 for `.snapshot`.
    public let baseVersion: UInt64
    /// The embedding backbone the centroids belong to (e.g. `dlib-resnet`).
    public let modelID: String
    /// When the cloud issued it.
    public let issuedAt: Date
    /// FaceRecognition's deterministic encoding of the gallery (opaque here).
    public let snapshot: Data
    /// Ed25519 signature of the payload bytes that precede it.
    public let signature: Data
    /// The bytes the signature covers.
    private let signedBytes: Data

    /// Builds and signs an update with the cloud's private key.
    public static func signed(mode: Mode = .snapshot, version: UInt64, baseVersion: UInt64 = 0, modelID: String,
                              issuedAt: Date = Date(), snapshot: Data,
                              key: Curve25519.Signing.PrivateKey) throws -> GalleryUpdate {
        try validateFields(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                           issuedAt: issuedAt, snapshot: snapshot)
        var writer = WireWriter(capacity: snapshot.count + 128)
        writer.writeRaw(WireHeader.magic)
        writer.write(WireHeader.version)
        writer.write(MessageKind.galleryUpdate.rawValue)
        writeFields(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                    issuedAt: issuedAt, snapshot: snapshot, into: &writer)
        let signed = Data(writer.bytes)
        let signature = try key.signature(for: signed)
        return GalleryUpdate(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                             issuedAt: issuedAt, snapshot: snapshot, signature: Data(signature), signedBytes: signed)
    }

    private init(mode: Mode, version: UInt64, baseVersion: UInt64, modelID: String, issuedAt: Date,
                 snapshot: Data, signature: Data, signedBytes: Data) {
        self.mode = mode
        self.version = version
        self.baseVersion = baseVersion
        self.modelID = modelID
        self.issuedAt = issuedAt
        self.snapshot = snapshot
        self.signature = signature
        self.signedBytes = signedBytes
    }

    /// Whether the signature verifies against `publicKey`.
    public func isSignatureValid(publicKey: Curve25519.Signing.PublicKey) -> Bool {
        signature.count == Self.signatureBytes && publicKey.isValidSignature(signature, for: signedBytes)
    }

    /// Decodes a payload and verifies its signature; throws `.badSignature` when it was not signed by the
    /// holder of `publicKey` (or was altered), and the usual `WireError`s for malformed payloads.
    public static func verified(decoding data: Data, publicKey: Curve25519.Signing.PublicKey) throws -> GalleryUpdate {
        let update = try GalleryUpdate(decoding: data)
        guard update.isSignatureValid(publicKey: publicKey) else {
            throw WireError(.badSignature, field: "gallery.signature",
                            detail: "the Ed25519 signature of version \(update.version) does not verify with the cloud's key")
        }
        return update
    }

    public static let kinds: Set<MessageKind> = [.galleryUpdate]
    public var kind: MessageKind { .galleryUpdate }

    public func validate() throws {
        try Self.validateFields(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                                issuedAt: issuedAt, snapshot: snapshot)
        guard signature.count == Self.signatureBytes else {
            throw WireError(.invalidValue, field: "gallery.signature", detail: "\(signature.count) bytes, expected 64")
        }
    }

    private static func validateFields(mode: Mode, version: UInt64, baseVersion: UInt64, modelID: String,
                                       issuedAt: Date, snapshot: Data) throws {
        guard version > 0 else { throw WireError(.invalidValue, field: "gallery.version", detail: "version must be > 0") }
        switch mode {
        case .snapshot:
            guard baseVersion == 0 else {
                throw WireError(.invalidValue, field: "gallery.baseVersion", detail: "a snapshot has base version 0, not \(baseVersion)")
            }
        case .delta:
            guard baseVersion > 0, baseVersion < version else {
                throw WireError(.invalidValue, field: "gallery.baseVersion",
                                detail: "a delta's base version \(baseVersion) must be in 1..<\(version)")
            }
        }
        try WireIdentifier.validate(modelID, field: "gallery.model")
        try Check.date(issuedAt, field: "gallery.issuedAt")
        guard snapshot.count <= WireLimits.gallerySnapshotBytes else {
            throw WireError(.tooLarge, field: "gallery.snapshot", detail: "\(snapshot.count) bytes, limit \(WireLimits.gallerySnapshotBytes)")
        }
    }

    private static func writeFields(mode: Mode, version: UInt64, baseVersion: UInt64, modelID: String,
                                    issuedAt: Date, snapshot: Data, into writer: inout WireWriter) {
        writer.write(mode.rawValue)
        writer.write(version)
        writer.write(baseVersion)
        writer.writeShortString(modelID)
        writer.write(issuedAt)
        writer.writeBytes(snapshot)
    }

    public func encodeBody(into writer: inout WireWriter) {
        Self.writeFields(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                         issuedAt: issuedAt, snapshot: snapshot, into: &writer)
        writer.writeRaw(signature)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        let rawMode = try reader.readUInt8("gallery.mode")
        guard let mode = Mode(rawValue: rawMode) else {
            throw WireError(.invalidValue, field: "gallery.mode", detail: "mode \(rawMode) is not 0 (snapshot) or 1 (delta)")
        }
        let version = try reader.readUInt64("gallery.version")
        let baseVersion = try reader.readUInt64("gallery.baseVersion")
        let modelID = try reader.readIdentifier("gallery.model")
        let issuedAt = try reader.readDate("gallery.issuedAt")
        let snapshot = try reader.readBytes("gallery.snapshot", maxBytes: WireLimits.gallerySnapshotBytes)
        try Self.validateFields(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
                                issuedAt: issuedAt, snapshot: snapshot)
        let signed = Data(reader.consumed)
        let signature = Data(try reader.readRaw("gallery.signature", count: Self.signatureBytes))
        self.init(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID, issuedAt: issuedAt,
                  snapshot: snapshot, signature: signature, signedBytes: signed)
    }
}
