// The cloud's gallery-signing key and the signed snapshot bytes agents verify.
import Crypto
import Foundation
import RollcallCore

/// Signs gallery snapshots with the cloud's Ed25519 key (kept in a 0600 file, created on first use).
public struct GallerySigner: Sendable {
    /// The raw 32-byte private key (the Crypto key type is not Sendable; it is rebuilt per signature).
    private let rawKey: Data

    /// Loads the key at `path`, creating it when absent.
    public init(keyFile path: String) throws(CloudError) {
        let url = URL(fileURLWithPath: FileSystem.expandingTilde(path))
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                let data = try Data(contentsOf: url)
                rawKey = try Curve25519.Signing.PrivateKey(rawRepresentation: data).rawRepresentation
            } else {
                let fresh = Curve25519.Signing.PrivateKey()
                try FileSystem.writeAtomically(fresh.rawRepresentation, to: url, permissions: 0o600)
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

    /// Signs `bytes`.
    public func signature(for bytes: Data) throws(CloudError) -> Data {
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey).signature(for: bytes)
        } catch {
            throw CloudError(.io, "signing failed: \(error)")
        }
    }
}

/// A gallery version's content as published: deterministic JSON (sorted keys, workers by id) plus an
/// Ed25519 signature over exactly those bytes.
public struct GallerySnapshot: Sendable, Codable, Equatable {
    public struct Body: Sendable, Codable, Equatable {
        public var version: Int
        public var threshold: Double
        public var workers: [CentroidGallery.Entry]
    }

    /// The body's canonical JSON bytes.
    public var body: Data
    /// Ed25519 signature of `body`.
    public var signature: Data

    /// Builds and signs the snapshot of `gallery` as version `version`.
    public static func make(version: Int, gallery: CentroidGallery,
                            signer: GallerySigner) throws(CloudError) -> GallerySnapshot {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body: Data
        do {
            body = try encoder.encode(Body(version: version, threshold: gallery.threshold, workers: gallery.entries))
        } catch {
            throw CloudError(.io, "cannot encode gallery: \(error)")
        }
        return GallerySnapshot(body: body, signature: try signer.signature(for: body))
    }

    /// The snapshot as stored and published (JSON with base64 body and signature).
    public func encoded() throws(CloudError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw CloudError(.io, "cannot encode snapshot: \(error)")
        }
    }
}
