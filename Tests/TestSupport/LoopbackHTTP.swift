// A blocking HTTP/1.0 request to 127.0.0.1 over a raw socket, and the Prometheus text format read back: enough to
// watch a process's /metrics or /healthz without an HTTP client library.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum LoopbackHTTP {
    /// GETs `path` from 127.0.0.1:`port`; returns the status code and body. Throws when nothing listens.
    public static func get(port: Int, path: String) throws -> (status: Int, body: String) {
        let response = try request(port: port, method: "GET", path: path)
        return (response.status, response.body)
    }

    /// One HTTP/1.0 request to 127.0.0.1:`port` (redirects are not followed); returns the status code, the
    /// response's header fields (names lowercased, in order) and its body. Throws when nothing listens.
    public static func request(port: Int, method: String, path: String, headers: [(String, String)] = [],
                               body: String = "") throws -> (status: Int, headers: [(String, String)], body: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw TestSupportError("nothing listens on 127.0.0.1:\(port)") }
        // A server may keep even an HTTP/1.0 connection open (Hummingbird does): ask it to close, stop reading
        // once Content-Length bytes are in, and give up on a silent server after 5 s.
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method != "GET" { head += "Content-Length: \(body.utf8.count)\r\n" }
        let request = Array((head + "\r\n" + body).utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw TestSupportError("send to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
            sent += count
        }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !Self.isComplete(response) {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            response += buffer[0 ..< count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let lines = (parts.first ?? "").components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let fields: [(String, String)] = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (status, fields, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Whether `response` holds its head and as many body bytes as its Content-Length says (false without one:
    /// read to the end).
    static func isComplete(_ response: [UInt8]) -> Bool {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard response.count >= 4,
              let end = (0 ... response.count - 4).first(where: { Array(response[$0 ..< $0 + 4]) == separator })
        else { return false }
        let head = String(decoding: response[..<end], as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return response.count - (end + 4) >= length
    }

    /// Every sample of a Prometheus text exposition by its full name (`name{labels}`), comments skipped.
    public static func prometheusSamples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The samples of 127.0.0.1:`port`/metrics; empty while it does not answer 200.
    public static func metrics(port: Int) -> [String: Double] {
        guard let (status, body) = try? get(port: port, path: "/metrics"), status == 200 else { return [:] }
        return prometheusSamples(body)
    }
}
