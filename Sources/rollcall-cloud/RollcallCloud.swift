import ArgumentParser
import Cloud
import RollcallCore

/// `rollcall-cloud`: the aggregator (recognition, store, enrollment, fleet push, API and dashboard).
@main
struct RollcallCloud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollcall-cloud",
        abstract: "Rollcall cloud aggregator: recognition, storage, enrollment, fleet push, HTTP API and dashboard.",
        version: RollcallVersion.current
    )

    @Option(help: "Cloud configuration file.")
    var config: String = "config/cloud.yaml"

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func run() async throws {
        // Runs until SIGINT or SIGTERM, then shuts down gracefully.
        try await CloudApp.run(configFile: config, logLevel: logLevel)
    }
}
