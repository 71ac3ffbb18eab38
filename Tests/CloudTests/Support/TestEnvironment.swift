// A fresh aggregator on real SQLite and real files in a temporary folder, with admin and viewer tokens.
import Cloud
import Foundation
import Logging

struct TestEnvironment {
    let root: URL
    let config: CloudConfig
    let store: SQLiteStore
    let recognizer = ScriptedRecognizer()
    let fleet = RecordingFleet()
    let metrics = CloudMetrics()
    let aggregator: Aggregator
    let adminToken: String
    let viewerToken: String

    init(configure: (inout CloudConfig) -> Void = { _ in }) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-cloud-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var config = CloudConfig()
        config.http.port = 0
        config.storage.database = root.appendingPathComponent("db/rollcall.sqlite").path
        config.storage.cropsDirectory = root.appendingPathComponent("crops").path
        config.storage.photosDirectory = root.appendingPathComponent("photos").path
        config.gallery.signingKeyFile = root.appendingPathComponent("gallery.key").path
        config.sites = [.init(id: "hq", name: "Headquarters", emotion: true),
                        .init(id: "depot", name: "Depot", emotion: false)]
        configure(&config)
        self.config = config
        store = try SQLiteStore(path: config.storage.database)
        aggregator = Aggregator(config: config, store: store, recognizer: recognizer, fleet: fleet,
                                signer: try GallerySigner(keyFile: config.gallery.signingKeyFile), metrics: metrics,
                                logger: Logger(label: "test"))
        try await aggregator.load()
        let tokens = TokenIssuer(store: store)
        adminToken = try await tokens.create(name: "test-admin", role: .admin).secret
        viewerToken = try await tokens.create(name: "test-viewer", role: .viewer).secret
    }

    var components: CloudComponents {
        CloudComponents(store: store, recognizer: recognizer, fleet: fleet,
                        signer: GallerySigner(), metrics: metrics)
    }

    /// Registers an agent as its status message would.
    func registerAgent(_ id: String = "agent-1", site: String = "hq") async throws {
        try await aggregator.agentReported(id: id, siteID: site, status: "online", framesPerSecond: 12.5,
                                           outboxDepth: 0)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// Every regular file under a folder (relative paths).
    func files(under folder: String) -> [String] {
        let url = URL(fileURLWithPath: folder)
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return enumerator.compactMap { item in
            guard let file = item as? URL, (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
            else { return nil }
            return file.path
        }
    }
}
