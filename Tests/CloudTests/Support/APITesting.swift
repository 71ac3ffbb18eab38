// Helpers for in-process and live API tests.
import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

extension TestEnvironment {
    /// Runs `test` against the application's router (in process) or a live server on a free port.
    func withApp<T: Sendable>(_ setup: TestingSetup = .router,
                              _ test: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: CloudApp.buildRouter(aggregator: aggregator),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(setup, test)
    }
}

func auth(_ token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)"]
}

func json(_ token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)", .contentType: "application/json"]
}

extension TestResponse {
    /// The body decoded as JSON.
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(body.readableBytesView))
    }

    /// The error code of an error body.
    var errorCode: String? { (try? decode(APIErrorBody.self))?.error.code }

    var text: String { String(buffer: body) }
}

/// Minimal mirrors of response shapes the tests read.
struct WorkerJSON: Decodable {
    struct Photo: Decodable { var id: Int64; var url: String }
    var id: Int64
    var name: String
    var photos: [Photo]
}

struct PhotoUploadedJSON: Decodable {
    var photo: WorkerJSON.Photo
    var galleryVersion: Int
}

struct PageJSON: Decodable {
    struct Item: Decodable { var id: Int64; var workerID: Int64?; var siteID: String; var camera: String }
    var items: [Item]
    var nextCursor: Int64?
}
