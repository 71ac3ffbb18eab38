// Groups faces into people as they arrive, one embedding at a time (each unknown track's fused embedding):
// an embedding joins the nearest cluster within the policy's join distance or starts a new one, and a cluster
// that grew absorbs every cluster within the merge distance (a face can bridge two groups of one person).
// Only each cluster's summary is kept, so memory grows with the number of people, not of sightings.

/// An incremental clusterer of embeddings into people. A value type; equal inputs in equal order give equal
/// clusters. Cluster ids are the caller's (a database's row ids); on a merge the lowest id survives.
public struct IncrementalClusterer: Sendable, Equatable {
    /// Where an added embedding went.
    public struct Placement: Sendable, Equatable {
        /// The cluster that now holds the embedding (after any merge).
        public var cluster: Int64
        /// Whether the embedding started a new cluster (then `cluster` is the id given to `add`).
        public var created: Bool
        /// Distance to the cluster it joined, under the policy's linkage; nil when it started a new cluster.
        public var distance: Double?
        /// Clusters merged into `cluster` by this addition (their members now belong to it), lowest first.
        public var absorbed: [Int64]
    }

    public let policy: ClusteringPolicy
    /// Embedding length, fixed by the first embedding or cluster.
    public private(set) var dimension: Int?
    /// Cluster ids and summaries in parallel (a flat scan is the hot loop), and each id's position.
    private var keys = [Int64]()
    private var summaries = [ClusterSummary]()
    private var position = [Int64: Int]()

    /// An empty clusterer. Throws when `policy` is invalid.
    public init(policy: ClusteringPolicy) throws(RecognitionError) {
        try policy.validate()
        self.policy = policy
    }

    /// Every cluster by id.
    public var clusters: [Int64: ClusterSummary] {
        Dictionary(uniqueKeysWithValues: zip(keys, summaries))
    }

    /// Ids of every cluster, ascending.
    public var ids: [Int64] { keys.sorted() }

    /// The summary of one cluster.
    public subscript(id: Int64) -> ClusterSummary? {
        position[id].map { summaries[$0] }
    }

    public static func == (a: IncrementalClusterer, b: IncrementalClusterer) -> Bool {
        a.policy == b.policy && a.dimension == b.dimension && a.clusters == b.clusters
    }

    /// The nearest cluster to `embedding` under the policy's linkage (ties: the lower id), or nil when empty.
    public func nearest(to embedding: [Float]) throws(RecognitionError) -> (id: Int64, distance: Double)? {
        try check(embedding)
        var best: (id: Int64, distance: Double)?
        for (i, summary) in summaries.enumerated() {
            let d = summary.distance(to: embedding, under: policy)
            if let b = best, d > b.distance || (d == b.distance && keys[i] > b.id) { continue }
            best = (keys[i], d)
        }
        return best
    }

    /// Adds one embedding. `newClusterID` names the cluster it starts when it joins none; it must be unused.
    public mutating func add(_ embedding: [Float], newClusterID: Int64) throws(RecognitionError) -> Placement {
        if let near = try nearest(to: embedding), near.distance < policy.joinDistance, let i = position[near.id] {
            summaries[i].add(embedding)
            let (survivor, absorbed) = mergeAround(near.id)
            return Placement(cluster: survivor, created: false, distance: near.distance, absorbed: absorbed)
        }
        guard position[newClusterID] == nil else {
            throw RecognitionError(.invalidInput, detail: "cluster id \(newClusterID) is already in use")
        }
        insert(newClusterID, ClusterSummary(embedding))
        dimension = embedding.count
        return Placement(cluster: newClusterID, created: true, distance: nil, absorbed: [])
    }

