import Foundation
import Testing
import TestSupport

/// The broker speaks TLS 1.2 only with forward-secret AEAD suites (no CBC, no SHA-1 MAC, no static RSA), and
/// TLS 1.3. Checked with the openssl client against the real Mosquitto and the project's configuration.
@Suite struct TLSCipherTests {
    /// Runs `openssl s_client` with an agent's certificate (standard input closed: it handshakes and quits);
    /// returns its output.
    func handshake(_ fixture: BrokerFixture, _ arguments: [String]) throws -> String {
        let (certificate, key) = fixture.certificate("agents/s1/a1")
        let result = try Tool.run("openssl", ["s_client", "-connect", "127.0.0.1:\(fixture.port)", "-brief",
                                              "-CAfile", fixture.caFile, "-cert", certificate, "-key", key] + arguments)
        return result.standardOutput + result.standardError
    }

    @Test func onlyAEADSuites() throws {
        let fixture = try BrokerFixture.forMQTTTests()
        for cbc in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256", "AES128-SHA"] {
            let text = try handshake(fixture, ["-tls1_2", "-cipher", cbc])
            #expect(!text.contains("CONNECTION ESTABLISHED"), "\(cbc) was accepted: \(text)")
        }
        for aead in ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"] {
            let text = try handshake(fixture, ["-tls1_2", "-cipher", aead])
            #expect(text.contains("CONNECTION ESTABLISHED") && text.contains(aead), "\(aead) refused: \(text)")
        }
        let tls13 = try handshake(fixture, ["-tls1_3"])
        #expect(tls13.contains("Protocol version: TLSv1.3"), "\(tls13)")
        #expect(!(try handshake(fixture, ["-tls1_1"])).contains("CONNECTION ESTABLISHED"))
    }
}
