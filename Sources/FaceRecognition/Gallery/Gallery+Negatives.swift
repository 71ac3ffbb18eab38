// "Not this worker": faces an admin marked as wrongly taken for a worker become that worker's negative
// examples, kept in the gallery (and its snapshot, so edge-matching agents decide the same way).
import RollcallCore

extension Gallery {
    /// Most negatives one worker may carry (each costs `dimension` floats in every snapshot).
    public static let maximumNegativesPerWorker = 256

    /// Replaces `workerID`'s negative examples. Throws, changing nothing, for an unknown worker, more than
    /// `maximumNegativesPerWorker`, or an embedding the gallery cannot hold.
    public mutating func setNegatives(_ negatives: [[Float]], of workerID: WorkerID) throws(RecognitionError) {
        guard let index = workers.firstIndex(where: { $0.id == workerID }) else {
            throw RecognitionError(.invalidWorker, detail: "worker \(workerID) is not enrolled")
        }
        guard negatives.count <= Self.maximumNegativesPerWorker else {
            throw RecognitionError(.invalidInput, detail: "worker \(workerID): \(negatives.count) negatives, at most \(Self.maximumNegativesPerWorker)")
        }
        for n in negatives { try validate(n) }
        workers[index].negatives = negatives
    }

    /// The gallery of the workers in `ids` only (a site's agents receive only their site's workers).
    public func restricted(to ids: Set<WorkerID>) -> Gallery {
        Gallery(modelID: modelID, dimension: dimension, policy: policy, sortedWorkers: workers.filter { ids.contains($0.id) })
    }
}
