import Foundation

/// How a client connects: broker, identity, TLS, session, last will, reconnection.
public struct MQTTConfiguration: Sendable {
    /// TLS with a CA and, for mutual TLS, a client certificate and key (PEM files).
    public struct TLS: Sendable {
        public var caFile: String
        public var certificateFile: String?
        public var keyFile: String?
        /// Lowest protocol version: `tlsv1.2` (TLS 1.3 is used when both ends support it) or `tlsv1.3`.
        public var minimumVersion: String
        /// Check the broker certificate's name against the host (turn off only in tests).
        public var verifyHostname: Bool
        /// The TLS 1.2 suites offered (OpenSSL syntax): forward-secret AEAD only, as the broker's
        /// configuration. TLS 1.3's suites are all AEAD.
        public var ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"

        public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil,
                    minimumVersion: String = "tlsv1.2", verifyHostname: Bool = true) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.minimumVersion = minimumVersion
            self.verifyHostname = verifyHostname
        }
    }

    /// The message the broker publishes if the client vanishes without a clean disconnect.
    public struct Will: Sendable {
        public var topic: String
        public var payload: Data
        public var qos: QoS
        public var retain: Bool

        public init(topic: String, payload: Data, qos: QoS = .atLeastOnce, retain: Bool = true) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    public var host: String
    public var port: Int
    /// The MQTT client id; with a persistent session it must be stable across restarts. It must not contain
    /// `/`, `+` or `#` (the broker's pattern ACLs refuse such ids).
    public var clientID: String
    public var tls: TLS?
    /// Seconds between keepalive pings.
    public var keepAlive: Int
    /// Start a new session (true) or resume the stored one (false, the default: messages sent while the client
    /// was away are delivered when it returns).
    public var cleanStart: Bool
    /// How long the broker keeps the session after a disconnect, in seconds (0: ends with the connection).
    public var sessionExpiry: UInt32
    public var will: Will?
    public var reconnect: ReconnectPolicy
    /// Seconds to wait for CONNACK after the TCP connection is up.
    public var connectTimeout: Double
    /// Messages a subscription buffers before dropping (and counting) new ones. Ignored with
    /// `manualAcknowledgements`: the broker's Receive Maximum bounds those buffers, which never drop.
    public var subscriptionBufferLimit: Int
    /// Acknowledge QoS 1 messages only when the application calls `MQTTClient.acknowledge(_:)` (after it
    /// has stored what the message carried), not on receipt. See `MQTTAcknowledgement`.
    public var manualAcknowledgements: Bool
    /// MQTT v5 Receive Maximum sent in CONNECT: how many QoS 1 messages the broker may send before this client
    /// acknowledges them (1…65535). With manual acknowledgements it bounds the messages held unacknowledged.
    public var receiveMaximum: Int

    public init(host: String = "127.0.0.1", port: Int = 8883, clientID: String, tls: TLS?, keepAlive: Int = 30,
                cleanStart: Bool = false, sessionExpiry: UInt32 = 7 * 24 * 3600, will: Will? = nil,
                reconnect: ReconnectPolicy = ReconnectPolicy(), connectTimeout: Double = 10,
                subscriptionBufferLimit: Int = 100_000, manualAcknowledgements: Bool = false,
                receiveMaximum: Int = 20) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.tls = tls
        self.keepAlive = keepAlive
        self.cleanStart = cleanStart
        self.sessionExpiry = sessionExpiry
        self.will = will
        self.reconnect = reconnect
        self.connectTimeout = connectTimeout
        self.subscriptionBufferLimit = subscriptionBufferLimit
        self.manualAcknowledgements = manualAcknowledgements
        self.receiveMaximum = receiveMaximum
    }

    /// Checks the options and that the TLS files exist.
    public func validate() throws {
        guard !host.isEmpty else { throw MQTTError(.invalidConfiguration, detail: "host is empty") }
        guard (1...65_535).contains(port) else { throw MQTTError(.invalidConfiguration, detail: "port \(port) is out of range") }
        guard !clientID.isEmpty, clientID.utf8.count <= 128,
              !clientID.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) else {
            throw MQTTError(.invalidConfiguration, detail: "client id \"\(clientID)\" must be 1-128 bytes without / + #")
        }
        guard (5...65_535).contains(keepAlive) else {
            throw MQTTError(.invalidConfiguration, detail: "keepAlive \(keepAlive) is outside 5...65535 s")
        }
        guard connectTimeout > 0 else { throw MQTTError(.invalidConfiguration, detail: "connectTimeout must be > 0") }
        guard subscriptionBufferLimit > 0 else {
            throw MQTTError(.invalidConfiguration, detail: "subscriptionBufferLimit must be > 0")
        }
        guard (1...65_535).contains(receiveMaximum) else {
            throw MQTTError(.invalidConfiguration, detail: "receiveMaximum \(receiveMaximum) is outside 1...65535")
        }
        try reconnect.validate()
        if let tls {
            for (name, path) in [("caFile", tls.caFile), ("certificateFile", tls.certificateFile), ("keyFile", tls.keyFile)] {
                guard let path else { continue }
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw MQTTError(.invalidConfiguration, detail: "tls.\(name) \(path) is not a readable file")
                }
            }
            guard (tls.certificateFile == nil) == (tls.keyFile == nil) else {
                throw MQTTError(.invalidConfiguration, detail: "tls.certificateFile and tls.keyFile go together")
            }
            guard ["tlsv1.2", "tlsv1.3"].contains(tls.minimumVersion) else {
                throw MQTTError(.invalidConfiguration, detail: "tls.minimumVersion \(tls.minimumVersion) is not tlsv1.2 or tlsv1.3")
            }
        }
        if let will { try MQTTTopic.validateName(will.topic) }
    }
}

