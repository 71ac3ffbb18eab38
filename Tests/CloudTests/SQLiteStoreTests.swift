@testable import Cloud
import Foundation
import Testing

@Suite struct SQLiteStoreTests {
    /// Processes opening one fresh file at once (a cloud and `rollcall token create`) each apply the migrations
    /// or find them applied; none fails with "table … already exists". Separate pools on separate threads race
    /// the same way separate processes do.
    @Test func storesOpenedTogetherOnAFreshFileMigrateOnce() async throws {
        for round in 0 ..< 5 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-sqlite-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("db.sqlite").path
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0 ..< 4 {
                    group.addTask {
                        await Task.detached {
                            do { _ = try SQLiteStore(path: path); return nil } catch { return "\(error)" }
                        }.value
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            #expect(failures.isEmpty, "round \(round): \(failures)")
            let store = try SQLiteStore(path: path)
            _ = try await store.createWorker(name: "Ada", actor: "t")
            #expect(try await store.workers().count == 1)
        }
    }
}
