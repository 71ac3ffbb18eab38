/// Which events are notified, and their thresholds. Validated on load; a rule that is off emits nothing.
public struct NotificationRules: Sendable, Equatable, Codable {
    /// Notify when a recurring unknown person has been seen this many times (nil: off). At least 2.
    public var unknownSightings: Int?
    /// Notify when a worker is recognised at a site outside their sites (at most once per worker, site and
    /// `outsideSitesCooldown` seconds).
    public var workerOutsideSites: Bool
    /// Seconds between two notifications of one worker at one outside site.
    public var outsideSitesCooldown: Double
    /// Notify when an agent has been silent this many seconds, or went offline (nil: off).
    public var agentOfflineAfter: Double?
    /// Notify when an agent has not acknowledged its site's latest gallery this many seconds after it was
    /// published (nil: off).
    public var galleryAckWithin: Double?

    public init(unknownSightings: Int? = nil, workerOutsideSites: Bool = false, outsideSitesCooldown: Double = 3600,
                agentOfflineAfter: Double? = nil, galleryAckWithin: Double? = nil) {
        self.unknownSightings = unknownSightings
        self.workerOutsideSites = workerOutsideSites
        self.outsideSitesCooldown = outsideSitesCooldown
        self.agentOfflineAfter = agentOfflineAfter
        self.galleryAckWithin = galleryAckWithin
    }

    /// Nothing is notified.
    public static let off = NotificationRules()

    /// Throws, naming the setting, for a value out of bounds.
    public func validate() throws(CloudError) {
        if let n = unknownSightings, !(2 ... 1_000_000).contains(n) {
            throw CloudError(.invalidConfig, "must be 2…1000000 sightings, not \(n)", subject: "notifications.unknown_sightings")
        }
        guard outsideSitesCooldown.isFinite, (0 ... 31_536_000).contains(outsideSitesCooldown) else {
            throw CloudError(.invalidConfig, "must be 0…31536000 seconds", subject: "notifications.outside_sites_cooldown")
        }
        for (name, value) in [("agent_offline_after", agentOfflineAfter), ("gallery_ack_within", galleryAckWithin)] {
            if let value, !(value.isFinite && (1 ... 31_536_000).contains(value)) {
                throw CloudError(.invalidConfig, "must be 1…31536000 seconds, not \(value)", subject: "notifications.\(name)")
            }
        }
    }
}
