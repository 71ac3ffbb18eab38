import Cloud
import Testing

@Suite struct CentroidGalleryTests {
    @Test func matchesTheNearestCentroidWithinThreshold() {
        let gallery = CentroidGallery(embeddings: [1: [Embeddings.axis(0), Embeddings.axis(0, offset: 0.2)],
                                                   2: [Embeddings.axis(5)]],
                                      names: [1: "Ada", 2: "Bo"], threshold: 0.6)
        #expect(gallery.entries.map(\.workerID) == [1, 2])
        #expect(gallery.entries[0].centroid[1] == 0.1)
        let near = gallery.match(Embeddings.axis(0, offset: 0.1))
        #expect(near.workerID == 1)
        #expect(abs((near.distance ?? 1) - 0) < 1e-6)
        #expect(gallery.name(of: 1) == "Ada")
        let stranger = gallery.match(Embeddings.axis(40))
        #expect(stranger.workerID == nil)
        #expect(abs((stranger.distance ?? 0) - 2.0.squareRoot()) < 0.02)
    }

    @Test func emptyGalleryMatchesNobody() {
        let match = CentroidGallery(threshold: 0.6).match(Embeddings.axis(1))
        #expect(match.workerID == nil && match.distance == nil)
    }

    @Test func weightedMean() {
        #expect(CentroidGallery.mean([([0, 0], 1), ([4, 8], 3)]) == [3, 6])
        #expect(CentroidGallery.mean([]) == nil)
        #expect(CentroidGallery.mean([([1], 1), ([1, 2], 1)]) == nil)
        #expect(CentroidGallery.mean([([1], 0)]) == nil)
    }
}
