// Running the aggregator as a process: configuration file in, graceful shutdown on SIGINT/SIGTERM, bounded.
import Hummingbird
import Logging
import ServiceLifecycle

extension CloudApp {
    /// Loads `configFile`, builds the default components and serves until SIGINT or SIGTERM. Shutdown is
    /// bounded: after `maximumShutdown` of graceful shutdown whatever still runs is cancelled, and a service that
    /// ignores cancellation for `maximumCancellation` more ends the process (swift-service-lifecycle's
    /// `fatalError`). Nothing is lost by that: a face is acknowledged to the broker only once stored, so the
    /// broker redelivers whatever was in flight.
    public static func run(configFile: String, logLevel: String, maximumShutdown: Duration = .seconds(10),
                           maximumCancellation: Duration = .seconds(5)) async throws {
        var logger = Logger(label: "rollcall-cloud")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let config = try CloudConfig(contentsOf: configFile)
        let components = try await defaultComponents(config: config, logger: logger)
        let (app, _) = try await build(config: config, components: components, logger: logger)
        logger.info("rollcall-cloud listening on http://\(config.http.host):\(config.http.port)")
        var configuration = ServiceGroupConfiguration(services: [.init(service: app)], logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        configuration.maximumCancellationDuration = maximumCancellation
        try await ServiceGroup(configuration: configuration).run()
    }
}
