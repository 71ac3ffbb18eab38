// RollcallMetrics: the counters and gauges one process exposes at `/metrics`, through swift-metrics' API and
// rendered by swift-prometheus. Each instance has its own Prometheus registry and metrics factory: nothing is
// bootstrapped into the process-wide `MetricsSystem`, so several clouds or agents in one test process each
// expose only their own figures.
import CoreMetrics
import Prometheus
import Synchronization

/// A process's metrics by name and labels: counters (`increment`, or `advance` to mirror a count kept
/// elsewhere) and gauges (`set`), read back with `counter`/`gauge`, exposed with `prometheusText()`.
///
/// Names and label keys are the caller's constants (Prometheus syntax, else refused); label values may come
/// from input (swift-prometheus escapes them). A name used once as a counter stays a counter, with the label
/// keys it first had: a later use as a gauge, or with other label keys, is refused and counted in
/// `rollcall_metrics_refused_total{metric=…}` (swift-prometheus would stop the process).
public final class MetricsRegistry: Sendable {
    /// The name of the counter of refused uses.
    public static let refusedName = "rollcall_metrics_refused_total"

    private enum Kind: Equatable {
        case counter
        case gauge
    }

    /// What a name was first registered as.
    private struct Family: Equatable {
        var kind: Kind
        var labelKeys: [String]
    }

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]   // key, value, key, value… sorted by key
    }

    /// One time series: its swift-metrics handles and its value, for reading back.
    private enum Series {
        case counter(CoreMetrics.Counter, CoreMetrics.FloatingPointCounter, value: Double)
        case gauge(CoreMetrics.Gauge, value: Double)
    }

    private struct State {
        var families: [String: Family] = [:]
        var series: [SeriesKey: Series] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let state = Mutex(State())

    public init() {
        // Label values are escaped by swift-prometheus; names and label keys are checked in `update`.
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Adds `amount` (≥ 0; a negative amount is refused and counted) to a counter.
    public func increment(_ name: String, labels: [String: String] = [:], by amount: Double = 1) {
        guard amount >= 0, amount.isFinite else { return refuse(name) }
        update(name, labels: labels, kind: .counter) { series in
            guard case let .counter(whole, fraction, value) = series else { return }
            Self.add(amount, whole: whole, fraction: fraction)
            series = .counter(whole, fraction, value: value + amount)
        }
    }

    /// Moves a counter to `total`, a count kept elsewhere (it only grows; a smaller total means the count
    /// started again, and the counter restarts from it, as Prometheus expects of a counter reset).
    public func advance(_ name: String, labels: [String: String] = [:], to total: Double) {
        guard total >= 0, total.isFinite else { return refuse(name) }
        update(name, labels: labels, kind: .counter) { series in
            guard case let .counter(whole, fraction, value) = series else { return }
            if total < value {
                whole.reset()
                Self.add(total, whole: whole, fraction: fraction)
            } else {
                Self.add(total - value, whole: whole, fraction: fraction)
            }
            series = .counter(whole, fraction, value: total)
        }
    }

    /// Sets a gauge.
    public func set(_ name: String, labels: [String: String] = [:], to value: Double) {
        update(name, labels: labels, kind: .gauge) { series in
            guard case let .gauge(gauge, _) = series else { return }
            gauge.record(value)
            series = .gauge(gauge, value: value)
        }
    }

    /// A counter's current value (0 when never incremented).
    public func counter(_ name: String, labels: [String: String] = [:]) -> Double {
        let key = Self.key(name, labels)
        return state.withLock { state in
            guard case let .counter(_, _, value) = state.series[key] else { return 0 }
            return value
        }
    }

    /// A gauge's current value (nil when never set).
    public func gauge(_ name: String, labels: [String: String] = [:]) -> Double? {
        let key = Self.key(name, labels)
        return state.withLock { state in
            guard case let .gauge(_, value) = state.series[key] else { return nil }
            return value
        }
    }

    /// Everything in the Prometheus text exposition format (version 0.0.4), by swift-prometheus.
    public func prometheusText() -> String {
        registry.emitToString()
    }

    // MARK: Internals

    private func update(_ name: String, labels: [String: String], kind: Kind, _ body: (inout Series) -> Void) {
        let key = Self.key(name, labels)
        let family = Family(kind: kind, labelKeys: labels.keys.sorted())
        guard Self.isValidName(name, colon: true),
              family.labelKeys.allSatisfy({ Self.isValidName($0, colon: false) }) else { return refuse(name) }
        let accepted = state.withLock { state -> Bool in
            if let known = state.families[name], known != family { return false }
            state.families[name] = family
            var series = state.series[key] ?? makeSeries(key, kind: kind)
            body(&series)
            state.series[key] = series
            return true
        }
        if !accepted { refuse(name) }
    }

    private func makeSeries(_ key: SeriesKey, kind: Kind) -> Series {
        let dimensions = stride(from: 0, to: key.labels.count, by: 2).map { (key.labels[$0], key.labels[$0 + 1]) }
        switch kind {
        case .counter:
            // Both handles reach the same Prometheus counter: whole amounts print as integers.
            return .counter(CoreMetrics.Counter(label: key.name, dimensions: dimensions, factory: factory),
                            CoreMetrics.FloatingPointCounter(label: key.name, dimensions: dimensions, factory: factory),
                            value: 0)
        case .gauge:
            return .gauge(CoreMetrics.Gauge(label: key.name, dimensions: dimensions, factory: factory), value: 0)
        }
    }

    private func refuse(_ name: String) {
        guard name != Self.refusedName else { return }
        increment(Self.refusedName, labels: ["metric": name])
    }

    private static func add(_ amount: Double, whole: CoreMetrics.Counter, fraction: CoreMetrics.FloatingPointCounter) {
        guard amount > 0 else { return }
        if amount == amount.rounded(), amount < 9e18 {
            whole.increment(by: Int64(amount))
        } else {
            fraction.increment(by: amount)
        }
    }

    private static func key(_ name: String, _ labels: [String: String]) -> SeriesKey {
        SeriesKey(name: name, labels: labels.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
    }

    /// Prometheus syntax: `[a-zA-Z_:][a-zA-Z0-9_:]*` for a metric name, without `:` for a label key.
    private static func isValidName(_ name: String, colon: Bool) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard let first = name.utf8.first, !digits.contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
            case UInt8(ascii: ":"): colon
            default: false
            }
        }
    }
}
