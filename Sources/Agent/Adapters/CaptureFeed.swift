// Capture's sources (V4L2 camera, image folder, MJPEG file) behind the pipeline's camera seam. The source runs
// on Capture's own thread (`CaptureStream`); this adapter moves its frames into the camera service's queue and
// turns the source's corrupt-frame and reopen counters into the agent's.
import Capture
import Foundation
import Imaging

/// One configured camera, opened when its service runs.
public struct CaptureFeed: CameraFeed {
    let camera: CameraConfig

    public init(camera: CameraConfig) {
        self.camera = camera
    }

    /// What Capture is asked to open for this camera.
    var captureConfiguration: CaptureSourceConfiguration {
        switch camera.source {
        case .v4l2(let device):
            return .camera(V4L2Configuration(device: device, width: camera.width, height: camera.height,
                                             framesPerSecond: camera.rate))
        case .folder(let path, let loop):
            return .imageFolder(path: path, framesPerSecond: Double(camera.rate), loop: loop)
        case .mjpeg(let path, let loop):
            return .mjpegFile(path: path, framesPerSecond: Double(camera.rate), loop: loop)
        }
    }

    public func run(deliver: @escaping @Sendable (CapturedFrame) -> Void, corrupt: @escaping @Sendable () -> Void,
                    reopened: @escaping @Sendable () -> Void) async throws {
        let stream = CaptureStream(source: try captureConfiguration.makeSource(format: .rgb, maxPixels: 4096 * 4096),
                                   queueCapacity: 2)
        stream.start()
        var corruptSeen: UInt64 = 0, reopensSeen: UInt64 = 0
        for await frame in stream.frames {   // ends when the source ends, fails or this task is cancelled
            // Wall-clock capture time from the frame's monotonic timestamp.
            let age = max(0, monotonicSeconds() - frame.timestamp)
            deliver(CapturedFrame(image: frame.image, time: Date().addingTimeInterval(-age),
                                  monotonicSeconds: frame.timestamp))
            let counters = stream.statistics.counters
            while corruptSeen < counters.corruptFrames {
                corrupt()
                corruptSeen += 1
            }
            while reopensSeen < counters.reopens {
                reopened()
                reopensSeen += 1
            }
        }
        stream.stop()
        if let error = stream.statistics.lastError {
            throw AgentAssemblyError(.resource, component: "camera \(camera.id)", detail: error)
        }
    }
}
