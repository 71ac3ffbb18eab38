// `storage.postgres_url`: what it names, checked before anything connects.
import Foundation
import PostgresNIO

/// A parsed `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]` URL.
struct PostgresURL: Sendable, Equatable {
    static let key = "storage.postgres_url"

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslMode: String

    /// Parses `text`; a clear error naming the key otherwise.
    init(_ text: String) throws(CloudError) {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw CloudError(.invalidConfig, "not a postgres:// URL", subject: Self.key)
        }
        guard let host = components.host, !host.isEmpty else {
            throw CloudError(.invalidConfig, "no host in the URL", subject: Self.key)
        }
        guard let user = components.user, !user.isEmpty else {
            throw CloudError(.invalidConfig, "no user in the URL (postgres://USER@host/db)", subject: Self.key)
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw CloudError(.invalidConfig, "no database in the URL (postgres://user@host/DATABASE)", subject: Self.key)
        }
        let port = components.port ?? 5432
        guard (1 ... 65_535).contains(port) else {
            throw CloudError(.invalidConfig, "port \(port) is out of range", subject: Self.key)
        }
        var sslMode = "disable"
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, ["disable", "prefer", "require"].contains(value) else {
                throw CloudError(.invalidConfig, "unknown URL parameter \(item.name)=\(item.value ?? "") (sslmode=disable|prefer|require)",
                                 subject: Self.key)
            }
            sslMode = value
        }
        self.host = host
        self.port = port
        self.username = user
        self.password = components.password
        self.database = database
        self.sslMode = sslMode
    }

    /// Where it points, without the password (for logs and errors).
    var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// One connection's configuration (the start-up probe).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case "require": .require(try .init(configuration: .makeClientConfiguration()))
        case "prefer": .prefer(try .init(configuration: .makeClientConfiguration()))
        default: .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username,
                                                             password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = Self.sessionSettings
        return configuration
    }

    /// Settings of every session: a transaction left open by a process that hangs (a track's row lock, the
    /// live feed's order: see `PostgresStore.liveEvents`) is ended by the server after 30 s.
    static let sessionSettings = [("idle_in_transaction_session_timeout", "30s")]

    /// The client configuration.
    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "require": .require(.makeClientConfiguration())
        case "prefer": .prefer(.makeClientConfiguration())
        default: .disable
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username,
                                                         password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 16
        configuration.options.additionalStartupParameters = Self.sessionSettings
        return configuration
    }
}
