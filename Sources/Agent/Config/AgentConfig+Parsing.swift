// Reading `agent.yaml`: strict (unknown keys refused), defaults and bounds in one place, pure (no network,
// no model resolution, no file other than the one given).
import Foundation
import Yams

extension AgentConfig {
    /// Reads and validates the configuration file at `path`.
    public static func load(path: String) throws(AgentConfigError) -> AgentConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AgentConfigError(.unreadable, keyPath: "", detail: "cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text)
    }

    /// Parses and validates configuration text.
    public static func parse(yaml: String) throws(AgentConfigError) -> AgentConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw AgentConfigError(.syntax, keyPath: "", detail: "not valid YAML: \(error)")
        }
        let top = try ConfigMapping(ConfigNode(root, path: ""), allowed: [
            "site", "agent_id", "mode", "broker", "cameras", "detection", "tracking", "crops", "outbox", "gallery",
            "status",
        ])
        let cameraNodes = try top.sequence("cameras")
        guard !cameraNodes.isEmpty else { throw top["cameras"].error(.outOfRange, "must list at least one camera") }
        guard cameraNodes.count <= 16 else { throw top["cameras"].error(.outOfRange, "at most 16 cameras per agent") }
        var cameras: [CameraConfig] = []
        for node in cameraNodes {
            let camera = try CameraConfig.parse(node)
            if cameras.contains(where: { $0.id == camera.id }) {
                throw AgentConfigError(.conflict, keyPath: "\(node.path).id", detail: "camera id \"\(camera.id)\" is used twice",
                                       line: node.line)
            }
            cameras.append(camera)
        }
        let config = AgentConfig(
            site: try top.identifier("site"),
            agentID: try top.identifier("agent_id"),
            mode: try top.choice("mode", default: .cloudMatch),
            broker: try BrokerConfig.parse(top.mapping("broker", allowed: BrokerConfig.keys)),
            cameras: cameras,
            detection: try DetectionConfig.parse(top.mapping("detection", allowed: DetectionConfig.keys)),
            tracking: try TrackingConfig.parse(top.mapping("tracking", allowed: TrackingConfig.keys)),
            crops: try CropConfig.parse(top.mapping("crops", allowed: CropConfig.keys)),
            outbox: try OutboxConfig.parse(top.mapping("outbox", allowed: OutboxConfig.keys)),
            gallery: try GalleryConfig.parse(top.mapping("gallery", allowed: GalleryConfig.keys)),
            status: try StatusConfig.parse(top.mapping("status", allowed: StatusConfig.keys))
        )
        if config.mode != .cloudMatch, config.gallery.publicKey == nil {
            throw AgentConfigError(.missing, keyPath: "gallery.public_key",
                                   detail: "required in \(config.mode.rawValue) mode (galleries must be verified)")
        }
        return config
    }
}

extension BrokerConfig {
    static let keys: Set<String> = ["host", "port", "ca_file", "cert_file", "key_file", "keepalive_s"]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> BrokerConfig {
        BrokerConfig(
            host: try map.string("host"),
            port: try map.int("port", in: 1...65535, default: 8883),
            caFile: try map.string("ca_file"),
            certFile: try map.string("cert_file"),
            keyFile: try map.string("key_file"),
            keepAliveSeconds: try map.int("keepalive_s", in: 5...600, default: 30)
        )
    }
}

extension CameraConfig {
    static let keys: Set<String> = ["id", "source", "width", "height", "rate", "detector", "queue_depth"]
    static let sourceKeys: Set<String> = ["kind", "device", "path", "loop"]

