// The cloud's HTTP API as the test sees it: JSON over loopback with an admin bearer token.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A detection as `GET /api/v1/detections` returns it (the fields the test reads).
struct DetectionJSON: Decodable, Sendable {
    var id: Int64
    var time: Date
    var siteID: String
    var agentID: String
    var camera: String
    var trackID: String
    var workerID: Int64?
    var distance: Double?
    var emotion: String?
    var emotionScore: Double?
    var quality: Double
}

struct DetectionPage: Decodable, Sendable {
    var items: [DetectionJSON]
    var nextCursor: Int64?
}

struct WorkerJSON: Decodable, Sendable {
    var id: Int64
    var name: String
}

struct PhotoUploadedJSON: Decodable, Sendable {
    var galleryVersion: Int
}

struct GalleryVersionJSON: Decodable, Sendable {
    var version: Int
    var workerCount: Int
    var acknowledgedBy: [String]
}

struct AgentJSON: Decodable, Sendable {
    var id: String
    var siteID: String
    var status: String
    var galleryVersionAcked: Int?
}

struct PublicKeyJSON: Decodable, Sendable {
    var publicKey: String
}

/// Calls the API of one running cloud.
struct CloudClient: Sendable {
    let base: String
    let token: String

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not ISO-8601: \(text)"))
        }
        return decoder
    }()

    /// One request; throws `HarnessError.http` on a transport failure or a status outside 2xx.
    func call(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
              authorized: Bool = true) async throws -> Data {
        guard let url = URL(string: base + path) else { throw HarnessError(.http, path, "bad URL") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if authorized { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200 ..< 300).contains(status) else {
            throw HarnessError(.http, "\(method) \(path)", "HTTP \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return data
    }

    func get<T: Decodable>(_ path: String, as type: T.Type = T.self) async throws -> T {
        try Self.decoder.decode(T.self, from: try await call("GET", path))
    }

    /// Whether `/healthz` answers 200.
    func healthy() async -> Bool {
        (try? await call("GET", "/healthz", authorized: false)) != nil
    }

    /// Creates a worker and uploads photos through the API; returns the worker id and the last gallery version.
    func enroll(name: String, photos: [URL]) async throws -> (worker: Int64, galleryVersion: Int) {
        let body = try JSONSerialization.data(withJSONObject: ["name": name])
        let worker = try Self.decoder.decode(WorkerJSON.self, from: try await call("POST", "/api/v1/workers", body: body,
                                                                                   contentType: "application/json"))
        var version = 0
        for photo in photos {
            let reply = try await call("POST", "/api/v1/workers/\(worker.id)/photos", body: try Data(contentsOf: photo),
                                       contentType: "image/jpeg")
            version = try Self.decoder.decode(PhotoUploadedJSON.self, from: reply).galleryVersion
        }
        return (worker.id, version)
    }

    /// Every detection matching `query` (all pages, newest first).
    func detections(_ query: String = "") async throws -> [DetectionJSON] {
        var all: [DetectionJSON] = []
        var cursor: Int64?
        repeat {
            var path = "/api/v1/detections?limit=500"
            if !query.isEmpty { path += "&" + query }
            if let cursor { path += "&cursor=\(cursor)" }
            let page: DetectionPage = try await get(path)
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    /// The Prometheus text of `/metrics` (needs a token on the main listener).
    func metricsText() async throws -> String {
        String(decoding: try await call("GET", "/metrics", authorized: true), as: UTF8.self)
    }
}

/// Sums the samples of one metric in Prometheus text (every label combination, or those containing `labels`).
func prometheusSum(_ text: String, metric: String, labels: String? = nil) -> Double {
    var sum = 0.0
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { continue }
        let key = parts[0]
        let name = key.split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
        guard name == metric else { continue }
        if let labels, !key.contains(labels) { continue }
        sum += Double(parts[1]) ?? 0
    }
    return sum
}
