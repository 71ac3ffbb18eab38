// A face as an agent ships it: its JPEG crop and the face's geometry in the JPEG's own pixels. Both the agent
// (edge-match) and the cloud open it here, so both embed the same pixels from the same geometry and reach the
// same decision; the cloud never runs a detector on a crop.
import FaceDetection
import Foundation
import Imaging

/// A shipped crop decoded for embedding, with the face placed in the decoded pixels.
public struct ShippedFace: Sendable {
    /// The decoded crop (RGB; as stored, EXIF orientation not applied: the geometry refers to the stored pixels).
    public let image: Image
    /// The face (box, keypoints and score) in `image`'s pixels.
    public let face: DetectedFace

    /// The bound on decoded pixels the cloud applies to every image (`DlibFaceRecognizer.maxPixels`), and so the
    /// agent to the crops it embeds: both must decode a crop to the same pixels.
    public static let defaultMaxPixels = 1024 * 1024
    /// The smallest face side, in decoded pixels, that alignment is attempted on.
    public static let minimumSide: Float = 8
    /// How much of the face box must lie inside the crop.
    public static let minimumInside: Float = 0.5

    /// Decodes `jpeg` (scaled down to at most `maxPixels`, as the cloud bounds every decode) and scales the
    /// shipped geometry, given in the JPEG's pixels, onto the decoded image. Throws `invalidInput` for bytes that
    /// are not a decodable JPEG, and for a box that is not finite, smaller than `minimumSide` or mostly outside
    /// the crop.
    public init(jpeg: [UInt8], face: DetectedFace, maxPixels: Int) throws(RecognitionError) {
        let header: JPEGDecoder.Header
        let image: Image
        do {
            let decoder = try JPEGDecoder()
            let options = DecodeOptions(format: .rgb, maxPixels: maxPixels, applyEXIFOrientation: false)
            header = try jpeg.withUnsafeBytes { bytes in try decoder.header(bytes) }
            image = try jpeg.withUnsafeBytes { bytes in try decoder.decode(bytes, options: options) }
        } catch {
            throw RecognitionError(.invalidInput, detail: "crop is not a decodable JPEG: \(error)")
        }
        let sx = Float(image.width) / Float(header.width), sy = Float(image.height) / Float(header.height)
        let box = Rect(x: face.box.x * sx, y: face.box.y * sy, width: face.box.width * sx, height: face.box.height * sy)
        guard [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite),
              min(box.width, box.height) >= Self.minimumSide else {
            throw RecognitionError(.invalidInput, detail: "face box \(face.box) is not a face of at least \(Int(Self.minimumSide)) px")
        }
        let inside = box.intersectionArea(with: Rect(x: 0, y: 0, width: Float(image.width), height: Float(image.height)))
        guard inside >= Self.minimumInside * box.area else {
            throw RecognitionError(.invalidInput,
                                   detail: "face box \(face.box) lies mostly outside the \(header.width)×\(header.height) crop")
        }
        self.image = image
        self.face = DetectedFace(score: face.score, box: box,
                                 keypoints: face.keypoints.map { Point(x: $0.x * sx, y: $0.y * sy) })
    }
}
