// The cloud's gallery-signing key and the signed gallery messages (Wire's `GalleryUpdate`) agents verify.
import Crypto
import FaceRecognition
import Foundation
import RollcallCore
import Wire

/// Signs gallery versions with the cloud's Ed25519 key, kept in Wire's key-file format (the file
/// `rollcall pki issue gallery-key` writes). When the file is absent it is created (0600) together with the
/// agents' verification key next to it (`<name>.pub`).
public struct GallerySigner: Sendable {
    /// The raw 32-byte private key (the Crypto key type is not Sendable; it is rebuilt per signature).
    private let rawKey: Data

    /// Loads the key at `path`, creating it (and `<path without extension>.pub`) when absent.
    public init(keyFile path: String) throws(CloudError) {
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
    public init() {
        rawKey = Curve25519.Signing.PrivateKey().rawRepresentation
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
            return try GalleryUpdate.signed(version: UInt64(version), modelID: gallery.modelID,
                                            snapshot: Data(gallery.snapshot()), key: key).encoded()
        } catch {
            throw CloudError(.io, "cannot build gallery version \(version): \(error)")
        }
    }
}
