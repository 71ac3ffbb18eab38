/// Whether emotion recognition runs at each site.
///
/// The EU AI Act, Article 5(1)(f), prohibits AI systems that infer the emotions of natural persons in the
/// areas of workplace and education institutions, except where the use is intended for medical or safety
/// reasons. Rollcall's sites are workplaces, so emotion is **off unless a site is explicitly switched on**
/// (for a documented medical or safety purpose). When a site is off, the model is not run for its faces and no
/// emotion is stored, sent or shown: `EmotionGate` is the only way the cloud reaches the classifier.
public struct EmotionPolicy: Sendable, Equatable, Codable {
    /// Whether sites not listed in `sites` run emotion recognition (default false).
    public var enabledByDefault: Bool
    /// Per-site switch, by site id; overrides `enabledByDefault`.
    public var sites: [String: Bool]
    /// Smoothing and uncertainty settings used where it is on.
    public var smoothing: EmotionSmoother<String>.Configuration

    /// A policy; by default emotion is off everywhere.
    public init(enabledByDefault: Bool = false, sites: [String: Bool] = [:],
                smoothing: EmotionSmoother<String>.Configuration = .init()) {
        self.enabledByDefault = enabledByDefault
        self.sites = sites
        self.smoothing = smoothing
    }

    /// Emotion off everywhere.
    public static let disabled = EmotionPolicy()

    /// Whether emotion recognition runs for faces from `site`.
    public func isEnabled(site: String) -> Bool {
        sites[site] ?? enabledByDefault
    }

    enum CodingKeys: String, CodingKey {
        case enabledByDefault = "enabled_by_default"
        case sites
        case smoothing
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabledByDefault = try container.decodeIfPresent(Bool.self, forKey: .enabledByDefault) ?? false
        sites = try container.decodeIfPresent([String: Bool].self, forKey: .sites) ?? [:]
        smoothing = try container.decodeIfPresent(EmotionSmoother<String>.Configuration.self, forKey: .smoothing) ?? .init()
    }
}
