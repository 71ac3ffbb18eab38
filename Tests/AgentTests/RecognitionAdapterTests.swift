// FaceRecognition behind the agent's matching seams: the cloud's signed snapshot decoded into a `Gallery`,
// verdicts with threshold and margin, and the assembly of edge-match and privacy agents.
import Crypto
import FaceRecognition
import Foundation
import RollcallCore
import Testing
import Wire
@testable import Agent

@Suite struct RecognitionAdapterTests {
    static let model = Backbone.dlib.modelID

    static let alice: WorkerID = 1, bob: WorkerID = 2

    /// A 4-d gallery: alice at (1,0,0,0), bob at (0,1,0,0), decided under `policy`.
    func gallery(_ policy: MatchPolicy = MatchPolicy(threshold: 0.3, margin: 0), model: String = Self.model) throws -> Gallery {
        var gallery = try Gallery(modelID: model, dimension: 4, policy: policy)
        try gallery.enroll(workerID: Self.alice, embeddings: [[1, 0, 0, 0], [0.9, 0, 0, 0]])
        try gallery.enroll(workerID: Self.bob, embeddings: [[0, 1, 0, 0]])
        return gallery
    }

    func signed(_ gallery: Gallery, version: UInt64, key: Curve25519.Signing.PrivateKey) throws -> Data {
        try GalleryUpdate.signed(version: version, modelID: gallery.modelID, snapshot: Data(gallery.snapshot()),
                                 key: key).encoded()
    }

    func cache(_ key: Curve25519.Signing.PrivateKey) throws -> GalleryCache<RecognitionGalleryBuilder> {
        try GalleryCache(folder: temporaryFolder(), verifier: WireGalleryVerifier(rawPublicKey: key.publicKey.rawRepresentation),
                         builder: RecognitionGalleryBuilder(modelID: Self.model), expectedModelID: Self.model)
    }

    @Test func theEdgeDecidesWithThePolicyThatCameWithTheGallery() throws {
        let key = Curve25519.Signing.PrivateKey()
        let cache = try cache(key)
        let matcher = EdgeMatcher(cache: cache)
        #expect(try matcher.match([1, 0, 0, 0]) == EdgeMatch(decision: .noGallery, galleryVersion: 0))
        // Halfway between alice and bob: near enough under a loose threshold, but not clear of the second.
        let between: [Float] = [0.5, 0.5, 0, 0]
        #expect(cache.apply(try signed(try gallery(MatchPolicy(threshold: 1, margin: 0)), version: 1, key: key)) == .applied(version: 1))
        #expect(try matcher.match(between).decision.workerID != nil)
        #expect(cache.apply(try signed(try gallery(MatchPolicy(threshold: 1, margin: 0.1)), version: 2, key: key)) == .applied(version: 2))
        let ambiguous = try matcher.match(between)
        #expect(ambiguous.decision.reason == .ambiguous && ambiguous.galleryVersion == 2)
        // The edge's decision is the gallery's own, bit for bit.
        let strict = try gallery()
        #expect(cache.apply(try signed(strict, version: 3, key: key)) == .applied(version: 3))
        for probe: [Float] in [[0.95, 0.1, 0, 0], [0, 0, 1, 0], between, [0, 0.97, 0.05, 0]] {
            #expect(try matcher.match(probe).decision == (try strict.decide(probe)))
        }
        let alice = try matcher.match([0.95, 0.1, 0, 0]).decision
        #expect(alice.workerID == Self.alice && abs((alice.distance ?? 1) - 0.1) < 1e-5)
        let far = try matcher.match([0, 0, 1, 0]).decision
        #expect(far.workerID == nil && far.reason == .tooFar && far.distance != nil, "too far: unknown, with the nearest distance")
        #expect(throws: RecognitionError.self) { try matcher.match([1, 0]) }
    }

    @Test func cloudSnapshotIsDecodedVerifiedAndMatched() throws {
        let key = Curve25519.Signing.PrivateKey()
        let cache = try cache(key)
        let matcher = EdgeMatcher(cache: cache)
        #expect(cache.apply(try signed(try gallery(), version: 3, key: key)) == .applied(version: 3))
        #expect(try matcher.match([0, 0.95, 0, 0]).decision.workerID == Self.bob)
        #expect(try matcher.match([0, 0.95, 0, 0]).galleryVersion == 3)

        // Another backbone, a damaged snapshot, a foreign key, a delta: refused, version 3 kept.
        let vgg = try gallery(model: Backbone.vgg16.modelID)
        guard case .refused(_, .modelMismatch, _, 3) = cache.apply(try signed(vgg, version: 4, key: key)) else {
            Issue.record("a gallery of another backbone must be refused")
            return
        }
        var bytes = try gallery().snapshot()
        bytes[bytes.count / 2] ^= 0x55
        let damaged = try GalleryUpdate.signed(version: 5, modelID: Self.model, snapshot: Data(bytes), key: key).encoded()
        guard case .refused(_, .malformed, _, 3) = cache.apply(damaged) else {
            Issue.record("a damaged snapshot must be refused")
            return
        }
        guard case .refused(_, .badSignature, _, 3) = cache.apply(try signed(try gallery(), version: 6,
                                                                             key: Curve25519.Signing.PrivateKey())) else {
            Issue.record("a gallery signed by another key must be refused")
            return
        }
        let delta = try GalleryUpdate.signed(mode: .delta, version: 7, baseVersion: 3, modelID: Self.model,
                                             snapshot: Data(try gallery().snapshot()), key: key).encoded()
        guard case .refused(_, .baseMismatch, _, 3) = cache.apply(delta) else {
            Issue.record("deltas are refused (the cloud sends snapshots)")
            return
        }
        #expect(cache.version == 3)
        #expect(try matcher.match([1, 0, 0, 0]).decision.workerID == Self.alice)
    }

    @Test func localModesAssembleWithTheGalleryKeyAndNameItWhenMissing() throws {
        var config = try AgentConfig.parse(yaml: AgentConfigTests.minimal)
        let folder = temporaryFolder()
        config.outbox.path = folder + "/outbox"
        config.gallery.path = folder + "/gallery"
        for file in ["ca.pem", "agent.pem", "agent.key"] {   // read at connect; assembling only checks they exist
            try "placeholder".write(toFile: "\(folder)/\(file)", atomically: true, encoding: .utf8)
        }
        config.broker.caFile = folder + "/ca.pem"
        config.broker.certFile = folder + "/agent.pem"
        config.broker.keyFile = folder + "/agent.key"
        config.mode = .privacy
        config.gallery.publicKey = nil
        do {
            _ = try AgentAssembly.services(for: config, feeds: { _ in SyntheticSource(frames: 1) })
            Issue.record("privacy mode without a gallery key must not assemble")
        } catch let error as AgentAssemblyError {
            #expect(error.code == .configuration && error.component == "gallery.public_key")
        }
        config.gallery.publicKey = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
        for mode in [AgentConfig.Mode.edgeMatch, .privacy] {
            config.mode = mode
            let services = try AgentAssembly.services(for: config, feeds: { _ in SyntheticSource(frames: 1) })
            #expect(services.contains { $0.name == "gallery" })
            #expect(services.filter { $0.name.hasPrefix("camera ") }.count == config.cameras.count)
        }
    }
}