/// Topic syntax checks done before anything reaches libmosquitto.
public enum MQTTTopic {
    /// A topic to publish to: non-empty, at most 65,535 bytes, no wildcards, no NUL.
    public static func validateName(_ topic: String) throws {
        guard !topic.isEmpty, topic.utf8.count <= 65_535, !topic.contains("+"), !topic.contains("#"),
              !topic.utf8.contains(0) else {
            throw MQTTError(.invalidTopic, detail: "\"\(topic.prefix(100))\" is not a valid topic to publish to")
        }
    }

    /// A subscription filter (`+` and `#` allowed as whole levels; `$share/{group}/{filter}` allowed).
    public static func validateFilter(_ filter: String) throws {
        let plain = matchFilter(filter)
        let levels = plain.split(separator: "/", omittingEmptySubsequences: false)
        let valid = !plain.isEmpty && filter.utf8.count <= 65_535 && !filter.utf8.contains(0)
            && levels.enumerated().allSatisfy { index, level in
                if level == "#" { return index == levels.count - 1 }
                return level == "+" || (!level.contains("+") && !level.contains("#"))
            }
        guard valid else { throw MQTTError(.invalidTopic, detail: "\"\(filter.prefix(100))\" is not a valid filter") }
    }

    /// The filter messages are matched against: a shared subscription's filter without `$share/{group}/`.
    public static func matchFilter(_ filter: String) -> String {
        guard filter.hasPrefix("$share/") else { return filter }
        let parts = filter.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : ""
    }

    /// Whether `topic` matches `filter` (MQTT wildcard rules; `$` topics only match filters that name them).
    public static func matches(filter: String, topic: String) -> Bool {
        let f = filter.split(separator: "/", omittingEmptySubsequences: false)
        let t = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = f.first, first == "+" || first == "#" { return false }
        var index = 0
        while index < f.count {
            if f[index] == "#" { return true }
            guard index < t.count else { return false }
            if f[index] != "+" && f[index] != t[index] { return false }
            index += 1
        }
        return index == t.count
    }
}
