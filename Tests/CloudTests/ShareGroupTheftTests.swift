import Cloud
import Foundation
import Imaging
import Logging
import MQTT
import PKI
import Testing
import TestSupport
import Wire

/// Issue #14.1: an agent's certificate must not be able to join the cloud's shared subscription. Mosquitto 2.0
/// hands each message to one group member in turn and drops it, silently, when that member may not read it; so
/// without the broker plugin a thief with alpha's certificate took every second crop of site beta's agent.
/// Here a real Mosquitto (TLS, the project's ACL and plugin) and the real cloud ingest path (store, aggregator,
/// MQTT ingest and fleet; only the face embedder is scripted): the thief's `$share` subscriptions are refused,
/// receive nothing, and every crop beta publishes is stored.
@Suite(.serialized) struct ShareGroupTheftTests {
    static let crops = 40

    @Test func agentCannotJoinTheCloudsShareGroup() async throws {
        let fixture = try BrokerFixture(agents: [("alpha", "door-1"), ("beta", "door-1")],
                                        folderPrefix: "rollcall-share")
        let folder = fixture.folder
        func mqtt(_ identity: String, clientID: String? = nil, persistent: Bool = false) throws -> MQTTClient {
            try MQTTClient(configuration: fixture.configuration(identity, clientID: clientID, cleanStart: !persistent))
        }

        // The cloud, subscribed with the default (predictable) share group.
        var config = CloudConfig()
        config.storage.database = folder.appendingPathComponent("cloud/db.sqlite").path
        config.storage.cropsDirectory = folder.appendingPathComponent("cloud/crops").path
        config.storage.photosDirectory = folder.appendingPathComponent("cloud/photos").path
        config.recognition.workers = 2
        config.sites = [.init(id: "alpha", name: "Alpha", emotion: false), .init(id: "beta", name: "Beta", emotion: false)]
        let recognizer = ScriptedRecognizer()
        let crop = try Image(width: 64, height: 64, format: .rgb).jpegData()
        recognizer.scriptFace(crop, embedding: Embeddings.axis(3), emotion: nil)
        let metrics = CloudMetrics()
        let cloudClient = try mqtt("cloud/main")
        let aggregator = Aggregator(config: config, store: try SQLiteStore(path: config.storage.database),
                                    recognizer: recognizer, fleet: MQTTFleet(client: cloudClient), signer: GallerySigner(),
                                    metrics: metrics, logger: Logger(label: "cloud"))
        try await aggregator.load()
        let ingest = IngestService(client: cloudClient, aggregator: aggregator, logger: Logger(label: "ingest"))
        let ingestTask = Task { try await ingest.run() }
        defer { ingestTask.cancel() }
        #expect(await eventually { cloudClient.isConnected })

        // Beta's agent announces itself.
        let beta = try mqtt("agents/beta/door-1")
        try await beta.connect()
        try await beta.publish(try Availability(online: true, agentVersion: "test").encoded(),
                               to: try Topic.availability(site: "beta", agent: "door-1").validated(), retain: true)
        #expect(await eventually { (try? await aggregator.store.agent(siteID: "beta", id: "door-1")) != nil })

        // Four thieves with alpha's certificate: the exact filter in the cloud's group, a wider one, a persistent
        // session that then disconnects, and another group name.
        let group = config.mqtt.shareGroup
        let filters = [TopicFilter.shared(group: group, TopicFilter.allFaces),
                       TopicFilter.shared(group: group, "rollcall/v1/sites/+/agents/#"),
                       TopicFilter.shared(group: group, TopicFilter.allFaces),
                       TopicFilter.shared(group: "other", TopicFilter.faces(site: "beta", agent: "door-1"))]
        var thieves: [MQTTClient] = []
        var collectors: [Collector] = []
        var refusals = 0
        for (index, filter) in filters.enumerated() {
            let thief = try mqtt("agents/alpha/door-1", clientID: "thief-\(index)", persistent: index == 2)
            try await thief.connect()
            do {
                collectors.append(Collector(try await thief.subscribe(to: filter)))
            } catch let error as MQTTError {
                #expect(error.code == .subscribeRefused)
                refusals += 1
            }
            thieves.append(thief)
        }
        #expect(refusals == filters.count, "the broker granted an agent's $share subscription")
        await thieves[2].disconnect()   // its session (and any subscription in it) stays on the broker

        // Beta publishes 40 crops; the broker acknowledges each; the cloud must store all of them.
        let faces = try Topic.faces(site: "beta", agent: "door-1", camera: "gate").validated()
        for track in 1 ... Self.crops {
            try await beta.publish(try FaceCrop(camera: "gate", trackID: UInt64(track), frameTime: Date(), frameWidth: 640,
                                                frameHeight: 480, box: .init(x: 0, y: 0, width: 64, height: 64),
                                                keypoints: [], detectionScore: 0.9, quality: 0.8,
                                                content: .jpeg(Data(crop), region: .init(x: 0, y: 0, width: 64, height: 64))).encoded(),
                               to: faces)
        }
        let stored = await eventually(within: 30) {
            ((try? await aggregator.store.detections(.init(), limit: 100, cursor: nil))?.items.count ?? 0) >= Self.crops
        }
        let count = try await aggregator.store.detections(.init(), limit: 100, cursor: nil).items.count
        #expect(stored && count == Self.crops, "stored \(count) of \(Self.crops) crops")
        var stolen = 0
        for collector in collectors { stolen += await collector.messages.count }
        #expect(stolen == 0)
        #expect(fixture.broker.logTail(lines: 200).contains("rollcall plugin: refused subscription"))

        for (index, thief) in thieves.enumerated() where index != 2 { await thief.disconnect() }
        await beta.disconnect()
        ingestTask.cancel()
        _ = await ingestTask.result
    }
}
