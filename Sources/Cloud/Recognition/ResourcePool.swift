// A fixed set of non-thread-safe resources (one recognition pipeline per core) lent to one task at a time.
import Synchronization

/// Lends each of a fixed set of resources to one caller at a time; callers beyond that wait in order.
final class ResourcePool<Resource: AnyObject & Sendable>: Sendable {
    private struct State {
        var idle: [Resource]
        var waiters: [CheckedContinuation<Resource, Never>] = []
    }

    private let state: Mutex<State>
    /// Number of resources.
    let size: Int

    init(_ resources: [Resource]) {
        size = resources.count
        state = Mutex(State(idle: resources))
    }

    /// Runs `body` with a resource, waiting for one to become free.
    func with<T>(_ body: (Resource) throws(CloudError) -> T) async throws(CloudError) -> T {
        let resource = await checkOut()
        defer { checkIn(resource) }
        return try body(resource)
    }

    private func checkOut() async -> Resource {
        await withCheckedContinuation { (continuation: CheckedContinuation<Resource, Never>) in
            let ready = state.withLock { state -> Resource? in
                if let resource = state.idle.popLast() { return resource }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func checkIn(_ resource: Resource) {
        let waiter = state.withLock { state -> CheckedContinuation<Resource, Never>? in
            if state.waiters.isEmpty {
                state.idle.append(resource)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: resource)
    }
}
