import ConfigFile
import Foundation
import Testing
@testable import Agent

@Suite struct AgentConfigTests {
    static let minimal = """
        site: hq
        agent_id: door-1
        broker:
          host: broker.local
          ca_file: /etc/ca.pem
          cert_file: /etc/agent.pem
          key_file: /etc/agent.key
        cameras:
          - id: entrance
            source: {kind: v4l2, device: /dev/video0}
          - id: demo
            source: {kind: mjpeg, path: /tmp/demo.mjpeg, loop: false}
            rate: 30
            detector: full
        """

    /// The error a configuration text produces (fails the test if it parses).
    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try AgentConfig.parse(yaml: yaml)
            Issue.record("expected the configuration to be refused")
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalConfigTakesDefaults() throws {
        let config = try AgentConfig.parse(yaml: Self.minimal)
        #expect(config.site == "hq")
        #expect(config.mode == .cloudMatch)
        #expect(config.broker.port == 8883)
        #expect(config.cameras.count == 2)
        #expect(config.cameras[0].source == .v4l2(device: "/dev/video0"))
        #expect(config.cameras[0].rate == 15)
        #expect(config.cameras[1].source == .mjpeg(path: "/tmp/demo.mjpeg", loop: false))
        #expect(config.cameras[1].detector == .full)
        #expect(config.crops.minSizePixels == 160)
        #expect(config.tracking.maxGapSeconds == 1.0, "gaps are measured in time")
        #expect(config.tracking.maxMissedFrames == nil)
        #expect(config.status.metricsPort == nil)
    }

    @Test func localMatchThresholdsAreRefusedWithTheReason() throws {
        // The match policy arrives with the signed gallery: an agent-side threshold would decide unlike the cloud.
        for key in ["match_threshold", "match_margin"] {
            let error = failure(Self.minimal + "\ngallery:\n  \(key): 0.4\n")
            #expect(error?.keyPath == "gallery.\(key)" && error?.code == .retiredKey && error?.line == 16)
            #expect(error?.description.contains("arrives with the signed gallery") == true)
        }
    }

    @Test func shippedExampleIsValid() throws {
        let config = try AgentConfig.load(path: "config/agent.yaml")
        #expect(config.cameras.first?.id == "entrance")
    }

    @Test func outOfRangeValueNamesIndexedKeyPath() {
        let error = failure(Self.minimal.replacingOccurrences(of: "rate: 30", with: "rate: 90"))
        #expect(error?.code == .outOfRange)
        #expect(error?.keyPath == "cameras[1].rate")
        #expect(error?.description.hasPrefix("cameras[1].rate: must be 1...60") == true)
        #expect(error?.line == 13)
    }

    @Test func unknownKeyIsRefused() {
        let error = failure(Self.minimal + "\ncrops:\n  min_qualty: 0.4\n")
        #expect(error?.code == .unknownKey)
        #expect(error?.keyPath == "crops.min_qualty")
    }

    @Test func missingRequiredKeyIsNamed() {
        let error = failure(Self.minimal.replacingOccurrences(of: "  host: broker.local\n", with: ""))
        #expect(error?.code == .missing)
        #expect(error?.keyPath == "broker.host")
    }

    @Test func wrongTypeIsNamed() {
        let error = failure(Self.minimal + "\nstatus:\n  heartbeat_s: often\n")
        #expect(error?.code == .wrongType)
        #expect(error?.keyPath == "status.heartbeat_s")
    }

    @Test func duplicateCameraIDsConflict() {
        let error = failure(Self.minimal.replacingOccurrences(of: "id: demo", with: "id: entrance"))
        #expect(error?.code == .conflict)
        #expect(error?.keyPath == "cameras[1].id")
    }

    @Test func duplicateKeyIsRefused() {
        let error = failure(Self.minimal + "\nsite: other\n")
        #expect(error?.code == .duplicateKey)
        #expect(error?.keyPath == "site")
    }

    @Test func unknownEnumValueListsChoices() {
        let error = failure(Self.minimal + "\nmode: cloudy\n")
        #expect(error?.keyPath == "mode")
        #expect(error?.detail.contains("cloud-match, edge-match, privacy") == true)
    }

    @Test func edgeMatchRequiresGalleryKey() {
        let error = failure(Self.minimal + "\nmode: edge-match\n")
        #expect(error?.keyPath == "gallery.public_key")
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(throws: Never.self) {
            try AgentConfig.parse(yaml: Self.minimal + "\nmode: edge-match\ngallery:\n  public_key: \(key)\n")
        }
        let bad = failure(Self.minimal + "\ngallery:\n  public_key: c2hvcnQ=\n")
        #expect(bad?.keyPath == "gallery.public_key")
    }

    @Test func sourceKeysMustFitTheKind() {
        let error = failure(Self.minimal.replacingOccurrences(of: "{kind: v4l2, device: /dev/video0}",
                                                              with: "{kind: v4l2, path: /tmp/x}"))
        #expect(error?.keyPath == "cameras[0].source.path")
        let kind = failure(Self.minimal.replacingOccurrences(of: "kind: mjpeg", with: "kind: rtsp"))
        #expect(kind?.keyPath == "cameras[1].source.kind")
    }

    @Test func syntaxErrorAndNonMappingAreTyped() {
        #expect(failure("site: [unclosed")?.code == .syntax)
        #expect(failure("- just\n- a list\n")?.code == .wrongType)
        #expect(failure("")?.code == .missing, "an empty file has no cameras")
    }

    @Test func identifiersMustBeTopicSafe() {
        let error = failure(Self.minimal.replacingOccurrences(of: "site: hq", with: "site: hq/+"))
        #expect(error?.keyPath == "site")
        #expect(error?.code == .outOfRange)
    }
}
