// What the cloud needs from its database, apart from how it is kept (SQLite by default).
import Foundation

/// Which detections to list.
public struct DetectionFilter: Sendable, Equatable {
    public var siteID: String?
    public var camera: String?
    public var agentID: String?
    public var trackID: String?
    public var workerID: Int64?
    /// true: only unknown faces; false: only recognised ones; nil: both.
    public var unknown: Bool?
    /// Inclusive lower and exclusive upper bound on the detection time.
    public var from: Date?
    public var until: Date?

    public init(siteID: String? = nil, camera: String? = nil, agentID: String? = nil, trackID: String? = nil,
                workerID: Int64? = nil, unknown: Bool? = nil, from: Date? = nil, until: Date? = nil) {
        self.siteID = siteID
        self.camera = camera
        self.agentID = agentID
        self.trackID = trackID
        self.workerID = workerID
        self.unknown = unknown
        self.from = from
        self.until = until
    }
}

/// A page of results, newest first; pass `nextCursor` back to get the next page.
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    /// Opaque cursor of the next page, nil on the last page.
    public var nextCursor: Int64?
}

/// A track of unknown faces an admin may assign to a worker.
public struct UnknownTrack: Sendable, Codable, Equatable {
    public var agentID: String
    public var trackID: String
    public var siteID: String
    public var camera: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var detections: Int
    /// The best-quality crop still on disk, relative to the crops folder.
    public var bestCrop: String?
}

/// The files a deleted worker left behind, for the caller to erase.
public struct DeletedWorkerFiles: Sendable, Equatable {
    public var photoFiles: [String]
    public var cropFiles: [String]

    public init(photoFiles: [String], cropFiles: [String]) {
        self.photoFiles = photoFiles
        self.cropFiles = cropFiles
    }
}

