import Foundation
import PKI
import Testing
import X509

@Suite struct CertificateAuthorityTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-pki-\(UUID().uuidString)")

    private func permissions(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func certificate(_ url: URL) throws -> Certificate {
        try Certificate(pemEncoded: try String(contentsOf: url, encoding: .utf8))
    }

    @Test func issuesAgentCertificatesTheBrokerCanMapToAUsername() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.create(in: folder)
        let issued = try authority.issue(.agent(site: "plant-3", agent: "gate-A"), days: 30)
        #expect(issued.certificateURL.path.hasSuffix("agents/plant-3/gate-A.crt"))
        let cert = try certificate(issued.certificateURL)
        #expect(cert.subject.description.contains("CN=agent:plant-3:gate-A"))
        #expect(cert.issuer == authority.certificate.subject)
        #expect(cert.notValidAfter.timeIntervalSince(cert.notValidBefore) > 29 * 86_400)
        let usage = try #require(try cert.extensions.extendedKeyUsage)
        #expect(usage.contains(.clientAuth))
        #expect(try cert.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try permissions(issued.keyURL) == 0o600)
        #expect(try permissions(CertificateAuthority.keyURL(in: folder)) == 0o600)
    }

    @Test func brokerCertificateNamesItsHosts() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.create(in: folder)
        let issued = try authority.issue(.broker(hosts: ["127.0.0.1", "broker.example"]))
        let cert = try certificate(issued.certificateURL)
        let names = try #require(try cert.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("broker.example")))
        #expect(names.contains { if case .ipAddress = $0 { return true } else { return false } })
        #expect(try cert.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
    }

    @Test func expiredCertificatesCanBeIssuedForTests() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.create(in: folder)
        let issued = try authority.issue(.cloud(name: "main"), days: 1, notBefore: Date().addingTimeInterval(-3 * 86_400))
        #expect(try certificate(issued.certificateURL).notValidAfter < Date())
    }

    @Test func refusesBadNamesAndASecondCA() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.create(in: folder)
        #expect(throws: PKIError.self) { try CertificateAuthority.create(in: folder) }
        for identity in [CertificateIdentity.agent(site: "a/b", agent: "x"), .agent(site: "s", agent: "a:b"),
                         .agent(site: "", agent: "x"), .cloud(name: "#"), .broker(hosts: [])] {
            #expect(throws: PKIError.self) { try authority.issue(identity) }
        }
        #expect(throws: PKIError.self) { try CertificateAuthority(folder: folder.appendingPathComponent("none")) }
    }

    @Test func aclIsRenderedPerIssuedIdentity() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.create(in: folder)
        try authority.issue(.agent(site: "s1", agent: "a1"))
        try authority.issue(.agent(site: "s2", agent: "b1"))
        try authority.issue(.cloud(name: "main"))
        let configuration = BrokerConfiguration(pkiFolder: folder, runtimeFolder: folder.appendingPathComponent("run"), port: 18_883)
        #expect(try configuration.identities() == [.cloud(name: "main"), .agent(site: "s1", agent: "a1"), .agent(site: "s2", agent: "b1")])
        try configuration.write()
        let acl = try String(contentsOf: configuration.aclURL, encoding: .utf8)
        #expect(acl.contains("user agent:s1:a1\n"))
        #expect(acl.contains("topic readwrite rollcall/v1/sites/s1/agents/a1/#"))
        #expect(acl.contains("topic read rollcall/v1/sites/s2/gallery"))
        #expect(acl.contains("user cloud:main\n"))
        #expect(!acl.contains("{{"))
        let conf = try String(contentsOf: configuration.configURL, encoding: .utf8)
        #expect(conf.contains("listener 18883 127.0.0.1"))
        #expect(conf.contains("require_certificate true"))
        #expect(conf.contains("use_identity_as_username true"))
        #expect(!conf.contains("{{"))
        // The subscription-checking plugin, reading the same ACL; AEAD-only TLS 1.2.
        #expect(conf.contains("plugin \(try BrokerConfiguration.locatePlugin().path)\n"))
        #expect(conf.contains("plugin_opt_acl_file \(configuration.aclURL.path)\n"))
        let ciphers = try #require(conf.split(separator: "\n").first { $0.hasPrefix("ciphers ") })
        #expect(ciphers.dropFirst(8).split(separator: ":").allSatisfy {
            $0.hasPrefix("ECDHE-") && ($0.contains("-GCM-") || $0.hasSuffix("CHACHA20-POLY1305"))
        })
        // Only the cloud may share-subscribe, under any group name.
        #expect(acl.components(separatedBy: "topic read $share/").count == 2)
        #expect(acl.contains("topic read $share/+/rollcall/v1/sites/+/agents/#"))
        let explicit = BrokerConfiguration(pkiFolder: folder, runtimeFolder: folder.appendingPathComponent("run"),
                                           port: 18_883, pluginFile: URL(fileURLWithPath: "/opt/rollcall/plugin.so"))
        #expect(try explicit.renderConfig().contains("plugin /opt/rollcall/plugin.so\n"))
    }
}
