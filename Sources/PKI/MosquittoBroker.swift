import Foundation

/// A local Mosquitto process run with the rendered Rollcall configuration: for tests, benchmarks and the
/// demo. It binds loopback only; `kill()` and `start()` again simulate a crash and restart on the same port,
/// with the same persistence file.
public final class MosquittoBroker: @unchecked Sendable {
    public let configuration: BrokerConfiguration
    /// The mosquitto executable.
    public let executable: URL
    private let lock = NSLock()
    private var pid: pid_t?

    /// `$ROLLCALL_MOSQUITTO`, else `/usr/sbin/mosquitto`.
    public static func defaultExecutable() -> URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["ROLLCALL_MOSQUITTO"] ?? "/usr/sbin/mosquitto")
    }

    public init(configuration: BrokerConfiguration, executable: URL = MosquittoBroker.defaultExecutable()) {
        self.configuration = configuration
        self.executable = executable
    }

    deinit {
        if let pid {
            Foundation.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PKIError(.io, subject: "socket", detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw PKIError(.io, subject: "bind", detail: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Renders the configuration, starts mosquitto and waits until it accepts connections.
    public func start(timeout: Double = 10) throws {
        try configuration.write()
        let pid = try spawn()
        lock.withLock { self.pid = pid }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !isRunning {
                throw PKIError(.io, subject: configuration.configURL.path, detail: "mosquitto exited; log: \(logTail())")
            }
            if Self.accepts(port: configuration.port) { return }
            usleep(20_000)
        }
        kill()
        throw PKIError(.io, subject: configuration.configURL.path, detail: "mosquitto did not listen within \(timeout) s; log: \(logTail())")
    }

    /// Starts mosquitto with an empty signal mask and default signal actions (a test runner's threads block
    /// SIGTERM, and a child would inherit that and ignore `stop()`), output to /dev/null (it logs to a file).
    private func spawn() throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let strings: [String] = [executable.path, "-c", configuration.configURL.path]
        var argv: [UnsafeMutablePointer<CChar>?] = strings.map { (text: String) -> UnsafeMutablePointer<CChar>? in strdup(text) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable.path, &actions, &attributes, &argv, environ)
        guard rc == 0 else {
            throw PKIError(.io, subject: executable.path, detail: "cannot start mosquitto: \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Stops mosquitto with SIGTERM (it saves its persistence file) and waits for it to exit.
    public func stop() {
        signalAndWait(SIGTERM)
    }

    /// Kills mosquitto with SIGKILL (nothing saved since the last autosave) and waits for it to exit.
    public func kill() {
        signalAndWait(SIGKILL)
    }

    /// Asks mosquitto to reload its ACL and configuration (SIGHUP), after rendering them again.
    public func reload() throws {
        try configuration.write()
        lock.withLock { pid }.map { _ = Foundation.kill($0, SIGHUP) }
    }

    /// Whether the process is running.
    public var isRunning: Bool {
        lock.withLock {
            guard let pid else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                self.pid = nil
                return false
            }
            return true
        }
    }

    private func signalAndWait(_ signal: Int32) {
        lock.withLock {
            guard let pid else { return }
            _ = Foundation.kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            self.pid = nil
        }
    }

    /// The last lines of the broker's log.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: configuration.logURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` now.
    public static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
