import Foundation
import Imaging

/// What `rollcall detect` reports for one image file: its size and faces, in the file's own pixels.
public struct FaceFileReport: Sendable, Codable, Equatable {
    /// The file.
    public var path: String
    /// Size of the image as stored in the file (before any downscaling for detection).
    public var width: Int
    public var height: Int
    /// Faces, best first.
    public var faces: [DetectedFace]
}

/// Decoding image files for detection, with bounded memory: JPEGs and PNGs above `maxPixels` are brought down
/// to it while (JPEG) or right after (PNG) decoding, and the faces found are scaled back to the file's pixels.
public struct FaceFileDetection: Sendable {
    /// Images are detected on at most this many pixels (default 16 megapixels).
    public var maxPixels: Int

    public init(maxPixels: Int = 1 << 24) {
        self.maxPixels = maxPixels
    }

    /// Decodes `data` (JPEG, PNG, PGM or PPM), keeping gray images gray (the detector replicates them to RGB).
    /// Returns the image to detect on and the size stored in the file.
    public func decode(_ data: Data) throws(ImagingError) -> (image: Image, width: Int, height: Int) {
        let format = data.withUnsafeBytes { ImageFileFormat.sniff($0) }
        var options = DecodeOptions()
        var original: (Int, Int)? = nil
        switch format {
        case .jpeg?:
            let decoder = try JPEGDecoder()
            let header: Result<JPEGDecoder.Header, ImagingError> = data.withUnsafeBytes { bytes in
                Result { () throws(ImagingError) in try decoder.header(bytes) }
            }
            let h = try header.get()
            original = (h.width, h.height)
            options.maxPixels = maxPixels
        case .png?:
            // IHDR: width and height, big-endian, at bytes 16 and 20.
            if data.count >= 24 {
                let be = { (at: Int) in data[data.startIndex + at ..< data.startIndex + at + 4].reduce(0) { $0 << 8 | Int($1) } }
                original = (be(16), be(20))
                options.maxPixels = maxPixels
            }
        default:
            break
        }
        let image = try Image.decode(data, options: options)
        let (w, h) = original ?? (image.width, image.height)
        return (image, w, h)
    }

    /// Reads and decodes `path`; the error carries the path.
    public func load(_ path: String) throws(ImagingError) -> (image: Image, width: Int, height: Int) {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
                throw ImagingError(.io, detail: "is a directory", path: path)
            }
            if let size = attributes[.size] as? Int, size > DecodeOptions().byteLimit {
                throw ImagingError(.tooLarge, detail: "file of \(size) bytes exceeds the limit of \(DecodeOptions().byteLimit)", path: path)
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ImagingError {
            throw error
        } catch {
            throw ImagingError(.io, detail: "cannot read: \(error.localizedDescription)", path: path)
        }
        do {
            return try decode(data)
        } catch {
            var located = error
            located.path = path
            throw located
        }
    }

    /// Detects the faces in the file at `path`.
    public func detect(_ path: String, with detector: BlazeFaceDetector) throws(ImagingError) -> FaceFileReport {
        try detect(path) { detector.detect($0) }
    }

    /// Detects the faces in the file at `path` with `detect` (e.g. a `MultiScaleFaceDetector`).
    public func detect(_ path: String, using detect: (Image) -> [DetectedFace]) throws(ImagingError) -> FaceFileReport {
        let (image, width, height) = try load(path)
        let faces = detect(image)
        let sx = Float(width) / Float(image.width), sy = Float(height) / Float(image.height)
        let scaled = sx == 1 && sy == 1 ? faces : faces.map { f in
            DetectedFace(score: f.score,
                         box: Rect(x: f.box.x * sx, y: f.box.y * sy, width: f.box.width * sx, height: f.box.height * sy),
                         keypoints: f.keypoints.map { Point(x: $0.x * sx, y: $0.y * sy) })
        }
        return FaceFileReport(path: path, width: width, height: height, faces: scaled)
    }
}
