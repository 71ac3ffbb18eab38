import Foundation

/// A topic of the Rollcall tree. Every agent topic lies under `rollcall/v1/sites/{site}/agents/{agent}/`, so a
/// broker ACL that grants an agent's certificate identity (`agent:{site}:{agent}`) write access to that
/// subtree and read access to its site's `gallery`, `commands` and `results` confines it completely.
///
/// ```
/// rollcall/v1/sites/{site}/agents/{agent}/cameras/{camera}/faces   agent → cloud   FaceCrop, QoS 1
/// rollcall/v1/sites/{site}/agents/{agent}/cameras/{camera}/sightings agent → cloud FaceSighting, QoS 1
/// rollcall/v1/sites/{site}/agents/{agent}/status                   agent → cloud   AgentStatus
/// rollcall/v1/sites/{site}/agents/{agent}/availability             agent → all     Availability, retained, last will
/// rollcall/v1/sites/{site}/agents/{agent}/gallery/ack              agent → cloud   GalleryAck, QoS 1
/// rollcall/v1/sites/{site}/gallery                                 cloud → agents  GalleryUpdate, retained, QoS 1
/// rollcall/v1/sites/{site}/results                                 cloud → site    RecognitionResult
/// rollcall/v1/sites/{site}/commands                                cloud → agents  (reserved)
/// ```
public enum Topic: Sendable, Hashable, CustomStringConvertible {
    case faces(site: String, agent: String, camera: String)
    case sightings(site: String, agent: String, camera: String)
    case status(site: String, agent: String)
    case availability(site: String, agent: String)
    case galleryAck(site: String, agent: String)
    case gallery(site: String)
    case results(site: String)
    case commands(site: String)

    /// The first two levels of every topic.
    public static let root = "rollcall/v1"

    /// The topic string. Identifiers are not checked here; `validated()` checks them.
    public var name: String {
        switch self {
        case let .faces(site, agent, camera): return "\(Self.agentPrefix(site, agent))/cameras/\(camera)/faces"
        case let .sightings(site, agent, camera): return "\(Self.agentPrefix(site, agent))/cameras/\(camera)/sightings"
        case let .status(site, agent): return "\(Self.agentPrefix(site, agent))/status"
        case let .availability(site, agent): return "\(Self.agentPrefix(site, agent))/availability"
        case let .galleryAck(site, agent): return "\(Self.agentPrefix(site, agent))/gallery/ack"
        case let .gallery(site): return "\(Self.root)/sites/\(site)/gallery"
        case let .results(site): return "\(Self.root)/sites/\(site)/results"
        case let .commands(site): return "\(Self.root)/sites/\(site)/commands"
        }
    }

    public var description: String { name }

    /// The site this topic belongs to.
    public var site: String {
        switch self {
        case let .faces(site, _, _), let .sightings(site, _, _), let .status(site, _), let .availability(site, _),
             let .galleryAck(site, _), let .gallery(site), let .results(site), let .commands(site):
            return site
        }
    }

    /// The agent, for agent topics.
    public var agent: String? {
        switch self {
        case let .faces(_, agent, _), let .sightings(_, agent, _), let .status(_, agent), let .availability(_, agent),
             let .galleryAck(_, agent):
            return agent
        case .gallery, .results, .commands:
            return nil
        }
    }

    /// The topic string after checking every identifier in it.
    public func validated() throws -> String {
        try WireIdentifier.validate(site, field: "topic.site")
        if let agent { try WireIdentifier.validate(agent, field: "topic.agent") }
        switch self {
        case let .faces(_, _, camera), let .sightings(_, _, camera):
            try WireIdentifier.validate(camera, field: "topic.camera")
        default:
            break
        }
        return name
    }

    private static func agentPrefix(_ site: String, _ agent: String) -> String {
        "\(root)/sites/\(site)/agents/\(agent)"
    }

    /// Parses a topic a message arrived on. Throws `.invalidTopic` for anything outside the tree or with an
    /// invalid identifier.
    public init(parsing topic: String) throws {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func fail(_ detail: String) -> WireError {
            WireError(.invalidTopic, field: String(topic.prefix(200)), detail: detail)
        }
        guard levels.count >= 5, levels[0] == "rollcall", levels[1] == "v1", levels[2] == "sites" else {
            throw fail("not under \(Self.root)/sites/")
        }
        let site = levels[3]
        guard WireIdentifier.isValid(site) else { throw fail("invalid site id") }
        let rest = Array(levels[4...])
        switch rest.count {
        case 1:
            switch rest[0] {
            case "gallery": self = .gallery(site: site)
            case "results": self = .results(site: site)
            case "commands": self = .commands(site: site)
            default: throw fail("unknown site topic \(rest[0])")
            }
            return
        default:
            break
        }
        guard rest[0] == "agents", rest.count >= 3 else { throw fail("unknown site topic") }
        let agent = rest[1]
        guard WireIdentifier.isValid(agent) else { throw fail("invalid agent id") }
        switch Array(rest[2...]) {
        case ["status"]: self = .status(site: site, agent: agent)
        case ["availability"]: self = .availability(site: site, agent: agent)
        case ["gallery", "ack"]: self = .galleryAck(site: site, agent: agent)
        case let tail where tail.count == 3 && tail[0] == "cameras" && tail[2] == "faces":
            guard WireIdentifier.isValid(tail[1]) else { throw fail("invalid camera id") }
            self = .faces(site: site, agent: agent, camera: tail[1])
        case let tail where tail.count == 3 && tail[0] == "cameras" && tail[2] == "sightings":
            guard WireIdentifier.isValid(tail[1]) else { throw fail("invalid camera id") }
            self = .sightings(site: site, agent: agent, camera: tail[1])
        default:
            throw fail("unknown agent topic")
        }
    }
}

/// Subscription filters for the Rollcall tree.
public enum TopicFilter {
    /// Every agent's faces, every site.
    public static let allFaces = "\(Topic.root)/sites/+/agents/+/cameras/+/faces"
    /// Every agent's face sightings (tracks that never passed the crop gate).
    public static let allSightings = "\(Topic.root)/sites/+/agents/+/cameras/+/sightings"
    /// Every agent's heartbeat.
    public static let allStatus = "\(Topic.root)/sites/+/agents/+/status"
    /// Every agent's availability (retained).
    public static let allAvailability = "\(Topic.root)/sites/+/agents/+/availability"
    /// Every agent's gallery acknowledgements.
    public static let allGalleryAcks = "\(Topic.root)/sites/+/agents/+/gallery/ack"
    /// Everything every agent publishes.
    public static let allAgentTopics = "\(Topic.root)/sites/+/agents/+/#"

    /// One agent's faces from all its cameras.
    public static func faces(site: String, agent: String) -> String {
        "\(Topic.root)/sites/\(site)/agents/\(agent)/cameras/+/faces"
    }

    /// An MQTT v5 shared subscription: the broker gives each message to one member of `group`.
    public static func shared(group: String, _ filter: String) -> String { "$share/\(group)/\(filter)" }
}
