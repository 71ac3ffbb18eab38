import Dispatch
import FaceRecognition
import Synchronization

/// Runs `body` over `count` items on `workers` threads, each thread with its own state from `makeState`
/// (a model instance with its scratch memory). Items are handed out one at a time; results come back in
/// item order.
public func parallelMap<State, Result: Sendable>(
    count: Int, workers: Int,
    makeState: @Sendable () throws -> State,
    body: @Sendable (inout State, Int) -> Result
) throws -> [Result?] {
    let next = Atomic<Int>(0)
    let results = Mutex([Result?](repeating: nil, count: count))
    let failure = Mutex<(any Error)?>(nil)
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
        var state: State
        do { state = try makeState() } catch {
            failure.withLock { $0 = error }
            return
        }
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            guard i < count else { break }
            let r = body(&state, i)
            results.withLock { $0[i] = r }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return results.withLock { $0 }
}
