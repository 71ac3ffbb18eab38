// A position in the live feed that every process and every browser agrees on (the SSE `id:` of an event).

/// Where an event stands in the feed's one order: PostgreSQL orders committed events by the transaction that
/// stored them (`tx`, its id) and then by their own id; SQLite (one writer) by id alone (`tx` 0). A browser
/// sends the last one it saw back as `Last-Event-ID` and resumes after it, whichever process it reaches.
public struct EventCursor: Sendable, Hashable, Comparable, LosslessStringConvertible {
    public var tx: Int64
    public var id: Int64

    public init(tx: Int64, id: Int64) {
        self.tx = tx
        self.id = id
    }

    /// Before every event.
    public static let start = EventCursor(tx: 0, id: 0)

    public static func < (lhs: EventCursor, rhs: EventCursor) -> Bool {
        (lhs.tx, lhs.id) < (rhs.tx, rhs.id)
    }

    /// `tx-id`, as sent in `id:` lines.
    public var description: String { "\(tx)-\(id)" }

    /// Parses `tx-id`; nil for anything else (a `Last-Event-ID` is input from the browser).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count <= 41, parts.count == 2, let tx = Int64(parts[0]), let id = Int64(parts[1]),
              tx >= 0, id >= 0 else { return nil }
        self.init(tx: tx, id: id)
    }
}
