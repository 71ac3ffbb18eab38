import Crypto
import Foundation
import SwiftASN1
import X509

/// Rollcall's certificate authority: a self-signed ECDSA P-256 root kept as `ca.crt` / `ca.key` in a PKI
/// folder, which issues agent, cloud and broker certificates into the same folder.
public struct CertificateAuthority: Sendable {
    /// The PKI folder.
    public let folder: URL
    /// The CA certificate.
    public let certificate: Certificate
    private let keyPEM: String

    /// Where the CA certificate lives in `folder`.
    public static func certificateURL(in folder: URL) -> URL { folder.appendingPathComponent("ca.crt") }
    /// Where the CA key lives in `folder`.
    public static func keyURL(in folder: URL) -> URL { folder.appendingPathComponent("ca.key") }

    /// Creates a new CA in `folder` (which must not hold one yet), valid for `days`.
    public static func create(in folder: URL, name: String = "Rollcall CA", days: Int = 3650) throws -> CertificateAuthority {
        let certificateURL = Self.certificateURL(in: folder)
        guard !FileManager.default.fileExists(atPath: certificateURL.path) else {
            throw PKIError(.authorityExists, subject: certificateURL.path, detail: "a CA exists already; remove the folder to start over")
        }
        guard days > 0 else { throw PKIError(.invalidValidity, subject: name, detail: "days must be > 0") }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("Rollcall")
            CommonName(name)
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        try PKIFiles.write(key.pemRepresentation, to: keyURL(in: folder), permissions: 0o600)
        try PKIFiles.write(try certificate.serializeAsPEM().pemString, to: certificateURL, permissions: 0o644)
        return CertificateAuthority(folder: folder, certificate: certificate, keyPEM: key.pemRepresentation)
    }

    /// Loads the CA from `folder`.
    public init(folder: URL) throws {
        let certificateURL = Self.certificateURL(in: folder)
        guard FileManager.default.fileExists(atPath: certificateURL.path) else {
            throw PKIError(.missingAuthority, subject: folder.path, detail: "no ca.crt; run `rollcall pki init` first")
        }
        let certificatePEM = try PKIFiles.read(certificateURL)
        let keyPEM = try PKIFiles.read(Self.keyURL(in: folder))
        do {
            self.init(folder: folder, certificate: try Certificate(pemEncoded: certificatePEM), keyPEM: keyPEM)
            _ = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw PKIError(.unreadable, subject: certificateURL.path, detail: "CA certificate or key is malformed: \(error)")
        }
    }

    private init(folder: URL, certificate: Certificate, keyPEM: String) {
        self.folder = folder
        self.certificate = certificate
        self.keyPEM = keyPEM
    }

    /// Issues a certificate for `identity`, valid from `notBefore` for `days` (a `notBefore` in the past and
    /// few days give an already-expired certificate, for tests), and writes it with its 0600 key into the
    /// folder (`identity.relativePath`). Returns the written files.
    @discardableResult
    public func issue(_ identity: CertificateIdentity, days: Int = 825, notBefore: Date? = nil) throws -> IssuedCertificate {
        try identity.validate()
        guard days > 0 else { throw PKIError(.invalidValidity, subject: identity.commonName, detail: "days must be > 0") }
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let start = notBefore ?? Date().addingTimeInterval(-300)
        let end = start.addingTimeInterval(Double(days) * 86_400)
        let subject = try DistinguishedName {
            OrganizationName("Rollcall")
            CommonName(identity.commonName)
        }
        let caKeyIdentifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
            try ExtendedKeyUsage([identity.isServer ? .serverAuth : .clientAuth])
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: caKeyIdentifier)
            SubjectAlternativeNames(Self.alternativeNames(for: identity))
        }
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: start, notValidAfter: end, issuer: certificate.subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(caKey))
        let certificateURL = folder.appendingPathComponent(identity.relativePath)
        let keyURL = certificateURL.deletingPathExtension().appendingPathExtension("key")
        try PKIFiles.write(key.pemRepresentation, to: keyURL, permissions: 0o600)
        try PKIFiles.write(try issued.serializeAsPEM().pemString, to: certificateURL, permissions: 0o644)
        return IssuedCertificate(identity: identity, certificateURL: certificateURL, keyURL: keyURL,
                                 notValidBefore: start, notValidAfter: end)
    }

    static func alternativeNames(for identity: CertificateIdentity) -> [GeneralName] {
        switch identity {
        case let .broker(hosts):
            return hosts.map { host in
                if let address = IPv4Address(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address.bytes))) }
                return .dnsName(host)
            }
        case .agent, .cloud:
            return [.dnsName(identity.commonName.replacingOccurrences(of: ":", with: "."))]
        }
    }
}

/// Files written for one issued certificate.
public struct IssuedCertificate: Sendable {
    public let identity: CertificateIdentity
    public let certificateURL: URL
    public let keyURL: URL
    public let notValidBefore: Date
    public let notValidAfter: Date
}

/// A dotted-quad IPv4 address.
struct IPv4Address {
    let bytes: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        self.bytes = bytes
    }
}

/// Reading and writing the PKI's PEM files.
enum PKIFiles {
    /// Writes `text` atomically; the temporary file is created with `permissions` already set, so a key is
    /// never readable by others, not even for a moment.
    static func write(_ text: String, to url: URL, permissions: Int) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0 ... .max)).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PKIError(.io, subject: folder.path, detail: "cannot create folder: \(error.localizedDescription)")
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, mode_t(permissions))
        guard descriptor >= 0 else {
            throw PKIError(.io, subject: url.path, detail: "cannot create: \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { break }
            written += result
        }
        fchmod(descriptor, mode_t(permissions))
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw PKIError(.io, subject: url.path, detail: "cannot write: \(reason)")
        }
    }

    static func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PKIError(.unreadable, subject: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
    }
}
