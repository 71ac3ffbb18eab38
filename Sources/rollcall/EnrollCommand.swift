import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `rollcall enroll`: adds a worker with photos through a running cloud's HTTP API (so the new gallery
/// version is published to the fleet by the cloud itself).
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll a worker from photos through the cloud API (each photo must show exactly one clear face)."
    )

    @Option(help: "Worker name.")
    var name: String

    @Argument(help: "Photos (JPEG or PNG), one face each.")
    var photos: [String]

    @Option(help: "Base URL of the cloud aggregator.")
    var server: String = "http://127.0.0.1:8080"

    @Option(help: "Admin API token (default: $ROLLCALL_TOKEN).")
    var token: String?

    @Option(help: "Add the photos to this existing worker id instead of creating a worker.")
    var worker: Int?

    func validate() throws {
        guard !photos.isEmpty else { throw ValidationError("give at least one photo") }
        guard URL(string: server)?.scheme != nil else { throw ValidationError("--server must be a URL") }
        guard token ?? ProcessInfo.processInfo.environment["ROLLCALL_TOKEN"] != nil else {
            throw ValidationError("give --token or set ROLLCALL_TOKEN (create one with `rollcall token create --role admin`)")
        }
    }

    func run() async throws {
        let secret = token ?? ProcessInfo.processInfo.environment["ROLLCALL_TOKEN"] ?? ""
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        var workerID = worker
        if workerID == nil {
            let body = try JSONSerialization.data(withJSONObject: ["name": name])
            let reply = try await call("\(base)/api/v1/workers", method: "POST", token: secret,
                                       contentType: "application/json", body: body)
            workerID = (try JSONSerialization.jsonObject(with: reply) as? [String: Any])?["id"] as? Int
        }
        guard let workerID else { throw ValidationError("the server returned no worker id") }
        var lastVersion = 0
        for path in photos {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let type = path.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
            let reply = try await call("\(base)/api/v1/workers/\(workerID)/photos", method: "POST", token: secret,
                                       contentType: type, body: data)
            lastVersion = (try JSONSerialization.jsonObject(with: reply) as? [String: Any])?["galleryVersion"] as? Int ?? 0
            print("\(path): enrolled")
        }
        print("worker \(workerID) (\(name)) enrolled with \(photos.count) photo(s); gallery version \(lastVersion)")
    }

    private func call(_ url: String, method: String, token: String, contentType: String,
                      body: Data) async throws -> Data {
        guard let endpoint = URL(string: url) else { throw ValidationError("bad URL \(url)") }
        var request = URLRequest(url: endpoint)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200 ..< 300).contains(status) else {
            let message = String(decoding: data, as: UTF8.self)
            throw ValidationError("\(method) \(url) failed with HTTP \(status): \(message)")
        }
        return data
    }
}
