import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The attendance day view's CSV download works with the dashboard session (its cookie), not only with a bearer
/// token: the same bytes as the API's CSV; without a session it goes to the login page; a range over a year and
/// a bad date are refused with a clear message.
@Suite struct AttendanceCSVDownloadTests {
    @Test func theDayViewOffersTheCSVAndTheSessionCookieDownloadsIt() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        // 2024-03-10 09:00 and 17:30 UTC at headquarters (UTC: no time zone set).
        let ada = try await env.adaSeen(at: [1_710_061_200.0, 1_710_091_800.0])
        try await env.withApp { client in
            let viewer = try await DashboardLogin.logIn(client, token: env.viewerToken)
            let link = try await client.execute(uri: "/dashboard/attendance?date=2024-03-10&site=hq", method: .get,
                                                headers: viewer.page) { response in
                #expect(response.status == .ok)
                let html = response.text
                #expect(html.contains("id=\"attendance-csv-range\""))
                let start = try #require(html.range(of: "<a href=\"/dashboard/attendance/csv?"))
                let href = html[html.index(start.lowerBound, offsetBy: 9)...].prefix { $0 != "\"" }
                return String(href).replacingOccurrences(of: "&amp;", with: "&")
            }
            #expect(link == "/dashboard/attendance/csv?from=2024-03-10&to=2024-03-10&site=hq")
            let api = try await client.execute(uri: "/api/v1/attendance?from=2024-03-10&to=2024-03-10&site=hq&format=csv",
                                               method: .get, headers: auth(env.viewerToken)) { $0.text }
            try await client.execute(uri: link, method: .get, headers: viewer.page) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"attendance-2024-03-10-2024-03-10.csv\"")
                #expect(response.text == api)
                let lines = response.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 2)
                #expect(lines[1].hasPrefix("2024-03-10,hq,Headquarters,UTC,\(ada),\"Doe, \"\"Ada\"\"\",2024-03-10 09:00:00"))
            }
            // The range form: a week, all sites.
            try await client.execute(uri: "/dashboard/attendance/csv?from=2024-03-04&to=2024-03-10&site=", method: .get,
                                     headers: viewer.page) { response in
                #expect(response.status == .ok)
                #expect(response.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)
            }
            // No session: the login page, no data. A bearer token is not a dashboard session.
            for headers: HTTPFields in [[:], auth(env.adminToken), [.cookie: "rollcall_session=\(String(repeating: "0", count: 64))"]] {
                try await client.execute(uri: link, method: .get, headers: headers) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == "/login")
                    #expect(!response.text.contains("Ada"))
                }
            }
            // Bad input, named.
            for (query, words) in [("from=2024-01-01&to=2025-01-01", "367 days"), ("from=2024-03-10", "required"),
                                   ("from=2024-3-10&to=2024-03-10", "YYYY-MM-DD")] {
                try await client.execute(uri: "/dashboard/attendance/csv?\(query)", method: .get, headers: viewer.page) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(response.text.contains(words), "\(query): \(response.text.prefix(400))")
                }
            }
        }
    }
}
