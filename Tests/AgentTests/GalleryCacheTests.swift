import Crypto
import Foundation
import Testing
@testable import Agent

@Suite struct GalleryCacheTests {
    let key = Curve25519.Signing.PrivateKey()
    var verifier: TestGalleryFormat { TestGalleryFormat(publicKey: key.publicKey) }

    func cache(_ folder: String) throws -> GalleryCache<TestGalleryBuilder> {
        try GalleryCache(folder: folder, verifier: verifier, builder: TestGalleryBuilder(), expectedModelID: "test-net")
    }

    @Test func updateIsAppliedStoredAndAcknowledged() throws {
        let folder = temporaryFolder()
        let gallery = try cache(folder + "/gallery")
        let outbox = try Outbox(folder: folder + "/outbox", maxBytes: 1 << 20)
        let sync = GallerySyncService(cache: gallery, subscriber: NoSubscriber(), encoder: TestEncoder(), outbox: outbox,
                                      stats: AgentStats())
        let message = TestGalleryFormat.sign(version: 3, body: "alice:1,1\nbob:5,5", key: key)
        #expect(sync.handle(message) == .applied(version: 3))
        #expect(gallery.version == 3)
        #expect(gallery.current?.gallery.centroids["bob"] == [5, 5])
        let ack = try #require(try outbox.checkOut())
        #expect(ack.topic == "test/ack")
        #expect(String(decoding: ack.payload, as: UTF8.self) == "applied 3")
        // A restart loads (and re-verifies) the stored gallery.
        let reopened = try cache(folder + "/gallery")
        #expect(reopened.version == 3)
        #expect(reopened.current?.gallery == gallery.current?.gallery)
    }

    @Test func malformedOrWronglySignedGalleryIsRefusedAndPreviousKept() throws {
        let folder = temporaryFolder()
        let gallery = try cache(folder)
        #expect(gallery.apply(TestGalleryFormat.sign(version: 1, body: "alice:1,1", key: key)) == .applied(version: 1))

        let forged = TestGalleryFormat.sign(version: 2, body: "mallory:1,1", key: Curve25519.Signing.PrivateKey())
        guard case .refused(_, .badSignature, _, 1) = gallery.apply(forged) else {
            Issue.record("a gallery signed by another key must be refused")
            return
        }
        var tampered = TestGalleryFormat.sign(version: 2, body: "alice:1,1", key: key)
        tampered[20] ^= 1
        guard case .refused(_, .badSignature, _, 1) = gallery.apply(tampered) else {
            Issue.record("an altered gallery must be refused")
            return
        }
        guard case .refused(_, .malformed, _, 1) = gallery.apply(Data([1, 2, 3])) else {
            Issue.record("garbage must be refused as malformed")
            return
        }
        let badBody = TestGalleryFormat.sign(version: 2, body: "alice=1", key: key)
        guard case .refused(2, .malformed, _, 1) = gallery.apply(badBody) else {
            Issue.record("a signed but undecodable snapshot must be refused")
            return
        }
        let otherModel = TestGalleryFormat.sign(version: 2, model: "vgg16", body: "alice:1,1", key: key)
        guard case .refused(2, .modelMismatch, _, 1) = gallery.apply(otherModel) else {
            Issue.record("a gallery for another backbone must be refused")
            return
        }
        #expect(gallery.version == 1)
        #expect(gallery.current?.gallery.centroids == ["alice": [1, 1]])
        #expect(try cache(folder).current?.gallery.centroids == ["alice": [1, 1]], "the stored copy is the previous one")
    }

    @Test func staleIsRefusedAndRedeliveryAcknowledgedAgain() throws {
        let gallery = try cache(temporaryFolder())
        _ = gallery.apply(TestGalleryFormat.sign(version: 5, body: "a:0,0", key: key))
        let again = gallery.apply(TestGalleryFormat.sign(version: 5, body: "a:0,0", key: key))
        #expect(again == .applied(version: 5))
        guard case .refused(4, .stale, _, 5) = gallery.apply(TestGalleryFormat.sign(version: 4, body: "a:0,0", key: key)) else {
            Issue.record("an older version must be refused")
            return
        }
    }

    @Test func deltasApplyInOrderAndSurviveRestart() throws {
        let folder = temporaryFolder()
        let gallery = try cache(folder)
        _ = gallery.apply(TestGalleryFormat.sign(version: 1, body: "a:0,0", key: key))
        #expect(gallery.apply(TestGalleryFormat.sign(version: 2, base: 1, body: "b:3,3", key: key)) == .applied(version: 2))
        guard case .refused(4, .baseMismatch, _, 2) = gallery.apply(TestGalleryFormat.sign(version: 4, base: 3, body: "c:1,1", key: key)) else {
            Issue.record("a delta on a version the agent does not hold must be refused")
            return
        }
        let reopened = try cache(folder)
        #expect(reopened.version == 2)
        #expect(reopened.current?.gallery.centroids == ["a": [0, 0], "b": [3, 3]])
        // A new snapshot supersedes the deltas on disk.
        _ = reopened.apply(TestGalleryFormat.sign(version: 7, body: "z:9,9", key: key))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["highest-version", "snapshot.msg"])
    }

    @Test func damagedFileOnDiskIsDiscardedAtLoad() throws {
        let folder = temporaryFolder()
        _ = try cache(folder).apply(TestGalleryFormat.sign(version: 1, body: "a:0,0", key: key))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot.msg"))
        bytes[bytes.count - 1] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: folder + "/snapshot.msg"))
        let reopened = try cache(folder)
        #expect(reopened.version == 0)
        #expect(reopened.discardedOnLoad == 1)
    }
}

struct NoSubscriber: MessageSubscribing {
    func receive(_ filter: String, handle: @Sendable (Data) async -> Void) async throws {}
}
