import Cloud
import Foundation
import Testing

/// Every JSON route the router serves is described in `docs/openapi.yaml`, with its method.
@Suite struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumented() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        let text = try String(contentsOfFile: "docs/openapi.yaml", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let router = CloudApp.buildRouter(aggregator: env.aggregator)
        var checked = 0
        for route in router.routes {
            var path = "\(route.path)"
            if !path.hasPrefix("/") { path = "/" + path }
            guard path.hasPrefix("/api/v1") || path == "/healthz" || path == "/metrics" else { continue }
            path = path.split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            let start = try #require(lines.firstIndex(of: "  \(path):"), "\(path) missing from docs/openapi.yaml")
            let block = lines[(start + 1)...].prefix { !$0.hasPrefix("  /") && !$0.hasPrefix("components:") }
            let method = route.method.rawValue.lowercased()
            #expect(block.contains { $0.hasPrefix("    \(method):") }, "\(route.method) \(path) not documented")
            checked += 1
        }
        #expect(checked >= 20)
    }
}
