import Testing
@testable import Agent

@Suite struct CropSelectorTests {
    let policy = CropSelector<Int>.Policy(minQuality: 0.5, improveInterval: 5, minImprovement: 0.05)

    @Test func firstGoodCropThenImprovementsAtMostEveryIntervalThenBestAtEnd() {
        var selector = CropSelector<Int>(policy: policy)
        var published: [(CropReason, Int)] = []
        // (time, quality, candidate id)
        let observations: [(Double, Float, Int)] = [
            (0.0, 0.30, 1),   // below the gate: remembered only
            (0.5, 0.55, 2),   // first good crop → published
            (1.0, 0.70, 3),   // better, but within 5 s → pending
            (2.0, 0.80, 4),   // better still → pending
            (3.0, 0.60, 5),   // worse than pending: ignored
            (6.0, 0.81, 6),   // interval passed and better than pending → published
            (7.0, 0.95, 7),   // pending
            (8.0, 0.90, 8),   // ignored
        ]
        for (time, quality, id) in observations {
            if let decision = selector.offer(trackID: 9, quality: quality, time: time, candidate: { id }) {
                published.append((decision.reason, decision.candidate))
            }
        }
        if let final = selector.end(trackID: 9) { published.append((final.reason, final.candidate)) }
        #expect(published.map(\.0) == [.first, .improved, .final])
        #expect(published.map(\.1) == [2, 6, 7])
        #expect(selector.trackCount == 0)
    }

    @Test func pendingBetterCropIsPublishedWhenTheIntervalPasses() {
        var selector = CropSelector<Int>(policy: policy)
        _ = selector.offer(trackID: 1, quality: 0.6, time: 0) { 1 }
        _ = selector.offer(trackID: 1, quality: 0.9, time: 1) { 2 }
        let decision = selector.offer(trackID: 1, quality: 0.7, time: 6) { 3 }
        #expect(decision?.reason == .improved)
        #expect(decision?.candidate == 2, "the better pending crop wins over the current one")
        #expect(selector.end(trackID: 1) == nil, "nothing better than what was published")
    }

    @Test func trackThatNeverPassesTheGatePublishesNothing() {
        var selector = CropSelector<Int>(policy: policy)
        for t in 0..<10 { #expect(selector.offer(trackID: 4, quality: 0.4, time: Double(t)) { t } == nil) }
        #expect(selector.end(trackID: 4) == nil)
    }

    @Test func candidateIsOnlyCutWhenKept() {
        var selector = CropSelector<Int>(policy: policy)
        var cuts = 0
        _ = selector.offer(trackID: 1, quality: 0.6, time: 0) { cuts += 1; return 0 }
        _ = selector.offer(trackID: 1, quality: 0.61, time: 1) { cuts += 1; return 0 }   // below min improvement
        #expect(cuts == 1)
        #expect(!selector.wants(trackID: 1, quality: 0.62))
        #expect(selector.wants(trackID: 1, quality: 0.7))
        #expect(selector.wants(trackID: 2, quality: 0.1), "unknown track")
    }
}

extension CropDecision: Equatable where Candidate: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        a.trackID == b.trackID && a.reason == b.reason && a.quality == b.quality && a.candidate == b.candidate
    }
}
