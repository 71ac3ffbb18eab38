// The agent's own face path, run in the test process: a photo played as one camera frame through the real
// pipeline (BlazeFace, tracker, quality, crop selection, JPEG with the face in its pixels, and in edge-match or
// privacy mode the local decision) and encoded by the agent's Wire encoder — byte for byte what an agent
// publishes.
import Agent
import FaceDetection
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Wire

struct AgentPath {
    static let site = "hq", agent = "door", camera = "entrance"
    let store: ModelStore
    /// The agent's defaults (`agent.yaml` with only what is required).
    let defaults: AgentConfig
    let detector: BlazeFaceDetector
    /// dlib's models, for the local modes (nil when not loaded).
    let models: DlibModels?

    init(localRecognition: Bool = true) throws {
        store = try ModelStore.standard()
        defaults = try AgentConfig.parse(yaml: """
            site: hq
            agent_id: door
            broker: {host: 127.0.0.1, ca_file: x, cert_file: x, key_file: x}
            cameras: [{id: entrance, source: {kind: mjpeg, path: x}}]
            """)
        detector = try BlazeFaceDetector(model: .short, modelURL: try store.url(for: "blazeface-short"),
                                         minScore: defaults.detection.minScore)
        models = localRecognition
            ? try DlibModels(network: try store.url(for: "dlib-resnet"), shapePredictor: try store.url(for: "dlib-shape-5"))
            : nil
    }

    /// A demo photo's bytes (`demo-obama`, …).
    func demo(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try store.url(for: "demo-\(name)")))
    }

    /// The face messages an agent in `mode` publishes for `photo` seen as one frame of a track (first crop, and
    /// whatever the track's end adds), as Wire payloads on the camera's faces topic.
    func faces(of photo: [UInt8], mode: AgentConfig.Mode, matcher: EdgeMatcher? = nil,
               track: UInt64 = 1) throws -> [(topic: String, payload: Data, event: FaceEvent)] {
        let image = try Image.decode(Data(photo), options: DecodeOptions(format: .rgb))
        var processor = FrameProcessor(
            camera: Self.camera, mode: mode, detection: defaults.detection, tracking: defaults.tracking,
            crops: defaults.crops, detector: detector, renderer: ImagingCropRenderer(),
            embedder: mode == .cloudMatch ? nil : models.map { DlibFaceEmbedder(models: $0) }, matcher: matcher,
            stats: AgentStats(), firstTrackID: track)
        let events = processor.process(CapturedFrame(image: image, time: Date(), monotonicSeconds: 0)) + processor.finish()
        let encoder = WireAgentEncoder(site: Self.site, agent: Self.agent, mode: mode, version: "test")
        return try events.compactMap(\.face).map { event in
            let message = try encoder.face(event)
            return (message.topic, Data(message.payload), event)
        }
    }
}
