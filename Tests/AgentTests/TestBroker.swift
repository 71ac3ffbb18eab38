// A real Mosquitto with a TLS-only listener requiring client certificates, started by the tests on a free loopback
// port; certificates made with the openssl CLI in a temporary folder.
import Foundation

enum TestBrokerError: Error, CustomStringConvertible {
    case tool(String)
    var description: String {
        switch self { case .tool(let text): return text }
    }
}

/// Runs a command and fails with its output when it exits non-zero.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], in folder: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestBrokerError.tool("\(executable) \(arguments.joined(separator: " ")) failed: \(output)")
    }
    return output
}

func findExecutable(_ name: String) -> String? {
    for folder in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
        let path = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A CA, a broker certificate for 127.0.0.1 and client certificates, as PEM files in `folder`.
struct TestPKI {
    let folder: String

    init(folder: String, clients: [String]) throws {
        self.folder = folder
        guard let openssl = findExecutable("openssl") else { throw TestBrokerError.tool("openssl is not installed (scripts/setup)") }
        func ssl(_ arguments: String) throws { try runTool(openssl, arguments.split(separator: " ").map(String.init), in: folder) }
        try ssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=rollcall-test-ca")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: folder + "/san.ext", atomically: true, encoding: .utf8)
        for name in ["broker"] + clients {
            try ssl("req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout \(name).key -out \(name).csr -subj /CN=\(name)")
            let ext = name == "broker" ? " -extfile san.ext" : ""
            try ssl("x509 -req -in \(name).csr -CA ca.pem -CAkey ca.key -CAcreateserial -out \(name).pem -days 2\(ext)")
        }
    }

    func path(_ file: String) -> String { "\(folder)/\(file)" }
}

/// One Mosquitto process that can be stopped and started again on the same port with its persisted state.
final class TestBroker: @unchecked Sendable {
    let folder: String
    let port: Int
    let pki: TestPKI
    private var process: Process?

    init(folder: String, clients: [String]) throws {
        self.folder = folder
        pki = try TestPKI(folder: folder, clients: clients)
        port = try Self.freePort()
        // Mosquitto started as root drops to its own user unless told to run as us (who can read the keys).
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "root"
        let config = """
            user \(user)
            per_listener_settings false
            allow_anonymous false
            persistence true
            autosave_on_changes true
            autosave_interval 1
            persistence_location \(folder)/
            log_dest file \(folder)/mosquitto.log
            listener \(port) 127.0.0.1
            cafile \(pki.path("ca.pem"))
            certfile \(pki.path("broker.pem"))
            keyfile \(pki.path("broker.key"))
            require_certificate true
            use_identity_as_username true
            tls_version tlsv1.2
            """
        try config.write(toFile: folder + "/mosquitto.conf", atomically: true, encoding: .utf8)
    }

    func start() throws {
        guard let mosquitto = findExecutable("mosquitto") else { throw TestBrokerError.tool("mosquitto is not installed (scripts/setup)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mosquitto)
        process.arguments = ["-c", folder + "/mosquitto.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port) { return }
            usleep(20_000)
        }
        throw TestBrokerError.tool("mosquitto did not listen on \(port): \((try? String(contentsOfFile: folder + "/mosquitto.log", encoding: .utf8)) ?? "")")
    }

    /// Kills the broker (SIGKILL: the test process blocks SIGTERM, and children inherit that mask). Sessions
    /// and subscriptions survive through the persistence file, saved on every change.
    func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw TestBrokerError.tool("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return connectLoopback(fd, port: port)
    }
}

/// Connects the TCP socket `fd` to 127.0.0.1:`port`; returns whether it connected.
func connectLoopback(_ fd: Int32, port: Int) -> Bool {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
