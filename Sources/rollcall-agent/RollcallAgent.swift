import ArgumentParser
import RollcallCore

/// `rollcall-agent`: the edge agent that runs at a site (camera capture, face detection, publishing).
@main
struct RollcallAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollcall-agent",
        abstract: "Rollcall edge agent: captures camera frames, detects faces, publishes crops over MQTT/TLS.",
        version: RollcallVersion.current
    )

    @Option(help: "Agent configuration file.")
    var config: String = "config/agent.yaml"

    func run() async throws {
        throw ValidationError("the agent pipeline is not built yet (issue #7); only --help and --version work")
    }
}
