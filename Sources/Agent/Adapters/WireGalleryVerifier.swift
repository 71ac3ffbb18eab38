// Wire's signed gallery message behind the gallery cache's verifier seam.
import Crypto
import Foundation
import Wire

/// Verifies gallery messages with the cloud's Ed25519 public key (`GalleryUpdate.verified`).
public struct WireGalleryVerifier: GalleryMessageVerifying {
    let rawPublicKey: Data

    /// `publicKey` is the raw 32-byte key (what `gallery.public_key` holds, base64-decoded).
    public init(rawPublicKey: Data) {
        self.rawPublicKey = rawPublicKey
    }

    public func verify(_ message: Data) throws(GalleryMessageError) -> VerifiedGalleryMessage {
        let key: Curve25519.Signing.PublicKey
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey)
        } catch {
            throw GalleryMessageError(.badSignature, detail: "the configured public key is not an Ed25519 key")
        }
        let update: GalleryUpdate
        do {
            update = try GalleryUpdate.verified(decoding: message, publicKey: key)
        } catch let error as WireError where error.code == .badSignature {
            throw GalleryMessageError(.badSignature, detail: error.description)
        } catch {
            throw GalleryMessageError(.malformed, detail: String(describing: error))
        }
        return VerifiedGalleryMessage(version: update.version,
                                      baseVersion: update.mode == .delta ? update.baseVersion : nil,
                                      modelID: update.modelID, body: update.snapshot, expiresAt: update.expiresAt)
    }
}
