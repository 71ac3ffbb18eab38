import Cloud
import Foundation
import Testing

extension TestEnvironment {
    /// Registers agent-1 at hq, enrolls a worker named `Doe, "Ada"` (a name the CSV must quote) and stores one
    /// crop of her per time (tracks t1, t2, …) from camera `door`; returns her id.
    func adaSeen(at times: [TimeInterval]) async throws -> Int64 {
        try await registerAgent()
        let photo = TestImages.png(seed: 1)
        recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        let ada = try #require(try await aggregator.createWorker(name: "Doe, \"Ada\"", actor: "admin").id)
        _ = try await aggregator.enroll(workerID: ada, photo: photo, actor: "admin")
        for (index, time) in times.enumerated() {
            _ = try await aggregator.process(IncomingCrop(siteID: "hq", agentID: "agent-1", camera: "door",
                                                          trackID: "t\(index + 1)",
                                                          frameTime: Date(timeIntervalSince1970: time), image: photo,
                                                          quality: 0.9, detectionScore: 0.9))
        }
        return ada
    }
}
