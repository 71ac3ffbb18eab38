import Crypto
import Foundation
import Testing
import Wire
@testable import Agent

/// Rollback protection of the agent's gallery, with Wire's real signed `GalleryUpdate` and verifier: a gallery
/// older than one the agent has seen is refused even after its stored gallery is lost, and an agent with
/// nothing on disk refuses a retained gallery past its signed expiry.
@Suite struct GalleryRollbackTests {
    let key = Curve25519.Signing.PrivateKey()

    func cache(_ folder: String, now: Date = Date()) throws -> GalleryCache<TestGalleryBuilder> {
        try GalleryCache(folder: folder, verifier: WireGalleryVerifier(rawPublicKey: key.publicKey.rawRepresentation),
                         builder: TestGalleryBuilder(), expectedModelID: "test-net", clock: { now })
    }

    func message(_ version: UInt64, body: String = "alice:1,1", issuedAt: Date = Date(),
                 validity: TimeInterval? = 86_400) throws -> Data {
        try GalleryUpdate.signed(version: version, modelID: "test-net", issuedAt: issuedAt,
                                 expiresAt: validity.map { issuedAt.addingTimeInterval($0) },
                                 snapshot: Data(body.utf8), key: key).encoded()
    }

    @Test func olderGalleryRefusedEvenAfterTheStoredOneIsLost() throws {
        let folder = temporaryFolder()
        let first = try cache(folder)
        #expect(first.apply(try message(5, body: "alice:1,1")) == .applied(version: 5))
        #expect(first.highestSeenVersion == 5)
        // The stored gallery is lost (disk trouble, a restore, someone tidying up); the agent restarts.
        try FileManager.default.removeItem(atPath: folder + "/snapshot.msg")
        let restarted = try cache(folder)
        #expect(restarted.version == 0 && restarted.highestSeenVersion == 5)
        // An older signed gallery (the erased person still in it) is refused; the current one is taken.
        guard case .refused(3, .stale, let detail, 0) = restarted.apply(try message(3, body: "alice:1,1\nerased:9,9"))
        else {
            Issue.record("a rollback to version 3 must be refused")
            return
        }
        #expect(detail.contains("rollback"))
        #expect(restarted.apply(try message(5)) == .applied(version: 5))
        #expect(restarted.apply(try message(6, body: "alice:2,2")) == .applied(version: 6))
        #expect(try cache(folder).highestSeenVersion == 6)
    }

    @Test func freshAgentRefusesAnExpiredRetainedGallery() throws {
        let now = Date()
        let fresh = try cache(temporaryFolder(), now: now)
        // Signed eight days ago, valid for a week: what a broker may still retain after the cloud moved on.
        let stale = try message(4, issuedAt: now.addingTimeInterval(-8 * 86_400), validity: 7 * 86_400)
        guard case .refused(4, .stale, let detail, 0) = fresh.apply(stale) else {
            Issue.record("an expired gallery must be refused by an agent with none")
            return
        }
        #expect(detail.contains("expired"))
        #expect(fresh.highestSeenVersion == 0)   // an expired message proves nothing about the cloud's version
        // The same version re-signed by the cloud is taken.
        #expect(fresh.apply(try message(4, issuedAt: now)) == .applied(version: 4))
    }

    @Test func formatOneWithoutExpiryIsStillReadable() throws {
        let fresh = try cache(temporaryFolder())
        let legacy = try message(2, validity: nil)
        #expect(try GalleryUpdate(decoding: legacy).format == 1)
        #expect(fresh.apply(legacy) == .applied(version: 2))
        #expect(fresh.apply(try message(1, validity: nil)) != .applied(version: 1))
    }
}
