// Runs one FrameSource on its own thread and hands frames to async consumers through a bounded queue.
import Foundation

/// What a `CaptureStream` has done so far.
public struct CaptureStatistics: Sendable, Equatable {
    /// The source's name.
    public var source: String
    /// Frames the source produced.
    public var captured: UInt64 = 0
    /// Frames evicted from the full queue before a consumer took them (the oldest go first).
    public var dropped: UInt64 = 0
    /// The source's own counters (corrupt frames skipped, reopens, timeouts).
    public var counters = SourceCounters()
    /// Frames per second over the last few seconds (exponentially smoothed).
    public var framesPerSecond: Double = 0
    /// True while the capture thread runs.
    public var running = false
    /// The error that ended the source, if one did.
    public var lastError: String?

    public init(source: String) { self.source = source }
}

/// A running capture: a dedicated thread pulls frames from a `FrameSource` and yields them into an
/// `AsyncStream` that keeps at most `queueCapacity` frames. Capture never waits for consumers: when the queue
/// is full the oldest frame is dropped and counted. Call `start()` once; `stop()` (or abandoning `frames`)
/// ends it and closes the source.
public final class CaptureStream: @unchecked Sendable {
    /// The frames, oldest first. Finishes when the source ends, fails, or the stream is stopped.
    public let frames: AsyncStream<Frame>
    private let continuation: AsyncStream<Frame>.Continuation
    private let control = CaptureControl()
    private let lock = NSLock()
    private var stats: CaptureStatistics
    private var source: FrameSource?
    private var thread: Thread?

    /// Wraps `source`; nothing runs until `start()`.
    public init(source: FrameSource, queueCapacity: Int = 2) {
        (frames, continuation) = AsyncStream.makeStream(of: Frame.self, bufferingPolicy: .bufferingNewest(max(1, queueCapacity)))
        stats = CaptureStatistics(source: source.name)
        self.source = source
        let control = self.control
        continuation.onTermination = { _ in control.stop() }
    }

    /// Starts the capture thread (once; later calls do nothing).
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard thread == nil, let source else { return }
        stats.running = true
        let box = SourceBox(source)
        let thread = Thread { [self] in run(box.source) }
        thread.name = "capture \(source.name)"
        self.thread = thread
        thread.start()
    }

    /// Stops capturing; the source is closed by the capture thread and `frames` finishes.
    public func stop() { control.stop() }

    /// A snapshot of the counters.
    public var statistics: CaptureStatistics {
        lock.lock()
        defer { lock.unlock() }
        return stats
    }

    private func run(_ source: FrameSource) {
        var lastTime = monotonicSeconds()
        while !control.isStopped {
            let frame: Frame?
            do {
                frame = try source.nextFrame(control)
            } catch {
                update(source) { $0.lastError = error.description }
                break
            }
            guard let frame else { break }
            let result = continuation.yield(frame)
            let now = monotonicSeconds()
            let instant = 1 / max(1e-6, now - lastTime)
            lastTime = now
            update(source) { stats in
                stats.captured += 1
                if case .dropped = result { stats.dropped += 1 }
                stats.framesPerSecond = stats.captured == 1 ? 0 : (stats.framesPerSecond == 0 ? instant : 0.9 * stats.framesPerSecond + 0.1 * instant)
            }
            if case .terminated = result { break }
        }
        source.close()
        update(source) { $0.running = false }
        continuation.finish()
        lock.lock()
        self.source = nil
        lock.unlock()
    }

    private func update(_ source: FrameSource, _ change: (inout CaptureStatistics) -> Void) {
        let counters = source.counters
        lock.lock()
        stats.counters = counters
        change(&stats)
        lock.unlock()
    }
}

/// Moves the non-Sendable source onto the capture thread, which is its only user from then on.
private final class SourceBox: @unchecked Sendable {
    let source: FrameSource
    init(_ source: FrameSource) { self.source = source }
}
