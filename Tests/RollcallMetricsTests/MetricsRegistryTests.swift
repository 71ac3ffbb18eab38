import RollcallMetrics
import Testing

/// The shared `/metrics` registry: what it exposes (through swift-prometheus), what it reads back, and what it
/// refuses instead of stopping the process.
@Suite struct MetricsRegistryTests {
    /// The exposition's lines, without the order swift-prometheus chose.
    func lines(_ registry: MetricsRegistry) -> Set<Substring> {
        Set(registry.prometheusText().split(separator: "\n"))
    }

    @Test func countersAndGaugesAreExposedWithTheirTypes() {
        let registry = MetricsRegistry()
        registry.increment("a_total", labels: ["code": "x", "status": "401"])
        registry.increment("a_total", labels: ["status": "401", "code": "x"], by: 2)
        registry.increment("b_total", by: 0.5)
        registry.set("g", to: 1.5)
        registry.set("g", to: 2)
        #expect(registry.counter("a_total", labels: ["code": "x", "status": "401"]) == 3)
        #expect(registry.counter("b_total") == 0.5)
        #expect(registry.gauge("g") == 2)
        #expect(registry.gauge("missing") == nil)
        #expect(registry.counter("missing") == 0)
        #expect(lines(registry) == [
            "# TYPE a_total counter", "a_total{code=\"x\",status=\"401\"} 3",
            "# TYPE b_total counter", "b_total 0.5",
            "# TYPE g gauge", "g 2.0",
        ])
    }

    @Test func labelValuesFromInputAreEscaped() {
        let registry = MetricsRegistry()
        registry.increment("refused_total", labels: ["agent": "a\"b\\c\nd\r\ne"])
        #expect(registry.counter("refused_total", labels: ["agent": "a\"b\\c\nd\r\ne"]) == 1)
        let text = registry.prometheusText()
        #expect(text.contains(#"refused_total{agent="a\"b\\c\nd"#))
        // Every line is a comment or a sample: no value broke out of its line.
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            #expect(line.hasPrefix("#") || line.hasPrefix("refused_total{"), "\(line)")
        }
    }

    @Test func advanceMirrorsACountKeptElsewhereAndRestartsWhenItDoes() {
        let registry = MetricsRegistry()
        registry.advance("frames_total", labels: ["camera": "door"], to: 5)
        registry.advance("frames_total", labels: ["camera": "door"], to: 12)
        #expect(registry.counter("frames_total", labels: ["camera": "door"]) == 12)
        #expect(lines(registry).contains("frames_total{camera=\"door\"} 12"))
        registry.advance("frames_total", labels: ["camera": "door"], to: 3)
        #expect(registry.counter("frames_total", labels: ["camera": "door"]) == 3)
        #expect(lines(registry).contains("frames_total{camera=\"door\"} 3"))
    }

    @Test func inconsistentUsesAreRefusedAndCountedNotFatal() {
        let registry = MetricsRegistry()
        registry.increment("x_total", labels: ["reason": "a"])
        registry.increment("x_total")                            // other label keys
        registry.set("x_total", labels: ["reason": "a"], to: 4)  // other type
        registry.increment("y_total", by: -1)                    // a counter only grows
        registry.advance("y_total", to: .nan)
        registry.increment("bad name_total")                     // not Prometheus syntax
        registry.set("z", labels: ["bad-key": "v"], to: 1)
        #expect(registry.counter("x_total", labels: ["reason": "a"]) == 1)
        #expect(registry.gauge("x_total", labels: ["reason": "a"]) == nil)
        #expect(registry.counter(MetricsRegistry.refusedName, labels: ["metric": "x_total"]) == 2)
        #expect(registry.counter(MetricsRegistry.refusedName, labels: ["metric": "y_total"]) == 2)
        #expect(registry.counter(MetricsRegistry.refusedName, labels: ["metric": "bad name_total"]) == 1)
        #expect(registry.counter(MetricsRegistry.refusedName, labels: ["metric": "z"]) == 1)
        #expect(lines(registry).contains("rollcall_metrics_refused_total{metric=\"x_total\"} 2"))
        #expect(!registry.prometheusText().contains("bad-key"))
    }

    @Test func eachRegistryExposesOnlyItsOwnFigures() {
        let first = MetricsRegistry(), second = MetricsRegistry()
        first.increment("only_first_total")
        second.set("only_second", to: 1)
        #expect(first.prometheusText().contains("only_first_total 1"))
        #expect(!first.prometheusText().contains("only_second"))
        #expect(!second.prometheusText().contains("only_first_total"))
    }
}
