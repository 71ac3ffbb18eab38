import Imaging
import Neural

/// How an image becomes VGG16's 224×224×3 input, per weight source.
public enum VGG16Preprocessing: String, Sendable, CaseIterable {
    /// `keras.applications` ImageNet weights (Caffe convention): RGB → BGR, 0…255, minus the ImageNet BGR
    /// means (103.939, 116.779, 123.68).
    case imagenetCaffe = "imagenet"
    /// DeepFace's VGG-Face weights with DeepFace's default ("base") normalisation: BGR scaled to 0…1.
    case vggFace = "vgg-face"

    /// The image (gray or RGB, any size) resized bilinearly (half-pixel centres, as OpenCV) to 224×224 and
    /// normalised for this weight source, as 224×224×3 HWC floats.
    public func input(from image: Image) -> [Float] {
        let side = VGG16Weights.inputSize
        let channels = image.channels
        let source = image.pixels.map(Float.init)
        var resized = [Float](repeating: 0, count: side * side * channels)
        source.withUnsafeBufferPointer { src in
            resized.withUnsafeMutableBufferPointer { dst in
                guard let input = src.baseAddress, let output = dst.baseAddress else { return }
                resizeBilinear(input: input, inHeight: image.height, inWidth: image.width, channels: channels,
                               output: output, outHeight: side, outWidth: side, mode: ResizeMode(halfPixelCenters: true))
            }
        }
        var result = [Float](repeating: 0, count: side * side * 3)
        for p in 0 ..< side * side {
            let r = resized[p * channels], g = resized[p * channels + (channels == 3 ? 1 : 0)]
            let b = resized[p * channels + (channels == 3 ? 2 : 0)]
            switch self {
            case .imagenetCaffe:
                result[p * 3] = b - 103.939
                result[p * 3 + 1] = g - 116.779
                result[p * 3 + 2] = r - 123.68
            case .vggFace:
                result[p * 3] = b / 255
                result[p * 3 + 1] = g / 255
                result[p * 3 + 2] = r / 255
            }
        }
        return result
    }
}
