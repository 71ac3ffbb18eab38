import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// The feature routes through the router: attendance JSON and CSV, site time zones, workers' sites, people and
/// corrections, with their refusals.
@Suite struct FeatureAPITests {
    @Test func attendanceAsJSONAndCSVWithTheSitesTimeZone() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        // 2024-03-10 04:30 and 05:30 UTC: 23:30 on the 9th and 00:30 on the 10th in New York.
        let ada = try await env.adaSeen(at: [1_710_045_000.0, 1_710_048_600.0])
        try await env.withApp { client in
            try await client.execute(uri: "/api/v1/sites/hq/time-zone", method: .put, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"timeZone":"America/New_York"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/sites/hq/time-zone", method: .put, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"timeZone":"Mars/Olympus"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("IANA"))
            }
            try await client.execute(uri: "/api/v1/attendance?from=2024-03-09&to=2024-03-10", method: .get,
                                     headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                let text = response.text
                #expect(text.contains(#""date":"2024-03-09""#) && text.contains(#""date":"2024-03-10""#))
                #expect(text.contains(#""timeZone":"America\/New_York""#) || text.contains(#""timeZone":"America/New_York""#))
            }
            try await client.execute(uri: "/api/v1/attendance?from=2024-03-10&to=2024-03-10&format=csv", method: .get,
                                     headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = response.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 2)
                #expect(lines[1].hasPrefix("2024-03-10,hq,Headquarters,America/New_York,\(ada),\"Doe, \"\"Ada\"\"\",2024-03-10 00:30:00"))
            }
            // Refusals: over a year, backwards, not a date, missing bounds.
            for (query, words) in [("from=2024-01-01&to=2025-01-01", "367 days"), ("from=2024-02-01&to=2024-01-01", "before it starts"),
                                   ("from=2024-1-1&to=2024-01-02", "YYYY-MM-DD"), ("from=2024-01-01", "required")] {
                try await client.execute(uri: "/api/v1/attendance?\(query)", method: .get, headers: auth(env.viewerToken)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(response.text.contains(words), "\(query): \(response.text)")
                }
            }
        }
    }

    @Test func workersSitesPeopleAndCorrectionsOverHTTP() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let photo = TestImages.png(seed: 1), stranger = TestImages.png(seed: 2)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(0, offset: 0.3))
        let ada = try #require(try await env.aggregator.createWorker(name: "Ada", actor: "admin").id)
        _ = try await env.aggregator.enroll(workerID: ada, photo: photo, actor: "admin")
        let wrong = try await env.aggregator.process(IncomingCrop(
            siteID: "hq", agentID: "agent-1", camera: "door", trackID: "t1", frameTime: Date(), image: stranger, quality: 0.9,
            detectionScore: 0.9))
        try await env.withApp { client in
            try await client.execute(uri: "/api/v1/workers/\(ada)/sites", method: .put, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"sites":["hq"]}"#)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""sites":["hq"]"#))
            }
            try await client.execute(uri: "/api/v1/workers/\(ada)/sites", method: .put, headers: json(env.viewerToken),
                                     body: ByteBuffer(string: #"{"sites":null}"#)) { #expect($0.status == .forbidden) }
            // Marking needs the site and worker the admin saw; another site is refused.
            try await client.execute(uri: "/api/v1/detections/\(wrong.detectionID)/not-this-worker", method: .post,
                                     headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"workerID":\#(ada),"siteID":"depot"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("site hq, not depot"))
            }
            let correction = try await client.execute(uri: "/api/v1/detections/\(wrong.detectionID)/not-this-worker", method: .post,
                                                      headers: json(env.adminToken),
                                                      body: ByteBuffer(string: #"{"workerID":\#(ada),"siteID":"hq"}"#)) { response in
                #expect(response.status == .created)
                return try response.decode(CorrectionOutcome.self)
            }
            #expect(correction.detectionWorkerID == nil)
            try await client.execute(uri: "/api/v1/corrections", method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.text.contains(#""detectionID":\#(wrong.detectionID)"#))
            }
            try await client.execute(uri: "/api/v1/corrections/\(correction.correctionID)", method: .delete,
                                     headers: auth(env.adminToken)) { response in
                #expect(response.status == .ok)
                let outcome = try? response.decode(CorrectionOutcome.self)
                #expect(outcome?.undone == true)
            }
            // People: the stranger's track is unknown again after the marking; cluster it and look.
            try await client.execute(uri: "/api/v1/people?status=everyone", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/people/77/enroll", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"name":"X"}"#)) { #expect($0.status == .notFound) }
        }
    }
}
