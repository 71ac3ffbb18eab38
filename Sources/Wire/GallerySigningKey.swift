import Crypto
import Foundation

/// The cloud's Ed25519 gallery-signing key on disk: one line of base64 of the 32-byte raw key, with a
/// `# rollcall gallery …` comment line above it. The private key file is written 0600.
public enum GallerySigningKey {
    /// Reads a private key file.
    public static func loadPrivateKey(from url: URL) throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: try readRaw(url, field: "gallery signing key"))
    }

    /// Reads a public key file.
    public static func loadPublicKey(from url: URL) throws -> Curve25519.Signing.PublicKey {
        try Curve25519.Signing.PublicKey(rawRepresentation: try readRaw(url, field: "gallery public key"))
    }

    /// The text of a private key file.
    public static func fileText(_ key: Curve25519.Signing.PrivateKey) -> String {
        "# rollcall gallery signing key (Ed25519, private, base64 raw)\n\(key.rawRepresentation.base64EncodedString())\n"
    }

    /// The text of a public key file.
    public static func fileText(_ key: Curve25519.Signing.PublicKey) -> String {
        "# rollcall gallery verification key (Ed25519, public, base64 raw)\n\(key.rawRepresentation.base64EncodedString())\n"
    }

    private static func readRaw(_ url: URL, field: String) throws -> Data {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw WireError(.invalidValue, field: field, detail: "cannot read \(url.path): \(error.localizedDescription)")
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line, let raw = Data(base64Encoded: line), raw.count == 32 else {
            throw WireError(.invalidValue, field: field, detail: "\(url.path) holds no base64 32-byte Ed25519 key")
        }
        return raw
    }
}
