// Pure choices made while opening a camera: which pixel format and which frame size. Tested without a device.

/// A pixel format the device offers (from VIDIOC_ENUM_FMT).
public struct V4L2FormatOffer: Sendable, Equatable {
    /// The fourcc, e.g. `MJPG`.
    public var fourcc: UInt32
    /// True when libv4l2 converts to it in software (V4L2_FMT_FLAG_EMULATED): never chosen.
    public var emulated: Bool

    public init(fourcc: UInt32, emulated: Bool = false) {
        self.fourcc = fourcc
        self.emulated = emulated
    }
}

/// The frame sizes a device offers for a format (from VIDIOC_ENUM_FRAMESIZES).
public enum V4L2SizeOffer: Sendable, Equatable {
    /// A list of fixed sizes.
    case discrete([(width: Int, height: Int)])
    /// Any size in a range with steps.
    case stepwise(minWidth: Int, maxWidth: Int, stepWidth: Int, minHeight: Int, maxHeight: Int, stepHeight: Int)
    /// The driver does not enumerate sizes; ask and let it adjust.
    case unknown

    public static func == (lhs: V4L2SizeOffer, rhs: V4L2SizeOffer) -> Bool {
        switch (lhs, rhs) {
        case (.discrete(let a), .discrete(let b)): return a.elementsEqual(b) { $0 == $1 }
        case let (.stepwise(a, b, c, d, e, f), .stepwise(g, h, i, j, k, l)): return [a, b, c, d, e, f] == [g, h, i, j, k, l]
        case (.unknown, .unknown): return true
        default: return false
        }
    }
}

/// Format and size choice.
public enum V4L2Negotiation {
    /// `MJPG`: Motion-JPEG, preferred (least USB bandwidth at a given size).
    public static let mjpeg = fourcc("MJPG")
    /// `JPEG`: some drivers' name for the same thing.
    public static let jpeg = fourcc("JPEG")
    /// `YUYV`: packed 4:2:2, the universal uncompressed webcam format.
    public static let yuyv = fourcc("YUYV")
    /// Preference order.
    public static let preferred = [mjpeg, jpeg, yuyv]

    /// The fourcc of a four-character code.
    public static func fourcc(_ text: String) -> UInt32 {
        let bytes = Array(text.utf8.prefix(4)) + [UInt8](repeating: 0x20, count: max(0, 4 - text.utf8.count))
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    /// The four characters of a fourcc.
    public static func name(_ fourcc: UInt32) -> String {
        String(decoding: (0 ..< 4).map { UInt8(truncatingIfNeeded: fourcc >> (8 * $0)) }, as: UTF8.self)
    }

    /// The first of `preferred` that the device offers natively, or nil.
    public static func chooseFormat(from offers: [V4L2FormatOffer]) -> UInt32? {
        let native = Set(offers.filter { !$0.emulated }.map(\.fourcc))
        return preferred.first { native.contains($0) }
    }

    /// The offered size closest to `width`×`height`: an exact match, else the smallest difference in pixel
    /// count (ties: the larger size).
    public static func chooseSize(from offer: V4L2SizeOffer, width: Int, height: Int) -> (width: Int, height: Int) {
        switch offer {
        case .unknown:
            return (width, height)
        case .discrete(let sizes):
            guard !sizes.isEmpty else { return (width, height) }
            if let exact = sizes.first(where: { $0.width == width && $0.height == height }) { return exact }
            let wanted = width * height
            return sizes.min { a, b in
                let da = abs(a.width * a.height - wanted), db = abs(b.width * b.height - wanted)
                return da != db ? da < db : a.width * a.height > b.width * b.height
            } ?? (width, height)
        case let .stepwise(minW, maxW, stepW, minH, maxH, stepH):
            func fit(_ v: Int, _ lo: Int, _ hi: Int, _ step: Int) -> Int {
                let clamped = min(max(v, lo), max(lo, hi))
                let s = max(1, step)
                return lo + (clamped - lo) / s * s
            }
            return (fit(width, minW, maxW, stepW), fit(height, minH, maxH, stepH))
        }
    }
}
