// Plays an MJPEG file (concatenated JPEGs, as cameras and `ffmpeg -f mjpeg` write them) at a set rate.
import Foundation
import Imaging

/// An MJPEG file played as a camera, once or looping. The file is memory-mapped, so its size does not
/// matter. Damaged frames (see `MJPEGScanner`) and frames that fail to decode are skipped and counted.
public final class MJPEGFileSource: FrameSource {
    public let name: String
    public private(set) var counters = SourceCounters()
    private let data: Data
    private let loop: Bool
    private let options: DecodeOptions
    private let decoder: JPEGDecoder
    private let scanner = MJPEGScanner()
    private var pacer: FramePacer
    private var offset = 0
    private var decodedThisPass = 0

    /// Maps `path`; throws `notFound`/`io` if it cannot be read, `empty` if it is empty.
    public init(path: String, framesPerSecond: Double?, loop: Bool,
                decode options: DecodeOptions = DecodeOptions(format: .rgb)) throws(CaptureError) {
        name = path
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw CaptureError(missing ? .notFound : .io, source: path, detail: "cannot read: \(error.localizedDescription)")
        }
        guard !data.isEmpty else { throw CaptureError(.empty, source: path, detail: "the file is empty") }
        if let fps = framesPerSecond, !(fps > 0 && fps <= 1000) {
            throw CaptureError(.invalidConfiguration, source: path, detail: "frame rate \(fps) is outside (0, 1000]")
        }
        do {
            decoder = try JPEGDecoder()
        } catch {
            throw CaptureError(.io, source: path, detail: error.description)
        }
        self.loop = loop
        self.options = options
        pacer = FramePacer(framesPerSecond: framesPerSecond)
    }

    public func nextFrame(_ control: CaptureControl) throws(CaptureError) -> Frame? {
        while !control.isStopped {
            let decoded: Image?? = data.withUnsafeBytes { bytes -> Image?? in
                guard let item = scanner.next(in: bytes, offset: &offset) else { return .none }
                switch item {
                case .corrupt:
                    return .some(nil)
                case .frame(let range):
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
                    return .some(try? decoder.decode(slice, options: options))
                }
            }
            switch decoded {
            case .none: // end of file
                guard loop else { return nil }
                guard decodedThisPass > 0 else {
                    throw CaptureError(.empty, source: name, detail: "no decodable JPEG frame in the file")
                }
                offset = 0
                decodedThisPass = 0
            case .some(nil):
                counters.corruptFrames += 1
            case .some(let image?):
                decodedThisPass += 1
                guard pacer.waitForNextFrame(control) else { return nil }
                let frame = Frame(image: image, sequence: counters.frames, timestamp: monotonicSeconds(), source: name)
                counters.frames += 1
                return frame
            }
        }
        return nil
    }

    public func close() {}
}
