// The seams between the agent pipeline and the modules that do the heavy lifting: Capture delivers frames,
// FaceDetection finds faces, Imaging cuts and encodes crops, FaceRecognition embeds (its `FaceEmbedder`). The
// agent owns these small protocols; adapters that do more than conform live in `Agent/Adapters`.
import FaceDetection
import Foundation
import Imaging

/// One frame from a camera.
public struct CapturedFrame: Sendable {
    /// The pixels (RGB or gray).
    public var image: Image
    /// When it was captured (wall clock).
    public var time: Date
    /// Monotonic seconds (for crop cadence; immune to clock steps).
    public var monotonicSeconds: Double

    public init(image: Image, time: Date, monotonicSeconds: Double) {
        self.image = image
        self.time = time
        self.monotonicSeconds = monotonicSeconds
    }
}

/// A camera or file source (Capture's `CaptureStream` behind an adapter). `run` delivers frames until the source
/// ends or the task is cancelled; `deliver` never blocks, frames the source could not decode are reported through
/// `corrupt`, and each time the source had to be reopened (a camera unplugged and back) through `reopened`.
public protocol CameraFeed: Sendable {
    func run(deliver: @escaping @Sendable (CapturedFrame) -> Void, corrupt: @escaping @Sendable () -> Void,
             reopened: @escaping @Sendable () -> Void) async throws
}

/// A face detector (BlazeFace short or full range, or both over scales). One instance per camera worker.
public protocol FaceDetecting {
    func detect(_ image: Image) throws -> [DetectedFace]
}

extension BlazeFaceDetector: FaceDetecting {}
extension MultiScaleFaceDetector: FaceDetecting {}

/// A crop encoded for the wire, with the size of the encoded image.
public struct EncodedCrop: Sendable, Equatable {
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int

    public init(bytes: [UInt8], width: Int, height: Int) {
        self.bytes = bytes
        self.width = width
        self.height = height
    }
}

/// Cuts face regions out of frames and encodes them as JPEG (Imaging).
public protocol CropRendering: Sendable {
    /// The region `box` of `image` (clamped to the image).
    func cut(_ image: Image, box: Rect) throws -> Image
    /// `image` scaled so its shorter side is at least `minSide` pixels, as JPEG of `quality`.
    func jpeg(_ image: Image, minSide: Int, quality: Int) throws -> EncodedCrop
}
