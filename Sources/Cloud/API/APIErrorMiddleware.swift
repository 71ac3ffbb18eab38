// Turns every failure of a request into a JSON error body with the right status, and counts it.
import Foundation
import Hummingbird

/// The JSON body of every error response: `{"error": {"code": "...", "message": "...", "subject": "..."}}`.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var subject: String?
    }

    public var error: Detail
}

/// Catches errors from the routes below it and answers with `APIErrorBody` JSON.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = CloudRequestContext
    let metrics: CloudMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CloudError {
            return respond(status: Self.status(of: error.code), code: error.code.rawValue, message: error.detail,
                           subject: error.subject)
        } catch let error as HTTPError {
            return respond(status: error.status, code: Self.code(of: error.status),
                           message: error.body ?? error.status.reasonPhrase, subject: nil)
        } catch let error as any HTTPResponseError where error.status.kind == .clientError {
            // Hummingbird's own refusals, e.g. NIOTooManyBytesError (413) when a chunked body, or one longer
            // than it said, runs past the limit of the route that collected it.
            return respond(status: error.status, code: Self.code(of: error.status),
                           message: error.status.reasonPhrase, subject: nil)
        } catch let error as DecodingError {
            return respond(status: .badRequest, code: CloudError.Code.badRequest.rawValue,
                           message: "malformed JSON body: \(Self.describe(error))", subject: nil)
        } catch {
            context.logger.error("unexpected error: \(error)")
            return respond(status: .internalServerError, code: "internal", message: "internal error", subject: nil)
        }
    }

    private func respond(status: HTTPResponse.Status, code: String, message: String, subject: String?) -> Response {
        metrics.increment("rollcall_cloud_http_errors_total", labels: ["code": code, "status": "\(status.code)"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = APIErrorBody(error: .init(code: code, message: message, subject: subject))
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The HTTP status of each error code.
    static func status(of code: CloudError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .badRequest, .badMessage, .badEmbedding: .badRequest
        case .notAnImage, .unsupportedMediaType: .unsupportedMediaType
        case .tooLarge: .contentTooLarge
        case .tooManyRequests: .tooManyRequests
        case .photoRefused: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .conflict: .conflict
        case .invalidConfig, .storage, .io: .internalServerError
        }
    }

    /// The error code of a bare HTTP status.
    static func code(of status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: CloudError.Code.notFound.rawValue
        case .contentTooLarge: CloudError.Code.tooLarge.rawValue
        case .unauthorized: CloudError.Code.unauthorized.rawValue
        case .unsupportedMediaType: CloudError.Code.unsupportedMediaType.rawValue
        default: CloudError.Code.badRequest.rawValue
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.map(\.stringValue).joined(separator: ".").isEmpty ? "" :
                context.codingPath.map(\.stringValue).joined(separator: ".") + ": ") + context.debugDescription
        @unknown default: "\(error)"
        }
    }
}
