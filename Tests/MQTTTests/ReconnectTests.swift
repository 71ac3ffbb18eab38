import Foundation
import MQTT
import Testing
import TestSupport
import Wire

@Suite struct ReconnectTests {
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Hundreds of broken connections, each followed by an automatic reconnect and a QoS 1 round trip; the
    /// process's memory stays flat.
    @Test func manyReconnectsKeepWorkingWithoutGrowth() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        var configuration = fixture.configuration("agents/s1/a1")
        configuration.reconnect = ReconnectPolicy(initialDelay: 0, maxDelay: 0.01)
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        let topic = Topic.status(site: "s1", agent: "a1").name
        var baseline = 0
        // ROLLCALL_RECONNECT_ROUNDS raises the count for a longer soak (e.g. 3000).
        let rounds = max(200, ProcessInfo.processInfo.environment["ROLLCALL_RECONNECT_ROUNDS"].flatMap { Int($0) } ?? 600)
        for round in 0..<rounds {
            if round == 100 { baseline = residentBytes() }
            let before = client.statistics.connects
            client.simulateConnectionLoss()
            #expect(await eventually { client.statistics.connects > before && client.isConnected })
            try await client.publish(Data([UInt8(truncatingIfNeeded: round)]), to: topic)
        }
        let growth = residentBytes() - baseline
        #expect(client.statistics.connects == rounds + 1)
        #expect(growth < 8 * 1024 * 1024, "resident memory grew by \(growth) bytes over \(rounds - 100) reconnects")
        await client.disconnect()
    }

    @Test func backgroundStartWaitsForTheBroker() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        fixture.broker.stop()
        let client = try MQTTClient(configuration: fixture.configuration("agents/s1/a1"))
        client.start()
        #expect(await eventually { client.statistics.failedConnects >= 1 })
        #expect(!client.isConnected)
        try fixture.broker.start()
        #expect(await eventually { client.isConnected })
        await client.disconnect()
    }

    @Test func refusalsAreReportedAsEvents() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let client = try MQTTClient(configuration: fixture.configuration("agents/s1/old"))
        client.start()
        var iterator = client.events.makeAsyncIterator()
        let event = await iterator.next()
        guard case let .connectFailed(error, retryIn)? = event else {
            Issue.record("expected connectFailed, got \(String(describing: event))")
            return
        }
        #expect(error.code == .connectFailed)
        #expect(retryIn != nil)
        await client.disconnect()
    }
}
