// Request bodies of the JSON API: JSON only when declared so, images never as a form, each within its limit.
import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body. Refuses (415) any `Content-Type` but `application/json` — HTML forms and
    /// `text/plain` (what another site can make a browser send without asking) never reach the decoder — and
    /// (413) a body over `limit` bytes, chunked or not.
    func decodeJSON<T: Decodable>(as type: T.Type, context: CloudRequestContext, limit: Int) async throws -> T {
        guard let contentType = headers[.contentType], Self.mediaType(contentType) == "application/json" else {
            throw CloudError(.unsupportedMediaType,
                             "expected Content-Type: application/json, got \(headers[.contentType] ?? "none")",
                             subject: "Content-Type")
        }
        let bytes = try await readBody(self, limit: limit, what: "JSON body")
        return try context.requestDecoder.decode(T.self, from: Data(bytes))
    }

    /// Refuses (415) a binary upload declared as an HTML form or text: a browser sends those cross-site
    /// without asking, so the image routes take no body a form could submit.
    func refuseFormMediaTypes() throws(CloudError) {
        guard let contentType = headers[.contentType] else { return }
        let type = Self.mediaType(contentType)
        if ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].contains(type) {
            throw CloudError(.unsupportedMediaType, "an image upload is sent as image/jpeg or image/png, not \(type)",
                             subject: "Content-Type")
        }
    }

    /// The media type of a `Content-Type` value, lower-cased, without parameters.
    static func mediaType(_ value: String) -> String {
        String(value.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// Collects a request body of at most `limit` bytes: a declared length over it is refused before reading, a
/// chunked body as soon as it passes it (413 either way).
func readBody(_ request: Request, limit: Int, what: String) async throws -> [UInt8] {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
        throw CloudError(.tooLarge, "\(what) of \(length) bytes exceeds the limit of \(limit)")
    }
    do {
        return Array(try await request.body.collect(upTo: limit).readableBytesView)
    } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
        throw CloudError(.tooLarge, "\(what) exceeds the limit of \(limit) bytes")
    }
}
