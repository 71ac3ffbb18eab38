// Feeds the notification monitor from the store: recognised detections stored since the last round (worker
// outside their sites), active unknown people's sighting counts, and the agents' liveness and gallery
// acknowledgements. The first round only records how things are (nothing already true when the checker
// starts is notified again after a restart or a change of the aggregator that checks).
import Foundation

/// One round of notification checks over the store; keep one per aggregator and call `round` on a timer.
public actor NotificationChecker {
    /// Most recognised detections read in one round; older ones beyond it are skipped and counted.
    public static let detectionsPerRound = 20_000
    /// Most active unknown people compared in one round.
    public static let peoplePerRound = 10_000

    let store: any Store
    let metrics: CloudMetrics
    private var monitor: NotificationMonitor
    private var lastDetectionID: Int64?
    private var primed = false

    public init(store: any Store, rules: NotificationRules, metrics: CloudMetrics) {
        self.store = store
        self.metrics = metrics
        monitor = NotificationMonitor(rules: rules)
    }

    /// The events due at `now` (none on the first round, which records the current state).
    public func round(now: Date = Date()) async throws(CloudError) -> [NotificationEvent] {
        let rules = monitor.rules
        var events = [NotificationEvent]()
        if rules.workerOutsideSites {
            let sites = try await store.workerSites()
            for detection in try await recognisedDetectionsSinceLastRound() {
                guard let workerID = detection.workerID else { continue }
                if let event = monitor.workerSeen(workerID: workerID, sites: sites[workerID], siteID: detection.siteID,
                                                  camera: detection.camera, at: detection.time) {
                    events.append(event)
                }
            }
        }
        if rules.unknownSightings != nil {
            for person in try await store.unknownPeople(status: .active, limit: Self.peoplePerRound) {
                guard var event = monitor.unknownPersonSeen(personID: person.id, sightings: person.sightings,
                                                            siteID: person.sites.first ?? "", camera: person.cameras.first ?? "",
                                                            at: person.lastSeen) else { continue }
                // Where they were seen last, for the message.
                if primed, let last = try await store.unknownSightings(personID: person.id).max(by: { $0.lastSeen < $1.lastSeen }) {
                    event.siteID = last.siteID
                    event.camera = last.camera
                    event.message = "Unknown person \(person.id) has been seen \(person.sightings) times (last at site \(last.siteID), camera \(last.camera))."
                }
                events.append(event)
            }
        }
        if rules.agentOfflineAfter != nil || rules.galleryAckWithin != nil {
            let agents = try await store.agents()
            var galleries = [String: PublishedGallery]()
            if let latest = try await store.latestGalleryVersion() {
                for site in Set(agents.map(\.siteID)) {
                    galleries[site] = PublishedGallery(version: latest.version, publishedAt: latest.createdAt)
                }
            }
            events += monitor.check(agents: agents.map {
                AgentLiveness(id: $0.id, siteID: $0.siteID, lastSeen: $0.lastSeen, galleryVersionAcked: $0.galleryVersionAcked)
            }, galleries: galleries, now: now)
        }
        metrics.increment("rollcall_cloud_notification_rounds_total")
        guard primed else {
            primed = true
            return []
        }
        for event in events {
            metrics.increment("rollcall_cloud_notifications_total", labels: ["kind": event.kind.rawValue])
        }
        return events
    }

    /// Recognised detections stored after the last round's newest, oldest first (on the first round: none,
    /// the newest id is remembered).
    private func recognisedDetectionsSinceLastRound() async throws(CloudError) -> [Detection] {
        let filter = DetectionFilter(unknown: false)
        guard let last = lastDetectionID else {
            lastDetectionID = try await store.detections(filter, limit: 1, cursor: nil).items.first?.id ?? 0
            return []
        }
        var fresh = [Detection]()
        var cursor: Int64?
        var complete = false
        while fresh.count < Self.detectionsPerRound {
            let page = try await store.detections(filter, limit: 500, cursor: cursor)
            for detection in page.items {
                guard let id = detection.id, id > last else {
                    complete = true
                    break
                }
                fresh.append(detection)
            }
            guard !complete, let next = page.nextCursor else {
                complete = true
                break
            }
            cursor = next
        }
        if !complete {
            // More than a round's worth arrived since the last round: the older ones are not checked.
            metrics.increment("rollcall_cloud_notifications_detections_skipped_total")
        }
        if let newest = fresh.first?.id { lastDetectionID = newest }
        return fresh.reversed()
    }
}
