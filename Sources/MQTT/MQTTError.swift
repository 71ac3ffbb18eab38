import CMosquitto
import Foundation

/// A failed MQTT operation: what failed, the libmosquitto error or MQTT v5 reason code, and why in words.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The configuration is invalid (missing certificate file, bad topic, out-of-range option).
        case invalidConfiguration
        /// TCP connect or the TLS handshake failed (unreachable broker, certificate refused or untrusted).
        case connectFailed
        /// The broker answered CONNACK with a failure reason code (e.g. not authorized).
        case connectionRefused
        /// No CONNACK arrived in time.
        case timeout
        /// The connection was lost.
        case connectionLost
        /// The client is not connected, or was disconnected while the operation waited.
        case notConnected
        /// The broker refused a publish (PUBACK reason code ≥ 0x80, e.g. 0x87 not authorized).
        case publishRefused
        /// The broker refused a subscription (SUBACK reason code ≥ 0x80).
        case subscribeRefused
        /// A topic or filter is invalid for the operation.
        case invalidTopic
        /// The payload is too large for MQTT.
        case payloadTooLarge
        /// Any other libmosquitto error.
        case library
    }

    public let code: Code
    /// The libmosquitto `MOSQ_ERR_*` value or the MQTT v5 reason code, when one applies.
    public let reason: Int32?
    /// What went wrong, in words.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, reason: Int32? = nil, detail: String) {
        self.code = code
        self.reason = reason
        self.detail = detail
    }

    /// An error from a libmosquitto return value.
    static func library(_ code: Code, _ rc: Int32, _ context: String) -> MQTTError {
        var text = String(cString: mosquitto_strerror(rc))
        if rc == Int32(MOSQ_ERR_ERRNO.rawValue) {
            text += " (\(String(cString: strerror(errno))))"
        }
        return MQTTError(code, reason: rc, detail: "\(context): \(text)")
    }

    /// An error from an MQTT v5 reason code.
    static func reasonCode(_ code: Code, _ reason: Int32, _ context: String) -> MQTTError {
        MQTTError(code, reason: reason, detail: "\(context): \(String(cString: mosquitto_reason_string(reason))) (0x\(String(reason, radix: 16)))")
    }

    public var description: String { "mqtt \(code.rawValue): \(detail)" }
    public var errorDescription: String? { description }
}
