// Persistence of recurring unknown people (SQLite and PostgreSQL). The clustering job reads unknown faces in
// detection order and writes each placement; every change bumps a revision so that a job holding the clusters
// in memory notices an admin's merge, split or dismissal (or another aggregator's job) and reloads.
import FaceRecognition
import Foundation

/// An unknown face waiting to be clustered.
public struct PendingUnknownFace: Sendable, Equatable {
    public var detectionID: Int64
    public var track: TrackRef
    public var camera: String
    public var time: Date
    public var embedding: [Float]

    public init(detectionID: Int64, track: TrackRef, camera: String, time: Date, embedding: [Float]) {
        self.detectionID = detectionID
        self.track = track
        self.camera = camera
        self.time = time
        self.embedding = embedding
    }
}

/// What a track contributes to its person's cluster.
public struct TrackCluster: Sendable, Equatable {
    public var track: TrackRef
    public var personID: Int64
    public var summary: ClusterSummary
    public var status: UnknownPerson.Status

    public init(track: TrackRef, personID: Int64, summary: ClusterSummary, status: UnknownPerson.Status) {
        self.track = track
        self.personID = personID
        self.summary = summary
        self.status = status
    }
}

/// Where the clustering job stands.
public struct ClusteringProgress: Sendable, Equatable {
    /// The last detection id clustered.
    public var cursor: Int64
    /// Bumped by every change of the unknown people.
    public var revision: Int64

    public init(cursor: Int64, revision: Int64) {
        self.cursor = cursor
        self.revision = revision
    }
}

/// One face placed by the clustering job.
public struct FacePlacement: Sendable {
    public var face: PendingUnknownFace
    public var personID: Int64
    /// The track's statistics after the face was added.
    public var trackSummary: ClusterSummary
    /// People merged into `personID` by this placement.
    public var absorbed: [Int64]

    public init(face: PendingUnknownFace, personID: Int64, trackSummary: ClusterSummary, absorbed: [Int64]) {
        self.face = face
        self.personID = personID
        self.trackSummary = trackSummary
        self.absorbed = absorbed
    }
}

/// The store's side of recurring unknown people.
public protocol UnknownPeopleStore: Sendable {
    func clusteringProgress() async throws(CloudError) -> ClusteringProgress
    /// Unknown detections with a kept embedding and an id above `after`, oldest first.
    func pendingUnknownFaces(after: Int64, limit: Int) async throws(CloudError) -> [PendingUnknownFace]
    /// Every clustered track of people not enrolled.
    func trackClusters() async throws(CloudError) -> [TrackCluster]
    /// Creates an active person; returns its id and the new revision. Throws `conflict`… as `badRequest` when
    /// the revision is no longer `expectedRevision`.
    func createUnknownPerson(at: Date, expectedRevision: Int64) async throws(CloudError) -> (id: Int64, revision: Int64)
    /// Stores a placement (the track's sighting, merges, the cursor) atomically; returns the new revision.
    /// Throws `.conflict` when the revision is no longer `expectedRevision` (reload and try again).
    func recordPlacement(_ placement: FacePlacement, expectedRevision: Int64) async throws(CloudError) -> Int64
    /// Moves the cursor past faces that cannot be clustered (their track's person was enrolled meanwhile).
    func skipPendingFaces(through detectionID: Int64) async throws(CloudError)

    func unknownPeople(status: UnknownPerson.Status?, limit: Int) async throws(CloudError) -> [UnknownPerson]
    func unknownPerson(id: Int64) async throws(CloudError) -> UnknownPerson?
    func unknownSightings(personID: Int64) async throws(CloudError) -> [UnknownSighting]
    /// The person's crops still on disk (for the best-crop choice).
    func unknownCropCandidates(personID: Int64) async throws(CloudError) -> [CropCandidate]
    /// Sets a person's status (dismiss, restore, enrolled as `workerID`); audits it.
    func setUnknownPersonStatus(id: Int64, status: UnknownPerson.Status, workerID: Int64?,
                                actor: String) async throws(CloudError)
    /// Moves every sighting of `from` to `into` and deletes `from`; audits it.
    func mergeUnknownPeople(into: Int64, from: Int64, actor: String) async throws(CloudError)
    /// Moves the given tracks of a person to a new active person; returns its id; audits it. Throws
    /// `badRequest` unless the tracks are some, but not all, of the person's.
    func splitUnknownPerson(id: Int64, tracks: [TrackRef], actor: String) async throws(CloudError) -> Int64
}
