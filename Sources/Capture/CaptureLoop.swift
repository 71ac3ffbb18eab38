// The loop every capture thread runs, and an async entry point that runs a configured source on its own thread.
import Imaging
import Foundation

enum CaptureLoop {
    /// Pulls frames from `source` until it ends, fails (the error is returned), `control` stops, or `onFrame`
    /// returns false. `onCorrupt` is called once per corrupt frame the source skipped. Closes the source.
    static func drive(_ source: FrameSource, _ control: CaptureControl, onFrame: (Frame) -> Bool,
                      onCorrupt: () -> Void) -> CaptureError? {
        defer { source.close() }
        var corruptSeen = source.counters.corruptFrames
        while !control.isStopped {
            let frame: Frame?
            do {
                frame = try source.nextFrame(control)
            } catch {
                reportCorrupt(source, &corruptSeen, onCorrupt)
                return error
            }
            reportCorrupt(source, &corruptSeen, onCorrupt)
            guard let frame, onFrame(frame) else { return nil }
        }
        return nil
    }

    private static func reportCorrupt(_ source: FrameSource, _ seen: inout UInt64, _ onCorrupt: () -> Void) {
        let now = source.counters.corruptFrames
        while seen < now { onCorrupt(); seen += 1 }
    }
}

extension CaptureSourceConfiguration {
    /// Makes the source and runs it on a dedicated thread, calling `deliver` (on that thread) for every frame
    /// and `corrupt` once per corrupt frame skipped, until the source ends (returns), fails (throws its
    /// `CaptureError`) or the calling task is cancelled (returns once the thread has closed the source).
    /// `deliver` must not block: hand the frame to a bounded queue that drops (the capture never waits).
    public func run(format: Image.Format = .rgb, maxPixels: Int? = nil,
                    deliver: @escaping @Sendable (Frame) -> Void,
                    corrupt: @escaping @Sendable () -> Void = {}) async throws(CaptureError) {
        let control = CaptureControl()
        let configuration = self
        let outcome: Result<Void, CaptureError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, CaptureError>, Never>) in
                let thread = Thread {
                    let source: FrameSource
                    do throws(CaptureError) {
                        source = try configuration.makeSource(format: format, maxPixels: maxPixels)
                    } catch {
                        continuation.resume(returning: .failure(error))
                        return
                    }
                    let failure = CaptureLoop.drive(source, control, onFrame: { deliver($0); return true }, onCorrupt: corrupt)
                    continuation.resume(returning: failure.map { .failure($0) } ?? .success(()))
                }
                thread.name = "capture"
                thread.start()
            }
        } onCancel: {
            control.stop()
        }
        try outcome.get()
    }
}
