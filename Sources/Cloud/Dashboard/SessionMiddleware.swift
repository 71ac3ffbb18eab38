// The dashboard's authentication: the session cookie, looked up in the database (never an API token in a
// cookie), and the rule that a state-changing request must come from this site.
import Foundation
import Hummingbird

/// Finds the request's dashboard session (else: 401, which the error middleware turns into the login page)
/// and refuses (403) any request but GET/HEAD whose `Origin` (or `Referer`) is not this site's. The
/// anti-forgery token of each form is checked where the form is read (`DashboardController.submittedForm`).
/// Every POST but logout needs the admin role.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let sessions: DashboardSessions
    let tokens: TokenIssuer
    let origin: RequestOrigin

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = DashboardController.cookie(DashboardSessions.cookieName, in: request),
              let session = try await sessions.find(id) else {
            throw CloudError(.unauthorized, "log in to use the dashboard")
        }
        if ![.get, .head].contains(request.method), let why = origin.crossSiteRefusal(request, required: true) {
            throw CloudError(.forbidden, "refused a request from another site: \(why)", subject: "Origin")
        }
        try await tokens.recordUse(of: session.token, at: Date())
        var context = context
        context.token = session.token
        context.session = session
        if ![.get, .head].contains(request.method), session.token.role != .admin,
           request.uri.path != "/dashboard/logout" {
            throw CloudError(.forbidden, "this needs the admin role; the token is \(session.token.role.rawValue)")
        }
        return try await next(request, context)
    }
}
