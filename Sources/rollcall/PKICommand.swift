import ArgumentParser
import Crypto
import Foundation
import PKI
import Wire

/// `rollcall pki …`: the certificate authority, device certificates, the gallery signing key and the broker
/// configuration.
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Certificates for agents, the cloud and the broker; the gallery signing key; broker config.",
        subcommands: [Init.self, Issue.self, BrokerConfig.self]
    )

    /// The PKI folder option shared by the subcommands.
    struct FolderOptions: ParsableArguments {
        @Option(help: "PKI folder (default: $ROLLCALL_PKI or ./pki).")
        var dir: String?

        var url: URL {
            URL(fileURLWithPath: dir ?? ProcessInfo.processInfo.environment["ROLLCALL_PKI"] ?? "pki")
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the certificate authority (ca.crt, ca.key 0600).")

        @OptionGroup var folder: FolderOptions
        @Option(help: "Validity in days.") var days = 3650
        @Option(help: "The CA's common name.") var name = "Rollcall CA"

        func run() throws {
            let authority = try CertificateAuthority.create(in: folder.url, name: name, days: days)
            print("created CA \(authority.certificate.subject) in \(folder.url.path)")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate (agent, cloud, broker) or the gallery signing key.",
            subcommands: [Agent.self, Cloud.self, Broker.self, GalleryKey.self]
        )
    }

    /// Validity options for issued certificates.
    struct ValidityOptions: ParsableArguments {
        @Option(help: "Validity in days.") var days = 825
        @Flag(help: "Issue a certificate that expired yesterday (for tests of refusal).") var expired = false

        func issue(_ identity: CertificateIdentity, folder: URL) throws {
            let authority = try CertificateAuthority(folder: folder)
            let issued = expired
                ? try authority.issue(identity, days: 1, notBefore: Date().addingTimeInterval(-2 * 86_400))
                : try authority.issue(identity, days: days)
            print("issued \(identity.commonName): \(issued.certificateURL.path) (key \(issued.keyURL.path), valid until \(issued.notValidAfter))")
        }
    }

    struct Agent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An agent certificate: CN agent:{site}:{id}, agents/{site}/{id}.crt; re-render the broker ACL after.")

        @OptionGroup var folder: FolderOptions
        @OptionGroup var validity: ValidityOptions
        @Option(help: "Site id.") var site: String
        @Option(help: "Agent id.") var id: String

        func run() throws { try validity.issue(.agent(site: site, agent: id), folder: folder.url) }
    }

    struct Cloud: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A cloud aggregator certificate: CN cloud:{name}, cloud/{name}.crt.")

        @OptionGroup var folder: FolderOptions
        @OptionGroup var validity: ValidityOptions
        @Option(help: "Aggregator name.") var name = "main"

        func run() throws { try validity.issue(.cloud(name: name), folder: folder.url) }
    }

    struct Broker: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The broker's server certificate (broker.crt), SAN = the hosts.")

        @OptionGroup var folder: FolderOptions
        @OptionGroup var validity: ValidityOptions
        @Option(name: .customLong("host"), help: "Host name or IPv4 address (repeatable; default 127.0.0.1 and localhost).")
        var hosts: [String] = []

        func run() throws {
            try validity.issue(.broker(hosts: hosts.isEmpty ? ["127.0.0.1", "localhost"] : hosts), folder: folder.url)
        }
    }

    struct GalleryKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gallery-key",
            abstract: "The cloud's Ed25519 gallery signing key (gallery.key 0600) and the agents' copy (gallery.pub).")

        @OptionGroup var folder: FolderOptions

        func run() throws {
            let keyURL = folder.url.appendingPathComponent("gallery.key")
            guard !FileManager.default.fileExists(atPath: keyURL.path) else {
                throw ValidationError("\(keyURL.path) exists; remove it to make a new key (agents must get the new gallery.pub)")
            }
            let key = Curve25519.Signing.PrivateKey()
            try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: keyURL.path, contents: Data(GallerySigningKey.fileText(key).utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(keyURL.path)")
            }
            let publicURL = folder.url.appendingPathComponent("gallery.pub")
            try Data(GallerySigningKey.fileText(key.publicKey).utf8).write(to: publicURL)
            print("gallery signing key \(keyURL.path), verification key \(publicURL.path)")
        }
    }

    struct BrokerConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "broker-config",
            abstract: "Render mosquitto.conf and the ACL (one block per issued certificate) into a runtime folder.")

        @OptionGroup var folder: FolderOptions
        @Option(help: "Listener port.") var port = 8883
        @Option(help: "Listener address.") var bind = "127.0.0.1"
        @Option(help: "Runtime folder (config, ACL, persistence, log).") var runtime: String
        @Option(help: "Template folder (default: $ROLLCALL_MOSQUITTO_TEMPLATES or config/mosquitto).") var templates: String?
        @Option(help: "The broker plugin libRollcallBrokerPlugin.so (default: $ROLLCALL_BROKER_PLUGIN, else beside this executable).")
        var plugin: String?

        func run() throws {
            let configuration = BrokerConfiguration(
                pkiFolder: folder.url.standardizedFileURL.absoluteURL, runtimeFolder: URL(fileURLWithPath: runtime).absoluteURL,
                port: port, bindAddress: bind,
                templatesFolder: templates.map { URL(fileURLWithPath: $0) } ?? BrokerConfiguration.defaultTemplatesFolder(),
                pluginFile: plugin.map { URL(fileURLWithPath: $0).absoluteURL })
            try configuration.write()
            print(configuration.configURL.path)
        }
    }
}
