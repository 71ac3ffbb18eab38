// Counters and gauges of the aggregator, rendered as Prometheus text at `/metrics`.
import Neural
import Synchronization

/// A small, thread-safe registry of counters and gauges, keyed by metric name plus sorted labels.
public final class CloudMetrics: Sendable {
    private struct Key: Hashable, Comparable {
        var name: String
        var labels: String   // `{a="x",b="y"}` or ""
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.name, lhs.labels) < (rhs.name, rhs.labels) }
    }

    private struct State {
        var counters: [Key: Double] = [:]
        var gauges: [Key: Double] = [:]
        var help: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {
        // Which inference kernels this process runs (1; slow_path="true" on baseline or OpenBLAS Prescott).
        let kernels = KernelDispatch.active
        set("rollcall_cloud_kernels_info", labels: ["isa": kernels.isa.rawValue, "gemm": kernels.gemmName,
                                                    "slow_path": String(kernels.isSlowPath)], to: 1)
    }

    /// Adds `amount` to a counter.
    public func increment(_ name: String, labels: [String: String] = [:], by amount: Double = 1) {
        let key = Key(name: name, labels: Self.render(labels))
        state.withLock { $0.counters[key, default: 0] += amount }
    }

    /// Sets a gauge.
    public func set(_ name: String, labels: [String: String] = [:], to value: Double) {
        let key = Key(name: name, labels: Self.render(labels))
        state.withLock { $0.gauges[key] = value }
    }

    /// A counter's current value (0 when never incremented).
    public func counter(_ name: String, labels: [String: String] = [:]) -> Double {
        let key = Key(name: name, labels: Self.render(labels))
        return state.withLock { $0.counters[key] ?? 0 }
    }

    /// A gauge's current value.
    public func gauge(_ name: String, labels: [String: String] = [:]) -> Double? {
        let key = Key(name: name, labels: Self.render(labels))
        return state.withLock { $0.gauges[key] }
    }

    /// Everything in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        let (counters, gauges) = state.withLock { ($0.counters, $0.gauges) }
        var out = ""
        var typed = Set<String>()
        for (key, value) in counters.sorted(by: { $0.key < $1.key }) {
            if typed.insert(key.name).inserted { out += "# TYPE \(key.name) counter\n" }
            out += "\(key.name)\(key.labels) \(Self.format(value))\n"
        }
        for (key, value) in gauges.sorted(by: { $0.key < $1.key }) {
            if typed.insert(key.name).inserted { out += "# TYPE \(key.name) gauge\n" }
            out += "\(key.name)\(key.labels) \(Self.format(value))\n"
        }
        return out
    }

    private static func render(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let parts = labels.sorted(by: { $0.key < $1.key }).map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        return "{\(parts.joined(separator: ","))}"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
