// The webhook signature: `X-Rollcall-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
// "<unix seconds>.<body>" with the endpoint's secret. The timestamp inside the signed text lets a receiver
// refuse replays of old deliveries; the delivery id header lets it drop a retry it already processed.
import Crypto
import Foundation

/// Signs webhook bodies and checks signatures (receivers in other languages do the same in a few lines).
public enum WebhookSignature {
    /// The header carrying the signature.
    public static let header = "X-Rollcall-Signature"
    /// The header carrying the delivery id (the same on every attempt of one delivery).
    public static let deliveryHeader = "X-Rollcall-Delivery"
    /// The header carrying the event kind.
    public static let eventHeader = "X-Rollcall-Event"

    /// The signature header value for `body` sent at `timestamp` (Unix seconds).
    public static func sign(_ body: Data, timestamp: Int64, secret: String) -> String {
        "t=\(timestamp),v1=\(hex(mac(body, timestamp: timestamp, secret: secret)))"
    }

    /// Whether `value` is a valid signature of `body` with `secret`, made within `tolerance` seconds of `now`.
    /// Compares in constant time.
    public static func verify(_ value: String, body: Data, secret: String, now: Date = Date(),
                              tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?, signature: [UInt8]?
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return false }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": signature = bytes(hex: pair[1])
            default: continue
            }
        }
        guard let timestamp, let signature, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else {
            return false
        }
        let key = SymmetricKey(data: Data(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed(body, timestamp), using: key)
    }

    private static func signed(_ body: Data, _ timestamp: Int64) -> Data {
        Data("\(timestamp).".utf8) + body
    }

    private static func mac(_ body: Data, timestamp: Int64, secret: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: signed(body, timestamp), using: SymmetricKey(data: Data(secret.utf8))))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index ..< next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
