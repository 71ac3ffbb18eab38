// The end-to-end harness's own failures: a process that would not start, a deadline that passed.
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

