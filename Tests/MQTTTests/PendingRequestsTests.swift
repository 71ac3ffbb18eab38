@testable import MQTT
import Testing

/// The waiter tables by packet id, driven without sockets: each broker answer hands out exactly the waiter
/// that sent the request, once; a reconnection answers the subscribes; the end takes everything still waiting.
@Suite struct PendingRequestsTests {
    @Test func aPublishAckAnswersItsOwnPublishOnce() {
        var requests = PendingRequests<String>()
        requests.addPublish(mid: 1, token: 10, waiter: "first")
        requests.addPublish(mid: 2, token: 11, waiter: "second")
        #expect(requests.publishAcknowledged(mid: 2) == "second")
        #expect(requests.publishAcknowledged(mid: 2) == nil)
        #expect(requests.publishAcknowledged(mid: 7) == nil)
        #expect(requests.publishAcknowledged(mid: 1) == "first")
        #expect(requests.isEmpty)
    }

    @Test func cancellingAPublishTakesItsWaiterAndTheLateAckFindsNothing() {
        var requests = PendingRequests<String>()
        requests.addPublish(mid: 5, token: 20, waiter: "cancelled")
        requests.addPublish(mid: 6, token: 21, waiter: "kept")
        #expect(requests.cancelPublish(token: 20) == "cancelled")
        #expect(requests.cancelPublish(token: 20) == nil)
        #expect(requests.publishAcknowledged(mid: 5) == nil)
        // An acknowledged publish can no longer be cancelled.
        #expect(requests.publishAcknowledged(mid: 6) == "kept")
        #expect(requests.cancelPublish(token: 21) == nil)
        #expect(requests.isEmpty)
    }

    @Test func aReusedPacketIdHandsBackTheEarlierWaiterAndForgetsItsToken() {
        var requests = PendingRequests<String>()
        #expect(requests.addPublish(mid: 3, token: 30, waiter: "old") == nil)
        #expect(requests.addPublish(mid: 3, token: 31, waiter: "new") == "old")
        // Cancelling the old token must not take the new publish's waiter.
        #expect(requests.cancelPublish(token: 30) == nil)
        #expect(requests.publishAcknowledged(mid: 3) == "new")
    }

    @Test func subAckAnswersTheCallerAndCountsOnlyRefusedResubscriptions() {
        var requests = PendingRequests<String>()
        requests.addSubscribe(mid: 1, waiter: "caller")
        requests.addResubscribe(mid: 2, filter: "a/#")
        requests.addResubscribe(mid: 3, filter: "b/#")
        let caller = requests.subscribeAcknowledged(mid: 1, refused: true)
        #expect(caller.waiter == "caller")
        #expect(!caller.resubscriptionRefused)  // the caller hears of its refusal itself
        let granted = requests.subscribeAcknowledged(mid: 2, refused: false)
        #expect(granted.waiter == nil && !granted.resubscriptionRefused)
        let refused = requests.subscribeAcknowledged(mid: 3, refused: true)
        #expect(refused.waiter == nil && refused.resubscriptionRefused)
        // A second SUBACK for the same id is ignored.
        #expect(requests.subscribeAcknowledged(mid: 3, refused: true) == (nil, false))
        #expect(requests.isEmpty)
    }

    @Test func aNewConnectionAnswersSubscribesAndForgetsResubscriptions() {
        var requests = PendingRequests<String>()
        requests.addSubscribe(mid: 1, waiter: "s1")
        requests.addSubscribe(mid: 2, waiter: "s2")
        requests.addResubscribe(mid: 3, filter: "a/#")
        requests.addPublish(mid: 4, token: 1, waiter: "publish")
        requests.addUnsubscribe(mid: 5, waiter: "unsubscribe")
        #expect(Set(requests.connectionAccepted()) == ["s1", "s2"])
        #expect(requests.resubscribes.isEmpty)
        // A SUBACK from the old connection finds nothing; publishes and unsubscribes still wait.
        #expect(requests.subscribeAcknowledged(mid: 1, refused: false) == (nil, false))
        #expect(requests.subscribeAcknowledged(mid: 3, refused: true) == (nil, false))
        #expect(requests.publishAcknowledged(mid: 4) == "publish")
        #expect(requests.unsubscribeAcknowledged(mid: 5) == "unsubscribe")
    }

    @Test func removeAllTakesEveryWaiterOnce() {
        var requests = PendingRequests<String>()
        requests.addPublish(mid: 1, token: 1, waiter: "p1")
        requests.addPublish(mid: 2, token: 2, waiter: "p2")
        requests.addSubscribe(mid: 3, waiter: "s")
        requests.addUnsubscribe(mid: 4, waiter: "u")
        let abandoned = requests.removeAll()
        #expect(Set(abandoned.publishes) == ["p1", "p2"])
        #expect(abandoned.subscribes == ["s"])
        #expect(abandoned.unsubscribes == ["u"])
        #expect(requests.isEmpty)
        #expect(requests.cancelPublish(token: 1) == nil)
        let again = requests.removeAll()
        #expect(again.publishes.isEmpty && again.subscribes.isEmpty && again.unsubscribes.isEmpty)
    }
}
