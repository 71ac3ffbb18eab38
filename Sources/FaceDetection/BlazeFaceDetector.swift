import Foundation
import Imaging
import Neural
import Synchronization

/// MediaPipe's BlazeFace face detector (0.10.14 behaviour) on Rollcall's own inference core.
///
/// One instance owns one planned model (weights, arena); `detect` is safe to call from several threads, but
/// calls on one instance run one at a time (a lock guards the arena). For parallel detection, make one detector
/// per thread.
public final class BlazeFaceDetector: Sendable {
    /// Which variant this is.
    public let model: BlazeFaceModel
    /// Detections scoring below this are dropped (MediaPipe's min_detection_confidence).
    public let minScore: Float
    /// IoU above which detections are merged by weighted NMS.
    public static let nmsThreshold: Float = 0.3

    private let engine: Mutex<BlazeFaceEngine>

    /// Loads and plans the model file; `minScore` nil means the model's MediaPipe default
    /// (`BlazeFaceModel.defaultMinScore`: 0.5 short, 0.6 full). Throws `NeuralError` if the file is unreadable, malformed, uses an
    /// unsupported operator, or does not have BlazeFace's input and output shapes.
    public init(model: BlazeFaceModel, modelURL: URL, minScore: Float? = nil) throws(NeuralError) {
        self.model = model
        self.minScore = minScore ?? model.defaultMinScore
        let tflite = try TFLiteModel(contentsOf: modelURL)
        do {
            engine = Mutex(try BlazeFaceEngine(model: model, tflite: tflite))
        } catch {
            var located = error
            located.path = modelURL.path
            throw located
        }
    }

    /// Faces in `image`, best first, in the image's pixels.
    public func detect(_ image: Image) -> [DetectedFace] {
        detect(image, region: Letterbox(imageWidth: image.width, imageHeight: image.height))
    }

    /// Faces in the square `region` of `image` (the model sees only that region), best first, in the image's
    /// pixels.
    public func detect(_ image: Image, region letterbox: Letterbox) -> [DetectedFace] {
        let normalized = engine.withLock { $0.run(image, letterbox: letterbox, minScore: minScore) }
        return normalized.map { d in
            let (x0, y0) = letterbox.project(x: d.xMin, y: d.yMin)
            let (x1, y1) = letterbox.project(x: d.xMax, y: d.yMax)
            var keypoints = [Point]()
            keypoints.reserveCapacity(6)
            for k in 0..<6 {
                let p = letterbox.project(x: d.keypoints[2 * k], y: d.keypoints[2 * k + 1])
                keypoints.append(Point(x: p.x, y: p.y))
            }
            return DetectedFace(score: d.score, box: Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0), keypoints: keypoints)
        }
    }
}

/// The mutable part of a detector: interpreter, anchors and reusable buffers.
final class BlazeFaceEngine {
    let model: BlazeFaceModel
    let interpreter: TFLiteInterpreter
    let anchors: [SSDAnchor]
    let regressorsIndex: Int
    let classificatorsIndex: Int
    private var candidates: [NormalizedDetection] = []

    init(model: BlazeFaceModel, tflite: TFLiteModel) throws(NeuralError) {
        self.model = model
        interpreter = try TFLiteInterpreter(model: tflite)
        anchors = makeSSDAnchors(model.anchorOptions)
        let s = model.inputSize
        guard tflite.inputs.count == 1, interpreter.inputShape() == [1, s, s, 3] else {
            throw NeuralError(.shapeMismatch, "BlazeFace \(model.rawValue) expects one input [1, \(s), \(s), 3], "
                              + "the model has \(tflite.inputs.map { tflite.tensors[$0].shape })")
        }
        let n = model.anchorCount
        let shapes = tflite.outputs.map { tflite.tensors[$0].shape }
        guard anchors.count == n, let r = shapes.firstIndex(of: [1, n, 16]), let c = shapes.firstIndex(of: [1, n, 1]) else {
            throw NeuralError(.shapeMismatch, "BlazeFace \(model.rawValue) expects outputs [1, \(n), 16] and [1, \(n), 1], "
                              + "the model has \(shapes)")
        }
        regressorsIndex = r
        classificatorsIndex = c
        candidates.reserveCapacity(64)
    }

    func run(_ image: Image, letterbox: Letterbox, minScore: Float) -> [NormalizedDetection] {
        letterbox.fill(interpreter.input(), size: model.inputSize, from: image)
        interpreter.invoke()
        return decode(minScore: minScore)
    }

    /// The detections in the network's current outputs (decoded and merged).
    func decode(minScore: Float) -> [NormalizedDetection] {
        candidates.removeAll(keepingCapacity: true)
        decodeBlazeFace(regressors: interpreter.output(regressorsIndex), classificators: interpreter.output(classificatorsIndex),
                        anchors: anchors, scale: model.coordinateScale, minScore: minScore, into: &candidates)
        return weightedNonMaxSuppression(candidates, threshold: BlazeFaceDetector.nmsThreshold)
    }
}

extension BlazeFaceDetector {
    /// Multiply-accumulates of one network run (the convolutions' work per frame).
    public var multiplyAccumulates: Int { engine.withLock { $0.interpreter.multiplyAccumulates } }

    /// How many ops of each kind the compiled network runs (`BlazeFaceModel.layerListing` states it).
    public var layerCounts: [String: Int] { engine.withLock { $0.interpreter.plan.graph.opCounts } }

    /// Mean milliseconds per kernel kind over `runs` runs on `image` (for finding hot spots), with the frame's
    /// work outside the network as two more entries: "letterbox" (frame → input tensor) and "decode + NMS".
    public func profile(_ image: Image, runs: Int) -> [(kind: String, milliseconds: Double)] {
        engine.withLock { e in
            let letterbox = Letterbox(imageWidth: image.width, imageHeight: image.height)
            let runs = max(1, runs)
            let fill = meanMilliseconds(runs) { letterbox.fill(e.interpreter.input(), size: model.inputSize, from: image) }
            var kinds = e.interpreter.profile(runs: runs)
            let decode = meanMilliseconds(runs) { _ = e.decode(minScore: minScore) }
            kinds.append((kind: "letterbox", milliseconds: fill))
            kinds.append((kind: "decode + NMS", milliseconds: decode))
            return kinds.sorted { $0.milliseconds > $1.milliseconds }
        }
    }

    private func meanMilliseconds(_ runs: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<runs { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
    }
}
