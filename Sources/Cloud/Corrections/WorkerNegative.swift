import Foundation

/// A "not this worker" correction: a detection an admin said was not the worker it was taken for. Its face's
/// embedding is a negative example of that worker while the correction stands (until undone).
public struct WorkerNegative: Sendable, Codable, Equatable {
    public var id: Int64?
    public var workerID: Int64
    public var detectionID: Int64
    /// The detection's face embedding.
    public var embedding: [Float]
    public var actor: String
    public var createdAt: Date
    /// When it was undone (then it no longer counts), and by whom.
    public var undoneAt: Date?
    public var undoneBy: String?

    public init(id: Int64? = nil, workerID: Int64, detectionID: Int64, embedding: [Float], actor: String,
                createdAt: Date = Date(), undoneAt: Date? = nil, undoneBy: String? = nil) {
        self.id = id
        self.workerID = workerID
        self.detectionID = detectionID
        self.embedding = embedding
        self.actor = actor
        self.createdAt = createdAt
        self.undoneAt = undoneAt
        self.undoneBy = undoneBy
    }
}
