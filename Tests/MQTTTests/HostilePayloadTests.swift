import Foundation
import MQTT
import Testing
import TestSupport
import Wire

/// What a face consumer saw: rejected payloads by error code, and the valid crops it handled.
actor IngestCounters {
    private(set) var rejected = 0
    private(set) var rejectedByCode: [WireError.Code: Int] = [:]
    private(set) var handled: [UUID] = []
    func reject(_ error: WireError) { rejected += 1; rejectedByCode[error.code, default: 0] += 1 }
    func handle(_ id: UUID) { handled.append(id) }
}

struct Mutator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A payload the decoder must refuse: random bytes, or a valid crop truncated, bit-flipped, with a
    /// newer version, a huge length, or trailing bytes.
    mutating func hostilePayload(from valid: Data) -> Data {
        var data = valid
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return Data((0..<Int.random(in: 0...512, using: &self)).map { _ in UInt8.random(in: 0...255, using: &self) })
        case 1: return data.prefix(Int.random(in: 0..<data.count, using: &self))
        case 2: data[2] = UInt8.random(in: 2...255, using: &self); return data
        case 3:
            let offset = Int.random(in: 0..<min(data.count, 140), using: &self)
            for index in offset..<min(data.count, offset + 4) { data[index] = 0xFF }
            return data
        case 4: data.append(UInt8.random(in: 0...255, using: &self)); return data
        default:
            data[Int.random(in: 0..<min(data.count, 140), using: &self)] ^= UInt8(1 << Int.random(in: 0..<8, using: &self))
            return data
        }
    }
}

@Suite struct HostilePayloadTests {
    @Test func consumerRejectsTenThousandHostilePayloadsAndKeepsWorking() async throws {
        let fixture = try BrokerFixture.forMQTTTests()
        let cloud = try await fixture.connectedClient("cloud/main")
        let faces = try await cloud.subscribe(to: TopicFilter.allFaces)
        let counters = IngestCounters()
        let consumer = Task {
            for await message in faces {
                do {
                    let inbound = try InboundFace(topic: message.topic, payload: message.payload)
                    await counters.handle(inbound.crop.messageID)
                } catch let error as WireError {
                    await counters.reject(error)
                } catch {}
            }
        }

        // 10,000 payloads that the decoder refuses (each checked here first, so the count is exact).
        var mutator = Mutator(state: 42)
        let valid = try facePayload(jpegBytes: 64)
        var hostile: [Data] = []
        while hostile.count < 10_000 {
            let candidate = mutator.hostilePayload(from: valid)
            if (try? FaceCrop(decoding: candidate)) == nil { hostile.append(candidate) }
        }
        let agent = try await fixture.connectedClient("agents/s1/a1")
        let topic = Topic.faces(site: "s1", agent: "a1", camera: "cam1").name
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, payload) in hostile.enumerated() {
                if index >= 200 { try await group.next() }
                group.addTask { try await agent.publish(payload, to: topic) }
            }
            try await group.waitForAll()
        }
        let goodID = UUID()
        try await agent.publish(try facePayload(goodID), to: topic)

        #expect(await eventually(within: 60) { await counters.handled.contains(goodID) })
        #expect(await counters.rejected == 10_000)
        #expect(await counters.handled == [goodID])
        #expect(await counters.rejectedByCode.count >= 4)
        consumer.cancel()
        await agent.disconnect()
        await cloud.disconnect()
    }
}
