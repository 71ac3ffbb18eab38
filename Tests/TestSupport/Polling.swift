// Waiting for a condition with a deadline: the only way tests wait. Never a fixed sleep followed by a check.
import Foundation

/// Polls `condition` every `interval` until it holds or `seconds` pass; returns whether it held (a last check
/// is made at the deadline).
///
/// ```swift
/// #expect(await eventually(within: 10) { await store.count() == 40 })
/// ```
public func eventually(within seconds: Double = 10, every interval: Duration = .milliseconds(10),
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// The error of `poll` when its deadline passes: names what was awaited and the last error seen.
public struct PollTimeout: Error, CustomStringConvertible {
    /// What was awaited.
    public let what: String
    /// The seconds waited.
    public let seconds: Double
    /// The last error `produce` threw, if any.
    public let lastError: (any Error)?
    /// What explains the failure (the processes' logs), appended to the description.
    public let context: String

    public var description: String {
        "timed out after \(seconds) s waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
            + (context.isEmpty ? "" : "\n" + context)
    }
}

/// Calls `produce` every `interval` until it returns a value, and returns it; throws `PollTimeout` naming
/// `what` (and `context()`, e.g. the logs of the processes involved) when `seconds` pass first. Errors thrown
/// by `produce` count as "not yet" (a server still starting).
public func poll<T>(_ what: String, within seconds: Double, every interval: Duration = .milliseconds(100),
                    context: () -> String = { "" }, _ produce: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    var lastError: (any Error)?
    repeat {
        do {
            if let value = try await produce() { return value }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: interval)
    } while ContinuousClock.now < deadline
    throw PollTimeout(what: what, seconds: seconds, lastError: lastError, context: context())
}
