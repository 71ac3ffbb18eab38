// Running the aggregator as a process: configuration file in, graceful shutdown on SIGINT/SIGTERM.
import Hummingbird
import Logging

extension CloudApp {
    /// Loads `configFile`, builds the default components and serves until SIGINT or SIGTERM.
    public static func run(configFile: String, logLevel: String) async throws {
        var logger = Logger(label: "rollcall-cloud")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let config = try CloudConfig(contentsOf: configFile)
        let components = try await defaultComponents(config: config, logger: logger)
        let (app, _) = try await build(config: config, components: components, logger: logger)
        logger.info("rollcall-cloud listening on http://\(config.http.host):\(config.http.port)")
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
