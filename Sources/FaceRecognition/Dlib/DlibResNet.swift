// DlibResNet: dlib's face-recognition ResNet (29 conv layers, 128-d output) read from
// dlib_face_recognition_resnet_model_v1.dat and run on the shared Neural kernels.
//
// At load every `affine` (batch norm folded by dlib) is folded once more into the convolution below it, the
// weights are converted from dlib's OIHW to HWIO, a relu after a convolution or an add is fused into it, and
// every activation shape is planned for the fixed 150×150 input; the forward pass is then a flat list of
// kernel calls on HWC float32 buffers in one arena (a `Workspace`), allocating nothing.
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

    let plan: [PlannedStep]
    let convolutions: [ConvolutionWeights]
    /// [inputs, outputs].
    let fcWeights: [Float]
    let fcInputs: Int
    let means: (red: Float, green: Float, blue: Float)
    let layout: BufferLayout

    /// Loads the model from `url`.
    public convenience init(contentsOf url: URL) throws(DlibError) {
        var reader = try DlibReader(contentsOf: url)
        try self.init(file: DlibNetworkFile(reading: &reader, kinds: DlibResNetArchitecture.kinds), path: url.path)
    }

    /// Plans the network from a read file.
    init(file: DlibNetworkFile, path: String?) throws(DlibError) {
        func fail(_ detail: String) -> DlibError { DlibError(.invalidValue, offset: 0, detail: detail, path: path) }
        guard file.input.rows == file.input.cols else { throw fail("input is not square") }
        var plan = [PlannedStep]()
        var convolutions = [ConvolutionWeights]()
        var fc: DlibFullyConnected?
        var shape = Shape(height: file.input.rows, width: file.input.cols, channels: 3)
        var tagged = [Int: Shape]()
        var largest = shape.count, scratch = 0
        var layers = file.layers[...]
        func takeRelu() -> Activation {
            if case .relu? = layers.first { layers.removeFirst(); return .relu }
            return .none
        }
        while let layer = layers.popFirst() {
            switch layer {
            case .convolution(let conv):
                guard conv.channels == shape.channels else {
                    throw fail("convolution \(convolutions.count) expects \(conv.channels) channels, gets \(shape.channels)")
                }
                var affine: DlibAffine?
                if case .affine(let a)? = layers.first {
                    layers.removeFirst()
                    guard a.gamma.count == conv.filters else { throw fail("affine size \(a.gamma.count) ≠ \(conv.filters) filters") }
                    affine = a
                }
                let geometry = Conv2DGeometry(
                    inHeight: shape.height, inWidth: shape.width, inChannels: conv.channels, outChannels: conv.filters,
                    kernelHeight: conv.kernelHeight, kernelWidth: conv.kernelWidth,
                    strideHeight: conv.strideY, strideWidth: conv.strideX,
                    padding: Padding(top: conv.paddingY, left: conv.paddingX, bottom: conv.paddingY, right: conv.paddingX))
                guard geometry.isValid else { throw fail("convolution \(convolutions.count) does not fit \(shape)") }
                convolutions.append(ConvolutionWeights(folding: conv, affine: affine, geometry: geometry))
                plan.append(.convolution(convolutions.count - 1, geometry, takeRelu()))
                scratch = max(scratch, geometry.scratchCount)
                shape = Shape(height: geometry.outHeight, width: geometry.outWidth, channels: conv.filters)
            case .affine:
                throw fail("affine layer not directly above a convolution")
            case .relu:
                plan.append(.relu(shape.count))
            case .maxPool(let pool), .avgPool(let pool):
                if pool.windowHeight == 0 {
                    plan.append(.globalAveragePool(shape))
                    shape = Shape(height: 1, width: 1, channels: shape.channels)
                    break
                }
                let geometry = Conv2DGeometry(
                    inHeight: shape.height, inWidth: shape.width, inChannels: shape.channels, outChannels: shape.channels,
                    kernelHeight: pool.windowHeight, kernelWidth: pool.windowWidth,
                    strideHeight: pool.strideY, strideWidth: pool.strideX,
                    padding: Padding(top: pool.paddingY, left: pool.paddingX, bottom: pool.paddingY, right: pool.paddingX))
                guard geometry.isValid else { throw fail("pooling does not fit \(shape)") }
                if case .maxPool = layer { plan.append(.maxPool(geometry)) } else { plan.append(.averagePool(geometry)) }
                shape = Shape(height: geometry.outHeight, width: geometry.outWidth, channels: shape.channels)
            case .tag(let id):
                guard (1 ... BufferLayout.tagSlots).contains(id) else { throw fail("tag\(id) unsupported") }
                tagged[id] = shape
                plan.append(.tag(id, shape))
            case .skip(let id):
                guard let s = tagged[id] else { throw fail("skip\(id) without tag\(id)") }
                shape = s
                plan.append(.skip(id, s))
            case .addPrevious(let id):
                guard let other = tagged[id] else { throw fail("add_prev\(id) without tag\(id)") }
                let out = Shape(height: max(shape.height, other.height), width: max(shape.width, other.width),
                                channels: max(shape.channels, other.channels))
                plan.append(.addPrevious(id, current: shape, tagged: other, output: out, takeRelu()))
                shape = out
            case .fullyConnected(let layer):
                guard layers.isEmpty, layer.inputs == shape.count, layer.bias.isEmpty else {
                    throw fail("the fully connected layer must be last, take \(shape.count) inputs and have no bias")
                }
                fc = layer
            }
            largest = max(largest, shape.count)
        }
        guard let fc else { throw fail("no fully connected layer") }
        self.plan = plan
        self.convolutions = convolutions
        self.fcWeights = fc.weights
        self.fcInputs = fc.inputs
        self.dimension = fc.outputs
        self.inputSize = file.input.rows
        self.means = (file.input.meanRed, file.input.meanGreen, file.input.meanBlue)
        self.trainingThreshold = file.loss.distanceThreshold
        self.layout = BufferLayout(activation: largest, scratch: scratch)
    }

    /// Buffers for one forward pass at a time.
    public func makeWorkspace() -> Workspace { Workspace(layout: layout) }

    /// The 128-d embedding of an aligned `inputSize`×`inputSize` chip (RGB, or gray replicated to RGB).
    public func embedding(of chip: Image) throws(RecognitionError) -> [Float] {
        try embedding(of: chip, workspace: makeWorkspace())
    }

    /// The embedding of `chip`, computed in `workspace` (which must not be in use by another thread).
    public func embedding(of chip: Image, workspace: Workspace) throws(RecognitionError) -> [Float] {
        guard chip.width == inputSize, chip.height == inputSize else {
            throw RecognitionError(.invalidInput, detail: "chip is \(chip.width)×\(chip.height), expected \(inputSize)×\(inputSize)")
        }
        var current = workspace.pointer(.first), next = workspace.pointer(.second)
        writeInput(chip, to: current)
        let scratch = workspace.pointer(.scratch)
        for step in plan {
            switch step {
            case .convolution(let index, let geometry, let activation):
                let conv = convolutions[index]
                conv.weights.withUnsafeBufferPointer { w in
                    conv.bias.withUnsafeBufferPointer { b in
                        conv2d(input: current, weights: w.baseAddress!, bias: b.baseAddress, output: next,
                               geometry: geometry, activation: activation, scratch: scratch,
                               packedWeights: conv.packed, winograd: conv.winograd)
                    }
                }
                swap(&current, &next)
            case .relu(let count):
                relu(current, output: current, count: count)
            case .maxPool(let geometry):
                maxPool2d(input: current, output: next, geometry: geometry)
                swap(&current, &next)
            case .averagePool(let geometry):
                averagePool2d(input: current, output: next, geometry: geometry, countPadding: true)
                swap(&current, &next)
            case .globalAveragePool(let shape):
                globalAveragePool(input: current, height: shape.height, width: shape.width, channels: shape.channels,
                                  output: next)
                swap(&current, &next)
            case .tag(let id, let shape):
                workspace.pointer(.tag(id)).update(from: current, count: shape.count)
            case .skip(let id, let shape):
                current.update(from: workspace.pointer(.tag(id)), count: shape.count)
            case .addPrevious(let id, let shape, let other, let output, let activation):
                addZeroExtended(current, shape, workspace.pointer(.tag(id)), other, output: next, output, activation: activation)
                swap(&current, &next)
            }
        }
        var result = [Float](repeating: 0, count: dimension)
        fcWeights.withUnsafeBufferPointer { w in
            result.withUnsafeMutableBufferPointer { out in
                fullyConnected(input: current, weights: w.baseAddress!, bias: nil, output: out.baseAddress!,
                               inCount: fcInputs, outCount: dimension)
            }
        }
        return result
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