/// The cloud's persistent state. Every method is atomic.
public protocol Store: Sendable, TokenStore, SessionStore, SiteScopeStore, CorrectionStore, AttendanceStore,
    UnknownPeopleStore {
    // Sites and agents
    func upsertSite(_ site: Site) async throws(CloudError)
    func sites() async throws(CloudError) -> [Site]
    func site(id: String) async throws(CloudError) -> Site?
    /// Records that a site's agent was heard from (creating its site with defaults when new). Nil values leave
    /// what was stored.
    func recordAgentSeen(siteID: String, id: String, at: Date, status: String, framesPerSecond: Double?,
                         outboxDepth: Int?, outboxDropped: Int?) async throws(CloudError)
    func agents() async throws(CloudError) -> [AgentRecord]
    func agent(siteID: String, id: String) async throws(CloudError) -> AgentRecord?
    /// Records a site's agent's acknowledgement of a gallery version.
    func recordGalleryAck(siteID: String, agentID: String, version: Int, at: Date) async throws(CloudError)

    // Workers and enrollment
    func createWorker(name: String, actor: String) async throws(CloudError) -> Worker
    func worker(id: Int64) async throws(CloudError) -> Worker?
    func workers() async throws(CloudError) -> [Worker]
    func addPhoto(_ photo: EnrollmentPhoto, actor: String) async throws(CloudError) -> EnrollmentPhoto
    func photos(workerID: Int64) async throws(CloudError) -> [EnrollmentPhoto]
    func photo(id: Int64) async throws(CloudError) -> EnrollmentPhoto?
    /// Every enrollment embedding, by worker.
    func enrollmentEmbeddings() async throws(CloudError) -> [Int64: [[Float]]]
    /// Deletes a worker with their photos, embeddings and detections; audits it; returns their files.
    func deleteWorker(id: Int64, actor: String) async throws(CloudError) -> DeletedWorkerFiles

    // Gallery versions
    /// Stores the next gallery version, each site's own message of it and its live-feed event in one
    /// transaction that holds every other process's gallery version back (PostgreSQL: a table lock; SQLite: the
    /// write transaction). The store picks the number (last + 1) and `build` makes the version's messages for
    /// it. With `after`, nothing is stored and nil returned unless the newest stored version is `after`: the
    /// caller built from rows it read after seeing version `after`, and another process has stored a version
    /// since (it reads the rows again and builds again), so two enrollments at the same moment in two processes
    /// give two consecutive versions and the later one holds both.
    func addGalleryVersion(after expected: Int?, reason: String, actor: String,
                           build: @escaping @Sendable (_ version: Int) throws -> GalleryBuild)
        async throws(CloudError) -> GalleryVersion?
    func galleryVersions(limit: Int) async throws(CloudError) -> [GalleryVersion]
    func latestGalleryVersion() async throws(CloudError) -> GalleryVersion?
    /// Records that `version` (and every older one, superseded) reached the broker for every site.
    func markGalleryPublished(version: Int, at: Date) async throws(CloudError)
    func galleryAcks(version: Int) async throws(CloudError) -> [GalleryAck]

    // Detections
    /// Stores a detection; nil (nothing stored) when one with the same site, agent and message id exists.
    func insertDetection(_ detection: Detection) async throws(CloudError) -> Detection?
    /// Stores one crop's decision in one transaction with its track's state locked (PostgreSQL: the track's row
    /// `FOR UPDATE`; SQLite: the single write transaction), so that aggregators deciding crops of one track at
    /// the same moment take turns and each sees the other's crops:
    /// 1. the track is locked (created when new);
    /// 2. a detection of this site's agent's message id already stored → `.duplicate`, nothing changed;
    /// 3. a gallery version newer than `request.galleryVersion` → `.galleryChanged`, nothing changed;
    /// 4. `request.decide(state)` (nil state: a new track); its revision updates the track's stored detections;
    /// 5. the detection, the track's new state, the detection's live event, `request.embedding` and
    ///    `request.blob` are stored, and committed together (one commit per crop).
    func storeDecision(_ request: DecisionRequest) async throws(CloudError) -> DecisionOutcome
    /// A track's stored state, nil when none is kept.
    func trackState(_ key: TrackKey) async throws(CloudError) -> TrackState?
    /// Forgets tracks not updated since `before`, then the least recently updated beyond `keepingAtMost`;
    /// returns how many were forgotten.
    func expireTracks(updatedBefore before: Date, keepingAtMost: Int) async throws(CloudError) -> Int
    /// Whether this site's agent's message is stored already, whether the agent is known and whether its site
    /// estimates emotion, read together (one round trip on PostgreSQL) before a crop is recognised.
    func cropAdmission(siteID: String, agentID: String, messageID: UUID?) async throws(CloudError) -> CropAdmission
    /// Whether a detection of this site's agent's message is stored.
    func detectionExists(siteID: String, agentID: String, messageID: UUID) async throws(CloudError) -> Bool
    /// Revises the identity of every stored detection of one track (track fusion changed its mind).
    func reviseTrack(siteID: String, agentID: String, trackID: String, workerID: Int64?,
                     distance: Double?) async throws(CloudError)
    func detections(_ filter: DetectionFilter, limit: Int, cursor: Int64?) async throws(CloudError) -> Page<Detection>
    func detection(id: Int64) async throws(CloudError) -> Detection?
    func unknownTracks(limit: Int) async throws(CloudError) -> [UnknownTrack]

    // Image-free sightings (tracks that never passed an agent's crop gate)
    /// Stores a sighting and, in the same transaction, its live event (nil: none); false (nothing stored) when
    /// one with the same site, agent and message id exists.
    func insertSighting(_ sighting: FaceSightingRecord, event: LiveEvent?) async throws(CloudError) -> Bool
    /// Sightings last seen at or after `since`, counted per site, agent, camera and reason (most recent first).
    func sightingsPerCamera(since: Date) async throws(CloudError) -> [CameraSightings]
    /// Detections whose crop is older than the kind's cutoff (known or unknown) and still on disk.
    func expiredCrops(knownBefore: Date, unknownBefore: Date, limit: Int) async throws(CloudError) -> [(Int64, String)]
    func clearCrops(detectionIDs: [Int64]) async throws(CloudError)

    // Live events
    /// Stores an event of its own (one that no other change carries, such as a correction) for every
    /// process's live feed.
    func addLiveEvent(_ event: LiveEvent) async throws(CloudError)
    /// Committed live-feed events after `cursor` in the order every process delivers them, at most `limit`.
    /// An event is listed only once no transaction that could list an event before it is still running, so a
    /// reader that moves its cursor to the last one listed never misses one.
    func liveEvents(after cursor: EventCursor, limit: Int) async throws(CloudError) -> [LiveEvent]
    /// The cursor of the newest event `liveEvents` lists now (where a new reader starts).
    func liveEventTail() async throws(CloudError) -> EventCursor
    /// Calls `wake` whenever another process may have stored events (PostgreSQL: LISTEN, reconnecting), until
    /// the task is cancelled. SQLite has no other writer to hear from: it only waits.
    func watchLiveEvents(_ wake: @escaping @Sendable () -> Void) async
    /// Removes events older than `before`, then the oldest beyond `keepingAtMost`; returns how many.
    func expireLiveEvents(before: Date, keepingAtMost: Int) async throws(CloudError) -> Int

    // Jobs
    /// Runs `body` unless another process runs the job named `job` now (then returns nil without running it):
    /// singleton jobs such as the retention sweep run in one aggregator at a time.
    func exclusively(_ job: String, _ body: @escaping @Sendable () async throws -> Int) async throws(CloudError) -> Int?

    // Tokens and audit
    func insertToken(name: String, role: Role, secretHash: String) async throws(CloudError) -> APIToken
    func token(secretHash: String) async throws(CloudError) -> APIToken?
    func audit(_ entry: AuditEntry) async throws(CloudError)
    func auditLog(limit: Int) async throws(CloudError) -> [AuditEntry]
}

/// A gallery version as `Store.addGalleryVersion`'s `build` makes it.
public struct GalleryBuild: Sendable {
    public var workerCount: Int
    /// The signed snapshot message of the workers of every site.
    public var snapshot: Data
    /// The signed message of each site that has workers of its own (the other sites receive `snapshot`).
    public var siteMessages: [String: Data]

    public init(workerCount: Int, snapshot: Data, siteMessages: [String: Data] = [:]) {
        self.workerCount = workerCount
        self.snapshot = snapshot
        self.siteMessages = siteMessages
    }
}

extension Store {
    /// Stores a sighting without a live event.
    public func insertSighting(_ sighting: FaceSightingRecord) async throws(CloudError) -> Bool {
        try await insertSighting(sighting, event: nil)
    }

    /// Stores the next gallery version from a snapshot made from its number alone, whatever was stored before.
    public func addGalleryVersion(workerCount: Int, reason: String, actor: String,
                                  snapshot: @escaping @Sendable (Int) throws -> Data) async throws(CloudError) -> GalleryVersion {
        let version = try await addGalleryVersion(after: nil, reason: reason, actor: actor) { number in
            GalleryBuild(workerCount: workerCount, snapshot: try snapshot(number))
        }
        guard let version else {
            throw CloudError(.storage, "no gallery version stored", subject: "gallery")
        }
        return version
    }
}
