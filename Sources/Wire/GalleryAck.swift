import Foundation

/// An agent's answer to a gallery update, on `Topic.galleryAck(site:agent:)`: applied, or refused and why.
public struct GalleryAck: WireMessage, Equatable {
    /// What the agent did with the version.
    public enum Outcome: UInt8, Sendable {
        /// Verified, stored and in use.
        case applied = 0
        /// The signature did not verify with the cloud's key.
        case badSignature = 1
        /// The payload was malformed.
        case malformed = 2
        /// A delta whose base version the agent does not hold.
        case missingBase = 3
        /// The backbone differs from the agent's.
        case modelMismatch = 4
        /// Anything else (see `detail`).
        case failed = 5
    }

    /// The gallery version concerned (0 when it could not be read).
    public var version: UInt64
    public var outcome: Outcome
    /// The version the agent uses now (after applying, or still, after a refusal).
    public var activeVersion: UInt64
    public var at: Date
    /// Free text, at most 256 bytes.
    public var detail: String

    /// Creates an acknowledgement.
    public init(version: UInt64, outcome: Outcome, activeVersion: UInt64, at: Date = Date(), detail: String = "") {
        self.version = version
        self.outcome = outcome
        self.activeVersion = activeVersion
        self.at = at
        self.detail = detail
    }

    public static let kinds: Set<MessageKind> = [.galleryAck]
    public var kind: MessageKind { .galleryAck }

    public func validate() throws {
        try Check.date(at, field: "ack.at")
        try Check.text(detail, field: "ack.detail")
    }

    public func encodeBody(into writer: inout WireWriter) {
        writer.write(version)
        writer.write(outcome.rawValue)
        writer.write(activeVersion)
        writer.write(at)
        writer.writeString(detail)
    }

    public init(body reader: inout WireReader, kind: MessageKind) throws {
        version = try reader.readUInt64("ack.version")
        let raw = try reader.readUInt8("ack.outcome")
        guard let outcome = Outcome(rawValue: raw) else {
            throw WireError(.invalidValue, field: "ack.outcome", detail: "outcome \(raw) is not one of 0...5")
        }
        self.outcome = outcome
        activeVersion = try reader.readUInt64("ack.activeVersion")
        at = try reader.readDate("ack.at")
        detail = try reader.readString("ack.detail", maxBytes: WireLimits.textBytes)
    }
}
