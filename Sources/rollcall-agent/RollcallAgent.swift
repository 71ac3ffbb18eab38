import Agent
import ArgumentParser
import Foundation
import RollcallCore

/// `rollcall-agent`: the edge agent that runs at a site (camera capture, face detection, publishing).
@main
struct RollcallAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollcall-agent",
        abstract: "Rollcall edge agent: captures camera frames, detects faces, publishes crops over MQTT/TLS.",
        version: RollcallVersion.current,
        subcommands: [Run.self],
        defaultSubcommand: Run.self
    )
}

/// Runs the agent until SIGINT/SIGTERM.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the agent (the default).")

    @Option(help: "Agent configuration file.")
    var config: String = "config/agent.yaml"

    @Flag(help: "Validate the configuration and exit.")
    var check = false

    func run() async throws {
        let settings: AgentConfig
        do {
            settings = try AgentConfig.load(path: config)
        } catch {
            // Exit status 78 (EX_CONFIG): systemd does not restart an agent whose configuration is wrong.
            FileHandle.standardError.write(Data("rollcall-agent: \(config): \(error)\n".utf8))
            throw ExitCode(78)
        }
        if check {
            print("\(config): valid (site \(settings.site), agent \(settings.agentID), \(settings.cameras.count) camera(s), mode \(settings.mode.rawValue))")
            return
        }
        // Before the models load: keep freed frames and model copies from staying resident (see ProcessMemory).
        ProcessMemory.returnLargeBlocksToTheSystem()
        let services: [any AgentService]
        do {
            services = try AgentAssembly.services(for: settings)
        } catch {
            // Missing certificates, models or components: restarting cannot fix them either.
            FileHandle.standardError.write(Data("rollcall-agent: \(error)\n".utf8))
            throw ExitCode(78)
        }
        try await AgentRuntime.run(services)
    }
}
