import Cloud
import Foundation
import Testing

@Suite struct LocalDateTests {
    @Test func parsesOnlyRealDatesInTheExactForm() throws {
        #expect(try LocalDate(parsing: "2024-02-29").description == "2024-02-29")
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024-01-01T00:00", "", "２０２４-01-01",
                    "2024-00-10", "2024-04-31", "abcd-ef-gh"] {
            #expect(throws: CloudError.self, "\(bad)") { try LocalDate(parsing: bad) }
        }
    }

    @Test func daysOfADaylightSavingChangeHave23And25Hours() throws {
        let ny = try SiteTimeZone("America/New_York").timeZone
        #expect(try LocalDate(parsing: "2024-03-10").interval(in: ny).duration == 23 * 3600)
        #expect(try LocalDate(parsing: "2024-11-03").interval(in: ny).duration == 25 * 3600)
        #expect(try LocalDate(parsing: "2024-03-11").interval(in: ny).duration == 24 * 3600)
        // Midnight in New York on 2024-03-10 is 05:00 UTC.
        #expect(try LocalDate(parsing: "2024-03-10").interval(in: ny).start == Date(timeIntervalSince1970: 1_710_046_800))
    }

    @Test func arithmeticAcrossMonthsAndLeapDays() throws {
        let d = try LocalDate(parsing: "2024-02-28")
        #expect(d.adding(days: 1).description == "2024-02-29")
        #expect(d.adding(days: 2).description == "2024-03-01")
        #expect(d.adding(days: -59).description == "2023-12-31")
        #expect(d.days(to: try LocalDate(parsing: "2025-02-28")) == 366)
    }

    @Test func timeZonesMustBeIANANames() throws {
        #expect(try SiteTimeZone("Asia/Kolkata").timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 19800)
        #expect(try SiteTimeZone("UTC").identifier == "UTC")
        for bad in ["", "EST", "+02:00", "Mars/Olympus_Mons", "Europe/Berlin; DROP", String(repeating: "A/", count: 40)] {
            #expect(throws: CloudError.self, "\(bad)") { try SiteTimeZone(bad) }
        }
        let decoded = try JSONDecoder().decode([SiteTimeZone].self, from: Data(#"["Europe/Berlin"]"#.utf8))
        #expect(decoded.first?.identifier == "Europe/Berlin")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SiteTimeZone].self, from: Data(#"["Nowhere"]"#.utf8)) }
    }
}
