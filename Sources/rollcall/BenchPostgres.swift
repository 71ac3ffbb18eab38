// A throwaway PostgreSQL 15 for `rollcall bench cloud --store postgres`: initdb and pg_ctl in a temporary folder on
// a free loopback port, as the `postgres` account when run as root (PostgreSQL refuses root), with the server's
// durability defaults (fsync on, synchronous commit); stopped and removed by `stop()`.
import Foundation
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
    /// pipe open); throws with that output when it fails.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let log = URL(fileURLWithPath: "/tmp/rollcall-bench-pg-out-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw BenchPostgresError("\(executable) \(arguments.joined(separator: " ")): \(output)")
        }
    }
}

struct BenchPostgresError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
