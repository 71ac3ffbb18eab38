// A site's IANA time zone ("Europe/Berlin"), which decides its local days.
import Foundation

/// A validated IANA time zone identifier.
public struct SiteTimeZone: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The identifier as given ("America/New_York").
    public let identifier: String
    /// The zone itself.
    public let timeZone: TimeZone

    /// The zone named `identifier`; throws `badRequest` with the name when the system's
    /// time zone database does not know it. Abbreviations ("EST") and offsets are refused: they do not follow
    /// daylight-saving rules.
    public init(_ identifier: String) throws(CloudError) {
        guard !identifier.isEmpty, identifier.utf8.count <= 64,
              identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-+".contains($0)) }),
              identifier == "UTC" || identifier.contains("/"),
              let zone = TimeZone(identifier: identifier) else {
            throw CloudError(.badRequest, "'\(identifier.prefix(64))' is not an IANA time zone name such as Europe/Berlin or UTC",
                             subject: "time zone")
        }
        self.identifier = identifier
        self.timeZone = zone
    }

    /// UTC, the zone of a site that names none.
    public static let utc = SiteTimeZone(identifier: "UTC", timeZone: .gmt)

    private init(identifier: String, timeZone: TimeZone) {
        self.identifier = identifier
        self.timeZone = timeZone
    }

    public var description: String { identifier }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.detail))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(identifier)
    }

    public static func == (a: SiteTimeZone, b: SiteTimeZone) -> Bool { a.identifier == b.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}
