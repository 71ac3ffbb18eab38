import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The smaller findings of issue #14 over a real socket: oversized bodies (chunked or declared) answer 413,
/// JSON bodies only as application/json (415), the API takes no cookie, worker names refuse control
/// characters, failed logins are limited per address, `/metrics` needs a token (or its own listener), and
/// every response carries the security headers.
@Suite struct HTTPHardeningTests {
    @Test func oversizedBodiesAnswer413() async throws {
        let env = try await TestEnvironment { config in
            config.http.maxUploadBytes = 256 * 1024
        }
        defer { env.remove() }
        let worker = try await env.aggregator.createWorker(name: "Bo", actor: "t")
        try await env.withApp(.live) { client in
            let photos = "/api/v1/workers/\(worker.id ?? 0)/photos"
            // Declared too long: refused before reading.
            try await client.execute(uri: photos, method: .post,
                                     headers: [.authorization: "Bearer \(env.adminToken)", .contentType: "image/png"],
                                     body: ByteBuffer(bytes: [UInt8](repeating: 1, count: 300 * 1024))) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorCode == "tooLarge")
            }
            // Chunked, no length: refused once it passes the limit (was 500).
            let port = try #require(client.port)
            let admin = ["Authorization": "Bearer \(env.adminToken)"]
            for path in [photos, "/api/v1/recognize"] {
                let reply = try RawHTTP.chunked(port: port, path: path, headers: admin.merging(["Content-Type": "image/png"]) { $1 },
                                                totalBytes: 1024 * 1024)
                #expect(reply.status == 413, "\(path): \(reply.body)")
                #expect(reply.body.contains("\"tooLarge\""), "\(path)")
            }
            // A JSON body over http.max_json_bytes, declared and chunked.
            let big = #"{"name":""# + String(repeating: "x", count: 100 * 1024) + #""}"#
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
            }
            let chunkedJSON = try RawHTTP.chunked(port: port, path: "/api/v1/workers",
                                                  headers: admin.merging(["Content-Type": "application/json"]) { $1 },
                                                  totalBytes: 256 * 1024)
            #expect(chunkedJSON.status == 413, "\(chunkedJSON.body)")
            // A login form with a megabyte-long token, chunked.
            let login = try RawHTTP.chunked(port: port, path: "/login",
                                            headers: ["Content-Type": "application/x-www-form-urlencoded",
                                                      "Origin": "http://127.0.0.1:\(port)"],
                                            totalBytes: 1024 * 1024)
            #expect(login.status == 413, "\(login.body)")
        }
        #expect(env.metrics.counter("rollcall_cloud_http_errors_total", labels: ["code": "internal", "status": "500"]) == 0)
    }

    @Test func jsonOnlyAsJSONAndNoCookies() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            let body = ByteBuffer(string: #"{"name":"Ada"}"#)
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                try await client.execute(uri: "/api/v1/workers", method: .post,
                                         headers: [.authorization: "Bearer \(env.adminToken)", .contentType: type],
                                         body: body) { response in
                    #expect(response.status == .unsupportedMediaType, "\(type)")
                    #expect(response.errorCode == "unsupportedMediaType")
                }
            }
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: auth(env.adminToken), body: body) {
                #expect($0.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/v1/workers", method: .post,
                                     headers: [.authorization: "Bearer \(env.adminToken)",
                                               .contentType: "application/json; charset=utf-8"], body: body) {
                #expect($0.status == .created)
            }
            // An image upload sent as a form is refused the same way.
            try await client.execute(uri: "/api/v1/recognize", method: .post,
                                     headers: [.authorization: "Bearer \(env.viewerToken)", .contentType: "text/plain"],
                                     body: ByteBuffer(bytes: TestImages.png())) {
                #expect($0.status == .unsupportedMediaType)
            }
            // The token in a cookie (the old dashboard cookie, or a session cookie) is no credential here.
            for cookie in ["rollcall_token=\(env.adminToken)", "rollcall_session=\(env.adminToken)"] {
                try await client.execute(uri: "/api/v1/workers", method: .post,
                                         headers: [.cookie: cookie, .contentType: "application/json"], body: body) {
                    #expect($0.status == .unauthorized)
                }
            }
        }
        #expect(try await env.store.workers().map(\.name) == ["Ada"])
    }

    @Test func workerNamesRefuseControlCharacters() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            for name in ["Ada\\u0007", "Ada\\nLovelace", "Ada\\u001b[31m", "Ada\\u0085X", "\\u007f"] {
                try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                         body: ByteBuffer(string: #"{"name":"\#(name)"}"#)) { response in
                    #expect(response.status == .badRequest, "\(name)")
                    #expect(response.text.contains("control characters"), "\(name)")
                }
            }
            try await client.execute(uri: "/api/v1/workers", method: .post, headers: json(env.adminToken),
                                     body: ByteBuffer(string: #"{"name":"Zoë Ō'Brien-Łukasz"}"#)) {
                #expect($0.status == .created)
            }
        }
    }

    @Test func failedLoginsAreLimitedPerAddress() async throws {
        let env = try await TestEnvironment { config in
            config.dashboard.failedLoginsPerMinute = 3
        }
        defer { env.remove() }
        try await env.withApp(.live) { client in
            for attempt in 1 ... 3 {
                try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth("rc_wrong\(attempt)")) {
                    #expect($0.status == .unauthorized)
                }
            }
            // The fourth failure within the minute, and even the right token now, wait.
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth("rc_wrong4")) {
                #expect($0.status == .tooManyRequests)
                #expect($0.errorCode == "tooManyRequests")
            }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth(env.adminToken)) {
                #expect($0.status == .tooManyRequests)
            }
        }
        // Pure: the window passes.
        let throttle = LoginThrottle(failuresPerMinute: 2)
        let start = Date()
        throttle.recordFailure("a", at: start)
        throttle.recordFailure("a", at: start)
        #expect(throws: CloudError.self) { try throttle.check("a", at: start.addingTimeInterval(30)) }
        try throttle.check("b", at: start.addingTimeInterval(30))
        try throttle.check("a", at: start.addingTimeInterval(61))
    }

    @Test func metricsNeedATokenOrTheirOwnListener() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.registerAgent("secret-agent", site: "depot")
        try await env.withApp { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(!response.text.contains("depot"))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: auth(env.viewerToken)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("# TYPE rollcall_cloud_http_errors_total counter"))
            }
        }
        // The separate listener serves /metrics alone, without a token.
        let metricsApp = Application(router: CloudApp.buildMetricsRouter(metrics: env.metrics),
                                     configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await metricsApp.test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/workers", method: .get, headers: auth(env.adminToken)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        let env = try await TestEnvironment()
        defer { env.remove() }
        try await env.withApp { client in
            for uri in ["/login", "/healthz", "/api/v1/workers", "/assets/dashboard.js", "/nowhere"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "\(uri)")
                    #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(uri)")
                    #expect(response.headers[HTTPFields.Element.Name("X-Frame-Options")!] == "DENY", "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                    #expect(response.headers[.strictTransportSecurity] == nil, "\(uri)")   // plain HTTP here
                }
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(!response.text.contains("<script>") && !response.text.contains("onsubmit"))
                #expect(!response.text.contains("style=\""))
            }
        }
    }

    @Test func cookiesAreSecureWhenServedOverHTTPS() async throws {
        // Behind a TLS-terminating proxy: public_url names the https origin, or the proxy's X-Forwarded-Proto is
        // trusted. Either way the session cookie is Secure and HSTS is sent; plain http gets neither.
        for setting in ["public_url", "forwarded"] {
            let env = try await TestEnvironment { config in
                if setting == "public_url" {
                    config.dashboard.publicURL = "https://rollcall.example.com"
                } else {
                    config.dashboard.trustForwardedHeaders = true
                }
            }
            defer { env.remove() }
            let origin = setting == "public_url" ? "https://rollcall.example.com" : "https://localhost"
            let forwarded: HTTPFields = setting == "forwarded"
                ? [HTTPFields.Element.Name("X-Forwarded-Proto")!: "https"] : [:]
            try await env.withApp { client in
                let loginCSRF = try await client.execute(uri: "/login", method: .get, headers: forwarded) { response in
                    #expect(response.headers[values: .setCookie].allSatisfy { $0.contains("; Secure") }, "\(setting)")
                    #expect(response.headers[.strictTransportSecurity] != nil, "\(setting)")
                    return try #require(DashboardLogin.cookie("rollcall_login", in: response))
                }
                try await client.execute(uri: "/login", method: .post,
                                         headers: forwarded + [.origin: origin, .cookie: "rollcall_login=\(loginCSRF)",
                                                               .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "token=\(env.adminToken)&csrf=\(loginCSRF)")) { response in
                    #expect(response.status == .found, "\(setting): \(response.text)")
                    let session = response.headers[values: .setCookie].first { $0.hasPrefix("rollcall_session=") }
                    #expect(session?.contains("; Secure") == true && session?.contains("HttpOnly") == true, "\(setting)")
                }
                // The http origin is not this site's once it is served over https.
                try await client.execute(uri: "/login", method: .post,
                                         headers: forwarded + [.origin: "http://localhost",
                                                               .cookie: "rollcall_login=\(loginCSRF)",
                                                               .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "token=\(env.adminToken)&csrf=\(loginCSRF)")) {
                    #expect($0.status == .forbidden, "\(setting)")
                }
            }
        }
        let plain = try await TestEnvironment()
        defer { plain.remove() }
        try await plain.withApp { client in
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.headers[values: .setCookie].allSatisfy { !$0.contains("Secure") })
            }
        }
    }
}
