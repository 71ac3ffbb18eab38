// What the ingest reads before recognising a face from an agent, in one query.
import Foundation

/// Whether a face message from a site's agent may go on to recognition, as `Store.cropAdmission` reads it.
public struct CropAdmission: Sendable, Equatable {
    /// This site's agent's message is stored already (a redelivery): nothing to do.
    public var duplicate: Bool
    /// The agent is registered at the site (it has reported status or availability).
    public var agentKnown: Bool
    /// The site estimates emotion (false for an unknown site).
    public var emotionEnabled: Bool

    public init(duplicate: Bool, agentKnown: Bool, emotionEnabled: Bool) {
        self.duplicate = duplicate
        self.agentKnown = agentKnown
        self.emotionEnabled = emotionEnabled
    }
}
