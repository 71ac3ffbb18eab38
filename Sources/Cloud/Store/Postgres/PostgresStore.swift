// The `Store` on PostgreSQL (postgres-nio's pooled `PostgresClient`), for several aggregators sharing one
// database: selected by `storage.postgres_url`.
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// A `Store` kept in PostgreSQL. `open` connects, migrates (under an advisory lock) and refuses a schema newer
/// than this binary; run the store as a service so its connection pool stops last at shutdown. Every operation
/// is bounded in time: with the database down, calls fail with `.storage` (the ingest tries a message again, the
/// API answers 500, `/healthz` reports unhealthy) instead of waiting for ever.
public final class PostgresStore: Store, Service {
    let client: PostgresClient
    let logger: Logger
    let url: PostgresURL
    /// Longest a single operation may take (waiting for a connection included).
    let operationTimeout: Double
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, url: PostgresURL, logger: Logger, operationTimeout: Double) {
        self.client = client
        self.url = url
        self.logger = logger
        self.operationTimeout = operationTimeout
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Connects to `url` (the value of `storage.postgres_url`) and migrates. An unreachable server, a refused
    /// login or a missing database is an error naming the key.
    public static func open(url text: String, logger: Logger, operationTimeout: Double = 10,
                            connectTimeout: Double = 15) async throws(CloudError) -> PostgresStore {
        let url = try PostgresURL(text)
        let store = PostgresStore(client: PostgresClient(configuration: url.configuration, backgroundLogger: logger),
                                  url: url, logger: logger, operationTimeout: operationTimeout)
        do {
            // One direct connection first: a refused connection, login or database fails at once with the
            // server's reason (the pool would keep retrying).
            try await Self.withTimeout(connectTimeout) {
                let probe = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0,
                                                                 logger: logger)
                try await probe.close()
            }
            try await Self.withTimeout(connectTimeout) {
                try await store.client.withConnection { connection in
                    try await PostgresMigrations.migrate(connection, logger: logger)
                }
            }
        } catch let error as CloudError where error.subject == PostgresURL.key {
            store.runner.cancel()
            throw error
        } catch {
            store.runner.cancel()
            throw CloudError(.invalidConfig, "cannot use PostgreSQL at \(url.redacted): \(Self.describe(error))",
                             subject: PostgresURL.key)
        }
        return store
    }

    /// Serves until graceful shutdown, then closes the pool (put it first among the services: stopped last).
    public func run() async throws {
        try? await gracefulShutdown()
        runner.cancel()
    }

    // MARK: Helpers

    /// Runs `body` with the client, bounded by `operationTimeout`; failures become `.storage` errors saying what.
    func perform<T: Sendable>(_ what: String,
                              _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(CloudError) -> T {
        let client = self.client
        do {
            return try await Self.withTimeout(operationTimeout) { try await body(client) }
        } catch let error as CloudError {
            throw error
        } catch {
            throw CloudError(.storage, "\(what): \(Self.describe(error))", subject: url.redacted)
        }
    }

    /// `perform` inside one transaction.
    func transaction<T: Sendable>(_ what: String,
                                  _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(CloudError) -> T {
        let logger = self.logger
        return try await perform(what) { client in
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                // A refusal made inside the transaction (rolled back) is the caller's answer.
                if let refusal = error.closureError as? CloudError { throw refusal }
                throw error
            }
        }
    }

    /// Every row of a query, mapped.
    func rows<T: Sendable>(_ what: String, _ query: PostgresQuery,
                           _ map: @escaping @Sendable (PostgresRandomAccessRow) throws -> T) async throws(CloudError) -> [T] {
        let logger = self.logger
        return try await perform(what) { client in
            var result: [T] = []
            for try await row in try await client.query(query, logger: logger) {
                result.append(try map(row.makeRandomAccess()))
            }
            return result
        }
    }

    /// Every row of a query on a connection (inside a transaction), mapped.
    static func rows<T>(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger,
                        _ map: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await connection.query(query, logger: logger) {
            result.append(try map(row.makeRandomAccess()))
        }
        return result
    }

    /// In one transaction, deletes `table`'s rows whose `timeColumn` is before `before`, then all but the first
    /// `keepingAtMost` in `newestFirst` order (rows named by `key`); returns how many went. The names are this
    /// module's SQL, never input.
    func expireRows(_ what: String, table: StaticString, timeColumn: StaticString, key: StaticString,
                    newestFirst: StaticString, before: Date, keepingAtMost: Int) async throws(CloudError) -> Int {
        let keep = max(0, keepingAtMost)
        let (table, time, key, order) = ("\(table)", "\(timeColumn)", "\(key)", "\(newestFirst)")
        let logger = self.logger
        return try await transaction(what) { connection in
            let old = try await Self.rows(connection, """
                DELETE FROM \(unescaped: table) WHERE \(unescaped: time) < \(before) RETURNING 1 AS one
                """, logger: logger) { _ in () }.count
            let beyond = try await Self.rows(connection, """
                DELETE FROM \(unescaped: table) WHERE \(unescaped: key) IN
                  (SELECT \(unescaped: key) FROM \(unescaped: table) ORDER BY \(unescaped: order) OFFSET \(keep))
                RETURNING 1 AS one
                """, logger: logger) { _ in () }.count
            return old + beyond
        }
    }

    /// Runs `body`, failing after `seconds`.
    static func withTimeout<T: Sendable>(_ seconds: Double,
                                         _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw CloudError(.storage, "no answer from PostgreSQL within \(seconds) s")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    /// What went wrong, with PostgreSQL's own message when there is one.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return "\(error.code): \(message)" }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

extension PostgresRandomAccessRow {
    /// The named column's value.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}
