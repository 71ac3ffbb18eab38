import Cloud
import Foundation
import Logging
import Testing
import TestSupport

/// What only the PostgreSQL store does: migrations under an advisory lock (several processes starting at once),
/// refusing a newer schema, and clear errors naming `storage.postgres_url` for bad URLs and unreachable servers.
@Suite struct PostgresStoreTests {
    let logger = Logger(label: "test-postgres")

    @Test func severalOpeningAtOnceMigrateOnce() async throws {
        let server = try PostgresServer()
        let logger = self.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 5 {
                group.addTask { _ = try await PostgresStore.open(url: server.url, logger: logger) }
            }
            try await group.waitForAll()
        }
        // Every migration once, in order (1, 2, …).
        let versions = try server.psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
        #expect(!versions.isEmpty && versions == Array(1 ... versions.count))
        // And the schema works from any of them.
        let store = try await PostgresStore.open(url: server.url, logger: logger)
        _ = try await store.createWorker(name: "Ada", actor: "t")
        #expect(try await store.workers().map(\.name) == ["Ada"])
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let server = try PostgresServer()
        _ = try await PostgresStore.open(url: server.url, logger: logger)
        try server.psql("INSERT INTO schema_version (version) VALUES (999)")
        await #expect {
            _ = try await PostgresStore.open(url: server.url, logger: logger)
        } throws: { error in
            let error = error as? CloudError
            return error?.subject == "storage.postgres_url" && error?.detail.contains("999") == true
        }
    }

    @Test(arguments: ["mysql://u@h/db", "postgres://h/db", "postgres://u@h", "postgres://u@h/db?sslmode=maybe",
                      "postgres://u@h:0/db", "postgres://u@/db"])
    func aMalformedURLNamesTheKey(url: String) async {
        await #expect {
            _ = try await PostgresStore.open(url: url, logger: logger)
        } throws: { ($0 as? CloudError)?.subject == "storage.postgres_url" && ($0 as? CloudError)?.code == .invalidConfig }
    }

    @Test func anUnreachableServerNamesTheKey() async throws {
        let server = try PostgresServer()
        server.stop()
        let started = Date()
        await #expect {
            _ = try await PostgresStore.open(url: server.url, logger: logger, connectTimeout: 5)
        } throws: { error in
            let error = error as? CloudError
            return error?.subject == "storage.postgres_url" && error?.detail.contains("127.0.0.1") == true
        }
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func aWrongDatabaseNamesTheKey() async throws {
        let server = try PostgresServer()
        let url = server.url.replacingOccurrences(of: "/rollcall", with: "/nosuchdb")
        await #expect {
            _ = try await PostgresStore.open(url: url, logger: logger, connectTimeout: 5)
        } throws: { ($0 as? CloudError)?.subject == "storage.postgres_url" }
    }

    @Test func aSingletonJobRunsInOneProcessAtATime() async throws {
        let server = try PostgresServer()
        let first = try await PostgresStore.open(url: server.url, logger: logger)
        let second = try await PostgresStore.open(url: server.url, logger: logger)
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let running = Task {
            try await first.exclusively("retention") {
                startedSignal.yield()
                for await _ in release { break }
                return 7
            }
        }
        for await _ in started { break }
        // While the first holds the job, the second skips it; another job is free.
        #expect(try await second.exclusively("retention") { 1 } == nil)
        #expect(try await second.exclusively("other") { 2 } == 2)
        releaseSignal.yield()
        #expect(try await running.value == 7)
        #expect(try await second.exclusively("retention") { 3 } == 3)
    }
}
