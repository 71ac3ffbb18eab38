// Failures on dashboard pages as HTML: a missing login goes to the login form, everything else is an error
// page with the right status, counted by code.
import Foundation
import Hummingbird

/// On dashboard pages: a missing login redirects to /login; other failures render an HTML error page.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let metrics: CloudMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CloudError where error.code == .unauthorized {
            return Response.redirect(to: "/login", type: .found)
        } catch let error as CloudError {
            let status = APIErrorMiddleware.status(of: error.code)
            metrics.increment("rollcall_cloud_dashboard_errors_total",
                              labels: ["code": error.code.rawValue, "status": "\(status.code)"])
            let body = "<p class=\"error\" id=\"error\">\(HTML.escape(error.detail))</p><p><a href=\"/dashboard\">Back</a></p>"
            return html(HTML.page(title: "Refused", active: "", session: nil, body: body), status: status)
        }
    }
}
