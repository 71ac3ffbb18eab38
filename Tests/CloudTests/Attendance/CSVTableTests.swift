import Cloud
import Foundation
import Testing
import TestSupport

/// Reads a CSV file with Python's csv module (an independent RFC 4180 reader) into rows of cells.
func pythonCSVRows(_ path: String) throws -> [[String]] {
    let script = "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n    print(json.dumps(list(csv.reader(f, strict=True))))"
    let result = try Tool.run("python3", ["-c", script, path])
    guard result.status == 0 else { throw TestSupportError("python3 csv reader failed: \(result.standardError)") }
    return try JSONDecoder().decode([[String]].self, from: Data(result.standardOutput.utf8))
}

@Suite struct CSVTableTests {
    @Test func fieldsAreQuotedOnlyWhenNeededAndRecordsEndInCRLF() throws {
        var table = CSVTable(header: ["a", "b"], byteOrderMark: false)
        try table.append(["plain", "with,comma"])
        try table.append([.text("say \"hi\""), .text("two\nlines")])
        try table.append([.integer(-3), .number(2.5)])
        #expect(table.document == "a,b\r\nplain,\"with,comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n-3,2.5\r\n")
        #expect(throws: CloudError.self) { try table.append(["only one"]) }
    }

    @Test func textThatWouldRunAsAFormulaIsDefused() throws {
        var table = CSVTable(header: ["x"], byteOrderMark: false)
        for text in ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTAB"] { try table.append([.text(text)]) }
        let lines = table.document.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(lines.allSatisfy { $0.hasPrefix("'") || $0.hasPrefix("\"'") })
    }

    @Test func anIndependentReaderGetsEveryCellBack() throws {
        let cells: [[String]] = [["Zoë, \"the\" boss", "line\r\nbreak", "'=cmd", "日本", ""]]
        var table = CSVTable(header: ["a", "b", "c", "d", "e"])
        try table.append(["Zoë, \"the\" boss", "line\r\nbreak", "=cmd", "日本", ""])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-csv-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(table.document.utf8).write(to: file)
        #expect(try pythonCSVRows(file.path) == [["a", "b", "c", "d", "e"]] + cells)
    }
}
