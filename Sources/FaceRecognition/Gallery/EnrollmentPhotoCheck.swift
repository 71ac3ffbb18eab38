// Whether a photo may enroll a worker: the one check the cloud (and `eval video`) applies, with the reason for
// every refusal. Sharpness is measured on the aligned 150×150 chip (`ChipSharpness`), so a sharp face
// photographed large is not mistaken for a blurred one, and a small face is judged by what the embedder will see.
import Imaging

/// The checks an enrollment photo must pass before its embedding may enter the gallery, in this order: a face;
/// one person (faces much smaller than the largest are the background's, not a second person); the face at least
/// `minimumFacePixels` wide; frontal enough (landmark frontalness, then not in profile by the eye spacing); sharp
/// enough on the aligned chip.
///
/// The defaults are calibrated on the 13,232 faces of LFW-a (docs/performance.md, "Enrollment photos"): chip
/// sharpness 8 refuses 35 of them (0.26%, visibly blurred), landmark frontalness 0.05 refuses 14 (0.11%, heads
/// turned a quarter or more), size 80 px refuses 7 — 43 in all (0.32%); every pinned demo photo passes (its lowest chip sharpness is 138,
/// its lowest frontalness 0.40), and a demo photo blurred with σ of 1/40 of the face width, or turned to a
/// profile, is refused. Real profiles pass dlib's landmark frontalness (it read 0.91 on one), so the detector's
/// eye spacing decides them: below 0.2 of the face width it refuses 3 of celeba-dev's 500 photos (the three
/// profiles among them) and none of 1,054 LFW-a photos, whose lowest spacing is 0.26 (docs/performance.md).
public struct EnrollmentPhotoCheck: Sendable, Equatable {
    /// Smallest accepted face box side (the shorter one), in the photo's pixels.
    public var minimumFacePixels: Float
    /// Smallest accepted Laplacian variance of the aligned chip's face (`ChipSharpness`).
    public var minimumChipSharpness: Float
    /// Smallest accepted frontalness: `FaceQuality.landmarkFrontalness` when measured, else `frontalness`
    /// (profile faces read near 0).
    public var minimumFrontalness: Float
    /// Smallest accepted `FaceQuality.eyeSpacing` (the detector's eyes apart, over the face width), when measured:
    /// the profile test. dlib's five landmarks are trained on frontal faces and place the hidden eye of a profile
    /// where a frontal face has it, so their frontalness reads up to 0.9 on real profiles; the detector's eyes
    /// close up instead.
    public var minimumEyeSpacing: Float
    /// Faces narrower than this fraction of the largest do not count as a second person.
    public var backgroundFaceFraction: Float

    public init(minimumFacePixels: Float = 80, minimumChipSharpness: Float = 8, minimumFrontalness: Float = 0.05,
                minimumEyeSpacing: Float = 0.2, backgroundFaceFraction: Float = 0.5) {
        self.minimumFacePixels = minimumFacePixels
        self.minimumChipSharpness = minimumChipSharpness
        self.minimumFrontalness = minimumFrontalness
        self.minimumEyeSpacing = minimumEyeSpacing
        self.backgroundFaceFraction = backgroundFaceFraction
    }

    /// One face found in the photo: its box and measured quality (with `chipLaplacianVariance`).
    public struct Candidate: Sendable, Equatable {
        public var box: Rect
        public var quality: FaceQuality

        public init(box: Rect, quality: FaceQuality) {
            self.box = box
            self.quality = quality
        }
    }

    /// The index of the photo's one acceptable face, or the reason it is refused: `noFace`, `multipleFaces`,
    /// `faceTooSmall` (skipped when `checkSize` is false: crops of a track, which are small by nature), `notFrontal`
    /// (turned away, or in profile), `blurred`. A face whose chip sharpness was not measured is refused as `invalidInput`.
    public func accept(_ faces: [Candidate], checkSize: Bool = true) throws(RecognitionError) -> Int {
        guard let largest = faces.indices.max(by: { faces[$0].box.width < faces[$1].box.width }) else {
            throw RecognitionError(.noFace, detail: "no face found in the photo")
        }
        let face = faces[largest]
        let people = faces.filter { $0.box.width >= backgroundFaceFraction * face.box.width }.count
        guard people == 1 else {
            throw RecognitionError(.multipleFaces, detail: "\(people) faces found; an enrollment photo shows exactly one")
        }
        let side = min(face.box.width, face.box.height)
        if checkSize, side < minimumFacePixels {
            throw RecognitionError(.faceTooSmall, detail: "face is \(Int(side)) px, at least \(Int(minimumFacePixels)) px needed")
        }
        let frontalness = face.quality.landmarkFrontalness ?? face.quality.frontalness
        guard frontalness >= minimumFrontalness else {
            throw RecognitionError(.notFrontal, detail: String(format: "face turned away (frontalness %.2f, at least %.2f needed)",
                                                               frontalness, minimumFrontalness))
        }
        if let spacing = face.quality.eyeSpacing, spacing < minimumEyeSpacing {
            throw RecognitionError(.notFrontal, detail: String(format: "face in profile (eyes %.2f of the face width apart, at least %.2f needed)",
                                                               spacing, minimumEyeSpacing))
        }
        guard let sharpness = face.quality.chipLaplacianVariance else {
            throw RecognitionError(.invalidInput, detail: "the face's sharpness was not measured on its aligned chip")
        }
        guard sharpness >= minimumChipSharpness else {
            throw RecognitionError(.blurred, detail: String(format: "face too blurred (sharpness %.1f on the aligned face, at least %.1f needed)",
                                                            sharpness, minimumChipSharpness))
        }
        return largest
    }
}
