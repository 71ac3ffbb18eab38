// Plays frames at a fixed rate on the monotonic clock, without bursts after a stall.

/// Schedules frame n at `start + n / fps`; when more than one interval late it restarts the schedule from now
/// instead of catching up in a burst. A nil rate means "as fast as possible".
struct FramePacer {
    let framesPerSecond: Double?
    private var start: Double?
    private var count = 0

    init(framesPerSecond: Double?) { self.framesPerSecond = framesPerSecond }

    /// Sleeps until the next frame is due; false if `control` was stopped.
    mutating func waitForNextFrame(_ control: CaptureControl) -> Bool {
        guard let fps = framesPerSecond, fps > 0 else { return !control.isStopped }
        let now = monotonicSeconds()
        if start == nil { start = now; count = 0 }
        var due = start! + Double(count) / fps
        if now - due > 1 / fps { start = now; count = 0; due = now }
        count += 1
        return due > now ? control.sleep(seconds: due - now) : !control.isStopped
    }
}
