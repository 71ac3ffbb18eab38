// Runs the agent's services in swift-service-lifecycle's ServiceGroup, as the cloud runs its own: SIGINT or
// SIGTERM shuts the agent down gracefully, services in the reverse of their start order — the cameras first (each
// ends its tracks, so their last crops reach the durable outbox), then heartbeat, gallery sync and the outbox
// drainer, and the MQTT connection last (it says "offline" and disconnects cleanly). A service that fails shuts
// the others down the same way and the error is rethrown; one that finishes (a file source played once) just ends.
import Logging
import ServiceLifecycle
import UnixSignals

/// Structured lifetime of the agent's services.
public enum AgentRuntime {
    /// The group that runs `services`: each reacts to graceful shutdown by being cancelled
    /// (`cancelWhenGracefulShutdown`), one after the other in reverse order; the group is bounded to
    /// `maximumShutdown` in all before whatever still runs is cancelled.
    public static func group(_ services: [any AgentService], signals: [UnixSignal] = [.sigterm, .sigint],
                             maximumShutdown: Duration = .seconds(10), logger: Logger) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services.map { service in
                .init(service: GracefullyCancelled(service: service), successTerminationBehavior: .ignore,
                      failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: service.name)
            },
            logger: logger)
        configuration.gracefulShutdownSignals = signals
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        return ServiceGroup(configuration: configuration)
    }

    /// Runs `services` until a termination signal (or until a service throws, which is rethrown).
    public static func run(_ services: [any AgentService], logger: Logger = Logger(label: "rollcall-agent")) async throws {
        try await group(services, logger: logger).run()
    }
}

/// An agent service as a lifecycle service: graceful shutdown cancels its run (each agent service stops on
/// cancellation and finishes what it must on the way out). The `CancellationError` a service ends with when it
/// was cancelled for the shutdown is its normal end, not a failure.
struct GracefullyCancelled: Service {
    let service: any AgentService

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await service.run()
            }
        } catch is CancellationError where Task.isShuttingDownGracefully || Task.isCancelled {
            return
        }
    }
}
