import Cloud
import Crypto
import Foundation
import Logging
import Testing
import TestSupport
import Wire

/// The cloud signs every gallery message with an expiry (format 2). The durable publisher re-signs the latest
/// version each time it publishes it — so a version stored long ago (a cloud down for a week) never reaches
/// the broker expired — and the refresh service has it publish again well before the broker's copy expires.
@Suite struct GalleryRefreshTests {
    @Test func publishedGalleriesAreFreshAndRepublished() async throws {
        let signer = GallerySigner(maxAge: 3600)
        let fleet = RecordingFleet()
        let env = try await TestEnvironment()
        defer { env.remove() }
        let aggregator = Aggregator(config: env.config, store: env.store, recognizer: env.recognizer, fleet: fleet,
                                    signer: signer, metrics: env.metrics, logger: Logger(label: "test"))
        try await aggregator.load()
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: signer.publicKey)
        func published() throws -> [GalleryUpdate] {
            try fleet.galleryMessages.withLock { $0 }.map { try GalleryUpdate.verified(decoding: $0, publicKey: key) }
        }

        let version = try await aggregator.publishGallery(reason: "test", actor: "test")
        let stored = try GalleryUpdate.verified(decoding: version.snapshot, publicKey: key)
        #expect(stored.format == 2)
        #expect(abs((stored.expiresAt ?? .distantPast).timeIntervalSince(stored.issuedAt) - 3600) < 0.01)

        // The publisher (as at the start of a cloud that was down for longer than the validity) re-signs.
        let publisher = Task { await aggregator.galleryPublisher.run() }
        defer { publisher.cancel() }
        #expect(await eventually { (try? published().count) == 1 })
        let first = try #require(try published().first)
        #expect(first.version == stored.version && first.snapshot == stored.snapshot)
        #expect(first.issuedAt >= stored.issuedAt && (first.expiresAt ?? .distantPast) > Date())
        #expect(fleet.galleries.withLock { $0 }.first?.1.sorted() == ["depot", "hq"])

        // The refresh service has it published again, re-signed, on its interval.
        let refresher = GalleryRefreshService(aggregator: aggregator, interval: .milliseconds(100))
        let refreshing = Task { try await refresher.run() }
        defer { refreshing.cancel() }
        #expect(await eventually { (try? published().count) ?? 0 >= 3 })
        let later = try published()
        #expect(later.allSatisfy { $0.version == stored.version && $0.snapshot == stored.snapshot })
        #expect(later[2].issuedAt > first.issuedAt)
        #expect(env.metrics.counter("rollcall_cloud_gallery_refreshes_total") >= 2)
    }
}
