import Foundation
import Hummingbird
import HummingbirdTesting

/// A local HTTP receiver for webhook tests: records every POST to /hook and answers each delivery id with
/// the next status of its script (200 once the script is used up).
actor WebhookReceiver {
    struct Received: Sendable {
        var deliveryID: String
        var event: String
        var signature: String
        var contentType: String
        var body: Data
    }

    private var scripts: [String: [Int]]
    private(set) var received = [Received]()

    init(scripts: [String: [Int]] = [:]) {
        self.scripts = scripts
    }

    func record(_ r: Received) -> Int {
        received.append(r)
        guard var script = scripts[r.deliveryID], !script.isEmpty else { return 200 }
        let status = script.removeFirst()
        scripts[r.deliveryID] = script
        return status
    }

    func count(of deliveryID: String) -> Int { received.filter { $0.deliveryID == deliveryID }.count }

    /// Runs a receiver on a free loopback port for the duration of `body`, which gets the /hook URL.
    static func serve<T: Sendable>(_ receiver: WebhookReceiver,
                                   _ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            func header(_ name: String) -> String {
                request.headers.first { $0.name.canonicalName == name.lowercased() }?.value ?? ""
            }
            let status = await receiver.record(Received(
                deliveryID: header("X-Rollcall-Delivery"), event: header("X-Rollcall-Event"),
                signature: header("X-Rollcall-Signature"), contentType: header("Content-Type"),
                body: Data(bytes.readableBytesView)))
            return Response(status: HTTPResponse.Status(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw WebhookReceiverError() }
            return try await body("http://127.0.0.1:\(port)/hook")
        }
    }
}

struct WebhookReceiverError: Error, CustomStringConvertible {
    var description: String { "the live test server reported no port" }
}
