// CSV as RFC 4180 defines it, for spreadsheets: CRLF after every record, a field quoted when it holds a
// comma, a double quote, CR or LF, a quote inside a quoted field doubled. Text that a spreadsheet would run
// as a formula (starting with = + - @, tab or CR) is prefixed with an apostrophe (OWASP "CSV injection").
import Foundation

/// A CSV document built row by row.
public struct CSVTable: Sendable {
    /// One cell: text (guarded against formula injection) or a number (written as is).
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case integer(Int)
        case number(Double)

        public init(stringLiteral value: String) { self = .text(value) }
    }

    /// The header's field count; every row must have as many.
    public let columns: Int
    private var text: String

    /// A table with a header row. With `byteOrderMark`, the text starts with U+FEFF so that spreadsheets
    /// read it as UTF-8 (Excel otherwise assumes a legacy code page).
    public init(header: [String], byteOrderMark: Bool = true) {
        columns = header.count
        text = byteOrderMark ? "\u{FEFF}" : ""
        text += Self.record(header.map { .text($0) })
    }

    /// Appends a row. Throws when it has another number of fields than the header (a programming error
    /// surfaced instead of a misaligned file).
    public mutating func append(_ row: [Cell]) throws(CloudError) {
        guard row.count == columns else {
            throw CloudError(.badRequest, "CSV row has \(row.count) fields, the header \(columns)")
        }
        text += Self.record(row)
    }

    /// The document.
    public var document: String { text }

    static func record(_ cells: [Cell]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ cell: Cell) -> String {
        let raw: String
        switch cell {
        case .integer(let v): return String(v)
        case .number(let v): return v.isFinite ? String(v) : ""
        case .text(let s):
            raw = s.first.map { "=+-@\t\r".contains($0) } == true ? "'" + s : s
        }
        guard raw.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return raw }
        return "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
