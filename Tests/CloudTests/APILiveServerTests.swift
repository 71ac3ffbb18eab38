import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The same API over a real socket: a full enrollment, recognition and deletion round trip.
@Suite struct APILiveServerTests {
    @Test func enrollRecognizeDeleteOverHTTP() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let photo = TestImages.png(seed: 5)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(3))
        try await env.withApp(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let worker = try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                                  body: ByteBuffer(string: #"{"name":"Bo"}"#)) {
                try $0.decode(WorkerJSON.self)
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)/photos", method: .post,
                                     headers: [.authorization: "Bearer \(env.adminToken)", .contentType: "image/png"],
                                     body: ByteBuffer(bytes: photo)) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: auth(env.viewerToken),
                                     body: ByteBuffer(bytes: photo)) { response in
                #expect(response.text.contains("\"workerName\":\"Bo\""))
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)", method: .delete, headers: auth(env.adminToken)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: auth(env.viewerToken),
                                     body: ByteBuffer(bytes: photo)) { response in
                #expect(!response.text.contains("\"workerName\""))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.text.contains("rollcall_cloud_gallery_version 2"))
                #expect(response.text.contains("rollcall_cloud_http_requests_total{method=\"POST\",status=\"201\"}"))
            }
        }
    }
}
