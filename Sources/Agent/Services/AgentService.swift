import Foundation

/// A long-running part of the agent with one `run()`: it works until its task is cancelled (or fails), and
/// starts nothing that outlives the call. `AgentRuntime` runs every service in one `ServiceGroup`.
public protocol AgentService: Sendable {
    /// A short name for logs and errors.
    var name: String { get }
    /// Does the work until cancelled.
    func run() async throws
}

/// Publishes MQTT messages with QoS 1: `publish` returns only after the broker's PUBACK, and throws when the
/// message was not acknowledged (not connected, timed out, refused).
public protocol MessagePublishing: Sendable {
    func publish(topic: String, payload: Data, retain: Bool) async throws
}
