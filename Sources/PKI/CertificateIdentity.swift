import Foundation

/// Who a certificate belongs to. Its common name becomes the MQTT username on the broker
/// (`use_identity_as_username`), which the ACL matches:
///
/// | identity | common name | files under the PKI folder |
/// |---|---|---|
/// | agent | `agent:{site}:{agent}` | `agents/{site}/{agent}.crt`, `.key` |
/// | cloud | `cloud:{name}` | `cloud/{name}.crt`, `.key` |
/// | broker | `rollcall-broker` (SAN: the hosts) | `broker.crt`, `broker.key` |
public enum CertificateIdentity: Sendable, Equatable {
    case agent(site: String, agent: String)
    case cloud(name: String)
    case broker(hosts: [String])

    /// The subject common name.
    public var commonName: String {
        switch self {
        case let .agent(site, agent): return "agent:\(site):\(agent)"
        case let .cloud(name): return "cloud:\(name)"
        case .broker: return "rollcall-broker"
        }
    }

    /// The certificate's path relative to the PKI folder (the key sits beside it with `.key`).
    public var relativePath: String {
        switch self {
        case let .agent(site, agent): return "agents/\(site)/\(agent).crt"
        case let .cloud(name): return "cloud/\(name).crt"
        case .broker: return "broker.crt"
        }
    }

    /// Whether the certificate authenticates a server (the broker) or a client.
    public var isServer: Bool {
        if case .broker = self { return true }
        return false
    }

    /// Checks the names: site, agent and cloud ids are 1-64 of `A-Z a-z 0-9 . _ -` (the Wire identifier
    /// rule, so they fit topics and the `:`-separated username); hosts are non-empty.
    public func validate() throws {
        func check(_ value: String, _ what: String) throws {
            let allowed = value.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
            guard !value.isEmpty, value.utf8.count <= 64, allowed, value != ".", value != ".." else {
                throw PKIError(.invalidIdentity, subject: value, detail: "\(what) must be 1-64 of A-Z a-z 0-9 . _ -")
            }
        }
        switch self {
        case let .agent(site, agent):
            try check(site, "site id")
            try check(agent, "agent id")
        case let .cloud(name):
            try check(name, "cloud name")
        case let .broker(hosts):
            guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
                throw PKIError(.invalidIdentity, subject: hosts.joined(separator: ","), detail: "broker needs at least one host name or IP")
            }
        }
    }
}
