// Neural kernels: the numeric core every model runs on (BlazeFace, mini-Xception, VGG16, dlib ResNet).
//
// # Conventions (every kernel in this module follows them)
//
// - **Element type**: `Float` (float32) everywhere.
// - **Activations**: batch 1, **HWC** row-major (NHWC with N = 1): element (y, x, c) of an H×W×C tensor is at
//   `(y * W + x) * C + c`. A batch of N is N such images one after another.
// - **Conv weights** (`conv2d`): **[kh, kw, cin, cout]** (HWIO) row-major, so the weights are a
//   (kh·kw·cin) × cout matrix and a convolution is `im2col(input) · W`. Readers convert at load
//   (TFLite stores OHWI, Keras HWIO, dlib/PyTorch OIHW).
// - **Depthwise weights** (`depthwiseConv2d`): **[kh, kw, c]** (depth multiplier 1; TFLite's [1, kh, kw, c]).
// - **Fully connected weights** (`fullyConnected`): **[inCount, outCount]** row-major (Keras layout; TFLite
//   and PyTorch store [out, in] and are transposed at load).
// - **Bias**: `cout` values, optional (`nil` = no bias).
// - **Padding**: always explicit, as `Padding(top:left:bottom:right:)`. TensorFlow's SAME is
//   `Padding.same(...)`; VALID is `.zero`. Padded cells are zeros for convolutions, *absent* for max
//   pooling (never a candidate), and either absent or zero for average pooling (`countPadding`).
// - **Output size**: `out = (in + padBefore + padAfter - k) / stride + 1` (floor), per axis.
// - **Buffers**: kernels take raw pointers and explicit sizes, never allocate (except the `naive`
//   references, which allocate nothing either but are slow), and never alias input and output unless a kernel
//   says so. Scratch memory (im2col) is passed in; its size is `Conv2DGeometry.scratchCount`.
// - **Threads**: kernels are pure functions; OpenBLAS's own thread count is set with `BLAS.setThreads(_:)`.
// - **Naive references**: every fast kernel has a `…Naive` twin beside it (plain loops, obviously correct);
//   tests compare the two on random sizes.

/// Explicit padding of a 2-D window operation, in cells on each side.
public struct Padding: Sendable, Equatable, Hashable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// No padding (TensorFlow's VALID).
    public static let zero = Padding(top: 0, left: 0, bottom: 0, right: 0)

    /// The same padding on every side (e.g. 1 for a 3×3 "pad 1" convolution).
    public static func uniform(_ p: Int) -> Padding { Padding(top: p, left: p, bottom: p, right: p) }

    /// TensorFlow's SAME padding: output size `ceil(in / stride)`, the odd cell going after (bottom/right).
    public static func same(inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int,
                            strideHeight: Int, strideWidth: Int) -> Padding {
        func axis(_ n: Int, _ k: Int, _ s: Int) -> (Int, Int) {
            let out = (n + s - 1) / s
            let total = max(0, (out - 1) * s + k - n)
            return (total / 2, total - total / 2)
        }
        let (t, b) = axis(inHeight, kernelHeight, strideHeight)
        let (l, r) = axis(inWidth, kernelWidth, strideWidth)
        return Padding(top: t, left: l, bottom: b, right: r)
    }
}

/// An activation fused into the end of a kernel.
public enum Activation: Sendable, Equatable {
    case none
    case relu
    case relu6

    @inline(__always) func apply(_ v: Float) -> Float {
        switch self {
        case .none: v
        case .relu: max(v, 0)
        case .relu6: min(max(v, 0), 6)
        }
    }
}

/// Sizes of a 2-D window operation (convolution, depthwise convolution, pooling) on one HWC image.
public struct Conv2DGeometry: Sendable, Equatable, Hashable {
    public var inHeight: Int
    public var inWidth: Int
    /// Input channels.
    public var inChannels: Int
    /// Output channels (for depthwise and pooling: equal to `inChannels`).
    public var outChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padding: Padding

    public init(inHeight: Int, inWidth: Int, inChannels: Int, outChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
                padding: Padding = .zero) {
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padding = padding
    }

    /// Output height: `(inHeight + top + bottom - kernelHeight) / strideHeight + 1`.
    public var outHeight: Int { (inHeight + padding.top + padding.bottom - kernelHeight) / strideHeight + 1 }
    /// Output width: `(inWidth + left + right - kernelWidth) / strideWidth + 1`.
    public var outWidth: Int { (inWidth + padding.left + padding.right - kernelWidth) / strideWidth + 1 }
    /// Input element count (H·W·Cin).
    public var inCount: Int { inHeight * inWidth * inChannels }
    /// Output element count (outH·outW·Cout).
    public var outCount: Int { outHeight * outWidth * outChannels }
    /// Conv weight element count (kh·kw·Cin·Cout).
    public var weightCount: Int { kernelHeight * kernelWidth * inChannels * outChannels }

    /// True when `conv2d` is a plain GEMM with no im2col (1×1, stride 1, no padding).
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padding == .zero
    }

    /// Floats of scratch memory `conv2d` needs (0 for pointwise convolutions).
    public var scratchCount: Int {
        isPointwise ? 0 : outHeight * outWidth * kernelHeight * kernelWidth * inChannels
    }

    /// True when every size is positive and the window fits at least once.
    public var isValid: Bool {
        inHeight > 0 && inWidth > 0 && inChannels > 0 && outChannels > 0 && kernelHeight > 0 && kernelWidth > 0
            && strideHeight > 0 && strideWidth > 0 && padding.top >= 0 && padding.left >= 0
            && padding.bottom >= 0 && padding.right >= 0
            && inHeight + padding.top + padding.bottom >= kernelHeight
            && inWidth + padding.left + padding.right >= kernelWidth
    }
}
