// A throwaway PostgreSQL 15 server for tests: initdb and pg_ctl in a temporary folder on a free loopback port, as
// an unprivileged user (the `postgres` account when the tests run as root, as CI does), stopped and removed when
// released — also when the test fails.
import Foundation

public final class PostgresServer: @unchecked Sendable {
    public static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")
    /// Whether PostgreSQL 15's server binaries are installed (scripts/setup installs them).
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("pg_ctl").path)
    }

    /// The temporary folder holding the cluster and its log (removed when released).
    public let folder: URL
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The connection URL of the `rollcall` database (trust authentication on loopback).
    public var url: String { "postgres://rollcall@127.0.0.1:\(port)/rollcall" }
    private var data: URL { folder.appendingPathComponent("data") }

    /// Creates and starts a fresh cluster with a `rollcall` database.
    public init() throws {
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
                port = try LoopbackPort.free()
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
    public func start() throws {
        try Self.start(data: data, folder: folder, port: port)
    }

    /// Stops the server at once (connections are cut).
    public func stop() {
        try? Self.tool("pg_ctl", ["-D", data.path, "-m", "immediate", "-w", "stop"])
    }

    /// Runs `psql -c sql` against the database and returns its output.
    @discardableResult
    public func psql(_ sql: String) throws -> String {
        try Self.tool("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "rollcall", "-d", "rollcall", "-At", "-c", sql])
    }

    /// The server's log, for failure messages.
    public var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// Runs one of PostgreSQL's programs, as the postgres account when root.
    @discardableResult
    private static func tool(_ tool: String, _ arguments: [String]) throws -> String {
        let path = binaries.appendingPathComponent(tool).path
        if getuid() == 0 { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) }
        return try run(path, arguments)
    }

    /// Runs a program to its end and returns its output; throws when it fails. A ChildProcess rather than a
    /// pipe: the server pg_ctl leaves running would hold a pipe open for ever.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let log = URL(fileURLWithPath: "/tmp/rollcall-pg-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let child = try ChildProcess(name: executable, executable: executable, arguments: arguments, log: log)
        let deadline = Date().addingTimeInterval(120)
        while child.isRunning, Date() < deadline { usleep(20_000) }
        guard child.exitCode == 0 else {
            child.kill9()
            throw PostgresServerError(detail: "\(executable) \(arguments.joined(separator: " ")): \(child.output)")
        }
        return child.output
    }
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public let detail: String
    public var description: String { "postgres test server: \(detail)" }
}
