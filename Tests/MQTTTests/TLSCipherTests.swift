import Foundation
import Testing

/// The broker speaks TLS 1.2 only with forward-secret AEAD suites (no CBC, no SHA-1 MAC, no static RSA), and
/// TLS 1.3. Checked with the openssl client against the real Mosquitto and the project's configuration.
@Suite struct TLSCipherTests {
    /// Runs `openssl s_client` with an agent's certificate; returns its output.
    func handshake(_ fixture: BrokerFixture, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(fixture.port)", "-brief",
                             "-CAfile", fixture.pki.appendingPathComponent("ca.crt").path,
                             "-cert", fixture.pki.appendingPathComponent("agents/s1/a1.crt").path,
                             "-key", fixture.pki.appendingPathComponent("agents/s1/a1.key").path] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test func onlyAEADSuites() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is not installed (scripts/setup)")
        let fixture = try BrokerFixture()
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
