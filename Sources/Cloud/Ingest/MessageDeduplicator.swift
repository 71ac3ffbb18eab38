// Remembers recent message ids so QoS 1 redeliveries are processed once.
import Foundation
import Synchronization

/// A bounded set of recently seen message ids (oldest forgotten first).
final class MessageDeduplicator: Sendable {
    private struct State {
        var seen: Set<UUID> = []
        var order: [UUID] = []
        var next = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `id`; returns false when it was seen recently (a duplicate).
    func firstSighting(_ id: UUID) -> Bool {
        state.withLock { state in
            guard !state.seen.contains(id) else { return false }
            state.seen.insert(id)
            if state.order.count < capacity {
                state.order.append(id)
            } else {
                state.seen.remove(state.order[state.next])
                state.order[state.next] = id
                state.next = (state.next + 1) % capacity
            }
            return true
        }
    }
}
