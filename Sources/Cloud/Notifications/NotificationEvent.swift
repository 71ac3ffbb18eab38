import Foundation

/// Something an operator asked to be told about, as published on the MQTT notification topic and posted to
/// webhooks (JSON, snake_case keys, ISO 8601 times).
public struct NotificationEvent: Sendable, Equatable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// A recurring unknown person was seen the configured number of times.
        case recurringUnknown = "recurring_unknown"
        /// A worker was recognised at a site they are not enrolled for.
        case workerOutsideSites = "worker_outside_sites"
        /// An agent has not been heard from for the configured time (or said goodbye by its last will).
        case agentOffline = "agent_offline"
        /// An agent has not acknowledged its site's gallery within the configured time.
        case galleryNotAcknowledged = "gallery_not_acknowledged"
    }

    /// Identifies this event across cloud instances and retries: the same occurrence always has the same key,
    /// so a store can keep one and receivers can drop repeats.
    public var key: String
    public var kind: Kind
    /// When the cloud decided it (not when it was delivered).
    public var time: Date
    public var siteID: String?
    public var agentID: String?
    public var camera: String?
    public var workerID: Int64?
    /// The recurring unknown person (cluster) concerned.
    public var personID: Int64?
    /// How many times the person was seen.
    public var sightings: Int?
    public var galleryVersion: Int?
    /// When the agent was last heard from, or when the unacknowledged gallery was published.
    public var since: Date?
    /// One sentence for people.
    public var message: String

    public init(key: String, kind: Kind, time: Date, siteID: String? = nil, agentID: String? = nil,
                camera: String? = nil, workerID: Int64? = nil, personID: Int64? = nil, sightings: Int? = nil,
                galleryVersion: Int? = nil, since: Date? = nil, message: String) {
        self.key = key
        self.kind = kind
        self.time = time
        self.siteID = siteID
        self.agentID = agentID
        self.camera = camera
        self.workerID = workerID
        self.personID = personID
        self.sightings = sightings
        self.galleryVersion = galleryVersion
        self.since = since
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case key, kind, time, camera, sightings, since, message
        case siteID = "site_id", agentID = "agent_id", workerID = "worker_id", personID = "person_id"
        case galleryVersion = "gallery_version"
    }

    /// The JSON body sent to webhooks and the MQTT topic (sorted keys, so equal events give equal bytes).
    public func json() throws(CloudError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do { return try encoder.encode(self) } catch {
            throw CloudError(.badRequest, "notification \(key) cannot be encoded: \(error)")
        }
    }
}
