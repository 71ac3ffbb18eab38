// Builds the running agent from its configuration: the one place where the real implementations of the
// pipeline's seams (Capture, FaceDetection, Imaging, FaceRecognition, Wire, MQTT) are chosen.
import Foundation

/// A failure to assemble the agent (after the configuration itself validated).
public struct AgentAssemblyError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A component the configuration asks for is not available in this build.
        case unavailable
        /// A model, certificate or folder could not be opened.
        case resource
    }

    public let code: Code
    public let component: String
    public let detail: String

    public init(_ code: Code, component: String, detail: String) {
        self.code = code
        self.component = component
        self.detail = detail
    }

    public var description: String { "\(component): \(detail)" }
}

/// Resolves a validated configuration into services.
public enum AgentAssembly {
    /// The services of a configured agent, ready for `AgentRuntime.run`.
    ///
    /// Status of the wiring in this build: the pipeline, outbox, gallery cache, heartbeat and metrics are built
    /// here; the capture sources, BlazeFace detector, crop encoder, embedder, Wire encoder and MQTT client are
    /// adapted as those modules land (see docs/agent-operations.md).
    public static func services(for config: AgentConfig) throws -> [any AgentService] {
        throw AgentAssemblyError(.unavailable, component: "agent pipeline",
                                 detail: "this build has no capture/detector/MQTT adapters yet; only `--check` works")
    }
}
