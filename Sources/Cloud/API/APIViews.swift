// The JSON shapes of API responses and requests that are not plain records.
import Foundation
import Hummingbird

/// A worker with their enrollment photos.
struct WorkerView: Codable, Sendable, ResponseEncodable {
    struct Photo: Codable, Sendable {
        var id: Int64
        var createdAt: Date
        var quality: Double
        var url: String
    }

    var id: Int64
    var name: String
    var createdAt: Date
    var photos: [Photo]
}

struct CreateWorkerRequest: Codable, Sendable { var name: String }

struct PhotoUploaded: Codable, Sendable, ResponseEncodable {
    var photo: WorkerView.Photo
    var galleryVersion: Int
}

struct WorkerDeleted: Codable, Sendable, ResponseEncodable {
    var deleted: Int64
    var galleryVersion: Int
}

struct AssignTrackRequest: Codable, Sendable {
    var agentID: String
    var trackID: String
    var workerID: Int64
}

struct TrackAssigned: Codable, Sendable, ResponseEncodable {
    var photos: Int
    var galleryVersion: Int
}

struct PutSiteRequest: Codable, Sendable {
    var name: String?
    var emotionEnabled: Bool
}

/// A gallery version with the agents that acknowledged it (the snapshot itself is not repeated).
struct GalleryVersionView: Codable, Sendable, ResponseEncodable {
    var version: Int
    var createdAt: Date
    var workerCount: Int
    var reason: String
    var actor: String
    var acknowledgedBy: [String]
}

struct PublicKeyView: Codable, Sendable, ResponseEncodable {
    var algorithm: String
    var publicKey: String
}

struct RecognizeResponse: Codable, Sendable, ResponseEncodable {
    var width: Int
    var height: Int
    var faces: [RecognizedFace]
}

struct HealthView: Codable, Sendable, ResponseEncodable {
    var status: String
    var galleryWorkers: Int
    var liveSubscribers: Int
}

extension Worker: ResponseEncodable {}
extension Detection: ResponseEncodable {}
extension Site: ResponseEncodable {}
extension AgentRecord: ResponseEncodable {}
extension AuditEntry: ResponseEncodable {}
extension UnknownTrack: ResponseEncodable {}
extension Page: ResponseEncodable {}
