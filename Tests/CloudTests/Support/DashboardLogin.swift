// Logging in to the dashboard as a browser does, through the router: the login form (its anti-forgery cookie
// and field), then the session cookie and the session's anti-forgery token from a page.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A logged-in dashboard browser: its session cookie and the anti-forgery token its forms carry.
struct DashboardLogin: Sendable {
    /// The router test client sends every request to authority `localhost` over http.
    static let origin = "http://localhost"

    var sessionID: String
    var csrf: String

    /// Headers of a same-site GET.
    var page: HTTPFields { [.cookie: "rollcall_session=\(sessionID)"] }
    /// Headers of a same-site form submission.
    var form: HTTPFields {
        [.origin: Self.origin, .cookie: "rollcall_session=\(sessionID)",
         .contentType: "application/x-www-form-urlencoded"]
    }

    /// Logs in with `token` through GET and POST /login; fails the test when the login is refused.
    static func logIn(_ client: some TestClientProtocol, token: String) async throws -> DashboardLogin {
        let loginCSRF = try await client.execute(uri: "/login", method: .get, headers: [:]) { response in
            try #require(cookie("rollcall_login", in: response))
        }
        let sessionID = try await client.execute(
            uri: "/login", method: .post,
            headers: [.origin: origin, .cookie: "rollcall_login=\(loginCSRF)",
                      .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "token=\(token)&csrf=\(loginCSRF)")) { response in
            #expect(response.status == .found, "\(response.text)")
            return try #require(cookie("rollcall_session", in: response))
        }
        let csrf = try await client.execute(uri: "/dashboard", method: .get,
                                            headers: [.cookie: "rollcall_session=\(sessionID)"]) { response in
            try #require(hiddenCSRF(in: response.text))
        }
        return DashboardLogin(sessionID: sessionID, csrf: csrf)
    }

    /// The value a response sets for cookie `name`.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for value in response.headers[values: .setCookie] where value.hasPrefix("\(name)=") {
            return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    /// The anti-forgery field's value in a page.
    static func hiddenCSRF(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
