// Small deterministic images shared by the Imaging tests.
import Foundation
@testable import Imaging

enum TestImages {
    /// A smooth RGB gradient (compresses well, so JPEG round trips stay close).
    static func gradient(width: Int, height: Int) throws -> Image {
        try Image(width: width, height: height, format: .rgb) { out in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let i = (y * width + x) * 3
                    out[i] = UInt8(x * 255 / max(1, width - 1))
                    out[i + 1] = UInt8(y * 255 / max(1, height - 1))
                    out[i + 2] = UInt8((x + y) * 127 / max(1, width + height - 2))
                }
            }
        }
    }

    /// A gray image from a formula of (x, y).
    static func gray(width: Int, height: Int, _ value: (Int, Int) -> Int) throws -> Image {
        try Image(width: width, height: height, format: .gray) { out in
            for y in 0 ..< height { for x in 0 ..< width { out[y * width + x] = UInt8(value(x, y) & 255) } }
        }
    }

    /// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0 ..< count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func maxDifference(_ a: Image, _ b: Image) -> Int {
        zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }
}
