// One measured cloud for `rollcall bench cloud`: its own broker, its store (SQLite file or PostgreSQL server) and N
// aggregators as N rollcall-cloud processes would run them — each its own store connection, ingest connection
// (manual acknowledgements, Receive Maximum) and fleet connection in one share group — plus the agent that
// publishes crops and receives the results.
import Cloud
import Foundation
import Logging
import MQTT
import PKI
import Wire

final class CloudBenchPath: @unchecked Sendable {
    enum StoreKind: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    let kind: StoreKind
    let broker: BenchBroker
    let postgres: BenchPostgres?
    let aggregators: [Aggregator]
    let agent: MQTTClient
    let clock: MQTTBench.Clock
    let total: Int
    private var tasks: [Task<Void, Never>] = []
    private var stopped = false

    /// Starts the broker, the store and `count` aggregators sharing `recognizer` (`workers` recognitions at once
    /// across them), enrolls a worker, and connects the agent. `total` crops will be numbered by track id.
    init(kind: StoreKind, aggregators count: Int, workers: Int, blasThreads: Int, slotsPerWorker: Int,
         recognizer: any FaceRecognizer,
         enrollment photo: [UInt8], postgresURL: String?, total: Int, logger: Logger) async throws {
        self.kind = kind
        self.total = total
        clock = MQTTBench.Clock(total)
        broker = try BenchBroker(name: "cloud-\(kind.rawValue)")
        var ownServer: BenchPostgres?
        do {
            if kind == .postgres, postgresURL == nil { ownServer = try BenchPostgres() }
            postgres = ownServer
            let folder = broker.folder
            var config = CloudConfig()
            config.storage.database = folder.appendingPathComponent("cloud/db.sqlite").path
            config.storage.cropsDirectory = folder.appendingPathComponent("cloud/crops").path
            config.storage.photosDirectory = folder.appendingPathComponent("cloud/photos").path
            config.recognition.workers = max(1, workers / count)
            config.recognition.blasThreads = blasThreads
            config.sites = [.init(id: "bench", name: "Bench", emotion: true)]
            let url = postgresURL ?? ownServer?.url
            var aggregators: [Aggregator] = []
            var tasks: [Task<Void, Never>] = []
            for index in 0 ..< count {
                var mine = config
                mine.mqtt.clientID = "bench-cloud-\(index)"
                let store: any Store
                var crops: (any BlobVault)?, photos: (any BlobVault)?
                if let url {
                    let postgres = try await PostgresStore.open(url: url, logger: logger)
                    store = postgres
                    crops = PostgresBlobVault(store: postgres)
                    photos = PostgresBlobVault(store: postgres)
                } else {
                    store = try SQLiteStore(path: config.storage.database)
                }
                let ingestConfiguration = broker.configuration("cloud/bench", mine.mqtt.clientID,
                                                                   manualAcknowledgements: true,
                                                                   receiveMaximum: mine.recognition.queueDepth)
                let ingest = try MQTTClient(configuration: ingestConfiguration)
                let publishing = try MQTTClient(configuration: FleetConnection.configuration(ingest: ingestConfiguration))
                let metrics = CloudMetrics()
                let aggregator = Aggregator(config: mine, store: store, recognizer: recognizer,
                                            fleet: MQTTFleet(client: publishing), signer: GallerySigner(),
                                            metrics: metrics, logger: logger, crops: crops, photos: photos)
                try await aggregator.load()
                let services: [@Sendable () async throws -> Void] = [
                    { await FleetConnection(client: publishing, metrics: metrics, logger: logger).run() },
                    { try await IngestService(client: ingest, aggregator: aggregator, logger: logger,
                                                 slotsPerWorker: slotsPerWorker).run() },
                    { await aggregator.liveEvents.run() },
                    { await aggregator.galleryPublisher.run() },
                ]
                for service in services { tasks.append(Task { try? await service() }) }
                aggregators.append(aggregator)
            }
            self.aggregators = aggregators
            self.tasks = tasks
            agent = try MQTTClient(configuration: broker.configuration("agents/bench/a1", "bench-agent-\(kind.rawValue)"))
            try await agent.connect()
        } catch {
            ownServer?.stop()
            broker.stop()
            throw error
        }
        let results = try await agent.subscribe(to: Topic.results(site: "bench").name)
        try await agent.publish(try Availability(online: true, agentVersion: "bench").encoded(),
                                to: Topic.availability(site: "bench", agent: "a1").name, retain: true)
        let store = aggregators[0].store
        while try await store.agent(siteID: "bench", id: "a1") == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        let worker = try await aggregators[0].createWorker(name: "Obama", actor: "bench")
        _ = try await aggregators[0].enroll(workerID: worker.id ?? 0, photo: photo, actor: "bench")
        let clock = clock, total = total
        tasks.append(Task {
            for await message in results {
                guard let result = try? Wire.RecognitionResult(decoding: message.payload), Int(result.trackID) < total
                else { continue }
                if clock.markReceived(Int(result.trackID)) == total { break }
            }
        })
    }

    /// Publishes crop `index` (its track id) from the agent.
    func publish(_ index: Int, crop sample: CloudBench.Sample) async throws {
        let payload = try FaceCrop(
            camera: "cam1", trackID: UInt64(index), frameTime: Date(), frameWidth: 640, frameHeight: 480,
            box: sample.face.box, keypoints: sample.face.keypoints, detectionScore: sample.face.score, quality: 0.8,
            content: .jpeg(sample.jpeg, region: sample.region)).encoded()
        clock.markSent(index)
        try await agent.publish(payload, to: Topic.faces(site: "bench", agent: "a1", camera: "cam1").name)
    }

    /// Waits until every crop in `range` has its result (or `timeout` seconds pass); returns the last arrival.
    func awaitResults(_ range: Range<Int>, timeout: Double = 180) async throws -> UInt64 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let received = clock.snapshot().1[range]
            if received.allSatisfy({ $0 > 0 }) { return received.max() ?? 0 }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return clock.snapshot().1[range].max() ?? 0
    }

    /// CPU seconds of this path's database server so far (0 for SQLite, which runs in this process).
    var databaseSeconds: Double { postgres?.pid.map(CPUTime.treeSeconds(pid:)) ?? 0 }

    /// Detections stored.
    func storedCount() async throws -> Int {
        try await aggregators[0].store.detections(.init(), limit: total + 100, cursor: nil).items.count
    }

    /// Stops the aggregators, the agent, the broker and the database server.
    func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in tasks { task.cancel() }
        await agent.disconnect()
        broker.stop()
        postgres?.stop()
    }
}
