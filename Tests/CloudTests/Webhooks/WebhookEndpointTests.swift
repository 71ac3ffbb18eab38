import Cloud
import Foundation
import Testing

@Suite struct WebhookEndpointTests {
    let secret = "0123456789abcdef"

    @Test func httpAndHttpsURLsAreAccepted() throws {
        let e = try WebhookEndpoint(url: "https://hooks.example.com/rollcall?x=1", secret: secret, events: [.agentOffline])
        #expect(e.url.host == "hooks.example.com")
        _ = try WebhookEndpoint(url: "HTTP://127.0.0.1:8080/", secret: secret, events: [.recurringUnknown])
    }

    @Test(arguments: ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "mqtt://broker", "example.com/hook",
                      "https://", "https://user:pw@example.com/", "https://example.com/#frag", "not a url at all"])
    func otherURLsAreRefusedWithTheReason(url: String) {
        do {
            _ = try WebhookEndpoint(url: url, secret: secret, events: [.agentOffline])
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.subject == "url")
        }
    }

    @Test func secretsAndEventsAreChecked() {
        #expect(throws: CloudError.self) { try WebhookEndpoint(url: "https://x.org", secret: "short", events: [.agentOffline]) }
        #expect(throws: CloudError.self) { try WebhookEndpoint(url: "https://x.org", secret: secret, events: []) }
        #expect(throws: CloudError.self) {
            try WebhookEndpoint(url: "https://x.org/" + String(repeating: "a", count: 3000), secret: secret, events: [.agentOffline])
        }
    }
}
