// A scripted agent's gallery side over a real broker: it takes each signed gallery version the cloud publishes
// for its site, verifies it, and acknowledges it as applied — what `rollcall-agent` does, without a camera.
import Crypto
import Foundation
import MQTT
import Synchronization
import Wire

final class GalleryAgent: Sendable {
    let site: String
    let agent: String
    let client: MQTTClient
    final class Record: Sendable {
        /// Every version received, in arrival order (a retained one on subscribing included).
        let versions = Mutex<[Int]>([])
        /// Updates whose signature did not verify.
        let refused = Mutex(0)
    }

    let record = Record()
    private let task: Task<Void, Never>

    /// Subscribes `client` (the agent's certificate) to its site's gallery and acknowledges what verifies.
    init(client: MQTTClient, site: String, agent: String, publicKey: Curve25519.Signing.PublicKey) async throws {
        self.site = site
        self.agent = agent
        self.client = client
        let updates = try await client.subscribe(to: try Topic.gallery(site: site).validated())
        let ackTopic = try Topic.galleryAck(site: site, agent: agent).validated()
        let record = record
        let key = publicKey.rawRepresentation
        task = Task {
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key) else { return }
            for await message in updates {
                guard let update = try? GalleryUpdate.verified(decoding: message.payload, publicKey: publicKey) else {
                    record.refused.withLock { $0 += 1 }
                    continue
                }
                record.versions.withLock { $0.append(Int(update.version)) }
                let ack = GalleryAck(version: update.version, outcome: .applied, activeVersion: update.version)
                try? await client.publish(try ack.encoded(), to: ackTopic)
            }
        }
    }

    var versions: [Int] { record.versions.withLock { $0 } }
    var refused: Int { record.refused.withLock { $0 } }

    func stop() async {
        task.cancel()
        await client.disconnect()
    }
}
