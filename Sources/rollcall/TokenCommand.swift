import ArgumentParser
import Cloud
import Foundation
import Logging

/// `rollcall token create`: creates an API token for the cloud's HTTP API and dashboard.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens of the cloud aggregator.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token (printed once; only its SHA-256 is stored) in the cloud's database.")

        @Option(help: "Cloud configuration file (its storage.database is used).")
        var config: String = "config/cloud.yaml"

        @Option(help: "Role: admin (read and write) or viewer (read only).")
        var role: String = "viewer"

        @Option(help: "A name for the token, recorded in the audit log.")
        var name: String?

        @Flag(help: "Print JSON ({\"name\", \"role\", \"token\"}) instead of the bare token.")
        var json = false

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be admin or viewer") }
        }

        func run() async throws {
            let settings = try CloudConfig(contentsOf: config)
            let store = try await CloudApp.openStore(config: settings, logger: Logger(label: "rollcall-token"))
            let tokenName = name ?? "\(role)-\(Int(Date().timeIntervalSince1970))"
            let (secret, token) = try await TokenIssuer(store: store).create(name: tokenName,
                                                                             role: Role(rawValue: role) ?? .viewer)
            if json {
                let object = ["name": token.name, "role": token.role.rawValue, "token": secret]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(secret)
            }
        }
    }
}
