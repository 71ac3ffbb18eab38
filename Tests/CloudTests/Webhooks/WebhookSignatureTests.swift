import Cloud
import Crypto
import Foundation
import Testing

@Suite struct WebhookSignatureTests {
    let body = Data(#"{"kind":"agent_offline"}"#.utf8)
    let secret = "0123456789abcdef"

    @Test func theSignatureIsHMACSHA256OfTimestampDotBody() {
        let header = WebhookSignature.sign(body, timestamp: 1_700_000_000, secret: secret)
        let expected = HMAC<SHA256>.authenticationCode(for: Data("1700000000.".utf8) + body,
                                                       using: SymmetricKey(data: Data(secret.utf8)))
        #expect(header == "t=1700000000,v1=" + expected.map { String(format: "%02x", $0) }.joined())
    }

    @Test func verificationRefusesTamperingOtherSecretsAndStaleTimestamps() {
        let now = Date(timeIntervalSince1970: 1_700_000_100)
        let header = WebhookSignature.sign(body, timestamp: 1_700_000_000, secret: secret)
        #expect(WebhookSignature.verify(header, body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify(header, body: body + Data(" ".utf8), secret: secret, now: now))
        #expect(!WebhookSignature.verify(header, body: body, secret: secret + "x", now: now))
        #expect(!WebhookSignature.verify(header, body: body, secret: secret, now: now + 600))
        #expect(!WebhookSignature.verify("t=1700000000", body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify("t=1700000000,v1=zz", body: body, secret: secret, now: now))
        #expect(!WebhookSignature.verify("garbage", body: body, secret: secret, now: now))
    }
}
