import ArgumentParser
import Cloud
import Foundation
import Logging

/// `rollcall token create|list|revoke`: API tokens of the cloud's HTTP API and dashboard, straight in the
/// cloud's database (run it where the cloud's configuration and database are).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens of the cloud aggregator.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// The cloud configuration option shared by the subcommands.
    struct ConfigOptions: ParsableArguments {
        @Option(help: "Cloud configuration file (its storage.database is used).")
        var config: String = "config/cloud.yaml"

        /// The token issuer on the cloud's store (SQLite, or PostgreSQL with `storage.postgres_url`).
        func issuer() async throws -> TokenIssuer {
            let settings = try CloudConfig(contentsOf: config)
            return TokenIssuer(store: try await CloudApp.openStore(config: settings, logger: Logger(label: "rollcall-token")))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token (printed once; only its SHA-256 is stored) in the cloud's database.",
            discussion: """
                Hand the token to programs in the ROLLCALL_TOKEN environment variable (rollcall enroll reads it), \
                not on a command line, where every user of the machine sees it in `ps`.
                """)

        @OptionGroup var options: ConfigOptions

        @Option(help: "Role: admin (read and write) or viewer (read only).")
        var role: String = "viewer"

        @Option(help: "A name for the token, recorded in the audit log.")
        var name: String?

        @Option(help: "Days until the token expires.")
        var expiresInDays: Double = 90

        @Flag(help: "The token never expires (revoke it with `rollcall token revoke`).")
        var noExpiry = false

        @Flag(help: "Print JSON ({\"id\", \"name\", \"role\", \"expiresAt\", \"token\"}) instead of the bare token.")
        var json = false

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be admin or viewer") }
            guard noExpiry || (expiresInDays > 0 && expiresInDays <= 3660) else {
                throw ValidationError("--expires-in-days must be in 0…3660 (exclusive of 0); or use --no-expiry")
            }
        }

        func run() async throws {
            let tokenName = name ?? "\(role)-\(Int(Date().timeIntervalSince1970))"
            let (secret, token) = try await options.issuer().create(
                name: tokenName, role: Role(rawValue: role) ?? .viewer,
                expiresIn: noExpiry ? nil : expiresInDays * 86_400, actor: "cli")
            if json {
                var object: [String: Any] = ["id": token.id ?? 0, "name": token.name, "role": token.role.rawValue,
                                             "token": secret]
                object["expiresAt"] = token.expiresAt.map { ISO8601DateFormatter().string(from: $0) }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every token: id, role, state, expiry and last use (never the secrets).")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let formatter = ISO8601DateFormatter()
            let now = Date()
            print(["ID", "NAME", "ROLE", "STATE", "CREATED", "EXPIRES", "LAST USED"].joined(separator: "\t"))
            for token in try await options.issuer().list() {
                let state = token.revokedAt != nil ? "revoked" : token.isLive(at: now) ? "live" : "expired"
                print([String(token.id ?? 0), token.name, token.role.rawValue, state,
                       formatter.string(from: token.createdAt), token.expiresAt.map(formatter.string) ?? "never",
                       token.lastUsedAt.map(formatter.string) ?? "never"].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token at once (its dashboard sessions end too).")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The token's id (`rollcall token list`).")
        var id: Int64

        func run() async throws {
            let token = try await options.issuer().revoke(id: id, actor: "cli")
            print("revoked token \(token.id ?? id) (\(token.name))")
        }
    }
}
