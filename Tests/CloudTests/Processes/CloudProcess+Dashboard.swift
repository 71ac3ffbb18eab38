// A running cloud's dashboard as a browser on the same site sees it: the login form (its anti-forgery cookie and
// field) posted with the site's Origin, then pages read with the session cookie. Over loopback HTTP, for the
// process tests (DashboardLogin does the same through the in-process router).
import Foundation
import TestSupport

extension CloudProcess {
    /// Logs in with `token` and returns the HTML of the dashboard page at `path` (`/dashboard/agents`); nil when
    /// the process does not answer or refuses the login.
    func dashboardPage(_ path: String, token: String) -> String? {
        func cookie(_ name: String, in headers: [(String, String)]) -> String? {
            for (field, value) in headers where field == "set-cookie" && value.hasPrefix("\(name)=") {
                return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
            }
            return nil
        }
        let field = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        guard let form = try? LoopbackHTTP.request(port: httpPort, method: "GET", path: "/login"),
              let csrf = cookie("rollcall_login", in: form.headers),
              let login = try? LoopbackHTTP.request(
                port: httpPort, method: "POST", path: "/login",
                headers: [("Origin", "http://127.0.0.1:\(httpPort)"), ("Cookie", "rollcall_login=\(csrf)"),
                          ("Content-Type", "application/x-www-form-urlencoded")],
                body: "token=\(field)&csrf=\(csrf)"),
              let session = cookie("rollcall_session", in: login.headers),
              let page = try? LoopbackHTTP.request(port: httpPort, method: "GET", path: path,
                                                   headers: [("Cookie", "rollcall_session=\(session)")]),
              page.status == 200
        else { return nil }
        return page.body
    }
}
