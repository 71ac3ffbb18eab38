// Reading `agent.yaml`: strict (unknown keys refused), defaults and bounds in one place, pure (no network,
// no model resolution, no file other than the one given).
import Foundation
import ConfigFile

extension AgentConfig {
    /// Reads and validates the configuration file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(.unreadable, keyPath: "", detail: "cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text)
    }

    /// Parses and validates configuration text.
    public static func parse(yaml: String) throws(ConfigurationError) -> AgentConfig {
        let top = try YAMLSection(document: yaml, allowed: [
            "site", "agent_id", "mode", "broker", "cameras", "detection", "tracking", "crops", "outbox", "gallery",
            "status",
        ])
        let cameraSections = try top.sections("cameras", allowed: CameraConfig.keys, required: true)
        guard !cameraSections.isEmpty else { throw top.error("cameras", .outOfRange, "must list at least one camera") }
        guard cameraSections.count <= 16 else { throw top.error("cameras", .outOfRange, "at most 16 cameras per agent") }
        var cameras: [CameraConfig] = []
        for section in cameraSections {
            let camera = try CameraConfig.parse(section)
            if cameras.contains(where: { $0.id == camera.id }) {
                throw section.error("id", .conflict, "camera id \"\(camera.id)\" is used twice")
            }
            cameras.append(camera)
        }
        let config = AgentConfig(
            site: try top.identifier("site"),
            agentID: try top.identifier("agent_id"),
            mode: try top.choice("mode", default: .cloudMatch),
            broker: try BrokerConfig.parse(top.section("broker", allowed: BrokerConfig.keys)),
            cameras: cameras,
            detection: try DetectionConfig.parse(top.section("detection", allowed: DetectionConfig.keys)),
            tracking: try TrackingConfig.parse(top.section("tracking", allowed: TrackingConfig.keys)),
            crops: try CropConfig.parse(top.section("crops", allowed: CropConfig.keys)),
            outbox: try OutboxConfig.parse(top.section("outbox", allowed: OutboxConfig.keys)),
            gallery: try GalleryConfig.parse(top.section("gallery", allowed: GalleryConfig.keys,
                                                         retired: GalleryConfig.retiredKeys)),
            status: try StatusConfig.parse(top.section("status", allowed: StatusConfig.keys))
        )
        if config.mode != .cloudMatch, config.gallery.publicKey == nil {
            throw ConfigurationError(.missing, keyPath: "gallery.public_key",
                                     detail: "required in \(config.mode.rawValue) mode (galleries must be verified)")
        }
        return config
    }
}

