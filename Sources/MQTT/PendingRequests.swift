/// The requests sent to the broker that wait for its answer, by MQTT packet identifier (mid): QoS 1 publishes
/// waiting for PUBACK, subscribes for SUBACK, unsubscribes for UNSUBACK, and the SUBSCRIBEs a new connection sent
/// again by itself. A pure value: the session records what it sent and what came back, and resumes the waiters
/// this hands out; the tests drive it without sockets.
///
/// ```
/// publish:     added(mid, token) ─PUBACK(mid)→ waiter      ─cancel(token)→ waiter       ─finish→ waiter
/// subscribe:   added(mid)        ─SUBACK(mid)→ waiter      ─new connection→ waiter (answered: sent again)
/// unsubscribe: added(mid)        ─UNSUBACK(mid)→ waiter                                 ─finish→ waiter
/// resubscribe: added(mid, filter) ─SUBACK(mid)→ refused or not                          ─new connection→ gone
/// ```
///
/// `Waiter` is whatever resumes the caller (the session's `CheckedContinuation`).
struct PendingRequests<Waiter> {
    /// A publish waiting for its PUBACK, with the token its caller cancels it by.
    private var publishes: [Int32: (token: UInt64, waiter: Waiter)] = [:]
    /// Which mid each cancellable publish token stands for.
    private var publishTokens: [UInt64: Int32] = [:]
    private var subscribes: [Int32: Waiter] = [:]
    private var unsubscribes: [Int32: Waiter] = [:]
    /// SUBSCRIBEs sent again on a new connection (no caller waits), by mid, with their filter.
    private(set) var resubscribes: [Int32: String] = [:]

    /// What `removeAll()` took: every waiter still waiting, to be answered by the caller.
    struct Abandoned {
        var publishes: [Waiter] = []
        var subscribes: [Waiter] = []
        var unsubscribes: [Waiter] = []
    }

    /// Nothing waits for the broker.
    var isEmpty: Bool { publishes.isEmpty && subscribes.isEmpty && unsubscribes.isEmpty && resubscribes.isEmpty }

    // MARK: Publish

    /// A QoS 1 publish went out (or was queued) as `mid`; `token` identifies it for cancellation. Returns the
    /// waiter of an earlier publish with the same mid, which no PUBACK can answer any more.
    @discardableResult
    mutating func addPublish(mid: Int32, token: UInt64, waiter: Waiter) -> Waiter? {
        let displaced = publishes.updateValue((token, waiter), forKey: mid)
        if let displaced { publishTokens.removeValue(forKey: displaced.token) }
        publishTokens[token] = mid
        return displaced?.waiter
    }

    /// PUBACK for `mid` arrived: its waiter, if any still waits.
    mutating func publishAcknowledged(mid: Int32) -> Waiter? {
        guard let pending = publishes.removeValue(forKey: mid) else { return nil }
        publishTokens.removeValue(forKey: pending.token)
        return pending.waiter
    }

    /// The caller of the publish `token` gave up (its task was cancelled): its waiter, unless answered already.
    mutating func cancelPublish(token: UInt64) -> Waiter? {
        guard let mid = publishTokens.removeValue(forKey: token) else { return nil }
        return publishes.removeValue(forKey: mid)?.waiter
    }

    // MARK: Subscribe and unsubscribe

    /// A SUBSCRIBE went out as `mid`.
    mutating func addSubscribe(mid: Int32, waiter: Waiter) {
        subscribes[mid] = waiter
    }

    /// A SUBSCRIBE sent again by a new connection went out as `mid`.
    mutating func addResubscribe(mid: Int32, filter: String) {
        resubscribes[mid] = filter
    }

    /// SUBACK for `mid` arrived, refusing the subscription or not: the waiting caller, if any, and whether it
    /// refused a subscription the client had sent again by itself (which nobody else hears about).
    mutating func subscribeAcknowledged(mid: Int32, refused: Bool) -> (waiter: Waiter?, resubscriptionRefused: Bool) {
        let waiter = subscribes.removeValue(forKey: mid)
        let resubscribed = resubscribes.removeValue(forKey: mid) != nil
        return (waiter, resubscribed && refused)
    }

    /// An UNSUBSCRIBE went out as `mid`.
    mutating func addUnsubscribe(mid: Int32, waiter: Waiter) {
        unsubscribes[mid] = waiter
    }

    /// UNSUBACK for `mid` arrived: its waiter, if any still waits.
    mutating func unsubscribeAcknowledged(mid: Int32) -> Waiter? {
        unsubscribes.removeValue(forKey: mid)
    }

    // MARK: Connection and end

    /// A new connection was accepted: SUBACKs for the previous connection's subscribes will never come, and
    /// its resubscriptions are forgotten. Returns the subscribe waiters; the new connection subscribes to every
    /// filter again, so they are answered as succeeded.
    mutating func connectionAccepted() -> [Waiter] {
        defer {
            subscribes = [:]
            resubscribes = [:]
        }
        return Array(subscribes.values)
    }

    /// The network thread ends: every publish, subscribe and unsubscribe still waiting, to be answered.
    mutating func removeAll() -> Abandoned {
        defer {
            publishes = [:]
            publishTokens = [:]
            subscribes = [:]
            unsubscribes = [:]
        }
        return Abandoned(publishes: publishes.values.map(\.waiter), subscribes: Array(subscribes.values),
                         unsubscribes: Array(unsubscribes.values))
    }
}
