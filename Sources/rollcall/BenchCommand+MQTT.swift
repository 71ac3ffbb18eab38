import ArgumentParser
import Foundation
import MQTT
import PKI
import RollcallCore
import Wire

/// `rollcall bench mqtt`: face messages (default 20 KB) from an agent to a cloud subscriber through a local
/// Mosquitto with mutual TLS on loopback — messages/s, MB/s and per-message latency (publish → delivered).
struct MQTTBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "MQTT v5 over TLS on loopback: 20 KB face messages, agent → broker → cloud (JSON on stdout).")

    @Option(help: "Messages per run.") var messages = 5_000
    @Option(help: "Payload size in bytes (a face crop message with a JPEG of about this size).") var size = 20_480
    @Option(help: "QoS 1 publishes in flight at once.") var window = 200
    @Option(help: "Runs (the figures are medians over runs).") var runs = 3
    @Option(help: "Broker template folder (default: config/mosquitto).") var templates: String?

    func validate() throws {
        guard messages > 0, size >= 64, window > 0, runs > 0 else {
            throw ValidationError("messages, window and runs must be > 0 and size ≥ 64")
        }
    }

    func run() async throws {
        let bench = try BenchBroker(name: "mqtt", templatesFolder: templates.map { URL(fileURLWithPath: $0) })
        defer { bench.stop() }
        func client(_ identity: String, _ id: String) throws -> MQTTClient { try bench.client(identity, id) }
        let cloud = try client("cloud/bench", "bench-cloud")
        let agent = try client("agents/bench/a1", "bench-agent")
        try await cloud.connect()
        try await agent.connect()
        let topic = Topic.faces(site: "bench", agent: "a1", camera: "cam1").name

        var results: [RunResult] = []
        for _ in 0..<runs {
            results.append(try await measure(cloud: cloud, agent: agent, topic: topic))
        }
        await agent.disconnect()
        await cloud.disconnect()

        let latencies = results.flatMap(\.latencies)
        func median(_ values: [Double]) -> Double { BenchTiming.quantile(values, 0.5) }
        try BenchTiming.printJSON([
            "benchmark": "mqtt",
            "transport": "MQTT v5, mutual TLS (ECDSA P-256), 127.0.0.1, local mosquitto",
            "qos": 1,
            "messages": messages,
            "runs": runs,
            "payload_bytes": results.first?.payloadBytes ?? 0,
            "window": window,
            "messages_per_s": median(results.map(\.messagesPerSecond)),
            "mb_per_s": median(results.map(\.megabytesPerSecond)),
            "messages_per_s_runs": results.map(\.messagesPerSecond),
            "median_ms": BenchTiming.quantile(latencies, 0.5),
            "p90_ms": BenchTiming.quantile(latencies, 0.9),
            "p99_ms": BenchTiming.quantile(latencies, 0.99),
            "lost": results.map(\.lost).reduce(0, +),
        ])
    }

    struct RunResult {
        var messagesPerSecond: Double
        var megabytesPerSecond: Double
        var latencies: [Double]
        var payloadBytes: Int
        var lost: Int
    }

    /// Send times and receive times by message index (the crop's track id).
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [UInt64]
        private var received: [UInt64]
        private(set) var count = 0

        init(_ count: Int) {
            sent = Array(repeating: 0, count: count)
            received = Array(repeating: 0, count: count)
        }

        static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func markSent(_ index: Int) { lock.withLock { sent[index] = Self.now() } }
        func markReceived(_ index: Int) -> Int {
            lock.withLock {
                if received[index] == 0 { received[index] = Self.now(); count += 1 }
                return count
            }
        }
        func snapshot() -> ([UInt64], [UInt64]) { lock.withLock { (sent, received) } }
    }

    private func measure(cloud: MQTTClient, agent: MQTTClient, topic: String) async throws -> RunResult {
        let clock = Clock(messages)
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data((0..<max(0, size - 130)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            + Data([0xFF, 0xD9])
        let payloads = try (0..<messages).map { index in
            try FaceCrop(camera: "cam1", trackID: UInt64(index), frameTime: Date(), frameWidth: 640, frameHeight: 480,
                         box: .init(x: 100, y: 100, width: 160, height: 160),
                         keypoints: (0..<6).map { Point(x: Float(120 + $0), y: 140) },
                         detectionScore: 0.9, quality: 0.8,
                         content: .jpeg(jpeg, region: Rect(x: 60, y: 60, width: 240, height: 240))).encoded()
        }
        let subscription = try await cloud.subscribe(to: TopicFilter.allFaces)
        let total = messages
        let consumer = Task {
            for await message in subscription {
                guard let crop = try? FaceCrop(decoding: message.payload), Int(crop.trackID) < total else { continue }
                if clock.markReceived(Int(crop.trackID)) == total { break }
            }
        }
        let start = Clock.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, payload) in payloads.enumerated() {
                if index >= window { try await group.next() }
                group.addTask {
                    clock.markSent(index)
                    try await agent.publish(payload, to: topic)
                }
            }
            try await group.waitForAll()
        }
        let deadline = Date().addingTimeInterval(30)
        while clock.count < total && Date() < deadline { try await Task.sleep(nanoseconds: 1_000_000) }
        consumer.cancel()
        try await cloud.unsubscribe(subscription)
        let (sent, received) = clock.snapshot()
        let last = received.max() ?? start
        let seconds = Double(last - start) / 1e9
        let latencies = zip(sent, received).compactMap { $1 > 0 ? Double($1 - $0) / 1e6 : nil }
        let bytes = payloads.first?.count ?? 0
        return RunResult(messagesPerSecond: Double(clock.count) / seconds,
                         megabytesPerSecond: Double(clock.count * bytes) / seconds / 1_000_000,
                         latencies: latencies, payloadBytes: bytes, lost: total - clock.count)
    }
}
