// Reading `config/cloud.yaml` strictly (Configuration's `YAMLSection`): unknown keys refused with their path and
// line, values bounded.
import ConfigFile
import Foundation

extension CloudConfig {
    /// Parses YAML text. Pure: touches no file, network or model. A refusal is `invalidConfig` with the key path
    /// as its subject and the line in its detail.
    public init(yaml text: String) throws(CloudError) {
        self.init()
        do {
            try read(YAMLSection(document: text, allowed: [
                "http", "storage", "retention", "recognition", "mqtt", "gallery", "sites", "dashboard", "metrics",
                "notifications", "webhooks",
            ]))
        } catch {
            let detail = error.line.map { "\(error.detail) (line \($0))" } ?? error.detail
            throw CloudError(.invalidConfig, detail, subject: error.keyPath.isEmpty ? "<root>" : error.keyPath)
        }
    }

    /// Reads every section of the document's root mapping over the defaults.
    private mutating func read(_ top: YAMLSection) throws(ConfigurationError) {

        let http = try top.section("http", allowed: ["host", "port", "max_upload_bytes", "default_page_size",
                                                     "max_page_size", "max_json_bytes"])
        self.http.host = try http.string("host", default: self.http.host)
        self.http.port = try http.int("port", default: self.http.port, in: 0 ... 65535)
        self.http.maxUploadBytes = try http.int("max_upload_bytes", default: self.http.maxUploadBytes,
                                                in: 1024 ... 100 * 1024 * 1024)
        self.http.maxJSONBytes = try http.int("max_json_bytes", default: self.http.maxJSONBytes,
                                              in: 1024 ... 16 * 1024 * 1024)
        self.http.maxPageSize = try http.int("max_page_size", default: self.http.maxPageSize, in: 1 ... 10_000)
        self.http.defaultPageSize = try http.int("default_page_size", default: self.http.defaultPageSize,
                                                 in: 1 ... self.http.maxPageSize)

        let storage = try top.section("storage", allowed: ["database", "crops_dir", "photos_dir", "postgres_url"])
        self.storage.postgresURL = try storage.optionalString("postgres_url")
        self.storage.database = try storage.string("database", default: self.storage.database)
        self.storage.cropsDirectory = try storage.string("crops_dir", default: self.storage.cropsDirectory)
        self.storage.photosDirectory = try storage.string("photos_dir", default: self.storage.photosDirectory)

        let retention = try top.section("retention", allowed: ["known_days", "unknown_days",
                                                               "sweep_interval_seconds", "live_event_hours",
                                                               "notification_days"])
        self.retention.knownDays = try retention.double("known_days", default: self.retention.knownDays,
                                                        in: 0 ... 3650)
        self.retention.unknownDays = try retention.double("unknown_days", default: self.retention.unknownDays,
                                                          in: 0 ... 3650)
        self.retention.sweepIntervalSeconds = try retention.double(
            "sweep_interval_seconds", default: self.retention.sweepIntervalSeconds, in: 1 ... 86400)
        self.retention.liveEventHours = try retention.double("live_event_hours", default: self.retention.liveEventHours,
                                                             in: 0.01 ... 24 * 365)
        self.retention.notificationDays = try retention.double(
            "notification_days", default: self.retention.notificationDays, in: 1 ... 3650)

        let recognition = try top.section("recognition", allowed: [
            "workers", "queue_depth", "match_threshold", "match_margin", "match_ratio", "min_enrollment_face_pixels",
            "min_enrollment_sharpness", "min_enrollment_frontalness", "blas_threads", "emotion_smoothing", "emotion_uncertain_below",
        ])
        self.recognition.workers = try recognition.int("workers", default: self.recognition.workers, in: 0 ... 256)
        self.recognition.queueDepth = try recognition.int("queue_depth", default: self.recognition.queueDepth,
                                                          in: 1 ... 65_535)
        self.recognition.matchThreshold = try recognition.double(
            "match_threshold", default: self.recognition.matchThreshold, in: 0.01 ... 4)
        self.recognition.matchMargin = try recognition.double(
            "match_margin", default: self.recognition.matchMargin, in: 0 ... 2)
        self.recognition.matchRatio = try recognition.double(
            "match_ratio", default: self.recognition.matchRatio, in: 0.05 ... 1)
        self.recognition.minEnrollmentFacePixels = try recognition.int(
            "min_enrollment_face_pixels", default: self.recognition.minEnrollmentFacePixels, in: 16 ... 4096)
        self.recognition.minEnrollmentSharpness = try recognition.double(
            "min_enrollment_sharpness", default: self.recognition.minEnrollmentSharpness, in: 0 ... 100_000)
        self.recognition.minEnrollmentFrontalness = try recognition.double(
            "min_enrollment_frontalness", default: self.recognition.minEnrollmentFrontalness, in: 0 ... 1)
        self.recognition.blasThreads = try recognition.int("blas_threads", default: self.recognition.blasThreads,
                                                           in: 0 ... 256)
        self.recognition.emotionSmoothing = try recognition.double(
            "emotion_smoothing", default: self.recognition.emotionSmoothing, in: 0.01 ... 1)
        self.recognition.emotionUncertainBelow = try recognition.double(
            "emotion_uncertain_below", default: self.recognition.emotionUncertainBelow, in: 0 ... 1)

        let mqtt = try top.section("mqtt", allowed: ["host", "port", "ca", "cert", "key", "client_id", "share_group",
                                                     "max_message_bytes"])
        self.mqtt.host = try mqtt.optionalString("host")
        self.mqtt.port = try mqtt.int("port", default: self.mqtt.port, in: 1 ... 65535)
        self.mqtt.caFile = try mqtt.optionalString("ca")
        self.mqtt.certificateFile = try mqtt.optionalString("cert")
        self.mqtt.keyFile = try mqtt.optionalString("key")
        self.mqtt.clientID = try mqtt.string("client_id", default: self.mqtt.clientID)
        self.mqtt.shareGroup = try mqtt.string("share_group", default: self.mqtt.shareGroup)
        self.mqtt.maxMessageBytes = try mqtt.int("max_message_bytes", default: self.mqtt.maxMessageBytes,
                                                 in: 1024 ... 16 * 1024 * 1024)
        if self.mqtt.host != nil, self.mqtt.caFile == nil || self.mqtt.certificateFile == nil || self.mqtt.keyFile == nil {
            throw mqtt.error(nil, .missing, "ca, cert and key are required when host is set")
        }

        try readDashboardAndMetrics(top)
        try readNotificationsAndWebhooks(top)

        let gallery = try top.section("gallery", allowed: ["signing_key", "max_age_hours"])
        self.gallery.signingKeyFile = try gallery.string("signing_key", default: self.gallery.signingKeyFile)
        self.gallery.maxAgeHours = try gallery.double("max_age_hours", default: self.gallery.maxAgeHours,
                                                      in: 1 ... 24 * 400)

        for site in try top.sections("sites", allowed: ["id", "name", "emotion"]) {
            let id = try site.identifier("id")
            guard !sites.contains(where: { $0.id == id }) else {
                throw site.error("id", .conflict, "duplicate site id \(id)")
            }
            sites.append(Site(id: id, name: try site.string("name", default: id),
                              emotion: try site.bool("emotion", default: false)))
        }
    }

    /// Reads and parses a configuration file.
    public init(contentsOf path: String) throws(CloudError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CloudError(.invalidConfig, "cannot read: \(error.localizedDescription)", subject: path)
        }
        do {
            try self.init(yaml: text)
        } catch {
            var located = error
            located.subject = "\(path): \(error.subject ?? "<root>")"
            throw located
        }
    }
}
