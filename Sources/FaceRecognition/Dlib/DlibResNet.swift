// DlibResNet: dlib's face-recognition ResNet (29 conv layers, 128-d output) read from
// dlib_face_recognition_resnet_model_v1.dat and run on Neural's plan.
//
// The file is lowered to a `Graph` (`DlibNetworkFile.graph`: affines folded into the convolutions, weights
// HWIO, tag/skip as references) and compiled into a `Plan` for the fixed 150×150 input (ReLUs and same-shape
// add_prev fused into the convolutions, activations placed by lifetime in one arena per `Workspace`); the
// forward pass allocates nothing.
import Foundation
import Imaging
import Neural

/// dlib's ResNet face embedding: a 150×150 RGB face chip (dlib's alignment) → 128 floats.
///
/// Immutable after loading and `Sendable`; each thread runs it with its own `Workspace`.
public final class DlibResNet: Sendable {
    /// Side of the square input chip.
    public let inputSize: Int
    /// Length of the embedding.
    public let dimension: Int
    /// The training loss's distance threshold (0.6): dlib's customary same-person cut-off.
    public let trainingThreshold: Float
    /// The compiled network.
    public let plan: Plan
    let means: (red: Float, green: Float, blue: Float)

    /// The memory of one forward pass. Not thread-safe: one per thread.
    public typealias Workspace = Plan.Workspace

    /// The network's layer listing as `Plan` runs it (op kind → count), checked against the file in the tests:
    /// 29 convolutions (the 7×7 stem and two per residual block; the 10 plain blocks' add_prev fused into their
    /// second convolution), the stem's max pool, 4 add_prev with zero extension after the 4 downsampling
    /// blocks' 2×2 average pools, the global average pool and the 128-d fully connected layer.
    public static let layerListing: [String: Int] = [
        "conv": 29, "max pool": 1, "average pool": 4, "add": 4, "global average pool": 1, "fully connected": 1,
    ]

    /// Loads the model from `url`.
    public convenience init(contentsOf url: URL) throws(DlibError) {
        var reader = try DlibReader(contentsOf: url)
        try self.init(file: DlibNetworkFile(reading: &reader, kinds: DlibResNetArchitecture.kinds), path: url.path)
    }

    /// Plans the network from a read file.
    init(file: DlibNetworkFile, path: String?) throws(DlibError) {
        func fail(_ detail: String) -> DlibError { DlibError(.invalidValue, offset: 0, detail: detail, path: path) }
        guard file.input.rows == file.input.cols else { throw fail("input is not square") }
        let graph = try file.graph(path: path)
        guard let output = graph.outputs.first, graph.shape(output).count == 1 else {
            throw fail("no fully connected layer")
        }
        self.dimension = graph.count(output)
        do {
            plan = try Plan(consume graph)
        } catch {
            throw fail(error.description)
        }
        self.inputSize = file.input.rows
        self.means = (file.input.meanRed, file.input.meanGreen, file.input.meanBlue)
        self.trainingThreshold = file.loss.distanceThreshold
    }

    /// Buffers for one forward pass at a time.
    public func makeWorkspace() -> Workspace { plan.makeWorkspace() }

    /// The 128-d embedding of an aligned `inputSize`×`inputSize` chip (RGB, or gray replicated to RGB).
    public func embedding(of chip: Image) throws(RecognitionError) -> [Float] {
        try embedding(of: chip, workspace: makeWorkspace())
    }

    /// The embedding of `chip`, computed in `workspace` (which must not be in use by another thread).
    public func embedding(of chip: Image, workspace: Workspace) throws(RecognitionError) -> [Float] {
        guard chip.width == inputSize, chip.height == inputSize else {
            throw RecognitionError(.invalidInput, detail: "chip is \(chip.width)×\(chip.height), expected \(inputSize)×\(inputSize)")
        }
        writeInput(chip, to: plan.input(in: workspace))
        plan.run(in: workspace)
        return Array(plan.output(in: workspace))
    }

    /// Writes the input tensor for `chip`: HWC, (pixel − channel mean) / 256, as dlib's input layer does.
    func writeInput(_ chip: Image, to input: UnsafeMutablePointer<Float>) {
        let pixelCount = chip.width * chip.height
        let gray = chip.format == .gray
        chip.pixels.withUnsafeBufferPointer { px in
            for i in 0 ..< pixelCount {
                let r, g, b: Float
                if gray {
                    r = Float(px[i]); g = r; b = r
                } else {
                    r = Float(px[3 * i]); g = Float(px[3 * i + 1]); b = Float(px[3 * i + 2])
                }
                input[3 * i] = (r - means.red) / 256
                input[3 * i + 1] = (g - means.green) / 256
                input[3 * i + 2] = (b - means.blue) / 256
            }
        }
    }
}
