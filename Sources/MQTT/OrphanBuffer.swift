/// Messages that matched no subscription when they arrived, held in arrival order for the first subscription
/// that matches them: a resumed persistent session can deliver right after CONNACK, before the application has
/// subscribed again. Bounded: past `limit` a message is refused, and the caller counts it as dropped.
struct OrphanBuffer {
    /// How many messages the client holds for no subscription by default.
    static let defaultLimit = 10_000

    let limit: Int
    private(set) var messages: [MQTTMessage] = []

    init(limit: Int = Self.defaultLimit) {
        self.limit = limit
    }

    var count: Int { messages.count }

    /// Holds `message`; false when the buffer is full (the message is dropped).
    mutating func hold(_ message: MQTTMessage) -> Bool {
        guard messages.count < limit else { return false }
        messages.append(message)
        return true
    }

    /// Takes out, in arrival order, the messages whose topic matches `matchFilter` (a filter without any
    /// `$share/{group}/` prefix); the others stay.
    mutating func take(matching matchFilter: String) -> [MQTTMessage] {
        var taken: [MQTTMessage] = []
        var kept: [MQTTMessage] = []
        for message in messages {
            if MQTTTopic.matches(filter: matchFilter, topic: message.topic) {
                taken.append(message)
            } else {
                kept.append(message)
            }
        }
        messages = kept
        return taken
    }
}
