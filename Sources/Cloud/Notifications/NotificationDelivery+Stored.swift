import Foundation

extension NotificationDelivery {
    /// A delivery read back from a store; a kind, channel or outcome this binary does not know is an error
    /// naming the row.
    static func stored(id: Int64, eventKey: String, kind: String, eventTime: Date, siteID: String?, message: String,
                       channel: String, target: String, outcome: String, attempts: Int64, httpStatus: Int64?,
                       lastError: String?, finishedAt: Date) throws(CloudError) -> NotificationDelivery {
        guard let kindValue = NotificationEvent.Kind(rawValue: kind) else {
            throw CloudError(.storage, "unknown notification kind \(kind)", subject: "notification delivery \(id)")
        }
        guard let channelValue = Channel(rawValue: channel) else {
            throw CloudError(.storage, "unknown notification channel \(channel)", subject: "notification delivery \(id)")
        }
        guard let outcomeValue = Outcome(rawValue: outcome) else {
            throw CloudError(.storage, "unknown notification outcome \(outcome)", subject: "notification delivery \(id)")
        }
        return NotificationDelivery(id: id, eventKey: eventKey, kind: kindValue, eventTime: eventTime, siteID: siteID,
                                    message: message, channel: channelValue, target: target, outcome: outcomeValue,
                                    attempts: Int(attempts), httpStatus: httpStatus.map(Int.init), lastError: lastError,
                                    finishedAt: finishedAt)
    }
}
