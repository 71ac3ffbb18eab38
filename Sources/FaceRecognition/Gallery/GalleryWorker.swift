/// One enrolled worker: the embeddings of their enrollment photos and their mean.
public struct GalleryWorker: Sendable, Equatable {
    /// Stable identifier (non-empty, at most 255 UTF-8 bytes).
    public let id: String
    /// One embedding per accepted enrollment photo, in enrollment order.
    public let exemplars: [[Float]]
    /// The mean of the exemplars.
    public let centroid: [Float]

    /// A worker from validated exemplars (non-empty, equal lengths, finite).
    init(id: String, exemplars: [[Float]]) {
        self.id = id
        self.exemplars = exemplars
        let dimension = exemplars.first?.count ?? 0
        var sum = [Double](repeating: 0, count: dimension)
        for e in exemplars {
            for i in 0 ..< dimension { sum[i] += Double(e[i]) }
        }
        centroid = sum.map { Float($0 / Double(max(exemplars.count, 1))) }
    }

    init(id: String, exemplars: [[Float]], centroid: [Float]) {
        self.id = id
        self.exemplars = exemplars
        self.centroid = centroid
    }
}
