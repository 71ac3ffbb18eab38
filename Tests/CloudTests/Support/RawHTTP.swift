// A raw HTTP/1.1 request over a TCP socket, for what the test clients cannot send: a chunked body (no
// Content-Length), as curl or a browser streaming an upload would.
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

enum RawHTTP {
    /// Sends `method path` with `headers` and a chunked body of `totalBytes` bytes (in 64 KiB chunks; it stops
    /// sending when the server answers or closes early) and returns the response's status code and body.
    static func chunked(port: Int, method: String = "POST", path: String, headers: [String: String],
                        totalBytes: Int) throws -> (status: Int, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw TestSupportError("connect to \(port): errno \(errno)") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nTransfer-Encoding: chunked\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        _ = send(Array((head + "\r\n").utf8))
        let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
        var sent = 0
        while sent < totalBytes {
            let size = min(chunk.count, totalBytes - sent)
            guard send(Array("\(String(size, radix: 16))\r\n".utf8) + chunk[0 ..< size] + Array("\r\n".utf8)) else { break }
            sent += size
        }
        _ = send(Array("0\r\n\r\n".utf8))
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0 ..< count]
            if let text = String(bytes: response, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
               let length = text[..<end.lowerBound].split(separator: "\r\n")
                .first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
               response.count >= text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) + length {
                break
            }
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.split(separator: " ")[1]) else {
            throw TestSupportError("no HTTP response: \(text.prefix(200))")
        }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}
