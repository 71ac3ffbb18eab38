import Crypto
import Foundation
import Testing
@testable import Wire

@Suite struct GalleryUpdateTests {
    @Test func signedUpdateVerifiesWithTheCloudKey() throws {
        let data = try WireSamples.gallery.encoded()
        let update = try GalleryUpdate.verified(decoding: data, publicKey: WireSamples.signingKey.publicKey)
        #expect(update.version == 7)
        #expect(update.modelID == "dlib-resnet")
        #expect(update.snapshot.count == 1000)
        #expect(update == WireSamples.gallery)
    }

    @Test func anotherKeyIsRefused() throws {
        let data = try WireSamples.gallery.encoded()
        let other = Curve25519.Signing.PrivateKey()
        #expect(throws: WireError.self) { try GalleryUpdate.verified(decoding: data, publicKey: other.publicKey) }
        // Signed by another key, checked with the cloud's: refused too.
        let forged = try GalleryUpdate.signed(version: 8, modelID: "dlib-resnet", snapshot: Data([1]), key: other)
        do {
            _ = try GalleryUpdate.verified(decoding: try forged.encoded(), publicKey: WireSamples.signingKey.publicKey)
            Issue.record("forged update accepted")
        } catch let error as WireError {
            #expect(error.code == .badSignature)
        }
    }

    @Test func everySingleBitFlipIsRefused() throws {
        let data = try WireSamples.gallery.encoded()
        let key = WireSamples.signingKey.publicKey
        var accepted = 0
        for index in stride(from: 0, to: data.count, by: 7) {
            var mutated = data
            mutated[index] ^= 0x10
            if (try? GalleryUpdate.verified(decoding: mutated, publicKey: key)) != nil { accepted += 1 }
        }
        #expect(accepted == 0)
    }

    @Test func deltaNeedsAnOlderBase() throws {
        #expect(throws: WireError.self) {
            try GalleryUpdate.signed(mode: .delta, version: 3, baseVersion: 3, modelID: "m", snapshot: Data(),
                                     key: WireSamples.signingKey)
        }
        let delta = try GalleryUpdate.signed(mode: .delta, version: 3, baseVersion: 2, modelID: "m", snapshot: Data([9]),
                                             key: WireSamples.signingKey)
        #expect(try GalleryUpdate.verified(decoding: try delta.encoded(), publicKey: WireSamples.signingKey.publicKey).baseVersion == 2)
    }

    @Test func keyFilesRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wire-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = Curve25519.Signing.PrivateKey()
        try GallerySigningKey.fileText(key).write(to: folder.appendingPathComponent("gallery.key"), atomically: true, encoding: .utf8)
        try GallerySigningKey.fileText(key.publicKey).write(to: folder.appendingPathComponent("gallery.pub"), atomically: true, encoding: .utf8)
        #expect(try GallerySigningKey.loadPrivateKey(from: folder.appendingPathComponent("gallery.key")).rawRepresentation == key.rawRepresentation)
        #expect(try GallerySigningKey.loadPublicKey(from: folder.appendingPathComponent("gallery.pub")).rawRepresentation == key.publicKey.rawRepresentation)
        try "not a key".write(to: folder.appendingPathComponent("bad.pub"), atomically: true, encoding: .utf8)
        #expect(throws: WireError.self) { try GallerySigningKey.loadPublicKey(from: folder.appendingPathComponent("bad.pub")) }
    }
}
