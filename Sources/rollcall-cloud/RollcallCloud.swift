import ArgumentParser
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

    func run() async throws {
        throw ValidationError("the cloud aggregator is not built yet (issue #8); only --help and --version work")
    }
}
