// A throwaway PostgreSQL 15 server for tests: initdb and pg_ctl in a temporary folder on a free loopback port, as
// an unprivileged user (the `postgres` account when the tests run as root, as CI does), stopped and removed when
// released — also when the test fails.
import Foundation
import PKI

final class PostgresServer: @unchecked Sendable {
    static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")
    /// Whether PostgreSQL 15's server binaries are installed (scripts/setup installs them).
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("pg_ctl").path)
    }

    let folder: URL
    let port: Int
    /// The connection URL of the `rollcall` database (trust authentication on loopback).
    var url: String { "postgres://rollcall@127.0.0.1:\(port)/rollcall" }
    private var data: URL { folder.appendingPathComponent("data") }

    init() throws {
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("rollcall-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data")
        do {
            if getuid() == 0 {
                // PostgreSQL refuses to run as root: the folder belongs to the postgres account.
                try Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path])
            }
            try Self.tool("initdb", ["-D", data.path, "-A", "trust", "-U", "rollcall", "--no-sync", "-E", "UTF8"])
            var attempt = 0
            var port = 0
            while true {
                port = try MosquittoBroker.freePort()
                do {
                    try Self.start(data: data, folder: folder, port: port)
                    break
                } catch {
                    attempt += 1
                    if attempt == 3 { throw error }
                }
            }
            try Self.tool("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "rollcall", "rollcall"])
            self.folder = folder
            self.port = port
        } catch {
            try? Self.tool("pg_ctl", ["-D", data.path, "-m", "immediate", "-w", "stop"])
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    private static func start(data: URL, folder: URL, port: Int) throws {
        try tool("pg_ctl", ["-D", data.path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "30",
                            "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the server again after `stop()` (same folder, same port).
    func start() throws {
        try Self.start(data: data, folder: folder, port: port)
    }

    /// Stops the server at once (connections are cut).
    func stop() {
        try? Self.tool("pg_ctl", ["-D", data.path, "-m", "immediate", "-w", "stop"])
    }

    /// Runs `psql -c sql` against the database and returns its output.
    @discardableResult
    func psql(_ sql: String) throws -> String {
        try Self.tool("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "rollcall", "-d", "rollcall", "-At", "-c", sql])
    }

    /// The server's log, for failure messages.
    var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// Runs one of PostgreSQL's programs, as the postgres account when root.
    @discardableResult
    private static func tool(_ tool: String, _ arguments: [String]) throws -> String {
        let path = binaries.appendingPathComponent(tool).path
        if getuid() == 0 { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) }
        return try run(path, arguments)
    }

    /// Runs a program to its end and returns its output; throws when it fails. posix_spawn rather than
    /// Foundation's Process: the server pg_ctl leaves running would keep Process's termination pipe open, and it
    /// must not inherit the test runner's blocked signals (pg_ctl stop signals it).
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outputFile = "/tmp/rollcall-pg-out-\(UUID().uuidString)"
        defer { unlink(outputFile) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        guard rc == 0 else {
            throw PostgresServerError(detail: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        // Exited normally with status 0 (WIFEXITED and WEXITSTATUS, which Swift does not import).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            throw PostgresServerError(detail: "\(executable) \(arguments.joined(separator: " ")): \(text)")
        }
        return text
    }
}

struct PostgresServerError: Error, CustomStringConvertible {
    let detail: String
    var description: String { "postgres test server: \(detail)" }
}
