// The agent's services under ServiceGroup: graceful shutdown stops them one by one in the reverse of their start
// order (cameras first, the MQTT connection last); a failing service shuts the rest down and its error surfaces.
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
@testable import Agent

@Suite struct AgentRuntimeTests {
    /// Records the order in which services stopped.
    final class StopOrder: Sendable {
        let names = Mutex<[String]>([])
        func stopped(_ name: String) { names.withLock { $0.append(name) } }
        var value: [String] { names.withLock { $0 } }
    }

    /// Runs until cancelled, then records that it stopped (after a pause, so that the order is the group's and
    /// not a race between services stopping at once).
    struct Waiting: AgentService {
        let name: String
        let order: StopOrder
        var failAfter: Duration?

        func run() async throws {
            if let failAfter {
                try await Task.sleep(for: failAfter)
                order.stopped(name)
                throw AgentAssemblyError(.resource, component: name, detail: "failed on purpose")
            }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            try? await Task.sleep(for: .milliseconds(20))
            order.stopped(name)
        }
    }

    @Test func gracefulShutdownStopsServicesInReverseOrder() async throws {
        let order = StopOrder()
        let names = ["mqtt", "outbox", "gallery", "heartbeat", "camera entrance"]
        let group = AgentRuntime.group(names.map { Waiting(name: $0, order: order) }, signals: [],
                                       logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(order.value == names.reversed(), "cameras first, the MQTT connection last")
    }

    @Test func servicesThatEndWithCancellationErrorShutDownCleanly() async throws {
        // As the real services do when cancelled mid-sleep (heartbeat, drainer backoff, MQTT retries).
        struct Sleeping: AgentService {
            let name: String
            let order: StopOrder
            func run() async throws {
                defer { order.stopped(name) }
                try await Task.sleep(for: .seconds(3600))
            }
        }
        let order = StopOrder()
        let group = AgentRuntime.group([Sleeping(name: "mqtt", order: order), Sleeping(name: "heartbeat", order: order)],
                                       signals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()   // throws if the group reports the cancellations as failures
        }
        #expect(order.value == ["heartbeat", "mqtt"])
    }

    @Test func aFailingServiceShutsTheOthersDownAndItsErrorSurfaces() async throws {
        let order = StopOrder()
        let group = AgentRuntime.group([Waiting(name: "mqtt", order: order),
                                        Waiting(name: "camera", order: order, failAfter: .milliseconds(50))],
                                       signals: [], logger: Logger(label: "test"))
        await #expect(throws: AgentAssemblyError.self) { try await group.run() }
        #expect(order.value == ["camera", "mqtt"])
    }

    @Test func aServiceThatFinishesLeavesTheOthersRunning() async throws {
        let order = StopOrder()
        struct Once: AgentService {
            let name = "file camera"
            let order: StopOrder
            func run() async throws { order.stopped(name) }
        }
        let group = AgentRuntime.group([Waiting(name: "mqtt", order: order), Once(order: order)], signals: [],
                                       logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { order.value.contains("file camera") })
            #expect(order.value == ["file camera"], "the finished camera does not stop the agent")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(order.value == ["file camera", "mqtt"])
    }
}
