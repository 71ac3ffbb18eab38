// Singleton jobs on PostgreSQL: a session-level advisory lock held on one connection while the job runs.
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The advisory lock key of a job: a stable 63-bit FNV-1a hash of its name.
    static func lockKey(job: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in job.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF)
    }

    public func exclusively(_ job: String,
                            _ body: @escaping @Sendable () async throws -> Int) async throws(CloudError) -> Int? {
        let key = Self.lockKey(job: job)
        let logger = self.logger
        do {
            // No overall time bound: the job takes as long as it takes; the lock goes with the connection if the
            // process dies, and shutdown cancels the lease.
            return try await client.withConnection { connection -> Int? in
                var locked = false
                for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))",
                                                                  logger: logger).decode(Bool.self) {
                    locked = value
                }
                guard locked else { return nil }
                do {
                    let result = try await body()
                    try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                    throw error
                }
            }
        } catch let error as CloudError {
            throw error
        } catch {
            throw CloudError(.storage, "job \(job): \(Self.describe(error))", subject: url.redacted)
        }
    }
}
