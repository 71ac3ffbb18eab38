// Imaging's crop, resize and JPEG encoder behind the pipeline's crop seam.
import Imaging

/// Cuts face regions (clamped to the frame) and encodes them as JPEG, scaled up to the minimum size.
public struct ImagingCropRenderer: CropRendering {
    public init() {}

    public func cut(_ image: Image, box: Rect) throws -> Image {
        try image.cropped(covering: box, outside: .clamp)
    }

    public func jpeg(_ image: Image, minSide: Int, quality: Int) throws -> EncodedCrop {
        let shorter = min(image.width, image.height)
        var scaled = image
        if shorter < minSide {
            let scale = Double(minSide) / Double(shorter)
            scaled = try image.resized(width: max(minSide, Int((Double(image.width) * scale).rounded())),
                                       height: max(minSide, Int((Double(image.height) * scale).rounded())))
        }
        return EncodedCrop(bytes: try scaled.jpegData(quality: quality), width: scaled.width, height: scaled.height)
    }
}
