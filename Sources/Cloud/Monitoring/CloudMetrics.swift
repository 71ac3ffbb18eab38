// Counters and gauges of the aggregator, exposed as Prometheus text at `/metrics`.
import Neural
import RollcallMetrics

/// The aggregator's metrics: one `MetricsRegistry` per cloud (several clouds in one process each expose their
/// own), named `rollcall_cloud_…`. Counters and gauges are keyed by name plus labels.
public final class CloudMetrics: Sendable {
    /// The registry behind these metrics (swift-metrics handles, swift-prometheus exposition).
    public let registry = MetricsRegistry()

    public init() {
        // Which inference kernels this process runs (1; slow_path="true" on baseline or OpenBLAS Prescott).
        let kernels = KernelDispatch.active
        set("rollcall_cloud_kernels_info", labels: ["isa": kernels.isa.rawValue, "gemm": kernels.gemmName,
                                                    "slow_path": String(kernels.isSlowPath)], to: 1)
    }

    /// Adds `amount` to a counter.
    public func increment(_ name: String, labels: [String: String] = [:], by amount: Double = 1) {
        registry.increment(name, labels: labels, by: amount)
    }

    /// Sets a gauge.
    public func set(_ name: String, labels: [String: String] = [:], to value: Double) {
        registry.set(name, labels: labels, to: value)
    }

    /// A counter's current value (0 when never incremented).
    public func counter(_ name: String, labels: [String: String] = [:]) -> Double {
        registry.counter(name, labels: labels)
    }

    /// A gauge's current value.
    public func gauge(_ name: String, labels: [String: String] = [:]) -> Double? {
        registry.gauge(name, labels: labels)
    }

    /// Everything in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        registry.prometheusText()
    }
}
