// Plays the images of a folder (sorted by name) at a set rate, once or looping.
import Foundation
import Imaging

/// A folder of JPEG/PNG/PGM/PPM images played as a camera. Files that fail to decode are skipped and
/// counted as corrupt; a folder where no file decodes ends the source with `empty`.
public final class ImageFolderSource: FrameSource {
    public let name: String
    public private(set) var counters = SourceCounters()
    private let files: [String]
    private let loop: Bool
    private let options: DecodeOptions
    private var pacer: FramePacer
    private var index = 0
    private var decodedThisPass = 0

    /// File extensions played (lowercased).
    public static let extensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]

    /// Lists `folder` (not recursively); throws `notFound` or `empty` when there is nothing to play.
    public init(folder: String, framesPerSecond: Double?, loop: Bool,
                decode options: DecodeOptions = DecodeOptions(format: .rgb)) throws(CaptureError) {
        name = folder
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CaptureError(.notFound, source: folder, detail: "cannot list the folder: \(error.localizedDescription)")
        }
        files = entries.filter { Self.extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().map { (folder as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw CaptureError(.empty, source: folder, detail: "no .jpg/.png/.pgm/.ppm files")
        }
        if let fps = framesPerSecond, !(fps > 0 && fps <= 1000) {
            throw CaptureError(.invalidConfiguration, source: folder, detail: "frame rate \(fps) is outside (0, 1000]")
        }
        self.loop = loop
        self.options = options
        pacer = FramePacer(framesPerSecond: framesPerSecond)
    }

    public func nextFrame(_ control: CaptureControl) throws(CaptureError) -> Frame? {
        while !control.isStopped {
            if index == files.count {
                guard loop else { return nil }
                guard decodedThisPass > 0 else {
                    throw CaptureError(.empty, source: name, detail: "none of the \(files.count) files decodes")
                }
                index = 0
                decodedThisPass = 0
            }
            let path = files[index]
            index += 1
            guard let image = try? Image.load(contentsOf: path, options: options) else {
                counters.corruptFrames += 1
                continue
            }
            decodedThisPass += 1
            guard pacer.waitForNextFrame(control) else { return nil }
            let frame = Frame(image: image, sequence: counters.frames, timestamp: monotonicSeconds(), source: name)
            counters.frames += 1
            return frame
        }
        return nil
    }

    public func close() {}
}
