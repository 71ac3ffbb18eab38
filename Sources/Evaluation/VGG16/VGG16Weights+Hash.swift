import FaceRecognition
import Neural

// The hash-generated VGG16 of `../shared/refs/vgg16-hash-weights.json` (made by `tools/ref_vgg16.py` with
// torchvision), rebuilt without a weight file so the network can be proven against PyTorch's logits:
//   splitmix64(z): z += 0x9E3779B97F4A7C15; z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB;
//                  z ^= z>>31 (mod 2^64)
//   u(s, i) = (splitmix64((s << 32) | i) >> 40) / 2^24
//   tensor t (0…31, torchvision state_dict order), flat index i in PyTorch's layout (conv OIHW, linear [out, in]):
//   weight = (2u − 1)·√(6 / fan_in), bias = (2u − 1)·0.1; input [1, 3, 224, 224] NCHW: x = 2·u(1000, i) − 1.

/// The hash stream of the reference definition.
public enum VGG16Hash {
    /// splitmix64 of `z`.
    @inline(__always) public static func splitmix64(_ seed: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// u(s, i), uniform in [0, 1).
    @inline(__always) public static func uniform(_ stream: UInt64, _ index: Int) -> Double {
        Double(splitmix64((stream << 32) | UInt64(index)) >> 40) / 16_777_216
    }

    /// `count` values `(2u(stream, i) − 1)·scale`, rounded to float32 as NumPy's cast does.
    public static func values(stream: UInt64, count: Int, scale: Double) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0 ..< count { buffer[i] = Float((2 * uniform(stream, i) - 1) * scale) }
            initialized = count
        }
    }

    /// The reference input image, converted from NCHW [1, 3, 224, 224] to HWC 224×224×3.
    public static func input() -> [Float] {
        let side = VGG16Weights.inputSize, plane = side * side
        let nchw = values(stream: 1000, count: 3 * plane, scale: 1)
        var hwc = [Float](repeating: 0, count: 3 * plane)
        for c in 0 ..< 3 { for p in 0 ..< plane { hwc[p * 3 + c] = nchw[c * plane + p] } }
        return hwc
    }
}

extension VGG16Weights {
    /// The hash-generated network of the reference definition, converted from PyTorch's layouts.
    public static func hashReference() throws(NeuralError) -> VGG16Weights {
        var convolutions: [Convolution] = []
        var channels = 3
        for (index, out) in convolutionChannels.enumerated() {
            let fanIn = channels * 9
            let oihw = VGG16Hash.values(stream: UInt64(2 * index), count: out * fanIn, scale: (6.0 / Double(fanIn)).squareRoot())
            let bias = VGG16Hash.values(stream: UInt64(2 * index + 1), count: out, scale: 0.1)
            convolutions.append(Convolution(inChannels: channels, outChannels: out,
                                            weights: hwioFromOIHW(oihw, out: out, in: channels), bias: bias))
            channels = out
        }
        var dense: [Dense] = []
        let sizes = [(flattenedCount, hiddenCount), (hiddenCount, hiddenCount), (hiddenCount, 1000)]
        for (index, (inCount, outCount)) in sizes.enumerated() {
            let stream = UInt64(26 + 2 * index)
            let outIn = VGG16Hash.values(stream: stream, count: outCount * inCount, scale: (6.0 / Double(inCount)).squareRoot())
            let bias = VGG16Hash.values(stream: stream + 1, count: outCount, scale: 0.1)
            // fc6's PyTorch inputs are a CHW flatten (c·49 + y·7 + x); ours are HWC ((y·7 + x)·512 + c).
            let weights = index == 0 ? inOutFromTorchFlatten(outIn, out: outCount, channels: 512, spatial: 49)
                                     : transpose(outIn, rows: outCount, columns: inCount)
            dense.append(Dense(inCount: inCount, outCount: outCount, weights: weights, bias: bias))
        }
        return try VGG16Weights(convolutions: convolutions, dense: dense)
    }

    /// OIHW (PyTorch, 3×3) → HWIO.
    static func hwioFromOIHW(_ oihw: [Float], out: Int, in cin: Int) -> [Float] {
        var hwio = [Float](repeating: 0, count: oihw.count)
        for o in 0 ..< out {
            for i in 0 ..< cin {
                for k in 0 ..< 9 { hwio[(k * cin + i) * out + o] = oihw[(o * cin + i) * 9 + k] }
            }
        }
        return hwio
    }

    /// [rows, columns] → [columns, rows].
    static func transpose(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: matrix.count)
        let blockSize = 64
        for r0 in stride(from: 0, to: rows, by: blockSize) {
            for c0 in stride(from: 0, to: columns, by: blockSize) {
                for r in r0 ..< min(r0 + blockSize, rows) {
                    for c in c0 ..< min(c0 + blockSize, columns) { result[c * rows + r] = matrix[r * columns + c] }
                }
            }
        }
        return result
    }

    /// PyTorch fc6 [out, C·S] over a CHW flatten → [S·C, out] over an HWC flatten.
    static func inOutFromTorchFlatten(_ matrix: [Float], out: Int, channels: Int, spatial: Int) -> [Float] {
        var result = [Float](repeating: 0, count: matrix.count)
        let inCount = channels * spatial
        for o in 0 ..< out {
            let row = o * inCount
            for c in 0 ..< channels {
                for s in 0 ..< spatial { result[(s * channels + c) * out + o] = matrix[row + c * spatial + s] }
            }
        }
        return result
    }
}
