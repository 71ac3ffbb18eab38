// Migrations one process at a time: GRDB's migrator reads which migrations were applied before it takes the
// write lock, so two processes opening one fresh file (a cloud and `rollcall token create`, say) could both
// apply the same migration ("table … already exists"). A `flock` on a file beside the database serialises them.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SQLiteStore {
    /// Runs `body` holding an exclusive `flock` on `<database>-migrate.lock` (created when absent); the lock is
    /// released when `body` returns or throws, and by the kernel if the process dies.
    static func holdingMigrationLock(database path: String, _ body: () throws -> Void) throws {
        let lockPath = path + "-migrate.lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CloudError(.storage, "cannot open the migration lock: \(String(cString: strerror(errno)))",
                             subject: lockPath)
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CloudError(.storage, "cannot take the migration lock: \(String(cString: strerror(errno)))",
                                 subject: lockPath)
            }
        }
        try body()
    }
}
