// The JSON shapes of the recurring-unknown-people, correction, attendance and site-scope routes.
import Foundation
import Hummingbird

extension UnknownPerson: ResponseEncodable {}
extension PersonEnrolled: ResponseEncodable {}
extension CorrectionOutcome: ResponseEncodable {}

/// A recurring unknown person with their sightings and best crops (as crop URLs of detections).
struct UnknownPersonDetail: Codable, Sendable, ResponseEncodable {
    struct Crop: Codable, Sendable {
        var detectionID: Int64
        var quality: Double
        var time: Date
        var url: String
    }

    var person: UnknownPerson
    var sightings: [UnknownSighting]
    var bestCrops: [Crop]
}

struct EnrollPersonRequest: Codable, Sendable { var name: String }
struct MergePeopleRequest: Codable, Sendable { var from: Int64 }
struct SplitPersonRequest: Codable, Sendable { var tracks: [TrackRef] }

/// "Not this worker" on a detection: the site and worker the admin saw, so a stale or foreign detection is refused.
struct NotThisWorkerRequest: Codable, Sendable {
    var workerID: Int64
    var siteID: String
}

/// A correction as listed (its embedding is not repeated).
struct CorrectionView: Codable, Sendable, ResponseEncodable {
    var id: Int64
    var workerID: Int64
    var detectionID: Int64
    var actor: String
    var createdAt: Date
    var undoneAt: Date?
    var undoneBy: String?

    init(_ n: WorkerNegative) {
        id = n.id ?? 0
        workerID = n.workerID
        detectionID = n.detectionID
        actor = n.actor
        createdAt = n.createdAt
        undoneAt = n.undoneAt
        undoneBy = n.undoneBy
    }
}

struct PutTimeZoneRequest: Codable, Sendable { var timeZone: String }
struct SiteTimeZoneView: Codable, Sendable, ResponseEncodable {
    var siteID: String
    var timeZone: String
}

/// The sites a worker is enrolled for (nil: every site).
struct WorkerSitesRequest: Codable, Sendable { var sites: [String]? }
struct WorkerSitesView: Codable, Sendable, ResponseEncodable {
    var workerID: Int64
    var sites: [String]?
    var galleryVersion: Int?
}

/// Attendance as JSON.
struct AttendanceView: Codable, Sendable, ResponseEncodable {
    struct Day: Codable, Sendable {
        var date: String
        var siteID: String
        var timeZone: String
        var workerID: Int64
        var workerName: String?
        var firstSeen: Date
        var lastSeen: Date
        var sightings: Int
        var cameras: [String]
    }

    var from: String
    var to: String
    var days: [Day]
}
