// DlibResNet: dlib's face-recognition ResNet (29 conv layers, 128-d output) read from
// dlib_face_recognition_resnet_model_v1.dat and run on Rollcall's inference kernels.
//
// At load every `affine` (batch norm folded by dlib) is folded once more into the convolution below it, and
// the weights are converted from dlib's OIHW to HWIO, so the forward pass is a flat list of kernel calls on
// HWC float32 activations.
import Foundation
import Imaging
import Neural

/// dlib's ResNet face embedding: a 150×150 RGB face chip (dlib's alignment) → 128 floats.
///
/// Immutable after loading; `embedding(of:)` may be called from several threads at once.
public final class DlibResNet: Sendable {
    /// Side of the square input chip.
    public let inputSize: Int
    /// Length of the embedding.
    public let dimension: Int
    /// The training loss's distance threshold (0.6): dlib's customary same-person cut-off.
    public let trainingThreshold: Float

    /// One step of the forward pass.
    enum Step: Sendable {
        case convolution(Int)
        case relu
        case maxPool(DlibPool)
        case avgPool(DlibPool)
        case tag(Int)
        case skip(Int)
        case addPrevious(Int)
        case fullyConnected
    }

    let steps: [Step]
    let convolutions: [ConvolutionWeights]
    /// inputs × outputs.
    let fcWeights: [Float]
    let fcInputs: Int
    let means: (Float, Float, Float)

    /// Loads the model from `url`.
    public convenience init(contentsOf url: URL) throws(DlibError) {
        var reader = try DlibReader(contentsOf: url)
        try self.init(file: DlibNetworkFile(reading: &reader, kinds: DlibResNetArchitecture.kinds), path: url.path)
    }

    /// Builds the network from a read file.
    init(file: DlibNetworkFile, path: String?) throws(DlibError) {
        func fail(_ detail: String) -> DlibError { DlibError(.invalidValue, offset: 0, detail: detail, path: path) }
        var steps = [Step]()
        var convolutions = [ConvolutionWeights]()
        var fc: DlibFullyConnected?
        var channels = 3
        var layers = file.layers[...]
        var channelStack = [Int: Int]()
        while let layer = layers.popFirst() {
            switch layer {
            case .convolution(let conv):
                guard conv.channels == channels else {
                    throw fail("convolution \(convolutions.count) expects \(conv.channels) channels, gets \(channels)")
                }
                var affine: DlibAffine?
                if case .affine(let a)? = layers.first {
                    affine = a
                    layers.removeFirst()
                    guard a.gamma.count == conv.filters else { throw fail("affine size \(a.gamma.count) ≠ \(conv.filters) filters") }
                }
                convolutions.append(ConvolutionWeights(folding: conv, affine: affine))
                steps.append(.convolution(convolutions.count - 1))
                channels = conv.filters
            case .affine:
                throw fail("affine layer not directly above a convolution")
            case .relu: steps.append(.relu)
            case .maxPool(let pool): steps.append(.maxPool(pool))
            case .avgPool(let pool): steps.append(.avgPool(pool))
            case .tag(let id):
                channelStack[id] = channels
                steps.append(.tag(id))
            case .skip(let id):
                guard let c = channelStack[id] else { throw fail("skip\(id) without tag\(id)") }
                channels = c
                steps.append(.skip(id))
            case .addPrevious(let id):
                guard let c = channelStack[id] else { throw fail("add_prev\(id) without tag\(id)") }
                channels = max(c, channels)
                steps.append(.addPrevious(id))
            case .fullyConnected(let layer):
                guard layers.isEmpty, layer.inputs == channels, layer.bias.isEmpty else {
                    throw fail("the fully connected layer must be last, take \(channels) inputs and have no bias")
                }
                fc = layer
                steps.append(.fullyConnected)
            }
        }
        guard let fc else { throw fail("no fully connected layer") }
        self.steps = steps
        self.convolutions = convolutions
        self.fcWeights = fc.weights
        self.fcInputs = fc.inputs
        self.dimension = fc.outputs
        self.inputSize = file.input.rows
        self.means = (file.input.meanRed, file.input.meanGreen, file.input.meanBlue)
        self.trainingThreshold = file.loss.distanceThreshold
        guard file.input.rows == file.input.cols else { throw fail("input is not square") }
    }

