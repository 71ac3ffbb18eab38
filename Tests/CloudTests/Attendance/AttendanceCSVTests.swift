import Cloud
import Foundation
import Testing
import TestSupport

/// The attendance CSV read by an RFC 4180 reader and opened by a spreadsheet (gnumeric's ssconvert).
@Suite struct AttendanceCSVTests {
    func days() throws -> [AttendanceDay] {
        let calculator = AttendanceCalculator(timeZones: ["ny": try SiteTimeZone("America/New_York")])
        return calculator.days([
            AttendanceSighting(workerID: 7, siteID: "ny", camera: "door", track: "a/1",
                               time: Date(timeIntervalSince1970: 1_710_048_600)),  // 2024-03-10 00:30 EST
            AttendanceSighting(workerID: 7, siteID: "ny", camera: "yard", track: "a/2",
                               time: Date(timeIntervalSince1970: 1_710_055_800)),  // 2024-03-10 03:30 EDT
            AttendanceSighting(workerID: 8, siteID: "ny", camera: "door", track: "a/3",
                               time: Date(timeIntervalSince1970: 1_710_048_000)),
        ])
    }

    func csv() throws -> String {
        try AttendanceDay.csv(days(), workerNames: [7: "Doe, \"Jo\"", 8: "=1+1"], siteNames: ["ny": "New York"])
    }

    func write(_ text: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-attendance-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: file)
        return file
    }

    @Test func rowsReadBackExactly() throws {
        let file = try write(try csv())
        defer { try? FileManager.default.removeItem(at: file) }
        let rows = try pythonCSVRows(file.path)
        #expect(rows.first == AttendanceDay.csvHeader)
        #expect(rows.dropFirst().map { $0[0] + " " + $0[4] + " " + $0[5] } == ["2024-03-10 7 Doe, \"Jo\"", "2024-03-10 8 '=1+1"])
        let seven = rows[1]
        #expect(seven[6] == "2024-03-10 00:30:00")
        #expect(seven[7] == "2024-03-10 03:30:00")
        #expect(seven[8] == "2024-03-10T05:30:00Z")
        #expect(seven[10] == "2")
        #expect(seven[11] == "door;yard")
    }

    @Test(.enabled(if: Tool.find("ssconvert") != nil, "needs gnumeric's ssconvert (scripts/setup installs gnumeric)"))
    func aSpreadsheetOpensItWithDatesAsDatesAndNoFormulaRun() throws {
        let file = try write(try csv())
        let folder = file.deletingLastPathComponent()
        let xlsx = folder.appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".xlsx")
        let back = folder.appendingPathComponent(file.deletingPathExtension().lastPathComponent + "-back.csv")
        defer { for f in [file, xlsx, back] { try? FileManager.default.removeItem(at: f) } }
        let open = try Tool.run("ssconvert", [file.path, xlsx.path])
        #expect(open.status == 0, "\(open.standardError)")
        let export = try Tool.run("ssconvert", [xlsx.path, back.path])
        #expect(export.status == 0, "\(export.standardError)")
        let rows = try pythonCSVRows(back.path)
        #expect(rows.count == 3)
        #expect(rows.first == AttendanceDay.csvHeader)
        // The name with a comma and quotes is one cell; the formula-like name stays text (not 2).
        #expect(rows[1][5] == "Doe, \"Jo\"")
        #expect(rows[2][5] == "=1+1")
        // Dates and local times became date values (the spreadsheet re-formats them), counts numbers.
        #expect(rows[1][0] == "2024/03/10")
        #expect(rows[1][6] == "2024/03/10 00:30:00")
        #expect(rows[1][10] == "2")
    }
}
