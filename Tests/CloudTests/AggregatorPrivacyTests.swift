import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Agents in privacy mode send an embedding instead of a crop: matched like a crop's, stored without a crop
/// file, shown with a "privacy" marker; embeddings of another backbone, length or with bad values are refused
/// and counted.
@Suite struct AggregatorPrivacyTests {
    func embedding(_ values: [Float], model: String = "dlib-resnet-v1", track: String = "p1",
                   quality: Double = 0.7) -> IncomingCrop {
        IncomingCrop(siteID: "hq", agentID: "agent-1", camera: "door", trackID: track, frameTime: Date(),
                     content: .embedding(modelID: model, values: values), quality: quality, detectionScore: 0.9)
    }

    /// An environment with agent-1 at hq (emotion on) and Ada enrolled along axis 0.
    func enrolledEnvironment() async throws -> (TestEnvironment, Int64) {
        let env = try await TestEnvironment()
        try await env.registerAgent()
        let photo = TestImages.png(seed: 70)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        let ada = try await env.aggregator.createWorker(name: "Ada", actor: "a")
        let id = try #require(ada.id)
        _ = try await env.aggregator.enroll(workerID: id, photo: photo, actor: "a")
        return (env, id)
    }

    @Test func embeddingsAreMatchedStoredWithoutACropAndPublished() async throws {
        let (env, adaID) = try await enrolledEnvironment()
        defer { env.remove() }
        let live = env.aggregator.live.subscribe()
        defer { live.finish() }
        let calls = env.recognizer.calls.withLock { $0 }

        let known = try await env.aggregator.process(embedding(Embeddings.axis(0, offset: 0.1)))
        #expect(known.workerID == adaID && known.workerName == "Ada" && known.privacy)
        #expect(abs((known.distance ?? 1) - 0.1) < 1e-5)
        #expect(known.emotion == nil)   // hq allows emotion, but there is no image to estimate it from
        #expect(env.recognizer.calls.withLock { $0 } == calls)   // nothing decoded, detected or embedded
        let stored = try #require(try await env.store.detection(id: known.detectionID))
        #expect(stored.privacy && stored.cropFile == nil && stored.emotion == nil && stored.cropEmotion == nil)
        #expect(abs(stored.quality - 0.7) < 1e-9)
        #expect(env.files(under: env.config.storage.cropsDirectory).isEmpty)
        #expect(await eventually {
            env.fleet.results.withLock { $0.contains { $0.detectionID == known.detectionID && $0.privacy } }
        })
        // The live feed relays the stored detection (after the enrollment's gallery and agent events).
        var events = live.events.makeAsyncIterator()
        var event = try #require(await events.next())
        while event.name != "detection" { event = try #require(await events.next()) }
        #expect(event.data.contains("\"privacy\":true") && event.data.contains("\"detectionID\":\(known.detectionID)"))
        #expect(event.cursor != nil)

        // A stranger is unknown; track fusion works on embeddings as on crops.
        let stranger = try await env.aggregator.process(embedding(Embeddings.axis(40), track: "p2", quality: 0.05))
        #expect(stranger.workerID == nil)
        var nearAda = Embeddings.axis(0, offset: 0.05)
        nearAda[40] = 0.02
        let revised = try await env.aggregator.process(embedding(nearAda, track: "p2", quality: 1))
        #expect(revised.workerID == adaID && revised.revised)
        #expect(env.metrics.counter("rollcall_cloud_detections_total",
                                    labels: ["site": "hq", "known": "true", "privacy": "true"]) == 2)
        // An unknown privacy-mode track cannot be assigned to a worker: there is no crop to enroll.
        _ = try await env.aggregator.process(embedding(Embeddings.axis(50), track: "p5"))
        await #expect {
            try await env.aggregator.assignTrack(agentID: "agent-1", trackID: "p5", workerID: adaID, actor: "a")
        } throws: { error in
            let error = error as? CloudError
            return error?.code == .photoRefused && error?.detail.contains("privacy mode") == true
        }

        // The API and the dashboard show such detections without an image.
        try await env.withApp { client in
            try await client.execute(uri: "/api/v1/detections/\(known.detectionID)", method: .get,
                                     headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"privacy\":true") && !response.text.contains("cropFile\":\""))
            }
            try await client.execute(uri: "/api/v1/detections/\(known.detectionID)/crop", method: .get,
                                     headers: auth(env.viewerToken)) { response in
                #expect(response.status == .notFound && response.text.contains("privacy mode"))
            }
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            try await client.execute(uri: "/dashboard", method: .get, headers: viewer.page) { response in
                #expect(response.status == .ok)
                let row = response.text.components(separatedBy: "data-id=\"\(known.detectionID)\"").dropFirst().first?
                    .components(separatedBy: "</tr>").first ?? ""
                #expect(row.contains("<span class=\"privacy\"") && !row.contains("<img"), "\(row)")
            }
        }
    }

    @Test func badEmbeddingsAreRefusedAndCounted() async throws {
        let (env, adaID) = try await enrolledEnvironment()
        defer { env.remove() }
        let good = Embeddings.axis(0, offset: 0.05)
        var huge = good
        huge[5] = 1e9
        let refused = [
            embedding(good, model: "vgg16-vggface"),                               // another backbone
            embedding(Array(good.prefix(64))), embedding(good + [0]),              // wrong dimension
            embedding([Float.nan] + good.dropFirst()), embedding(huge),            // bad values
            embedding([Float](repeating: 0, count: 128)),
        ]
        for crop in refused {
            await #expect {
                try await env.aggregator.process(crop)
            } throws: { error in
                let error = error as? CloudError
                return error?.code == .badEmbedding && error?.subject?.contains("agent-1") == true
            }
        }
        #expect(env.metrics.counter("rollcall_cloud_embeddings_refused_total", labels: ["reason": "model"]) == 1)
        #expect(env.metrics.counter("rollcall_cloud_embeddings_refused_total", labels: ["reason": "dimension"]) == 2)
        #expect(env.metrics.counter("rollcall_cloud_embeddings_refused_total", labels: ["reason": "values"]) == 3)
        #expect(env.metrics.counter("rollcall_cloud_crops_refused_total", labels: ["reason": "badEmbedding"]) == 6)
        #expect(try await env.store.detections(.init(), limit: 10, cursor: nil).items.isEmpty)
        // An embedding from an unknown agent is refused like its crop would be.
        var intruder = embedding(good)
        intruder.agentID = "intruder"
        await #expect { try await env.aggregator.process(intruder) } throws: { ($0 as? CloudError)?.code == .badMessage }
        // Still works afterwards.
        #expect(try await env.aggregator.process(embedding(good, track: "p9")).workerID == adaID)
    }
}
