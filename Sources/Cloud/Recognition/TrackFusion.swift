// Track fusion: one identity per track, decided from all its crops weighted by quality, revised as crops arrive.
import Foundation

/// Remembers the embeddings of recent tracks and decides each track's identity from all of them.
/// A pure value type: no clock, no I/O; the caller passes times in.
public struct TrackFusion: Sendable {
    /// A track's key: site, agent, camera and the agent's track id (agents number tracks per run and camera).
    public struct Key: Hashable, Sendable {
        public var siteID: String
        public var agentID: String
        public var camera: String
        public var trackID: String
        public init(siteID: String, agentID: String, camera: String, trackID: String) {
            self.siteID = siteID
            self.agentID = agentID
            self.camera = camera
            self.trackID = trackID
        }
    }

    /// The decision after adding one crop.
    public struct Decision: Sendable, Equatable {
        public var match: CentroidGallery.Match
        /// The track's decision before this crop, nil for a track's first crop.
        public var previous: CentroidGallery.Match?
        /// Crops fused so far.
        public var crops: Int
        /// Tracks forgotten while adding this crop (idle too long, or too many tracks): state kept per track
        /// elsewhere (emotion smoothing) should be dropped with them.
        public var expired: [Key] = []
        /// Whether the identity (worker or unknown) changed with this crop.
        public var revised: Bool { previous != nil && previous?.workerID != match.workerID }
    }

    private struct Track {
        var samples: [([Float], Double)] = []
        var decision: CentroidGallery.Match?
        var lastSeen: Date
    }

    private var tracks: [Key: Track] = [:]
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

    /// Adds one crop's embedding and decides the track again against `gallery`.
    public mutating func add(_ key: Key, embedding: [Float], quality: Double, at now: Date,
                             gallery: CentroidGallery) -> Decision {
        let expired = evict(now: now)
        var track = tracks[key] ?? Track(lastSeen: now)
        track.samples.append((embedding, max(0.001, quality)))
        if track.samples.count > maxCropsPerTrack {
            track.samples.sort { $0.1 > $1.1 }
            track.samples.removeLast(track.samples.count - maxCropsPerTrack)
        }
        track.lastSeen = now
        let fused = CentroidGallery.mean(track.samples) ?? embedding
        let match = gallery.match(fused)
        let decision = Decision(match: match, previous: track.decision, crops: track.samples.count, expired: expired)
        track.decision = match
        tracks[key] = track
        return decision
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
