// One camera end to end: the source delivers into a bounded queue that keeps the newest frames (capture never
// waits for detection; what falls out is counted), and the processor works through the queue.
import Foundation

/// Runs one camera's source and processor until cancelled (or the source ends).
public struct CameraService: AgentService {
    public var name: String { "camera \(camera)" }
    let camera: String
    let source: any CameraFeed
    let queueDepth: Int
    let makeProcessor: @Sendable () throws -> FrameProcessor
    let sink: EventSink
    let stats: AgentStats

    /// `makeProcessor` is called inside `run()`, so the detector's buffers belong to the running task.
    public init(camera: String, source: any CameraFeed, queueDepth: Int, stats: AgentStats, sink: EventSink,
                makeProcessor: @escaping @Sendable () throws -> FrameProcessor) {
        self.camera = camera
        self.source = source
        self.queueDepth = max(1, queueDepth)
        self.makeProcessor = makeProcessor
        self.sink = sink
        self.stats = stats
    }

    public func run() async throws {
        var processor = try makeProcessor()
        let (frames, queue) = AsyncStream.makeStream(of: CapturedFrame.self, bufferingPolicy: .bufferingNewest(queueDepth))
        let camera = self.camera, stats = self.stats, source = self.source
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { queue.finish() }
                try await source.run(deliver: { frame in
                    stats.count(.framesCaptured, camera: camera)
                    if case .dropped = queue.yield(frame) { stats.count(.framesDropped, camera: camera) }
                }, corrupt: {
                    stats.count(.framesCorrupt, camera: camera)
                }, reopened: {
                    stats.count(.sourceRestarts, camera: camera)
                })
            }
            for await frame in frames {
                let start = DispatchTime.now().uptimeNanoseconds
                sink.submit(processor.process(frame))
                stats.recordFrame(camera: camera, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            sink.submit(processor.finish())
            try await group.waitForAll()
        }
    }
}
