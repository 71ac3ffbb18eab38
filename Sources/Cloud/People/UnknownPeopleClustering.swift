// The clustering job: unknown faces, in detection order, grouped into recurring unknown people. One track is
// one person (its later faces follow its first); a new track joins the nearest person under the clustering
// policy or becomes a new person. The clusters are held in memory and reloaded whenever the store's revision
// shows a change made elsewhere (an admin's merge, split, dismissal or enrollment, another aggregator's job).
import FaceRecognition
import Foundation
import Logging

/// Places pending unknown faces into recurring unknown people. Not thread-safe: one job runs it at a time
/// (the service holds it under `Store.exclusively`).
public final class UnknownPeopleClustering: @unchecked Sendable {
    let store: any Store
    let policy: ClusteringPolicy
    let metrics: CloudMetrics
    let logger: Logger
    /// Faces read per round.
    let batchSize: Int

    private var clusterer: IncrementalClusterer
    private var trackPerson = [TrackRef: Int64]()
    private var trackSummary = [TrackRef: ClusterSummary]()
    private var loadedRevision: Int64?

    public init(store: any Store, policy: ClusteringPolicy, metrics: CloudMetrics, logger: Logger,
                batchSize: Int = 200) throws(CloudError) {
        do { clusterer = try IncrementalClusterer(policy: policy) } catch {
            throw CloudError(.invalidConfig, "\(error)", subject: "people.clustering")
        }
        self.store = store
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.batchSize = batchSize
    }

    /// One round: clusters up to `batchSize` pending faces; returns how many were placed.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws(CloudError) -> Int {
        var progress = try await store.clusteringProgress()
        if progress.revision != loadedRevision { try await reload(revision: progress.revision) }
        let faces = try await store.pendingUnknownFaces(after: progress.cursor, limit: batchSize)
        var placed = 0
        for face in faces {
            do {
                progress.revision = try await place(face, revision: loadedRevision ?? progress.revision, now: now)
            } catch where error.code == .conflict {
                // Changed elsewhere since the load: reload and place this face again.
                progress = try await store.clusteringProgress()
                try await reload(revision: progress.revision)
                progress.revision = try await place(face, revision: progress.revision, now: now)
            }
            loadedRevision = progress.revision
            placed += 1
        }
        if placed > 0 { metrics.increment("rollcall_cloud_unknown_faces_clustered_total", by: Double(placed)) }
        metrics.set("rollcall_cloud_unknown_people", to: Double(clusterer.ids.count))
        return placed
    }

    /// Places one face and stores it; returns the store's new revision.
    private func place(_ face: PendingUnknownFace, revision: Int64, now: Date) async throws(CloudError) -> Int64 {
        var revision = revision
        var clusters = clusterer
        let placement: IncrementalClusterer.Placement
        do {
            if let person = trackPerson[face.track], clusters[person] != nil {
                placement = try clusters.add(face.embedding, to: person)
            } else if let near = try clusters.nearest(to: face.embedding), near.distance < policy.joinDistance {
                placement = try clusters.add(face.embedding, to: near.id)
            } else {
                let created = try await store.createUnknownPerson(at: now, expectedRevision: revision)
                revision = created.revision
                placement = try clusters.add(face.embedding, newClusterID: created.id)
            }
        } catch let error as CloudError {
            throw error
        } catch {
            // A face the clusters cannot take (another dimension, non-finite): skipped and counted.
            metrics.increment("rollcall_cloud_unknown_faces_refused_total")
            logger.warning("unknown face of detection \(face.detectionID) not clustered: \(error)")
            try await store.skipPendingFaces(through: face.detectionID)
            return revision
        }
        var summary = trackSummary[face.track] ?? ClusterSummary(face.embedding)
        if trackSummary[face.track] != nil { summary.add(face.embedding) }
        let newRevision = try await store.recordPlacement(
            FacePlacement(face: face, personID: placement.cluster, trackSummary: summary, absorbed: placement.absorbed),
            expectedRevision: revision)
        clusterer = clusters
        trackSummary[face.track] = summary
        trackPerson[face.track] = placement.cluster
        if !placement.absorbed.isEmpty {
            let gone = Set(placement.absorbed)
            for (track, person) in trackPerson where gone.contains(person) { trackPerson[track] = placement.cluster }
            metrics.increment("rollcall_cloud_unknown_people_merged_total", by: Double(gone.count))
        }
        return newRevision
    }

    /// Rebuilds the clusters from the stored tracks.
    private func reload(revision: Int64) async throws(CloudError) {
        let tracks = try await store.trackClusters()
        var people = [Int64: ClusterSummary]()
        trackPerson = [:]
        trackSummary = [:]
        for t in tracks {
            trackPerson[t.track] = t.personID
            trackSummary[t.track] = t.summary
            if people[t.personID] == nil { people[t.personID] = t.summary } else { people[t.personID]?.absorb(t.summary) }
        }
        var fresh: IncrementalClusterer
        do {
            fresh = try IncrementalClusterer(policy: policy)
            for (id, summary) in people { try fresh.set(id, summary) }
        } catch {
            throw CloudError(.storage, "the stored unknown people do not form clusters: \(error)", subject: "clustering")
        }
        clusterer = fresh
        loadedRevision = revision
    }
}
