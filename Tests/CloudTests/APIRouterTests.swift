import Cloud
import Emotion
import FaceRecognition
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct APIRouterTests {
    @Test func healthNeedsNoTokenMetricsAViewerToken() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"status\":\"ok\""))
            }
            try await client.execute(uri: "/api/v1/workers", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(response.text.contains("# TYPE rollcall_cloud_http_errors_total counter"))
                #expect(response.text.contains("rollcall_cloud_http_errors_total{code=\"unauthorized\",status=\"401\"} 1"))
            }
        }
    }

    @Test func tokensAndRoles() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            for headers: HTTPFields in [[:], auth("rc_unknown"), [.authorization: "Basic abc"]] {
                try await client.execute(uri: "/api/v1/workers", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.errorCode == "unauthorized")
                }
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .ok)
            }
            let body = ByteBuffer(string: #"{"name":"Ada"}"#)
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.viewerToken), body: body) {
                #expect($0.status == .forbidden)
                #expect($0.errorCode == "forbidden")
            }
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken), body: body) {
                #expect($0.status == .created)
                let created = try $0.decode(WorkerJSON.self)
                #expect(created.name == "Ada")
            }
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: auth(env.adminToken)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"action\":\"worker.create\""))
                #expect(response.text.contains("\"actor\":\"token:test-admin\""))
            }
        }
    }

    @Test func workersAndPhotos() async throws {
        let env = try await TestEnvironment { $0.http.maxUploadBytes = 40_000 }
        defer { env.remove() }
        let photo = TestImages.png(seed: 1)
        env.recognizer.scriptFace(photo, embedding: Embeddings.axis(0))
        let groupPhoto = TestImages.png(seed: 2)
        let face = ScriptedRecognizer.face(embedding: Embeddings.axis(0))
        env.recognizer.script(groupPhoto, faces: [face, face])
        try await env.withApp { client in
            let worker = try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                                  body: ByteBuffer(string: #"{"name":"Ada"}"#)) {
                try $0.decode(WorkerJSON.self)
            }
            let png: HTTPFields = [.authorization: "Bearer \(env.adminToken)", .contentType: "image/png"]
            let uploaded = try await client.execute(uri: "/api/v1/workers/\(worker.id)/photos", method: .post,
                                                    headers: png, body: ByteBuffer(bytes: photo)) { response in
                #expect(response.status == .created)
                return try response.decode(PhotoUploadedJSON.self)
            }
            #expect(uploaded.galleryVersion == 1)
            try await client.execute(uri: uploaded.photo.url, method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == photo)
                #expect(response.headers[.contentType] == "image/png")
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)", method: .get, headers: auth(env.viewerToken)) {
                let shown = try $0.decode(WorkerJSON.self)
                #expect(shown.photos.map(\.id) == [uploaded.photo.id])
            }
            // Validation errors.
            let cases: [(String, [UInt8], HTTPResponse.Status, String)] = [
                ("/api/v1/workers/\(worker.id)/photos", Array("plain text".utf8), .unsupportedMediaType, "notAnImage"),
                ("/api/v1/workers/\(worker.id)/photos", TestImages.png(width: 200, height: 200, seed: 3),
                 .contentTooLarge, "tooLarge"),
                ("/api/v1/workers/\(worker.id)/photos", groupPhoto, .unprocessableContent, "photoRefused"),
                ("/api/v1/workers/\(worker.id)/photos", TestImages.png(seed: 4), .unprocessableContent, "photoRefused"),
                ("/api/v1/workers/999/photos", photo, .notFound, "notFound"),
                ("/api/v1/workers/abc/photos", photo, .badRequest, "badRequest"),
            ]
            for (uri, bytes, status, code) in cases {
                try await client.execute(uri: uri, method: .post, headers: png, body: ByteBuffer(bytes: bytes)) { response in
                    #expect(response.status == status, "\(uri) \(code)")
                    #expect(response.errorCode == code, "\(uri) \(response.text)")
                }
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)/photos", method: .post,
                                     headers: [.authorization: "Bearer \(env.viewerToken)"], body: ByteBuffer(bytes: photo)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/workers/999", method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .notFound && $0.errorCode == "notFound")
            }
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"nom":"x"}"#)) {
                #expect($0.status == .badRequest && $0.errorCode == "badRequest")
            }
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"name":"   "}"#)) {
                #expect($0.status == .badRequest)
            }
            // Delete: viewer refused, admin erases everything, second delete is 404.
            try await client.execute(uri: "/api/v1/workers/\(worker.id)", method: .delete, headers: auth(env.viewerToken)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)", method: .delete, headers: auth(env.adminToken)) {
                #expect($0.status == .ok)
                #expect($0.text.contains("\"galleryVersion\":2"))
            }
            try await client.execute(uri: uploaded.photo.url, method: .get, headers: auth(env.viewerToken)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/workers/\(worker.id)", method: .delete, headers: auth(env.adminToken)) {
                #expect($0.status == .notFound)
            }
        }
        #expect(env.files(under: env.config.storage.photosDirectory).isEmpty)
        #expect(env.metrics.counter("rollcall_cloud_http_errors_total", labels: ["code": "notAnImage", "status": "415"]) == 1)
        #expect(env.metrics.counter("rollcall_cloud_http_errors_total", labels: ["code": "tooLarge", "status": "413"]) == 1)
    }

    @Test func detectionsUnknownTracksAndAssignment() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let enrolled = TestImages.png(seed: 10), stranger = TestImages.png(seed: 11)
        env.recognizer.scriptFace(enrolled, embedding: Embeddings.axis(0))
        env.recognizer.scriptFace(stranger, embedding: Embeddings.axis(20), side: 50)
        let worker = try await env.aggregator.createWorker(name: "Ada", actor: "t")
        let workerID = try #require(worker.id)
        _ = try await env.aggregator.enroll(workerID: workerID, photo: enrolled, actor: "t")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0 ..< 7 {
            _ = try await env.aggregator.process(IncomingCrop(
                siteID: "hq", agentID: "agent-1", camera: index < 4 ? "door" : "yard", trackID: "t\(index)",
                frameTime: t0 + Double(index), image: index % 3 == 0 ? stranger : enrolled, quality: 0.9,
                detectionScore: 0.9))
        }
        try await env.withApp { client in
            let viewer = auth(env.viewerToken)
            var page = try await client.execute(uri: "/api/v1/detections?limit=3", method: .get, headers: viewer) {
                try $0.decode(PageJSON.self)
            }
            #expect(page.items.count == 3 && page.nextCursor != nil)
            page = try await client.execute(uri: "/api/v1/detections?limit=3&cursor=\(page.nextCursor ?? 0)",
                                            method: .get, headers: viewer) { try $0.decode(PageJSON.self) }
            #expect(page.items.count == 3)
            let queries: [(String, Int)] = [
                ("site=hq", 7), ("site=depot", 0), ("camera=yard", 3), ("unknown=true", 3), ("unknown=false", 4),
                ("worker=\(workerID)", 4), ("from=2027-01-15T08:00:02Z&to=2027-01-15T08:00:05Z", 3),
                ("camera=door&unknown=true", 2),
            ]
            for (query, count) in queries {
                try await client.execute(uri: "/api/v1/detections?\(query)", method: .get, headers: viewer) { response in
                    let page = try response.decode(PageJSON.self)
                    #expect(page.items.count == count, "\(query)")
                }
            }
            for bad in ["limit=0", "limit=100000", "worker=x", "unknown=maybe", "from=yesterday", "cursor=-4"] {
                try await client.execute(uri: "/api/v1/detections?\(bad)", method: .get, headers: viewer) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(response.errorCode == "badRequest")
                }
            }
            let first = try #require(page.items.first)
            try await client.execute(uri: "/api/v1/detections/\(first.id)", method: .get, headers: viewer) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/detections/\(first.id)/crop", method: .get, headers: viewer) {
                #expect($0.status == .ok && $0.headers[.contentType] == "image/png")
            }
            try await client.execute(uri: "/api/v1/detections/9999", method: .get, headers: viewer) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/unknown-tracks", method: .get, headers: viewer) { response in
                #expect(response.text.contains("\"trackID\":\"t0\""))
            }
            let assign = ByteBuffer(string: #"{"agentID":"agent-1","trackID":"t3","workerID":\#(workerID)}"#)
            try await client.execute(uri: "/api/v1/unknown-tracks/assign", method: .post, headers: json(env.viewerToken),
                                     body: assign) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/unknown-tracks/assign", method: .post, headers: json(env.adminToken),
                                     body: assign) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"photos\":1"))
            }
            let missing = ByteBuffer(string: #"{"agentID":"agent-1","trackID":"nope","workerID":\#(workerID)}"#)
            try await client.execute(uri: "/api/v1/unknown-tracks/assign", method: .post, headers: json(env.adminToken),
                                     body: missing) { #expect($0.status == .notFound) }
            let noWorker = ByteBuffer(string: #"{"agentID":"agent-1","trackID":"t0","workerID":777}"#)
            try await client.execute(uri: "/api/v1/unknown-tracks/assign", method: .post, headers: json(env.adminToken),
                                     body: noWorker) { #expect($0.status == .notFound) }
        }
    }

    @Test func fleetSitesAndGallery() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent()
        let version = try await env.aggregator.publishGallery(reason: "test", actor: "t")
        try await env.aggregator.galleryAcknowledged(siteID: "hq", agentID: "agent-1", version: version.version)
        try await env.withApp { client in
            let viewer = auth(env.viewerToken)
            try await client.execute(uri: "/api/v1/agents", method: .get, headers: viewer) { response in
                #expect(response.text.contains("\"id\":\"agent-1\""))
                #expect(response.text.contains("\"galleryVersionAcked\":1"))
                #expect(response.text.contains("\"framesPerSecond\":12.5"))
            }
            try await client.execute(uri: "/api/v1/sites", method: .get, headers: viewer) { response in
                #expect(response.text.contains("\"id\":\"depot\"") && response.text.contains("\"id\":\"hq\""))
            }
            let put = ByteBuffer(string: #"{"name":"Depot North","emotionEnabled":true}"#)
            try await client.execute(uri: "/api/v1/sites/depot", method: .put, headers: json(env.viewerToken), body: put) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/sites/depot", method: .put, headers: json(env.adminToken), body: put) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/sites/bad%20id", method: .put, headers: json(env.adminToken), body: put) {
                #expect($0.status == .badRequest)
            }
            #expect(try await env.store.site(id: "depot")?.emotionEnabled == true)
            try await client.execute(uri: "/api/v1/gallery/versions", method: .get, headers: viewer) { response in
                #expect(response.text.contains("\"acknowledgedBy\":[\"agent-1\"]"))
            }
            try await client.execute(uri: "/api/v1/gallery/versions/1", method: .get, headers: viewer) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/gallery/versions/42", method: .get, headers: viewer) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/gallery/public-key", method: .get, headers: viewer) { response in
                #expect(response.text.contains("\"algorithm\":\"ed25519\""))
            }
        }
        let audit = try await env.store.auditLog(limit: 10)
        #expect(audit.contains { $0.action == "site.put" && $0.actor == "token:test-admin" })
    }

    @Test func recognizeAnyImage() async throws {
        let env = try await TestEnvironment { $0.http.maxUploadBytes = 40_000 }
        defer { env.remove() }
        let enrolled = TestImages.png(seed: 1), probe = TestImages.png(width: 120, height: 80, seed: 2)
        env.recognizer.scriptFace(enrolled, embedding: Embeddings.axis(0))
        let face = { (e: [Float]) in
            AnalyzedFace(box: .init(x: 5, y: 6, width: 50, height: 50), detectionScore: 0.9, embedding: e,
                         quality: FaceQuality(score: 0.9, shorterSide: 50, frontalness: 1, laplacianVariance: 80),
                         emotion: EmotionEstimate(label: .neutral, probability: 0.7))
        }
        env.recognizer.script(probe, faces: [face(Embeddings.axis(0, offset: 0.1)), face(Embeddings.axis(30))])
        let worker = try await env.aggregator.createWorker(name: "Ada", actor: "t")
        _ = try await env.aggregator.enroll(workerID: try #require(worker.id), photo: enrolled, actor: "t")
        try await env.withApp { client in
            let viewer: HTTPFields = [.authorization: "Bearer \(env.viewerToken)", .contentType: "image/png"]
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: viewer,
                                     body: ByteBuffer(bytes: probe)) { response in
                #expect(response.status == .ok)
                let text = response.text
                #expect(text.contains("\"width\":120") && text.contains("\"workerName\":\"Ada\""))
                #expect(text.contains("\"label\":\"neutral\""))
            }
            try await client.execute(uri: "/api/v1/recognize?emotion=false", method: .post, headers: viewer,
                                     body: ByteBuffer(bytes: probe)) { #expect(!$0.text.contains("neutral")) }
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: viewer,
                                     body: ByteBuffer(string: "GIF89a")) { #expect($0.status == .unsupportedMediaType) }
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: viewer,
                                     body: ByteBuffer(bytes: TestImages.png(width: 300, height: 300))) {
                #expect($0.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/v1/recognize", method: .post, headers: [:],
                                     body: ByteBuffer(bytes: probe)) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func recognizerUnavailableIs503() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let aggregator = Aggregator(config: env.config, store: env.store,
                                    recognizer: UnavailableRecognizer(reason: "no backend"), fleet: env.fleet,
                                    signer: GallerySigner(), metrics: env.metrics, logger: .init(label: "t"))
        let app = Application(router: CloudApp.buildRouter(aggregator: aggregator))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/recognize", method: .post,
                                     headers: auth(env.viewerToken), body: ByteBuffer(bytes: TestImages.png())) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "unavailable")
            }
        }
    }
}