extension BrokerConfig {
    static let keys: Set<String> = ["host", "port", "ca_file", "cert_file", "key_file", "keepalive_s"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> BrokerConfig {
        BrokerConfig(
            host: try map.string("host"),
            port: try map.int("port", default: 8883, in: 1...65535),
            caFile: try map.string("ca_file"),
            certFile: try map.string("cert_file"),
            keyFile: try map.string("key_file"),
            keepAliveSeconds: try map.int("keepalive_s", default: 30, in: 5...600)
        )
    }
}

extension CameraConfig {
    static let keys: Set<String> = ["id", "source", "width", "height", "rate", "detector", "queue_depth"]
    static let sourceKeys: Set<String> = ["kind", "device", "path", "loop"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> CameraConfig {
        guard map.has("source") else { throw map.error("source", .missing, "required") }
        let sourceMap = try map.section("source", allowed: sourceKeys)
        let kind = try sourceMap.string("kind")
        let source: Source
        switch kind {
        case "v4l2":
            guard !sourceMap.has("path"), !sourceMap.has("loop") else {
                throw sourceMap.error(sourceMap.has("path") ? "path" : "loop", .conflict, "not used by a v4l2 source")
            }
            source = .v4l2(device: try sourceMap.string("device", default: "/dev/video0"))
        case "folder", "mjpeg":
            guard !sourceMap.has("device") else { throw sourceMap.error("device", .conflict, "not used by a \(kind) source") }
            let path = try sourceMap.string("path")
            let loop = try sourceMap.bool("loop", default: true)
            source = kind == "folder" ? .folder(path: path, loop: loop) : .mjpeg(path: path, loop: loop)
        default:
            throw sourceMap.error("kind", .outOfRange, "must be one of v4l2, folder, mjpeg (got \"\(kind)\")")
        }
        return CameraConfig(
            id: try map.identifier("id"),
            source: source,
            width: try map.int("width", default: 640, in: 64...4096),
            height: try map.int("height", default: 480, in: 64...4096),
            rate: try map.int("rate", default: 15, in: 1...60),
            detector: try map.choice("detector", default: .short),
            queueDepth: try map.int("queue_depth", default: 2, in: 1...64)
        )
    }
}

extension DetectionConfig {
    static let keys: Set<String> = ["min_score", "min_face_px"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> DetectionConfig {
        DetectionConfig(
            minScore: try map.float("min_score", default: 0.6, in: 0.05...1),
            minFacePixels: try map.int("min_face_px", default: 24, in: 0...1024)
        )
    }
}

extension TrackingConfig {
    static let keys: Set<String> = ["iou_threshold", "max_gap_s", "max_missed_frames"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> TrackingConfig {
        TrackingConfig(
            iouThreshold: try map.float("iou_threshold", default: 0.3, in: 0.01...0.99),
            maxGapSeconds: try map.double("max_gap_s", default: 1.0, in: 0.05...60),
            maxMissedFrames: try map.optionalInt("max_missed_frames", in: 1...600)
        )
    }
}

extension CropConfig {
    static let keys: Set<String> = [
        "min_quality", "improve_interval_s", "min_improvement", "margin", "min_size_px", "jpeg_quality",
    ]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> CropConfig {
        CropConfig(
            minQuality: try map.float("min_quality", default: 0.5, in: 0...1),
            improveIntervalSeconds: try map.double("improve_interval_s", default: 5, in: 0.1...3600),
            minImprovement: try map.float("min_improvement", default: 0.05, in: 0...1),
            margin: try map.float("margin", default: 0.25, in: 0...2),
            minSizePixels: try map.int("min_size_px", default: 160, in: 160...1024),
            jpegQuality: try map.int("jpeg_quality", default: 90, in: 1...100)
        )
    }
}

extension OutboxConfig {
    static let keys: Set<String> = ["path", "max_bytes"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> OutboxConfig {
        OutboxConfig(
            path: try map.string("path", default: "/var/lib/rollcall-agent/outbox"),
            maxBytes: try map.int("max_bytes", default: 1 << 30, in: (1 << 20)...(1 << 40))
        )
    }
}

extension GalleryConfig {
    static let keys: Set<String> = ["path", "public_key"]
    /// Keys older agents read, refused with what replaced them.
    static let retiredKeys: [String: String] = [
        "match_threshold": retiredMatchKey, "match_margin": retiredMatchKey,
    ]
    static let retiredMatchKey = "no longer read: the match policy arrives with the signed gallery "
        + "(set recognition.match_threshold and match_margin on the cloud)"

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> GalleryConfig {
        let key = try map.optionalString("public_key")
        if let key {
            guard let raw = Data(base64Encoded: key), raw.count == 32 else {
                throw map.error("public_key", .outOfRange, "must be the base64 of a 32-byte Ed25519 public key")
            }
        }
        return GalleryConfig(
            path: try map.string("path", default: "/var/lib/rollcall-agent/gallery"),
            publicKey: key
        )
    }
}

extension StatusConfig {
    static let keys: Set<String> = ["heartbeat_s", "metrics_port", "metrics_address"]

    static func parse(_ map: YAMLSection) throws(ConfigurationError) -> StatusConfig {
        let address = try map.string("metrics_address", default: "127.0.0.1")
        var parsed = in_addr()
        guard inet_pton(AF_INET, address, &parsed) == 1 else {
            throw map.error("metrics_address", .outOfRange, "must be an IPv4 address such as 127.0.0.1 (got \"\(address)\")")
        }
        return StatusConfig(
            heartbeatSeconds: try map.int("heartbeat_s", default: 30, in: 1...3600),
            metricsPort: try map.optionalInt("metrics_port", in: 1...65535),
            metricsAddress: address
        )
    }
}
