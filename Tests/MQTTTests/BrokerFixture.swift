import Foundation
import TestSupport
import MQTT
import PKI
import Wire

/// The MQTT suites' broker: TestSupport's fixture with the certificates they need — two clouds, agents of
/// two sites, an agent certificate that has expired (`agents/s1/old`) and one from a foreign CA
/// (`foreignPKI`, `agents/s1/a1`).
extension BrokerFixture {
    static func forMQTTTests() throws -> BrokerFixture {
        try BrokerFixture(clouds: ["main", "second"], agents: [("s1", "a1"), ("s1", "a2"), ("s2", "b1")],
                          folderPrefix: "rollcall-mqtt") { authority in
            try authority.issue(.agent(site: "s1", agent: "old"), days: 1,
                                notBefore: Date().addingTimeInterval(-3 * 86_400))
        }
    }

    /// A second CA, unknown to the broker, with its own `agents/s1/a1` certificate.
    var foreignPKI: URL {
        get throws {
            let folder = self.folder.appendingPathComponent("foreign")
            if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("ca.crt").path) {
                let foreign = try CertificateAuthority.create(in: folder, name: "Someone else's CA")
                try foreign.issue(.agent(site: "s1", agent: "a1"))
            }
            return folder
        }
    }
}

/// A valid face crop payload with a given message id.
func facePayload(_ id: UUID = UUID(), camera: String = "cam1", jpegBytes: Int = 200) throws -> Data {
    var jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0])
    jpeg.append(Data(repeating: 0x5A, count: max(0, jpegBytes - 6)))
    jpeg.append(contentsOf: [0xFF, 0xD9])
    return try FaceCrop(messageID: id, camera: camera, trackID: 1, frameTime: Date(), frameWidth: 640, frameHeight: 480,
                        box: .init(x: 10, y: 20, width: 100, height: 120), keypoints: [], detectionScore: 0.9,
                        quality: 0.8, content: .jpeg(jpeg, region: .init(x: 0, y: 0, width: 200, height: 200))).encoded()
}

/// Collects a subscription's messages in the background.
actor Inbox {
    private(set) var messages: [MQTTMessage] = []
    func append(_ message: MQTTMessage) { messages.append(message) }
    var count: Int { messages.count }

    static func collect(_ subscription: MQTTSubscription) -> (Inbox, Task<Void, Never>) {
        let inbox = Inbox()
        let task = Task {
            for await message in subscription { await inbox.append(message) }
        }
        return (inbox, task)
    }
}
