// Recognition results to the agents: published after the detection is committed, without the crop's
// acknowledgement waiting for the broker's.
import Foundation

extension Aggregator {
    /// Publishes a result on its site's results topic in the background. A crop's message is acknowledged once
    /// its detection is committed; the result's own PUBACK must not hold that up (with manual acknowledgements
    /// the client writes nothing while a crop is unacknowledged). Beyond `resultsInFlightLimit` publications in
    /// progress (a broker that stopped answering), results are dropped and counted.
    func publishResultInBackground(_ result: RecognitionResult) {
        let admitted = resultsInFlight.withLock { count -> Bool in
            guard count < Self.resultsInFlightLimit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            metrics.increment("rollcall_cloud_results_unpublished_total", labels: ["reason": "backlog"])
            return
        }
        Task {
            defer { resultsInFlight.withLock { $0 -= 1 } }
            do {
                try await fleet.publishResult(result)
            } catch {
                metrics.increment("rollcall_cloud_results_unpublished_total", labels: ["reason": "error"])
                logger.warning("result not published: \(error)")
            }
        }
    }
}
