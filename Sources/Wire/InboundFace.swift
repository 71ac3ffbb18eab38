import Foundation

/// A face message as the cloud receives it: the agent that sent it (from the topic, which the broker's ACL
/// ties to the agent's certificate) and the decoded crop, checked to agree with its topic.
public struct InboundFace: Sendable, Equatable {
    public let site: String
    public let agent: String
    public let crop: FaceCrop

    /// Decodes a payload that arrived on `topic`. Throws `.invalidTopic` when the topic is not a faces topic
    /// or names another camera than the payload, and the payload's `WireError`s otherwise.
    public init(topic: String, payload: Data) throws {
        let parsed = try Topic(parsing: topic)
        guard case let .faces(site, agent, camera) = parsed else {
            throw WireError(.invalidTopic, field: String(topic.prefix(200)), detail: "not a faces topic")
        }
        let crop = try FaceCrop(decoding: payload)
        guard crop.camera == camera else {
            throw WireError(.invalidTopic, field: "face.camera",
                            detail: "payload camera \(crop.camera) differs from topic camera \(camera)")
        }
        self.site = site
        self.agent = agent
        self.crop = crop
    }
}
