// One `Store` under test: SQLite in a temporary folder, or PostgreSQL on a throwaway server. The contract
// suite runs every check against both.
import Cloud
import Foundation
import Logging
import Testing
import TestSupport

enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

final class StoreHarness: @unchecked Sendable {
    let kind: StoreKind
    let store: any Store
    let blobs: any BlobVault
    let folder: URL
    let server: PostgresServer?
    let postgres: PostgresStore?

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        switch kind {
        case .sqlite:
            server = nil
            postgres = nil
            store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
            blobs = FileVault(root: folder.appendingPathComponent("blobs").path)
        case .postgres:
            let server = try PostgresServer()
            self.server = server
            let postgres = try await PostgresStore.open(url: server.url, logger: Logger(label: "test-postgres"))
            self.postgres = postgres
            store = postgres
            blobs = PostgresBlobVault(store: postgres)
        }
        for site in ["depot", "hq"] {
            try await store.upsertSite(Site(id: site, name: site, emotionEnabled: site == "hq"))
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }
}
