// A track's shared state — track fusion's evidence and emotion smoothing — as the store keeps it per track, so
// that every aggregator decides a track from all of its crops whichever aggregator received them.
import FaceRecognition
import Foundation

/// What the cloud remembers of one track between its crops: the crops' embeddings with their weights (the best
/// `maxCropsPerTrack`), the track's latest decision and its smoothed emotion. Stored, under a lock on the track,
/// in the transaction that stores the crop's detection (`Store.storeDecision`).
public struct TrackState: Sendable, Equatable, Codable {
    /// One crop's contribution to the fused embedding.
    public struct Sample: Sendable, Equatable, Codable {
        public var embedding: [Float]
        /// The crop's quality (0.001…).
        public var weight: Double

        public init(embedding: [Float], weight: Double) {
            self.embedding = embedding
            self.weight = weight
        }

        enum CodingKeys: String, CodingKey { case embedding = "e", weight = "w" }

        // The embedding as little-endian float32 bytes (base64 in JSON): a quarter of the JSON number text.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let bytes = try container.decode(Data.self, forKey: .embedding)
            guard bytes.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(forKey: .embedding, in: container,
                                                       debugDescription: "\(bytes.count) bytes is no float32 vector")
            }
            embedding = EmbeddingCoding.decode(bytes)
            weight = try container.decode(Double.self, forKey: .weight)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(EmbeddingCoding.encode(embedding), forKey: .embedding)
            try container.encode(weight, forKey: .weight)
        }
    }

    /// When the track was last seen (the agent's frame time of its newest crop).
    public var lastSeen: Date
    /// The crops fused so far, in the order fusion keeps them.
    public var samples: [Sample]
    /// The track's decision after its latest crop.
    public var decision: MatchDecision?
    /// The track's smoothed emotion, nil when none was estimated.
    public var emotion: TrackEmotion.Smoothed?
    /// Crops this state has taken (all of them, also those fusion no longer keeps): a crop stored twice would
    /// show here.
    public var crops: Int

    public init(lastSeen: Date, samples: [Sample] = [], decision: MatchDecision? = nil,
                emotion: TrackEmotion.Smoothed? = nil, crops: Int = 0) {
        self.lastSeen = lastSeen
        self.samples = samples
        self.decision = decision
        self.emotion = emotion
        self.crops = crops
    }

    /// The state as stored (JSON bytes).
    public func encoded() throws(CloudError) -> Data {
        do {
            return try JSONEncoder().encode(self)
        } catch {
            throw CloudError(.storage, "cannot encode a track's state: \(error)", subject: "track")
        }
    }

    /// A stored state; nil for bytes this binary cannot read (the track then starts afresh).
    public static func decoded(_ data: Data) -> TrackState? {
        try? JSONDecoder().decode(TrackState.self, from: data)
    }
}

/// A crop's decision for its track, as `Store.storeDecision` asks for it with the track locked.
public struct TrackDecision: Sendable {
    /// The detection to store.
    public var detection: Detection
    /// The track's state after this crop.
    public var state: TrackState
    /// Set when the track's identity changed with this crop: every stored detection of the track takes it.
    public var revision: TrackRevision?

    public init(detection: Detection, state: TrackState, revision: TrackRevision?) {
        self.detection = detection
        self.state = state
        self.revision = revision
    }
}

/// A track's new identity, for its earlier detections.
public struct TrackRevision: Sendable, Equatable {
    public var workerID: Int64?
    public var distance: Double?

    public init(workerID: Int64?, distance: Double?) {
        self.workerID = workerID
        self.distance = distance
    }
}

/// What `Store.storeDecision` is asked to do for one crop.
public struct DecisionRequest: Sendable {
    /// The crop's track.
    public var track: TrackKey
    /// The crop's message id (nil: it did not come over MQTT, and is never a duplicate).
    public var messageID: UUID?
    /// The gallery version `decide` decides with; the store answers `.galleryChanged` when a newer one exists.
    public var galleryVersion: Int
    /// The decision from the track's stored state (nil: a new track), run inside the transaction with the
    /// track locked. A thrown refusal rolls the transaction back.
    public var decide: @Sendable (TrackState?) throws(CloudError) -> TrackDecision
    /// The stored detection's live-feed event (its id is known by then), stored in the same transaction.
    public var event: @Sendable (Detection, TrackDecision) -> LiveEvent
    /// The face embedding the detection was decided on, kept with it (for corrections and clustering) in the
    /// same transaction; nil: none kept.
    public var embedding: [Float]?
    /// The crop's bytes when the store keeps them (`PendingBlob`, PostgreSQL), inserted in the same transaction;
    /// nil when they were saved beforehand (files beside SQLite) or there are none (privacy mode).
    public var blob: PendingBlob?

    public init(track: TrackKey, messageID: UUID?, galleryVersion: Int,
                decide: @escaping @Sendable (TrackState?) throws(CloudError) -> TrackDecision,
                event: @escaping @Sendable (Detection, TrackDecision) -> LiveEvent,
                embedding: [Float]? = nil, blob: PendingBlob? = nil) {
        self.track = track
        self.messageID = messageID
        self.galleryVersion = galleryVersion
        self.decide = decide
        self.event = event
        self.embedding = embedding
        self.blob = blob
    }
}

/// How `Store.storeDecision` ended.
public enum DecisionOutcome: Sendable {
    /// Stored (the detection with its id) and the decision it stored.
    case stored(Detection, TrackDecision)
    /// This site's agent's message is stored already: nothing changed.
    case duplicate
    /// A newer gallery version than the request's exists: nothing changed; decide again with it.
    case galleryChanged(latest: Int)
}