    /// The input tensor for a chip: HWC, (pixel − channel mean) / 256; gray chips are replicated to RGB.
    func inputTensor(_ chip: Image) -> Activation {
        var input = Activation(height: chip.height, width: chip.width, channels: 3)
        let pixelCount = chip.width * chip.height
        chip.pixels.withUnsafeBufferPointer { px in
            input.data.withUnsafeMutableBufferPointer { out in
                for i in 0 ..< pixelCount {
                    let r, g, b: Float
                    if chip.format == .gray {
                        r = Float(px[i]); g = r; b = r
                    } else {
                        r = Float(px[3 * i]); g = Float(px[3 * i + 1]); b = Float(px[3 * i + 2])
                    }
                    out[3 * i] = (r - means.0) / 256
                    out[3 * i + 1] = (g - means.1) / 256
                    out[3 * i + 2] = (b - means.2) / 256
                }
            }
        }
        return input
    }

    /// The 128-d embedding of an aligned `inputSize`×`inputSize` chip (RGB or gray).
    public func embedding(of chip: Image) throws(RecognitionError) -> [Float] {
        guard chip.width == inputSize, chip.height == inputSize else {
            throw RecognitionError(.invalidInput, detail: "chip is \(chip.width)×\(chip.height), expected \(inputSize)×\(inputSize)")
        }
        var x = inputTensor(chip)
        var tags = [Int: Activation]()
        for step in steps {
            switch step {
            case .convolution(let index): x = convolutions[index].apply(x)
            case .relu: DlibResNetKernels.reluInPlace(&x.data)
            case .maxPool(let pool): x = DlibResNetKernels.maxPool(x, pool)
            case .avgPool(let pool):
                x = pool.windowHeight == 0 ? DlibResNetKernels.globalAveragePool(x) : DlibResNetKernels.averagePool(x, pool)
            case .tag(let id): tags[id] = x
            case .skip(let id): x = tags[id] ?? x
            case .addPrevious(let id):
                if let other = tags[id] { x = DlibResNetKernels.addZeroExtended(x, other) }
            case .fullyConnected:
                var out = [Float](repeating: 0, count: dimension)
                for i in 0 ..< fcInputs {
                    let v = x.data[i]
                    for o in 0 ..< dimension { out[o] += v * fcWeights[i * dimension + o] }
                }
                return out
            }
        }
        return x.data
    }
}

/// A HWC float32 activation.
struct Activation: Sendable {
    var height: Int
    var width: Int
    var channels: Int
    var data: [Float]

    init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        self.data = [Float](repeating: 0, count: height * width * channels)
    }
}

/// A convolution with its affine folded in, weights HWIO.
struct ConvolutionWeights: Sendable {
    var kernelHeight: Int, kernelWidth: Int, inputs: Int, outputs: Int
    var strideY: Int, strideX: Int, paddingY: Int, paddingX: Int
    /// kernelHeight × kernelWidth × inputs × outputs.
    var weights: [Float]
    var bias: [Float]

    init(folding conv: DlibConvolution, affine: DlibAffine?) {
        kernelHeight = conv.kernelHeight
        kernelWidth = conv.kernelWidth
        inputs = conv.channels
        outputs = conv.filters
        strideY = conv.strideY
        strideX = conv.strideX
        paddingY = conv.paddingY
        paddingX = conv.paddingX
        weights = [Float](repeating: 0, count: conv.weights.count)
        bias = conv.bias.isEmpty ? [Float](repeating: 0, count: outputs) : conv.bias
        let scale = affine?.gamma ?? [Float](repeating: 1, count: outputs)
        let shift = affine?.beta ?? [Float](repeating: 0, count: outputs)
        for o in 0 ..< outputs {
            for i in 0 ..< inputs {
                for ky in 0 ..< kernelHeight {
                    for kx in 0 ..< kernelWidth {
                        let source = ((o * inputs + i) * kernelHeight + ky) * kernelWidth + kx
                        let target = ((ky * kernelWidth + kx) * inputs + i) * outputs + o
                        weights[target] = conv.weights[source] * scale[o]
                    }
                }
            }
            bias[o] = bias[o] * scale[o] + shift[o]
        }
    }

    func apply(_ x: Activation) -> Activation {
        DlibResNetKernels.convolution(x, self)
    }
}
