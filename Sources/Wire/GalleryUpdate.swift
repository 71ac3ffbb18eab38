import Crypto
import Foundation

/// A gallery version pushed by the cloud to a site's agents on `Topic.gallery(site:)` (retained): the opaque
/// snapshot bytes of FaceRecognition's deterministic gallery encoding, its version and backbone, signed with
/// the cloud's Ed25519 key. Agents must apply only updates that `verified(decoding:publicKey:)` accepts.
///
/// The signature covers every byte of the payload before it (header included).
///
/// Two body formats (docs/protocol.md):
/// - format 1: `mode u8, version u64, baseVersion u64, modelID, issuedAt, snapshot, signature`.
/// - format 2: `0x82, mode u8, version u64, baseVersion u64, modelID, issuedAt, expiresAt, snapshot,
///   signature` — the first byte (0x80 | format) cannot be a format-1 mode, so readers tell them apart; the
///   signed `expiresAt` lets an agent with no gallery yet refuse a stale retained one (a rollback). The cloud
///   re-signs its latest version before it expires. Readers take both; format 1 carries no expiry.
public struct GalleryUpdate: WireMessage, Equatable {
    /// Whether `snapshot` is a whole gallery or a change against `baseVersion`.
    public enum Mode: UInt8, Sendable {
        case snapshot = 0
        case delta = 1
    }

    /// Ed25519 signature size.
    public static let signatureBytes = 64
    /// The newest body format this build writes and reads.
    public static let newestFormat: UInt8 = 2
    /// The longest validity a format-2 update may claim (issuedAt to expiresAt).
    public static let maxValidity: TimeInterval = 400 * 86_400

    /// The body format: 1 (no expiry) or 2.
    public let format: UInt8
    public let mode: Mode
    /// This gallery version (increasing, > 0).
    public let version: UInt64
    /// For `.delta`, the version the change applies to; 0 for `.snapshot`.
    public let baseVersion: UInt64
    /// The embedding backbone the centroids belong to (e.g. `dlib-resnet`).
    public let modelID: String
    /// When the cloud issued (signed) it.
    public let issuedAt: Date
    /// After this instant the update is stale: agents without a newer gallery refuse it (format 2; nil in
    /// format 1).
    public let expiresAt: Date?
    /// FaceRecognition's deterministic encoding of the gallery (opaque here).
    public let snapshot: Data
    /// Ed25519 signature of the payload bytes that precede it.
    public let signature: Data
    /// The bytes the signature covers.
    private let signedBytes: Data

    /// Builds and signs an update with the cloud's private key: format 2 when `expiresAt` is given, else
    /// format 1.
    public static func signed(mode: Mode = .snapshot, version: UInt64, baseVersion: UInt64 = 0, modelID: String,
                              issuedAt: Date = Date(), expiresAt: Date? = nil, snapshot: Data,
                              key: Curve25519.Signing.PrivateKey) throws -> GalleryUpdate {
        let fields = Fields(format: expiresAt == nil ? 1 : newestFormat, mode: mode, version: version,
                            baseVersion: baseVersion, modelID: modelID, issuedAt: issuedAt, expiresAt: expiresAt,
                            snapshot: snapshot)
        try fields.validate()
        var writer = WireWriter(capacity: snapshot.count + 128)
        writer.writeRaw(WireHeader.magic)
        writer.write(WireHeader.version)
        writer.write(MessageKind.galleryUpdate.rawValue)
        fields.write(into: &writer)
        let signed = Data(writer.bytes)
        let signature = try key.signature(for: signed)
        return GalleryUpdate(fields, signature: Data(signature), signedBytes: signed)
    }

    /// The same version re-signed with a new validity (`issuedAt`, `expiresAt`), in format 2: what the cloud
    /// publishes to keep its latest version from expiring.
    public func resigned(issuedAt: Date, expiresAt: Date, key: Curve25519.Signing.PrivateKey) throws -> GalleryUpdate {
        try Self.signed(mode: mode, version: version, baseVersion: baseVersion, modelID: modelID, issuedAt: issuedAt,
                        expiresAt: expiresAt, snapshot: snapshot, key: key)
    }

    /// Every field but the signature.
    private struct Fields {
        var format: UInt8
        var mode: Mode
        var version: UInt64
        var baseVersion: UInt64
        var modelID: String
        var issuedAt: Date
        var expiresAt: Date?
        var snapshot: Data

