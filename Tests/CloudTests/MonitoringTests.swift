@testable import Cloud
import Foundation
import Testing

@Suite struct MonitoringTests {
    @Test func prometheusText() {
        let metrics = CloudMetrics()
        metrics.increment("a_total", labels: ["code": "x\"y"])
        metrics.increment("a_total", labels: ["code": "x\"y"], by: 2)
        metrics.increment("b_total")
        metrics.set("g", to: 1.5)
        #expect(metrics.counter("a_total", labels: ["code": "x\"y"]) == 3)
        #expect(metrics.gauge("g") == 1.5)
        // A name keeps the type and label keys it was first used with; another use is refused and counted.
        metrics.increment("a_total")
        metrics.set("b_total", to: 1)
        #expect(metrics.counter("a_total") == 0 && metrics.gauge("b_total") == nil)
        // Every process also exports which kernels it runs (machine-dependent labels, checked apart). The
        // exposition (swift-prometheus) orders families as it likes: compare the lines as a set.
        let lines = metrics.prometheusText().split(separator: "\n")
        let kernelLines = lines.filter { $0.contains("rollcall_cloud_kernels_info") }
        #expect(kernelLines.count == 2 && kernelLines[1].hasSuffix("} 1.0") && kernelLines[1].contains("isa=\""))
        #expect(Set(lines.filter { !$0.contains("rollcall_cloud_kernels_info") }) == [
            "# TYPE a_total counter", #"a_total{code="x\"y"} 3"#,
            "# TYPE b_total counter", "b_total 1",
            "# TYPE g gauge", "g 1.5",
            "# TYPE rollcall_metrics_refused_total counter",
            #"rollcall_metrics_refused_total{metric="a_total"} 1"#, #"rollcall_metrics_refused_total{metric="b_total"} 1"#,
        ])
    }

    @Test func liveFeedFansOutAndBoundsSlowViewers() async {
        let metrics = CloudMetrics()
        let feed = LiveFeed(metrics: metrics, bufferSize: 2)
        let fast = feed.subscribe(), slow = feed.subscribe()
        #expect(feed.subscriberCount == 2)
        for index in 0 ..< 5 { feed.publish(LiveEvent(name: "detection", data: "\(index)")) }
        feed.finishAll()
        var seen: [String] = []
        for await event in fast.events { seen.append(event.data) }
        #expect(seen == ["3", "4"])   // the oldest were dropped…
        #expect(metrics.counter("rollcall_cloud_live_events_dropped_total") == 6)   // …and counted, per viewer
        _ = slow
        #expect(LiveEvent(name: "agent", data: "{}").sse == "event: agent\ndata: {}\n\n")
        #expect(LiveEvent(name: "", data: "").sse == ": keep-alive\n\n")
    }
}
