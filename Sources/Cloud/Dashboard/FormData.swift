// Parsing of HTML form submissions: url-encoded fields and multipart/form-data (file uploads).
import Foundation

/// The fields (and files) of one submitted form.
struct FormData: Sendable {
    /// Text fields by name (the last value wins).
    var fields: [String: String] = [:]
    /// Uploaded files by field name: bytes and the declared file name.
    var files: [String: (name: String, bytes: [UInt8])] = [:]

    /// Parses a body according to its Content-Type.
    init(contentType: String?, body: [UInt8]) throws(CloudError) {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            fields = Self.urlEncoded(String(decoding: body, as: UTF8.self))
        } else if type.hasPrefix("multipart/form-data") {
            guard let boundary = Self.parameter("boundary", in: contentType ?? ""), !boundary.isEmpty,
                  boundary.utf8.count <= 70 else {
                throw CloudError(.badRequest, "multipart body without a boundary")
            }
            try parseMultipart(body, boundary: boundary)
        } else {
            throw CloudError(.badRequest, "expected a form submission, got \(contentType ?? "no content type")")
        }
    }

    static func urlEncoded(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first.map(decode), !key.isEmpty else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == name {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private mutating func parseMultipart(_ body: [UInt8], boundary: String) throws(CloudError) {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw CloudError(.badRequest, "malformed multipart body") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            guard partStart + 2 <= end, body[partStart] == 13, body[partStart + 1] == 10 else { continue }
            partStart += 2
            var partEnd = end
            if partEnd - 2 >= partStart, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            guard let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: partStart), headerEnd <= partEnd
            else { throw CloudError(.badRequest, "multipart part without headers") }
            let headers = String(decoding: body[partStart ..< headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + 4) ..< partEnd])
            guard let disposition = headers.split(separator: "\r\n")
                .first(where: { $0.lowercased().hasPrefix("content-disposition:") }).map(String.init),
                let name = Self.parameter("name", in: disposition) else { continue }
            if let filename = Self.parameter("filename", in: disposition) {
                files[name] = (filename, content)
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index ..< index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
