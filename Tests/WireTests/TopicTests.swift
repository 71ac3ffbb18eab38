import Foundation
import Testing
@testable import Wire

@Suite struct TopicTests {
    static let topics: [Topic] = [
        .faces(site: "plant-3", agent: "gate_A", camera: "cam.0"), .sightings(site: "plant-3", agent: "gate_A", camera: "cam.0"),
        .status(site: "s", agent: "a"), .availability(site: "s", agent: "a"), .galleryAck(site: "s", agent: "a"),
        .gallery(site: "s"), .results(site: "s"), .commands(site: "s"),
    ]

    @Test(arguments: topics) func topicsParseBack(_ topic: Topic) throws {
        #expect(try Topic(parsing: try topic.validated()) == topic)
    }

    @Test func namesFollowTheTree() {
        #expect(Topic.faces(site: "s1", agent: "a1", camera: "c1").name == "rollcall/v1/sites/s1/agents/a1/cameras/c1/faces")
        #expect(Topic.galleryAck(site: "s1", agent: "a1").name == "rollcall/v1/sites/s1/agents/a1/gallery/ack")
        #expect(Topic.gallery(site: "s1").name == "rollcall/v1/sites/s1/gallery")
        #expect(TopicFilter.shared(group: "cloud", TopicFilter.allFaces) == "$share/cloud/rollcall/v1/sites/+/agents/+/cameras/+/faces")
    }

    @Test(arguments: ["", "rollcall/v1", "rollcall/v2/sites/s/gallery", "rollcall/v1/sites/s/other",
                      "rollcall/v1/sites/s/agents/a/cameras/c/faces/x", "rollcall/v1/sites/s+/gallery",
                      "rollcall/v1/sites//gallery", "rollcall/v1/sites/s/agents/a:b/status",
                      "rollcall/v1/sites/s/agents/a/cameras/#/faces",
                      // Agents' decisions travel inside their face messages; there is no agent results topic.
                      "rollcall/v1/sites/s/agents/a/results"])
    func foreignTopicsAreRefused(_ topic: String) {
        #expect(throws: WireError.self) { try Topic(parsing: topic) }
    }

    @Test func invalidIdentifiersAreRefusedWhenBuilding() {
        #expect(throws: WireError.self) { try Topic.faces(site: "s", agent: "a/b", camera: "c").validated() }
        #expect(throws: WireError.self) { try Topic.gallery(site: String(repeating: "x", count: 65)).validated() }
    }

    @Test func inboundFaceChecksTopicAgainstPayload() throws {
        let payload = try WireSamples.crop.encoded()
        let inbound = try InboundFace(topic: Topic.faces(site: "s", agent: "a", camera: "door-1").name, payload: payload)
        #expect(inbound.site == "s" && inbound.agent == "a" && inbound.crop == WireSamples.crop)
        #expect(throws: WireError.self) {
            try InboundFace(topic: Topic.faces(site: "s", agent: "a", camera: "other").name, payload: payload)
        }
        #expect(throws: WireError.self) { try InboundFace(topic: Topic.status(site: "s", agent: "a").name, payload: payload) }
    }
}
