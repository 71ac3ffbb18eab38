// The planned forward pass of DlibResNet: steps with static shapes, the folded convolution weights and the
// buffers a Workspace holds.
import Neural

extension DlibResNet {
    /// An activation's shape, HWC.
    struct Shape: Sendable, Equatable, CustomStringConvertible {
        var height: Int
        var width: Int
        var channels: Int
        var count: Int { height * width * channels }
        var description: String { "\(height)×\(width)×\(channels)" }
    }

    /// One step of the forward pass, reading the current buffer and (except in-place steps) writing the other.
    enum PlannedStep: Sendable {
        case convolution(Int, Conv2DGeometry, Activation)
        case relu(Int)
        case maxPool(Conv2DGeometry)
        case averagePool(Conv2DGeometry)
        case globalAveragePool(Shape)
        /// Copies the current activation into tag slot `id`.
        case tag(Int, Shape)
        /// Replaces the current activation with tag slot `id`.
        case skip(Int, Shape)
        /// current + tag slot `id`, each zero-extended to `output` (dlib's add_prev).
        case addPrevious(Int, current: Shape, tagged: Shape, output: Shape, Activation)
    }

    /// Sizes of the workspace buffers.
    struct BufferLayout: Sendable {
        static let tagSlots = 2
        var activation: Int
        var scratch: Int
        var total: Int { activation * (2 + Self.tagSlots) + scratch }
    }

    /// A buffer in the workspace.
    enum Buffer {
        case first, second, tag(Int), scratch
    }

    /// The buffers one forward pass uses: two ping-pong activations, the tag slots and the im2col scratch.
    /// Not thread-safe: one per thread.
    public final class Workspace {
        let arena: TensorArena
        let layout: BufferLayout

        init(layout: BufferLayout) {
            self.layout = layout
            arena = TensorArena(count: layout.total)
        }

        func pointer(_ buffer: Buffer) -> UnsafeMutablePointer<Float> {
            switch buffer {
            case .first: arena.pointer(at: 0)
            case .second: arena.pointer(at: layout.activation)
            case .tag(let id): arena.pointer(at: layout.activation * (1 + id))
            case .scratch: arena.pointer(at: layout.activation * (2 + BufferLayout.tagSlots))
            }
        }
    }
}

/// A convolution with its affine folded in, weights HWIO.
struct ConvolutionWeights: Sendable {
    /// [kh, kw, cin, cout].
    var weights: [Float]
    var bias: [Float]
    /// The weights packed for Neural's GEMM, or transformed for Winograd where that suits the geometry (nil
    /// when OpenBLAS is the active GEMM).
    var packed: PackedMatrix?
    var winograd: WinogradWeights?

    init(folding conv: DlibConvolution, affine: DlibAffine?, geometry: Conv2DGeometry) {
        let (kh, kw, cin, cout) = (conv.kernelHeight, conv.kernelWidth, conv.channels, conv.filters)
        let scale = affine?.gamma ?? [Float](repeating: 1, count: cout)
        let shift = affine?.beta ?? [Float](repeating: 0, count: cout)
        weights = [Float](repeating: 0, count: conv.weights.count)
        bias = conv.bias.isEmpty ? [Float](repeating: 0, count: cout) : conv.bias
        for o in 0 ..< cout {
            for i in 0 ..< cin {
                for ky in 0 ..< kh {
                    for kx in 0 ..< kw {
                        weights[((ky * kw + kx) * cin + i) * cout + o] = conv.weights[((o * cin + i) * kh + ky) * kw + kx] * scale[o]
                    }
                }
            }
            bias[o] = bias[o] * scale[o] + shift[o]
        }
        guard KernelDispatch.active.gemm == .rollcall else { return }
        weights.withUnsafeBufferPointer { w in
            if WinogradWeights.suits(geometry) {
                winograd = WinogradWeights(weights: w.baseAddress!, inChannels: cin, outChannels: cout)
            } else {
                packed = PackedMatrix(rows: kh * kw * cin, columns: cout, matrix: w.baseAddress!)
            }
        }
    }
}

/// dlib's add_prev on HWC buffers: `output` has the larger of each dimension, and each input contributes
/// zero where it has no element (inputs aligned at the top-left, first channel). Same shapes use `add`.
func addZeroExtended(_ a: UnsafePointer<Float>, _ aShape: DlibResNet.Shape,
                     _ b: UnsafePointer<Float>, _ bShape: DlibResNet.Shape,
                     output: UnsafeMutablePointer<Float>, _ outShape: DlibResNet.Shape, activation: Activation) {
    if aShape == bShape, aShape == outShape {
        add(a, b, output: output, count: outShape.count, activation: activation)
        return
    }
    output.update(repeating: 0, count: outShape.count)
    for (source, shape) in [(a, aShape), (b, bShape)] {
        for y in 0 ..< shape.height {
            for x in 0 ..< shape.width {
                let s = source + (y * shape.width + x) * shape.channels
                let d = output + (y * outShape.width + x) * outShape.channels
                for c in 0 ..< shape.channels { d[c] += s[c] }
            }
        }
    }
    if activation == .relu { relu(output, output: output, count: outShape.count) }
}

/// Reference for `addZeroExtended` with index arithmetic on (y, x, c), for tests.
func addZeroExtendedNaive(_ a: [Float], _ aShape: DlibResNet.Shape, _ b: [Float], _ bShape: DlibResNet.Shape) -> [Float] {
    let out = DlibResNet.Shape(height: max(aShape.height, bShape.height), width: max(aShape.width, bShape.width),
                               channels: max(aShape.channels, bShape.channels))
    func value(_ t: [Float], _ s: DlibResNet.Shape, _ y: Int, _ x: Int, _ c: Int) -> Float {
        y < s.height && x < s.width && c < s.channels ? t[(y * s.width + x) * s.channels + c] : 0
    }
    var result = [Float]()
    for y in 0 ..< out.height {
        for x in 0 ..< out.width {
            for c in 0 ..< out.channels { result.append(value(a, aShape, y, x, c) + value(b, bShape, y, x, c)) }
        }
    }
    return result
}
