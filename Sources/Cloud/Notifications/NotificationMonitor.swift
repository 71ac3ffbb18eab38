// Decides which notifications are due, as pure logic over what the cloud knows: the caller reports sightings
// as they are stored and calls `check` on a timer with the agents' liveness and the galleries published; the
// monitor returns each event once. Keys are derived from the occurrence (not from this instance's memory), so
// several cloud instances deciding the same event produce the same key and a store keeps one.
import Foundation

/// What the monitor needs to know of an agent.
public struct AgentLiveness: Sendable, Equatable {
    public var id: String
    public var siteID: String
    /// When the agent was last heard from (heartbeat, status or last will).
    public var lastSeen: Date
    /// The last gallery version it acknowledged.
    public var galleryVersionAcked: Int?

    public init(id: String, siteID: String, lastSeen: Date, galleryVersionAcked: Int?) {
        self.id = id
        self.siteID = siteID
        self.lastSeen = lastSeen
        self.galleryVersionAcked = galleryVersionAcked
    }
}

/// A gallery version published for a site.
public struct PublishedGallery: Sendable, Equatable {
    public var version: Int
    public var publishedAt: Date

    public init(version: Int, publishedAt: Date) {
        self.version = version
        self.publishedAt = publishedAt
    }
}

/// The notification rules applied to events and to the fleet's state, each occurrence notified once.
public struct NotificationMonitor: Sendable {
    public var rules: NotificationRules
    private var notifiedPeople = Set<Int64>()
    private var outsideKeys = [OutsideSite: String]()
    /// When each agent ("site/id") was last heard from when it was last notified offline.
    private var offlineEpisodes = [String: Date]()
    private var unacknowledged = Set<String>()

    private struct OutsideSite: Hashable {
        var workerID: Int64
        var siteID: String
    }

    public init(rules: NotificationRules) {
        self.rules = rules
    }

    /// A recurring unknown person (not dismissed) now has `sightings` sightings. Notifies once per person, when
    /// the count first reaches the rule's threshold (a merge that jumps past it counts as reaching it).
    public mutating func unknownPersonSeen(personID: Int64, sightings: Int, siteID: String, camera: String,
                                           at time: Date) -> NotificationEvent? {
        guard let threshold = rules.unknownSightings, sightings >= threshold,
              notifiedPeople.insert(personID).inserted else { return nil }
        return NotificationEvent(
            key: "recurring_unknown:\(personID)", kind: .recurringUnknown, time: time, siteID: siteID, camera: camera,
            personID: personID, sightings: sightings,
            message: "Unknown person \(personID) has been seen \(sightings) times (last at site \(siteID), camera \(camera)).")
    }

    /// Forgets that a person was notified (they were merged away, enrolled or dismissed and later undone).
    public mutating func forgetPerson(_ personID: Int64) {
        notifiedPeople.remove(personID)
    }

    /// Marks people as already notified (state loaded from a store after a restart).
    public mutating func rememberNotified(people: some Sequence<Int64>) {
        notifiedPeople.formUnion(people)
    }

    /// A worker was recognised at `siteID`; `sites` are the sites they are enrolled for (nil: every site).
    /// Notifies at most once per worker, site and cooldown window.
    public mutating func workerSeen(workerID: Int64, sites: Set<String>?, siteID: String, camera: String,
                                    at time: Date) -> NotificationEvent? {
        guard rules.workerOutsideSites, let sites, !sites.contains(siteID) else { return nil }
        let window = rules.outsideSitesCooldown > 0
            ? Int64((time.timeIntervalSince1970 / rules.outsideSitesCooldown).rounded(.down)) : Int64(time.timeIntervalSince1970 * 1000)
        let key = "worker_outside_sites:\(workerID):\(siteID):\(window)"
        let place = OutsideSite(workerID: workerID, siteID: siteID)
        guard outsideKeys[place] != key else { return nil }
        outsideKeys[place] = key
        return NotificationEvent(
            key: key, kind: .workerOutsideSites, time: time, siteID: siteID, camera: camera, workerID: workerID,
            message: "Worker \(workerID) was recognised at site \(siteID) (camera \(camera)), which is not one of their sites.")
    }

    /// The time-based rules at `now`: agents silent too long (once per silence, keyed by when they were last
    /// heard) and agents behind their site's latest gallery too long (once per agent and version; not for an
    /// agent already notified as offline).
    public mutating func check(agents: [AgentLiveness], galleries: [String: PublishedGallery],
                               now: Date) -> [NotificationEvent] {
        var events = [NotificationEvent]()
        for agent in agents.sorted(by: { ($0.siteID, $0.id) < ($1.siteID, $1.id) }) {
            // An agent is named by its site and id together (two sites may both have a `door-1`).
            let name = "\(agent.siteID)/\(agent.id)"
            var offline = false
            if let after = rules.agentOfflineAfter, now.timeIntervalSince(agent.lastSeen) >= after {
                offline = true
                if offlineEpisodes[name] != agent.lastSeen {
                    offlineEpisodes[name] = agent.lastSeen
                    let ms = Int64((agent.lastSeen.timeIntervalSince1970 * 1000).rounded())
                    events.append(NotificationEvent(
                        key: "agent_offline:\(name):\(ms)", kind: .agentOffline, time: now, siteID: agent.siteID,
                        agentID: agent.id, since: agent.lastSeen,
                        message: "Agent \(agent.id) at site \(agent.siteID) has not been heard from since \(agent.lastSeen.formatted(.iso8601))."))
                }
            }
            guard !offline, let within = rules.galleryAckWithin, let latest = galleries[agent.siteID],
                  (agent.galleryVersionAcked ?? 0) < latest.version,
                  now.timeIntervalSince(latest.publishedAt) >= within else { continue }
            let key = "gallery_not_acknowledged:\(name):\(latest.version)"
            guard unacknowledged.insert(key).inserted else { continue }
            events.append(NotificationEvent(
                key: key, kind: .galleryNotAcknowledged, time: now, siteID: agent.siteID, agentID: agent.id,
                galleryVersion: latest.version, since: latest.publishedAt,
                message: "Agent \(agent.id) at site \(agent.siteID) has not acknowledged gallery version \(latest.version), published \(latest.publishedAt.formatted(.iso8601))."))
        }
        return events
    }
}