    /// Adds an embedding to a given cluster whatever its distance (a later face of a track already placed:
    /// one track is one person), then merges as `add` does. Throws when the cluster does not exist.
    public mutating func add(_ embedding: [Float], to id: Int64) throws(RecognitionError) -> Placement {
        try check(embedding)
        guard let i = position[id] else { throw RecognitionError(.invalidInput, detail: "cluster \(id) does not exist") }
        let distance = summaries[i].distance(to: embedding, under: policy)
        summaries[i].add(embedding)
        let (survivor, absorbed) = mergeAround(id)
        return Placement(cluster: survivor, created: false, distance: distance, absorbed: absorbed)
    }

    /// Puts a stored cluster back (loading from a database) or replaces one (after a split). Throws on a
    /// dimension other than the clusterer's.
    public mutating func set(_ id: Int64, _ summary: ClusterSummary) throws(RecognitionError) {
        if let dimension, summary.dimension != dimension {
            throw RecognitionError(.invalidEmbedding, detail: "cluster \(id) has dimension \(summary.dimension), the clusterer \(dimension)")
        }
        dimension = summary.dimension
        if let i = position[id] { summaries[i] = summary } else { insert(id, summary) }
    }

    /// Removes a cluster (dismissed for good, enrolled as a worker, or emptied); returns it.
    @discardableResult
    public mutating func remove(_ id: Int64) -> ClusterSummary? {
        guard let i = position.removeValue(forKey: id) else { return nil }
        let removed = summaries[i]
        // Move the last entry into the hole.
        let last = keys.count - 1
        if i != last {
            keys[i] = keys[last]
            summaries[i] = summaries[last]
            position[keys[i]] = i
        }
        keys.removeLast()
        summaries.removeLast()
        return removed
    }

    /// Merges two clusters (an admin's decision, whatever their distance); the lower id survives and is
    /// returned. Throws when either is unknown or they are the same.
    public mutating func merge(_ a: Int64, _ b: Int64) throws(RecognitionError) -> Int64 {
        guard a != b else { throw RecognitionError(.invalidInput, detail: "cannot merge cluster \(a) with itself") }
        guard position[a] != nil, position[b] != nil else {
            throw RecognitionError(.invalidInput, detail: "cluster \(position[a] == nil ? a : b) does not exist")
        }
        let (survivor, gone) = a < b ? (a, b) : (b, a)
        if let removed = remove(gone), let i = position[survivor] { summaries[i].absorb(removed) }
        return survivor
    }

    private mutating func insert(_ id: Int64, _ summary: ClusterSummary) {
        position[id] = keys.count
        keys.append(id)
        summaries.append(summary)
    }

    /// Absorbs into `id` every cluster within the merge distance, repeating while it grows; the lowest id of
    /// the group survives.
    private mutating func mergeAround(_ id: Int64) -> (survivor: Int64, absorbed: [Int64]) {
        guard policy.mergeDistance > 0 else { return (id, []) }
        var current = id
        var absorbed = [Int64]()
        while let i = position[current] {
            let grown = summaries[i]
            var near = [Int64]()
            for (j, other) in summaries.enumerated() where j != i {
                if grown.distance(to: other, under: policy) < policy.mergeDistance { near.append(keys[j]) }
            }
            guard !near.isEmpty else { break }
            var merged = grown
            for other in near {
                if let summary = remove(other) { merged.absorb(summary) }
            }
            remove(current)
            let group = ([current] + near).sorted()
            current = group[0]
            insert(current, merged)
            absorbed += group.dropFirst()
        }
        // The survivor is never reported as absorbed, even if it was the cluster the embedding first joined.
        let all = Set(absorbed + [id]).subtracting([current])
        return (current, all.sorted())
    }

    private func check(_ embedding: [Float]) throws(RecognitionError) {
        if let dimension, embedding.count != dimension {
            throw RecognitionError(.invalidEmbedding, detail: "embedding has \(embedding.count) values, the clusters \(dimension)")
        }
        guard !embedding.isEmpty else { throw RecognitionError(.invalidEmbedding, detail: "empty embedding") }
        if let bad = embedding.firstIndex(where: { !$0.isFinite }) {
            throw RecognitionError(.invalidEmbedding, detail: "embedding value \(bad) is \(embedding[bad])")
        }
    }
}