        func validate() throws {
            guard format == 1 || format == 2 else {
                throw WireError(.invalidValue, field: "gallery.format", detail: "format \(format) is not 1 or 2")
            }
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
            if format >= 2 {
                guard let expiresAt else {
                    throw WireError(.invalidValue, field: "gallery.expiresAt", detail: "format 2 needs an expiry")
                }
                try Check.date(expiresAt, field: "gallery.expiresAt")
                let validity = expiresAt.timeIntervalSince(issuedAt)
                guard validity > 0, validity <= GalleryUpdate.maxValidity else {
                    throw WireError(.invalidValue, field: "gallery.expiresAt",
                                    detail: "expiresAt is \(Int(validity)) s after issuedAt, expected 1 s … 400 days")
                }
            } else if expiresAt != nil {
                throw WireError(.invalidValue, field: "gallery.expiresAt", detail: "format 1 carries no expiry")
            }
            guard snapshot.count <= WireLimits.gallerySnapshotBytes else {
                throw WireError(.tooLarge, field: "gallery.snapshot", detail: "\(snapshot.count) bytes, limit \(WireLimits.gallerySnapshotBytes)")
            }
        }

        func write(into writer: inout WireWriter) {
            if format >= 2 { writer.write(0x80 | format) }
            writer.write(mode.rawValue)
            writer.write(version)
            writer.write(baseVersion)
            writer.writeShortString(modelID)
            writer.write(issuedAt)
            if format >= 2, let expiresAt { writer.write(expiresAt) }
            writer.writeBytes(snapshot)
        }

        init(format: UInt8, mode: Mode, version: UInt64, baseVersion: UInt64, modelID: String, issuedAt: Date,
             expiresAt: Date?, snapshot: Data) {
            self.format = format
            self.mode = mode
            self.version = version
            self.baseVersion = baseVersion
            self.modelID = modelID
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.snapshot = snapshot
        }

        init(reading reader: inout WireReader) throws {
            var first = try reader.readUInt8("gallery.mode")
            format = 1
            if first & 0x80 != 0 {
                format = first & 0x7F
                guard format == 2 else {
                    throw WireError(.invalidValue, field: "gallery.format",
                                    detail: "format \(format); this build reads formats 1 and 2")
                }
                first = try reader.readUInt8("gallery.mode")
            }
            guard let mode = Mode(rawValue: first) else {
                throw WireError(.invalidValue, field: "gallery.mode", detail: "mode \(first) is not 0 (snapshot) or 1 (delta)")
            }
            self.mode = mode
            version = try reader.readUInt64("gallery.version")
            baseVersion = try reader.readUInt64("gallery.baseVersion")
            modelID = try reader.readIdentifier("gallery.model")
            issuedAt = try reader.readDate("gallery.issuedAt")
            expiresAt = format >= 2 ? try reader.readDate("gallery.expiresAt") : nil
            snapshot = try reader.readBytes("gallery.snapshot", maxBytes: WireLimits.gallerySnapshotBytes)
            try validate()
        }
    }

    private init(_ fields: Fields, signature: Data, signedBytes: Data) {
        format = fields.format
        mode = fields.mode
        version = fields.version
        baseVersion = fields.baseVersion
        modelID = fields.modelID
        issuedAt = fields.issuedAt
        expiresAt = fields.expiresAt
        snapshot = fields.snapshot
        self.signature = signature
        self.signedBytes = signedBytes
    }

    private var fields: Fields {
        Fields(format: format, mode: mode, version: version, baseVersion: baseVersion, modelID: modelID,
               issuedAt: issuedAt, expiresAt: expiresAt, snapshot: snapshot)
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
        try fields.validate()
        guard signature.count == Self.signatureBytes else {
            throw WireError(.invalidValue, field: "gallery.signature", detail: "\(signature.count) bytes, expected 64")
        }
    }

    public func encodeBody(into writer: inout WireWriter) {
        fields.write(into: &writer)
        writer.writeRaw(signature)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        let fields = try Fields(reading: &reader)
        let signed = Data(reader.consumed)
        let signature = Data(try reader.readRaw("gallery.signature", count: Self.signatureBytes))
        self.init(fields, signature: signature, signedBytes: signed)
    }
}
