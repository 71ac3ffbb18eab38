// Track fusion: one identity per track, decided from all its crops weighted by quality, revised as crops arrive.
import Foundation

/// Remembers the evidence of recent tracks and decides each track's identity from all of it. A pure value
/// type: no clock, no I/O; the caller passes times in. `Key` names a track (the cloud: site, agent, camera and
/// the agent's track id).
public struct TrackFusion<Key: Hashable & Sendable>: Sendable {
    /// The decision after adding one crop.
    public struct Decision: Sendable, Equatable {
        /// The track's decision now.
        public var match: MatchDecision
        /// The track's decision before this crop, nil for a track's first crop.
        public var previous: MatchDecision?
        /// Crops fused so far.
        public var crops: Int
        /// Tracks forgotten while adding this crop (idle too long, or too many tracks): state kept per track
        /// elsewhere (emotion smoothing) should be dropped with them.
        public var expired: [Key] = []
        /// Whether the identity (worker or unknown) changed with this crop.
        public var revised: Bool { previous != nil && previous?.workerID != match.workerID }
    }

    /// The tracks held, by key.
    public private(set) var tracks: [Key: TrackEvidence] = [:]
    /// Tracks idle longer than this are forgotten.
    public var idleTimeout: TimeInterval
    /// Most crops kept per track (the best by quality stay).
    public var maxCropsPerTrack: Int
    /// Most tracks remembered at once (the oldest go first).
    public var maxTracks: Int

    public init(idleTimeout: TimeInterval = 300, maxCropsPerTrack: Int = 32, maxTracks: Int = 10_000) {
        self.idleTimeout = idleTimeout
        self.maxCropsPerTrack = maxCropsPerTrack
        self.maxTracks = maxTracks
    }

    /// Number of tracks remembered.
    public var count: Int { tracks.count }

    /// Adds one crop's embedding (weighted by its `quality`) to its track and decides the track again against
    /// `gallery` under the gallery's policy. Throws, changing nothing, for an embedding the gallery cannot
    /// compare.
    public mutating func add(_ key: Key, embedding: [Float], quality: Double, at now: Date,
                             gallery: Gallery) throws(RecognitionError) -> Decision {
        try gallery.validate(embedding)
        let expired = evict(now: now)
        var track = tracks[key] ?? TrackEvidence(lastSeen: now)
        let previous = track.decision
        track.add(embedding: embedding, quality: quality, at: now, capacity: maxCropsPerTrack)
        let match = try track.decide(against: gallery)
        tracks[key] = track
        return Decision(match: match, previous: previous, crops: track.samples.count, expired: expired)
    }

    /// Forgets a track (its worker was deleted, or it was assigned by hand).
    public mutating func forget(_ key: Key) {
        tracks[key] = nil
    }

    /// Forgets every track (the gallery changed so much that decisions must start again).
    public mutating func reset() {
        tracks.removeAll()
    }

    /// Drops idle tracks, then the oldest beyond `maxTracks - 1`; returns the keys dropped.
    private mutating func evict(now: Date) -> [Key] {
        var expired = tracks.filter { now.timeIntervalSince($0.value.lastSeen) > idleTimeout }.map(\.key)
        for key in expired { tracks[key] = nil }
        if tracks.count >= maxTracks {
            let oldest = tracks.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(tracks.count - maxTracks + 1)
            for (key, _) in oldest {
                tracks[key] = nil
                expired.append(key)
            }
        }
        return expired
    }
}
