// A cluster's sum vector as stored: little-endian float64 bytes.
import FaceRecognition
import Foundation

enum SumCoding {
    static func encode(_ values: [Double]) -> Data {
        var data = Data(capacity: values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decode(_ data: Data) -> [Double] {
        let bytes = [UInt8](data)
        var values = [Double]()
        values.reserveCapacity(bytes.count / 8)
        var i = 0
        while i + 8 <= bytes.count {
            var bits: UInt64 = 0
            for k in 0 ..< 8 { bits |= UInt64(bytes[i + k]) << (8 * k) }
            values.append(Double(bitPattern: bits))
            i += 8
        }
        return values
    }

    /// The stored statistics of a track as a summary; a storage error naming the track when they are damaged.
    static func summary(count: Int, sum: Data, sumOfSquaredNorms: Double, track: TrackRef) throws(CloudError) -> ClusterSummary {
        do {
            return try ClusterSummary(count: count, sum: decode(sum), sumOfSquaredNorms: sumOfSquaredNorms)
        } catch {
            throw CloudError(.storage, "damaged cluster statistics: \(error)",
                             subject: "track \(track.siteID)/\(track.agentID)/\(track.trackID)")
        }
    }
}
