// A process a test starts (a release binary, mosquitto, postgres, chromium…): its own process group, output in
// a log file, stopped with SIGTERM then SIGKILL, killed with SIGKILL for crash tests, and always reaped.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One started process. Drive it from one task at a time.
public final class ChildProcess: @unchecked Sendable {
    /// A name for messages.
    public let name: String
    /// Where its standard output and error go.
    public let log: URL
    /// Its process id while it runs.
    public private(set) var pid: pid_t?
    /// Its wait status once reaped.
    public private(set) var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment` added to this process's own. The process leads a
    /// new process group (so `stop()` reaches whatever it starts), has an empty signal mask and default actions
    /// for the usual signals (the test runner's threads block some, and a child would inherit that).
    public init(name: String, executable: String, arguments: [String], log: URL,
                environment: [String: String] = [:]) throws {
        self.name = name
        self.log = log
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw TestSupportError("cannot start \(name) (\(executable)): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    deinit { stop(grace: 0) }

    /// Whether the process still runs (reaps it when it has exited).
    public var isRunning: Bool {
        guard let pid else { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || (reaped < 0 && errno == ECHILD) {
            exitStatus = status
            self.pid = nil
            return false
        }
        return true
    }

    /// The exit code once it exited normally (nil while running or when a signal ended it).
    public var exitCode: Int32? {
        guard !isRunning, let status = exitStatus, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// Sends `signal` to the process alone (not its group).
    public func signal(_ signal: Int32) {
        guard let pid, isRunning else { return }
        _ = Glibc.kill(pid, signal)
    }

    /// SIGKILL to the whole group, as a crash would end it, and reaps it.
    public func kill9() {
        guard let pid else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exitStatus = status
        self.pid = nil
    }

    /// Waits up to `seconds` for the process to exit by itself; returns whether it did.
    public func waitForExit(within seconds: Double) async -> Bool {
        await eventually(within: seconds, every: .milliseconds(20)) { !isRunning }
    }

    /// SIGTERM to the process group, SIGKILL after `grace` seconds; always reaps. Returns whether it exited
    /// within the grace period. Idempotent.
    @discardableResult
    public func stop(grace: Double = 10) -> Bool {
        guard let pid, isRunning else { return true }
        _ = Glibc.kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, isRunning { usleep(20_000) }
        let exited = !isRunning
        if !exited { kill9() }
        _ = Glibc.kill(-pid, SIGKILL)   // anything left in its group
        return exited
    }

    /// Everything it wrote so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The last lines of its log, for failure messages.
    public func logTail(lines: Int = 25) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
