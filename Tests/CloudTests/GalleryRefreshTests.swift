import Cloud
import Crypto
import Foundation
import Logging
import Testing
import Wire

/// The cloud signs every gallery message with an expiry (format 2) and re-signs its latest version, same
/// version and content, once half of the validity is gone, so agents never see their current gallery expire.
@Suite struct GalleryRefreshTests {
    @Test func galleriesExpireAndTheLatestIsResigned() async throws {
        let signer = GallerySigner(maxAge: 3600)
        let fleet = RecordingFleet()
        let env = try await TestEnvironment()
        defer { env.remove() }
        let aggregator = Aggregator(config: env.config, store: env.store, recognizer: env.recognizer, fleet: fleet,
                                    signer: signer, metrics: env.metrics, logger: Logger(label: "test"))
        try await aggregator.load()
        let refresher = GalleryRefreshService(aggregator: aggregator)
        #expect(await refresher.refreshIfDue() == false)   // nothing published yet

        let version = try await aggregator.publishGallery(reason: "test", actor: "test")
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: signer.publicKey)
        let first = try GalleryUpdate.verified(decoding: version.snapshot, publicKey: key)
        #expect(first.format == 2)
        let expiry = try #require(first.expiresAt)
        #expect(abs(expiry.timeIntervalSince(first.issuedAt) - 3600) < 0.01)

        // Fresh: nothing to do. Past half its validity: re-signed and published again to every site.
        let published = fleet.galleries.withLock { $0.count }
        #expect(await refresher.refreshIfDue(at: first.issuedAt.addingTimeInterval(600)) == false)
        let later = first.issuedAt.addingTimeInterval(1900)
        #expect(await refresher.refreshIfDue(at: later))
        let republished = fleet.galleries.withLock { $0 }
        #expect(republished.count == published + 1)
        #expect(republished.last?.0 == version.version && republished.last?.1.sorted() == ["depot", "hq"])
        #expect(env.metrics.counter("rollcall_cloud_gallery_refreshes_total") == 1)

        let renewed = try GalleryUpdate.verified(decoding: try signer.refreshed(version.snapshot, at: later),
                                                 publicKey: key)
        #expect(renewed.version == first.version && renewed.snapshot == first.snapshot)
        #expect(renewed.expiresAt == later.addingTimeInterval(3600))
    }
}
