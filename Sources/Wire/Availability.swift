import Foundation

/// An agent's online state, retained on `Topic.availability(site:agent:)`. The agent publishes `online` after
/// connecting and registers `offline` as its MQTT last will, so the broker announces an unclean loss.
public struct Availability: WireMessage, Equatable {
    public var online: Bool
    /// When this state was set (for a last will: when the agent connected).
    public var since: Date
    public var agentVersion: String

    /// Creates an availability message.
    public init(online: Bool, since: Date = Date(), agentVersion: String) {
        self.online = online
        self.since = since
        self.agentVersion = agentVersion
    }

    public static let kinds: Set<MessageKind> = [.availability]
    public var kind: MessageKind { .availability }

    public func validate() throws {
        try Check.date(since, field: "availability.since")
        try Check.text(agentVersion, field: "availability.agentVersion", maxBytes: WireLimits.identifierBytes)
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(online)
        writer.write(since)
        writer.writeShortString(agentVersion)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        online = try reader.readBool("availability.online")
        since = try reader.readDate("availability.since")
        agentVersion = try reader.readShortString("availability.agentVersion", maxBytes: WireLimits.identifierBytes)
    }
}
