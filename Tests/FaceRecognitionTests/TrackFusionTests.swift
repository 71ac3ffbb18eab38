import FaceRecognition
import Foundation
import Testing

@Suite struct TrackFusionTests {
    /// Where a track was seen (the cloud keys tracks by site, agent, camera and the agent's track id).
    struct Key: Hashable, Sendable {
        var siteID: String, agentID: String, camera: String, trackID: String
    }

    /// A unit vector along one of 128 axes.
    static func axis(_ index: Int) -> [Float] {
        var vector = [Float](repeating: 0, count: 128)
        vector[index] = 1
        return vector
    }

    let gallery: Gallery
    let key = Key(siteID: "hq", agentID: "a1", camera: "door", trackID: "t1")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        var gallery = try Gallery(modelID: "dlib-resnet-v1", dimension: 128, policy: MatchPolicy(threshold: 0.6, margin: 0))
        try gallery.enroll(workerID: 1, embeddings: [Self.axis(0)])
        try gallery.enroll(workerID: 2, embeddings: [Self.axis(3)])
        self.gallery = gallery
    }

    /// A point on the segment from worker 1's centroid (t = 0) to worker 2's (t = 1).
    func between(_ t: Float) -> [Float] {
        zip(Self.axis(0), Self.axis(3)).map { $0 * (1 - t) + $1 * t }
    }

    @Test func aPoorFirstCropIsRevisedByBetterOnes() throws {
        var fusion = TrackFusion<Key>()
        // First crop: blurry, looks more like worker 2 than 1 but too far from both.
        let first = try fusion.add(key, embedding: between(0.55), quality: 0.05, at: start, gallery: gallery)
        #expect(first.match.workerID == nil)
        #expect(!first.revised && first.previous == nil)
        // Sharp crops of worker 1 outweigh it.
        let second = try fusion.add(key, embedding: between(0.05), quality: 0.9, at: start + 1, gallery: gallery)
        #expect(second.match.workerID == 1)
        #expect(second.revised)
        #expect(second.crops == 2)
        let third = try fusion.add(key, embedding: between(0.1), quality: 0.8, at: start + 2, gallery: gallery)
        #expect(third.match.workerID == 1 && !third.revised)
    }

    @Test func qualityWeightsTheDecision() throws {
        var fusion = TrackFusion<Key>()
        _ = try fusion.add(key, embedding: between(0.1), quality: 1.0, at: start, gallery: gallery)
        // A low-quality crop that alone would match worker 2 does not flip the track.
        let decision = try fusion.add(key, embedding: between(0.95), quality: 0.05, at: start + 1, gallery: gallery)
        #expect(decision.match.workerID == 1)
    }

    @Test func tracksAreSeparateAndIdleOnesForgotten() throws {
        var fusion = TrackFusion<Key>(idleTimeout: 10)
        _ = try fusion.add(key, embedding: between(0), quality: 1, at: start, gallery: gallery)
        let other = try fusion.add(.init(siteID: "hq", agentID: "a2", camera: "door", trackID: "t1"), embedding: between(1),
                               quality: 1, at: start, gallery: gallery)
        #expect(other.match.workerID == 2 && other.crops == 1)
        // Same agent and track number on another camera: another track.
        let camera = try fusion.add(.init(siteID: "hq", agentID: "a1", camera: "yard", trackID: "t1"), embedding: between(1),
                                quality: 1, at: start, gallery: gallery)
        #expect(camera.previous == nil && camera.crops == 1)
        #expect(fusion.count == 3)
        let later = try fusion.add(key, embedding: between(1), quality: 1, at: start + 60, gallery: gallery)
        #expect(later.previous == nil && later.crops == 1)   // the old track was forgotten
        #expect(fusion.count == 1)
        // The forgotten tracks are reported, so state kept beside fusion (emotion smoothing) can follow.
        #expect(Set(later.expired.map(\.agentID)) == ["a1", "a2"] && later.expired.count == 3)
    }

    @Test func boundedInCropsAndTracks() throws {
        var fusion = TrackFusion<Key>(maxCropsPerTrack: 4, maxTracks: 3)
        for index in 0 ..< 10 {
            let decision = try fusion.add(key, embedding: between(0), quality: Double(index), at: start, gallery: gallery)
            #expect(decision.crops == min(index + 1, 4))
        }
        var expired: [Key] = []
        for index in 0 ..< 10 {
            expired += try fusion.add(.init(siteID: "hq", agentID: "a", camera: "c", trackID: "\(index)"),
                                  embedding: between(0), quality: 1, at: start + Double(index), gallery: gallery).expired
        }
        #expect(fusion.count <= 3)
        #expect(expired.count == 11 - fusion.count)   // every track but those still held, `key` included
    }

    @Test func anEmbeddingTheGalleryCannotCompareChangesNothing() throws {
        var fusion = TrackFusion<Key>()
        _ = try fusion.add(key, embedding: between(0), quality: 1, at: start, gallery: gallery)
        let before = fusion.tracks
        #expect(throws: RecognitionError.self) {
            _ = try fusion.add(key, embedding: [1, 2, 3], quality: 1, at: start + 1, gallery: gallery)
        }
        var nan = between(0)
        nan[5] = .nan
        #expect(throws: RecognitionError.self) { _ = try fusion.add(key, embedding: nan, quality: 1, at: start + 1, gallery: gallery) }
        #expect(fusion.tracks == before)
    }

    @Test func aTracksEvidenceSurvivesCodingAndDecidesTheSame() throws {
        var fusion = TrackFusion<Key>()
        _ = try fusion.add(key, embedding: between(0.3), quality: 0.4, at: start, gallery: gallery)
        let last = try fusion.add(key, embedding: between(0.1), quality: 0.9, at: start + 1, gallery: gallery)
        var evidence = try #require(fusion.tracks[key])
        let stored = try JSONDecoder().decode(TrackEvidence.self, from: try JSONEncoder().encode(evidence))
        #expect(stored == evidence)
        var restored = stored
        #expect(try restored.decide(against: gallery) == last.match)
        #expect(try evidence.decide(against: gallery) == last.match)
    }
}
