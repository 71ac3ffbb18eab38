// Counts requests by method and status class for `/metrics`.
import Hummingbird

/// Counts every request (`rollcall_cloud_http_requests_total{method,status}`).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let metrics: CloudMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        metrics.increment("rollcall_cloud_http_requests_total",
                          labels: ["method": request.method.rawValue, "status": "\(response.status.code)"])
        return response
    }
}
