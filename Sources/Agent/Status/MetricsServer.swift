// A deliberately tiny HTTP/1.0 responder for Prometheus `GET /metrics` on a local port, on plain POSIX sockets
// (the agent links no web server). One request per connection, served one at a time on a dedicated thread;
// requests are bounded (8 KiB, 2 s) and anything else gets 404/405/400.
import Foundation

/// Serves `/metrics` until its task is cancelled.
public struct MetricsServer: AgentService {
    public let name = "metrics"
    let address: String
    let port: Int
    let body: @Sendable () -> String

    /// `port` 0 picks a free port (see `run(boundPort:)`).
    public init(address: String, port: Int, body: @escaping @Sendable () -> String) {
        self.address = address
        self.port = port
        self.body = body
    }

    public func run() async throws {
        try await run(boundPort: { _ in })
    }

    /// Runs, calling `boundPort` with the port actually bound once listening.
    public func run(boundPort: @Sendable (Int) -> Void) async throws {
        let listener = try Self.listen(address: address, port: port)
        boundPort(listener.port)
        let stop = StopFlag()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread { [body] in
                    Self.serve(listener.fd, stop: stop, body: body)
                    close(listener.fd)
                    done.resume()
                }
                thread.name = "rollcall-metrics"
                thread.start()
            }
        } onCancel: {
            stop.set()
        }
    }

    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        func set() { lock.withLock { stopped = true } }
        var isSet: Bool { lock.withLock { stopped } }
    }

    static func listen(address: String, port: Int) throws -> (fd: Int32, port: Int) {
        func failure(_ what: String) -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSLocalizedDescriptionKey: "metrics \(what) \(address):\(port)"]) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else { close(fd); throw failure("address") }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Foundation.listen(fd, 16) == 0 else { let error = failure("bind"); close(fd); throw error }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    static func serve(_ listener: Int32, stop: StopFlag, body: @Sendable () -> String) {
        while !stop.isSet {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            respond(client, body: body)
            close(client)
        }
    }

    static func respond(_ client: Int32, body: () -> String) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = Date().addingTimeInterval(2)
        while request.count < 8192, !request.containsHeaderEnd, Date() < deadline {
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { break }
            request += buffer[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let response: (status: String, type: String, body: String)
        if parts.count < 2 || !request.containsHeaderEnd {
            response = ("400 Bad Request", "text/plain", "bad request\n")
        } else if parts[0] != "GET" {
            response = ("405 Method Not Allowed", "text/plain", "only GET\n")
        } else if parts[1] == "/metrics" {
            response = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", body())
        } else {
            response = ("404 Not Found", "text/plain", "try /metrics\n")
        }
        let payload = Array(response.body.utf8)
        let head = "HTTP/1.0 \(response.status)\r\nContent-Type: \(response.type)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + payload
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}
