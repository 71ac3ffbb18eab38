// A throwaway PostgreSQL 15 for `rollcall bench cloud --store postgres`: initdb and pg_ctl in a temporary folder on
// a free loopback port, as the `postgres` account when run as root (PostgreSQL refuses root), with the server's
// durability defaults (fsync on, synchronous commit); stopped and removed by `stop()`.
import Foundation
import Glibc
import PKI

struct BenchPostgres {
    static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")
    let folder: URL
    let port: Int

    var url: String { "postgres://rollcall@127.0.0.1:\(port)/rollcall" }
    var data: URL { folder.appendingPathComponent("data") }

    /// Creates and starts the server.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries.appendingPathComponent("pg_ctl").path) else {
            throw BenchPostgresError("PostgreSQL 15 is not installed at \(Self.binaries.path) (scripts/setup)")
        }
        folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("rollcall-bench-pg-\(UUID().uuidString)")
        port = try MosquittoBroker.freePort()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            if getuid() == 0 { try Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path]) }
            try Self.tool("initdb", ["-D", data.path, "-A", "trust", "-U", "rollcall", "-E", "UTF8"])
            try Self.tool("pg_ctl", ["-D", data.path, "-l", folder.appendingPathComponent("server.log").path, "-w",
                                     "-t", "60", "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1",
                                     "start"])
            try Self.tool("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "rollcall", "rollcall"])
        } catch {
            stop()
            throw error
        }
    }

    /// Stops the server at once and removes its folder.
    func stop() {
        try? Self.tool("pg_ctl", ["-D", data.path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    /// The server's process id (the postmaster), for its CPU time; nil when it is not running.
    var pid: Int32? {
        guard let text = try? String(contentsOf: data.appendingPathComponent("postmaster.pid"), encoding: .utf8) else {
            return nil
        }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }

    private static func tool(_ name: String, _ arguments: [String]) throws {
        let path = binaries.appendingPathComponent(name).path
        if getuid() == 0 {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try run(path, arguments)
        }
    }

    /// Runs a program to its end, its output to a temporary file (the server pg_ctl leaves running would hold a
    /// pipe open); throws with that output when it fails. Spawned and awaited with posix_spawn and waitpid:
    /// Foundation's `Process.waitUntilExit()` did not return here for `runuser … pg_ctl start` (the child
    /// exited, a zombie never reaped).
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let log = "/tmp/rollcall-bench-pg-out-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchPostgresError("\(executable): cannot start (\(String(cString: strerror(spawned))))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        // Exited normally with status 0 (WIFEXITED and WEXITSTATUS, spelled out: Glibc's macros are not imported).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchPostgresError("\(executable) \(arguments.joined(separator: " ")) (status \(status)): \(output)")
        }
    }
}

struct BenchPostgresError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
