import Foundation

/// Renders the broker's `mosquitto.conf` and ACL from the templates in `config/mosquitto/` for one PKI
/// folder, port and runtime folder. The ACL's `# @cloud` / `# @agent` blocks are repeated for every
/// certificate found in the PKI folder. The configuration loads Rollcall's broker plugin
/// (`libRollcallBrokerPlugin.so`, Sources/RollcallBrokerPlugin), which refuses every subscription the ACL does
/// not grant — above all a `$share/…` one from an agent, which would otherwise silently swallow crops meant for
/// the cloud.
public struct BrokerConfiguration: Sendable {
    /// The PKI folder (ca.crt, broker.crt/key, cloud/*.crt, agents/*/*.crt).
    public var pkiFolder: URL
    /// Where the rendered config, the ACL, the persistence file and the log go.
    public var runtimeFolder: URL
    public var port: Int
    /// The address the listener binds (loopback by default).
    public var bindAddress: String
    /// The folder holding `mosquitto.conf` and `acl` templates.
    public var templatesFolder: URL
    /// The broker plugin (`libRollcallBrokerPlugin.so`); nil: found by `locatePlugin()` when rendering.
    public var pluginFile: URL?

    public init(pkiFolder: URL, runtimeFolder: URL, port: Int, bindAddress: String = "127.0.0.1",
                templatesFolder: URL = BrokerConfiguration.defaultTemplatesFolder(), pluginFile: URL? = nil) {
        self.pkiFolder = pkiFolder
        self.runtimeFolder = runtimeFolder
        self.port = port
        self.bindAddress = bindAddress
        self.templatesFolder = templatesFolder
        self.pluginFile = pluginFile
    }

    /// `$ROLLCALL_MOSQUITTO_TEMPLATES`, else `config/mosquitto` under the current directory (the package root
    /// for tests and scripts).
    public static func defaultTemplatesFolder() -> URL {
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_MOSQUITTO_TEMPLATES"] {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("config/mosquitto")
    }

    /// The rendered configuration file's path.
    public var configURL: URL { runtimeFolder.appendingPathComponent("mosquitto.conf") }
    /// The rendered ACL's path.
    public var aclURL: URL { runtimeFolder.appendingPathComponent("acl") }
    /// The broker's log.
    public var logURL: URL { runtimeFolder.appendingPathComponent("mosquitto.log") }

    /// The client identities with certificates in the PKI folder.
    public func identities() throws -> [CertificateIdentity] {
        let manager = FileManager.default
        var found: [CertificateIdentity] = []
        let cloudFolder = pkiFolder.appendingPathComponent("cloud")
        for file in ((try? manager.contentsOfDirectory(atPath: cloudFolder.path)) ?? []).sorted() where file.hasSuffix(".crt") {
            found.append(.cloud(name: String(file.dropLast(4))))
        }
        let agentsFolder = pkiFolder.appendingPathComponent("agents")
        for site in ((try? manager.contentsOfDirectory(atPath: agentsFolder.path)) ?? []).sorted() {
            let siteFolder = agentsFolder.appendingPathComponent(site)
            for file in ((try? manager.contentsOfDirectory(atPath: siteFolder.path)) ?? []).sorted() where file.hasSuffix(".crt") {
                found.append(.agent(site: site, agent: String(file.dropLast(4))))
            }
        }
        for identity in found { try identity.validate() }
        return found
    }

    /// The ACL text for `identities`.
    public func renderACL(identities: [CertificateIdentity]) throws -> String {
        let template = try PKIFiles.read(templatesFolder.appendingPathComponent("acl"))
        var output: [String] = []
        var block: [String]?
        var blockKind = ""
        for line in template.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "# @cloud" || trimmed == "# @agent" {
                guard block == nil else { throw PKIError(.invalidTemplate, subject: "acl", detail: "nested \(trimmed)") }
                block = []
                blockKind = String(trimmed.dropFirst(3))
            } else if trimmed == "# @end" {
                guard let lines = block else { throw PKIError(.invalidTemplate, subject: "acl", detail: "# @end without a block") }
                for identity in identities {
                    var values = ["USERNAME": identity.commonName]
                    switch identity {
                    case let .agent(site, agent) where blockKind == "agent":
                        values["SITE"] = site
                        values["AGENT"] = agent
                    case let .cloud(name) where blockKind == "cloud":
                        values["NAME"] = name
                    default:
                        continue
                    }
                    output.append(contentsOf: lines.map { Self.fill($0, values) })
                    output.append("")
                }
                block = nil
            } else if block != nil {
                block?.append(line)
            } else {
                output.append(line)
            }
        }
        guard block == nil else { throw PKIError(.invalidTemplate, subject: "acl", detail: "block without # @end") }
        return output.joined(separator: "\n")
    }

    /// The configuration file's text.
    public func renderConfig() throws -> String {
        let template = try PKIFiles.read(templatesFolder.appendingPathComponent("mosquitto.conf"))
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (getuid() == 0 ? "root" : "mosquitto")
        let plugin = try pluginFile ?? Self.locatePlugin()
        return Self.fill(template, ["PORT": String(port), "BIND": bindAddress, "CERTS": pkiFolder.path,
                                    "RUNTIME": runtimeFolder.path, "USER": user, "PLUGIN": plugin.path])
    }

    /// The plugin's file name as SwiftPM builds it.
    public static let pluginFileName = "libRollcallBrokerPlugin.so"

    /// `$ROLLCALL_BROKER_PLUGIN`, else `libRollcallBrokerPlugin.so` beside the running executable (the
    /// `rollcall` CLI, or a test bundle, in its build folder), else in `.build/release` or `.build/debug` under
    /// the current directory. Throws when none exists: a broker without it would let any client join the
    /// cloud's shared subscription.
    public static func locatePlugin() throws -> URL {
        let manager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["ROLLCALL_BROKER_PLUGIN"], !path.isEmpty {
            guard manager.fileExists(atPath: path) else {
                throw PKIError(.unreadable, subject: path, detail: "ROLLCALL_BROKER_PLUGIN names no file")
            }
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(pluginFileName))
        }
        let here = URL(fileURLWithPath: manager.currentDirectoryPath)
        candidates += [".build/release", ".build/debug"].map { here.appendingPathComponent("\($0)/\(pluginFileName)") }
        guard let found = candidates.first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw PKIError(.unreadable, subject: pluginFileName, detail:
                "the broker plugin is not built (looked in \(candidates.map(\.path).joined(separator: ", "))): "
                + "run `swift build -c release --product RollcallBrokerPlugin` or set ROLLCALL_BROKER_PLUGIN")
        }
        return found
    }

    /// Writes the configuration and ACL into the runtime folder.
    public func write() throws {
        do {
            try FileManager.default.createDirectory(at: runtimeFolder, withIntermediateDirectories: true)
        } catch {
            throw PKIError(.io, subject: runtimeFolder.path, detail: "cannot create: \(error.localizedDescription)")
        }
        try PKIFiles.write(try renderACL(identities: try identities()), to: aclURL, permissions: 0o644)
        try PKIFiles.write(try renderConfig(), to: configURL, permissions: 0o644)
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (key, value) in values { result = result.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return result
    }
}
