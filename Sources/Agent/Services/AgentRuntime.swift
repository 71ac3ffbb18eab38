// Runs the agent's services in one task group until SIGINT or SIGTERM: a service that fails stops the agent
// (every other service is cancelled); one that finishes (e.g. a file source played once) just ends.
import Dispatch
import Foundation

/// Structured lifetime of the agent's services.
public enum AgentRuntime {
    /// Runs `services` until a termination signal (or until a service throws, which is rethrown).
    public static func run(_ services: [any AgentService], signals: [Int32] = [SIGINT, SIGTERM]) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for service in services {
                group.addTask {
                    try await service.run()
                    return false
                }
            }
            group.addTask {
                await waitForSignal(signals)
                return true
            }
            while let stopRequested = try await group.next() {
                if stopRequested { break }
            }
            group.cancelAll()
        }
    }

    /// Returns when one of `signals` arrives (or the task is cancelled).
    static func waitForSignal(_ signals: [Int32]) async {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        for await _ in stream { return }
    }
}
