import Cloud
import Foundation
import Testing

@Suite struct TrackFusionTests {
    let gallery = CentroidGallery(embeddings: [1: [Embeddings.axis(0)], 2: [Embeddings.axis(3)]],
                                  names: [1: "Ada", 2: "Bo"], threshold: 0.6)
    let key = TrackFusion.Key(siteID: "hq", agentID: "a1", camera: "door", trackID: "t1")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A point on the segment from worker 1's centroid (t = 0) to worker 2's (t = 1).
    func between(_ t: Float) -> [Float] {
        zip(Embeddings.axis(0), Embeddings.axis(3)).map { $0 * (1 - t) + $1 * t }
    }

    @Test func aPoorFirstCropIsRevisedByBetterOnes() {
        var fusion = TrackFusion()
        // First crop: blurry, looks more like worker 2 than 1 but too far from both.
        let first = fusion.add(key, embedding: between(0.55), quality: 0.05, at: start, gallery: gallery)
        #expect(first.match.workerID == nil)
        #expect(!first.revised && first.previous == nil)
        // Sharp crops of worker 1 outweigh it.
        let second = fusion.add(key, embedding: between(0.05), quality: 0.9, at: start + 1, gallery: gallery)
        #expect(second.match.workerID == 1)
        #expect(second.revised)
        #expect(second.crops == 2)
        let third = fusion.add(key, embedding: between(0.1), quality: 0.8, at: start + 2, gallery: gallery)
        #expect(third.match.workerID == 1 && !third.revised)
    }

    @Test func qualityWeightsTheDecision() {
        var fusion = TrackFusion()
        _ = fusion.add(key, embedding: between(0.1), quality: 1.0, at: start, gallery: gallery)
        // A low-quality crop that alone would match worker 2 does not flip the track.
        let decision = fusion.add(key, embedding: between(0.95), quality: 0.05, at: start + 1, gallery: gallery)
        #expect(decision.match.workerID == 1)
    }

    @Test func tracksAreSeparateAndIdleOnesForgotten() {
        var fusion = TrackFusion(idleTimeout: 10)
        _ = fusion.add(key, embedding: between(0), quality: 1, at: start, gallery: gallery)
        let other = fusion.add(.init(siteID: "hq", agentID: "a2", camera: "door", trackID: "t1"), embedding: between(1),
                               quality: 1, at: start, gallery: gallery)
        #expect(other.match.workerID == 2 && other.crops == 1)
        // Same agent and track number on another camera: another track.
        let camera = fusion.add(.init(siteID: "hq", agentID: "a1", camera: "yard", trackID: "t1"), embedding: between(1),
                                quality: 1, at: start, gallery: gallery)
        #expect(camera.previous == nil && camera.crops == 1)
        #expect(fusion.count == 3)
        let later = fusion.add(key, embedding: between(1), quality: 1, at: start + 60, gallery: gallery)
        #expect(later.previous == nil && later.crops == 1)   // the old track was forgotten
        #expect(fusion.count == 1)
        // The forgotten tracks are reported, so state kept beside fusion (emotion smoothing) can follow.
        #expect(Set(later.expired.map(\.agentID)) == ["a1", "a2"] && later.expired.count == 3)
    }

    @Test func boundedInCropsAndTracks() {
        var fusion = TrackFusion(maxCropsPerTrack: 4, maxTracks: 3)
        for index in 0 ..< 10 {
            let decision = fusion.add(key, embedding: between(0), quality: Double(index), at: start, gallery: gallery)
            #expect(decision.crops == min(index + 1, 4) || decision.crops == 4)
        }
        var expired: [TrackFusion.Key] = []
        for index in 0 ..< 10 {
            expired += fusion.add(.init(siteID: "hq", agentID: "a", camera: "c", trackID: "\(index)"),
                                  embedding: between(0), quality: 1, at: start + Double(index), gallery: gallery).expired
        }
        #expect(fusion.count <= 3)
        #expect(expired.count == 11 - fusion.count)   // every track but those still held, `key` included
    }
}
