// A child process of the end-to-end test: one of the release binaries or mosquitto, in its own process group,
// with stdout and stderr in a log file, stopped with SIGTERM (then SIGKILL) and always reaped.
import Foundation

/// A failure of the end-to-end harness itself (a process that would not start, a deadline that passed).
struct HarnessError: Error, CustomStringConvertible {
    enum Code: String {
        case spawn
        case exited
        case timeout
        case http
        case setup
    }

    let code: Code
    let subject: String
    let detail: String

    init(_ code: Code, _ subject: String, _ detail: String) {
        self.code = code
        self.subject = subject
        self.detail = detail
    }

    var description: String { "\(code.rawValue) [\(subject)]: \(detail)" }
}

/// One started process. Not shared between tasks (the test drives it from one task).
final class ChildProcess: @unchecked Sendable {
    let name: String
    let log: URL
    private(set) var pid: pid_t?
    private(set) var exitStatus: Int32?

    /// Starts `executable` with `arguments`; the process leads a new process group (so `stop()` reaches anything
    /// it starts), has an empty signal mask and default actions for the usual signals (the test runner's threads
    /// block some, and a child would inherit that).
    init(name: String, executable: String, arguments: [String], log: URL,
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
            throw HarnessError(.spawn, name, "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    deinit { stop(grace: 0) }

    /// Whether the process still runs (reaps it when it has exited).
    var isRunning: Bool {
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

    /// SIGTERM to the process group, SIGKILL after `grace` seconds; always reaps. Idempotent.
    func stop(grace: Double = 10) {
        guard let pid, isRunning else { return }
        _ = kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isRunning { break }
            usleep(50_000)
        }
        if isRunning {
            _ = kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = status
            self.pid = nil
        }
        _ = kill(-pid, SIGKILL)   // anything left in its group
    }

    /// The last lines of its log, for failure messages.
    func logTail(lines: Int = 25) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
