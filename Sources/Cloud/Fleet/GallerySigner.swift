// The cloud's gallery-signing key and the signed gallery messages (Wire's `GalleryUpdate`) agents verify.
import Crypto
import FaceRecognition
import Foundation
import RollcallCore
import Wire

/// Signs gallery versions with the cloud's Ed25519 key, kept in Wire's key-file format (the file
/// `rollcall pki issue gallery-key` writes). When the file is absent it is created (0600) together with the
/// agents' verification key next to it (`<name>.pub`). Every message is `GalleryUpdate` format 2, valid for
/// `maxAge` from its signing: agents refuse it afterwards (rollback protection), so the latest version is
/// re-signed before then (`refreshed(_:)`, `GalleryRefreshService`).
public struct GallerySigner: Sendable {
    /// The raw 32-byte private key (the Crypto key type is not Sendable; it is rebuilt per signature).
    private let rawKey: Data
    /// How long a signed gallery message stays valid.
    public let maxAge: TimeInterval

    /// The default validity of a signed gallery message: a week.
    public static let defaultMaxAge: TimeInterval = 7 * 86_400

    /// Loads the key at `path`, creating it (and `<path without extension>.pub`) when absent.
    public init(keyFile path: String, maxAge: TimeInterval = GallerySigner.defaultMaxAge) throws(CloudError) {
        self.maxAge = maxAge
        let url = URL(fileURLWithPath: FileSystem.expandingTilde(path))
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                rawKey = try GallerySigningKey.loadPrivateKey(from: url).rawRepresentation
            } else {
                let fresh = Curve25519.Signing.PrivateKey()
                try FileSystem.writeAtomically(Data(GallerySigningKey.fileText(fresh).utf8), to: url, permissions: 0o600)
                let publicURL = url.deletingPathExtension().appendingPathExtension("pub")
                try FileSystem.writeAtomically(Data(GallerySigningKey.fileText(fresh.publicKey).utf8), to: publicURL)
                rawKey = fresh.rawRepresentation
            }
        } catch {
            throw CloudError(.io, "cannot load or create the gallery signing key: \(error)", subject: path)
        }
    }

    /// A signer with a fresh in-memory key.
    public init(maxAge: TimeInterval = GallerySigner.defaultMaxAge) {
        rawKey = Curve25519.Signing.PrivateKey().rawRepresentation
        self.maxAge = maxAge
    }

    /// The public key agents verify with (32 raw bytes).
    public var publicKey: Data {
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: rawKey).publicKey.rawRepresentation) ?? Data()
    }

    /// The signed `GalleryUpdate` message (a whole snapshot) for `version` of `gallery` (its workers and its
    /// match policy), as published on every site's gallery topic.
    public func galleryMessage(version: Int, gallery: Gallery) throws(CloudError) -> Data {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey)
            let now = Date()
            return try GalleryUpdate.signed(version: UInt64(version), modelID: gallery.modelID, issuedAt: now,
                                            expiresAt: now.addingTimeInterval(maxAge),
                                            snapshot: Data(gallery.snapshot()), key: key).encoded()
        } catch {
            throw CloudError(.io, "cannot build gallery version \(version): \(error)")
        }
    }

    /// A stored gallery message re-signed now (same version and content, new `issuedAt` and `expiresAt`).
    public func refreshed(_ message: Data, at time: Date = Date()) throws(CloudError) -> Data {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey)
            let update = try GalleryUpdate.verified(decoding: message, publicKey: key.publicKey)
            return try update.resigned(issuedAt: time, expiresAt: time.addingTimeInterval(maxAge), key: key).encoded()
        } catch {
            throw CloudError(.io, "cannot re-sign the stored gallery message: \(error)")
        }
    }

    /// When a stored gallery message expires (nil: it carries no expiry, or cannot be read).
    public static func expiry(of message: Data) -> Date? {
        (try? GalleryUpdate(decoding: message))?.expiresAt
    }
}
