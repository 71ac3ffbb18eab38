// Sharpness measured where it does not depend on the photo's resolution: on the aligned face chip (dlib's
// 150×150, the image the embedder sees). On the raw face box, a sharp face photographed large spreads its detail
// over many pixels and reads as blurred (a 313-px face measured 19.4 on the box); on the chip every face is the
// same size, so one threshold means the same thing for every photo.
import Imaging

/// Focus of an aligned face chip.
public enum ChipSharpness {
    /// Variance of the Laplacian over the chip's central two thirds (the face, without the chip's padding of
    /// background and hair), on grey levels; 0 for a chip too small to measure.
    public static func laplacianVariance(ofChip chip: Image) -> Float {
        let inset = Float(min(chip.width, chip.height)) / 6
        return Sharpness.laplacianVariance(of: chip, in: Rect(x: inset, y: inset, width: Float(chip.width) - 2 * inset,
                                                              height: Float(chip.height) - 2 * inset))
    }
}