    static func parse(_ node: ConfigNode) throws(AgentConfigError) -> CameraConfig {
        let map = try ConfigMapping(node, allowed: keys)
        let sourceMap = try ConfigMapping(map["source"], allowed: sourceKeys)
        let kind = try sourceMap.string("kind")
        let source: Source
        switch kind {
        case "v4l2":
            guard sourceMap["path"].isAbsent, sourceMap["loop"].isAbsent else {
                throw sourceMap[sourceMap["path"].isAbsent ? "loop" : "path"].error(.conflict, "not used by a v4l2 source")
            }
            source = .v4l2(device: try sourceMap.string("device", default: "/dev/video0"))
        case "folder", "mjpeg":
            guard sourceMap["device"].isAbsent else { throw sourceMap["device"].error(.conflict, "not used by a \(kind) source") }
            let path = try sourceMap.string("path")
            let loop = try sourceMap.bool("loop", default: true)
            source = kind == "folder" ? .folder(path: path, loop: loop) : .mjpeg(path: path, loop: loop)
        default:
            throw sourceMap["kind"].error(.outOfRange, "must be one of v4l2, folder, mjpeg (got \"\(kind)\")")
        }
        return CameraConfig(
            id: try map.identifier("id"),
            source: source,
            width: try map.int("width", in: 64...4096, default: 640),
            height: try map.int("height", in: 64...4096, default: 480),
            rate: try map.int("rate", in: 1...60, default: 15),
            detector: try map.choice("detector", default: .short),
            queueDepth: try map.int("queue_depth", in: 1...64, default: 2)
        )
    }
}

extension DetectionConfig {
    static let keys: Set<String> = ["min_score", "min_face_px"]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> DetectionConfig {
        DetectionConfig(
            minScore: try map.float("min_score", in: 0.05...1, default: 0.6),
            minFacePixels: try map.int("min_face_px", in: 0...1024, default: 24)
        )
    }
}

extension TrackingConfig {
    static let keys: Set<String> = ["iou_threshold", "max_gap_s", "max_missed_frames"]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> TrackingConfig {
        TrackingConfig(
            iouThreshold: try map.float("iou_threshold", in: 0.01...0.99, default: 0.3),
            maxGapSeconds: try map.double("max_gap_s", in: 0.05...60, default: 1.0),
            maxMissedFrames: try map.optionalInt("max_missed_frames", in: 1...600)
        )
    }
}

extension CropConfig {
    static let keys: Set<String> = [
        "min_quality", "improve_interval_s", "min_improvement", "margin", "min_size_px", "jpeg_quality",
    ]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> CropConfig {
        CropConfig(
            minQuality: try map.float("min_quality", in: 0...1, default: 0.5),
            improveIntervalSeconds: try map.double("improve_interval_s", in: 0.1...3600, default: 5),
            minImprovement: try map.float("min_improvement", in: 0...1, default: 0.05),
            margin: try map.float("margin", in: 0...2, default: 0.25),
            minSizePixels: try map.int("min_size_px", in: 160...1024, default: 160),
            jpegQuality: try map.int("jpeg_quality", in: 1...100, default: 90)
        )
    }
}

extension OutboxConfig {
    static let keys: Set<String> = ["path", "max_bytes"]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> OutboxConfig {
        OutboxConfig(
            path: try map.string("path", default: "/var/lib/rollcall-agent/outbox"),
            maxBytes: try map.int("max_bytes", in: (1 << 20)...(1 << 40), default: 1 << 30)
        )
    }
}

extension GalleryConfig {
    static let keys: Set<String> = ["path", "public_key", "match_threshold", "match_margin"]

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> GalleryConfig {
        for retired in ["match_threshold", "match_margin"] where !map[retired].isAbsent {
            throw map[retired].error(.unknownKey, "no longer read: the match policy arrives with the signed gallery "
                                     + "(set recognition.match_threshold and match_margin on the cloud)")
        }
        let key = try map.optionalString("public_key")
        if let key {
            guard let raw = Data(base64Encoded: key), raw.count == 32 else {
                throw map["public_key"].error(.outOfRange, "must be the base64 of a 32-byte Ed25519 public key")
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

    static func parse(_ map: ConfigMapping) throws(AgentConfigError) -> StatusConfig {
        let address = try map.string("metrics_address", default: "127.0.0.1")
        var parsed = in_addr()
        guard inet_pton(AF_INET, address, &parsed) == 1 else {
            throw map["metrics_address"].error(.outOfRange, "must be an IPv4 address such as 127.0.0.1 (got \"\(address)\")")
        }
        return StatusConfig(
            heartbeatSeconds: try map.int("heartbeat_s", in: 1...3600, default: 30),
            metricsPort: try map.optionalInt("metrics_port", in: 1...65535),
            metricsAddress: address
        )
    }
}
