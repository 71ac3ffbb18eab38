// Wire's formats and topic tree for the agent's messages.
import FaceDetection
import Foundation
import Imaging
import Wire

/// Encodes the agent's events as Wire messages on the agent's own topics.
public struct WireAgentEncoder: AgentMessageEncoding {
    let site: String
    let agent: String
    let mode: AgentConfig.Mode
    let version: String

    public init(site: String, agent: String, mode: AgentConfig.Mode, version: String) {
        self.site = site
        self.agent = agent
        self.mode = mode
        self.version = version
    }

    public var galleryTopic: String { Topic.gallery(site: site).name }

    public func face(_ event: FaceEvent) throws -> OutgoingMessage {
        let content: FaceCrop.Content
        switch event.content {
        case .jpeg(let bytes, let region): content = .jpeg(Data(bytes), region: region)
        case .embedding(let model, let values): content = .embedding(FaceCrop.Embedding(modelID: model, values: values))
        }
        let box = event.face.box
        let edge = event.edge.map {
            FaceCrop.EdgeDecision(workerID: $0.decision.workerID, distance: $0.decision.distance,
                                  galleryVersion: $0.galleryVersion)
        }
        let crop = FaceCrop(
            messageID: event.messageID, camera: event.camera, trackID: event.trackID, frameTime: event.frameTime,
            frameWidth: UInt16(clamping: event.frameWidth), frameHeight: UInt16(clamping: event.frameHeight),
            box: Rect(x: box.x, y: box.y, width: max(0, box.width), height: max(0, box.height)),
            keypoints: Array(event.face.keypoints.prefix(16)), detectionScore: min(1, max(0, event.face.score)),
            quality: min(1, max(0, event.quality)), edge: edge, content: content)
        return OutgoingMessage(topic: try Topic.faces(site: site, agent: agent, camera: event.camera).validated(),
                               payload: [UInt8](try crop.encoded()))
    }

    public func sighting(_ event: SightingEvent) throws -> OutgoingMessage {
        let sighting = FaceSighting(
            messageID: event.messageID, camera: event.camera, trackID: event.trackID, firstSeen: event.firstSeen,
            lastSeen: max(event.lastSeen, event.firstSeen), detections: UInt32(clamping: event.detections),
            largestFacePixels: min(65_536, max(0, event.largestFacePixels)),
            frameWidth: UInt16(clamping: event.frameWidth), frameHeight: UInt16(clamping: event.frameHeight),
            reason: event.reason == .tooSmall ? .tooSmall : .lowQuality)
        return OutgoingMessage(topic: try Topic.sightings(site: site, agent: agent, camera: event.camera).validated(),
                               payload: [UInt8](try sighting.encoded()))
    }

    public func status(_ report: StatusReport) throws -> OutgoingMessage {
        let wireMode: AgentStatus.Mode
        switch report.mode {
        case .cloudMatch: wireMode = .cloud
        case .edgeMatch: wireMode = .edgeMatch
        case .privacy: wireMode = .privacy
        }
        let oldestAge = report.outbox.oldestCreatedAt.map { max(0, report.sentAt.timeIntervalSince1970 - $0) } ?? 0
        let status = AgentStatus(
            sentAt: report.sentAt, agentVersion: report.agentVersion, mode: wireMode,
            uptimeSeconds: UInt64(max(0, report.uptimeSeconds)),
            cameras: report.cameras.map {
                AgentStatus.Camera(id: $0.id, framesPerSecond: Float($0.framesPerSecond),
                                   framesCaptured: UInt64($0.framesCaptured), framesDropped: UInt64($0.framesDropped),
                                   facesPublished: UInt64($0.facesQueued), online: $0.online)
            },
            outboxDepth: UInt32(clamping: report.outbox.depth), outboxBytes: UInt64(report.outbox.bytes),
            outboxOldestAgeSeconds: Float(oldestAge), outboxDropped: UInt64(report.outbox.droppedOldest),
            galleryVersion: report.galleryVersion)
        return OutgoingMessage(topic: try Topic.status(site: site, agent: agent).validated(),
                               payload: [UInt8](try status.encoded()))
    }

    public func availability(online: Bool, since: Date) throws -> OutgoingMessage {
        OutgoingMessage(topic: try Topic.availability(site: site, agent: agent).validated(),
                        payload: [UInt8](try Availability(online: online, since: since, agentVersion: version).encoded()),
                        retain: true)
    }

    public func galleryAck(_ outcome: GalleryOutcome) throws -> OutgoingMessage {
        let ack: GalleryAck
        switch outcome {
        case .applied(let version):
            ack = GalleryAck(version: version, outcome: .applied, activeVersion: version)
        case .refused(let version, let reason, let detail, let active):
            let wire: GalleryAck.Outcome
            switch reason {
            case .badSignature: wire = .badSignature
            case .malformed: wire = .malformed
            case .baseMismatch: wire = .missingBase
            case .modelMismatch: wire = .modelMismatch
            case .stale, .storage: wire = .failed
            }
            ack = GalleryAck(version: version ?? 0, outcome: wire, activeVersion: active,
                             detail: String(String(describing: reason) + ": " + detail).utf8Prefix(256))
        }
        return OutgoingMessage(topic: try Topic.galleryAck(site: site, agent: agent).validated(),
                               payload: [UInt8](try ack.encoded()))
    }
}

extension String {
    /// The longest prefix of at most `bytes` UTF-8 bytes that ends on a character boundary.
    func utf8Prefix(_ bytes: Int) -> String {
        guard utf8.count > bytes else { return self }
        var result = ""
        for character in self {
            if result.utf8.count + character.utf8.count > bytes { break }
            result.append(character)
        }
        return result
    }
}
