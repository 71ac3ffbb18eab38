import CNeuralKernels

// Data movement kernels on HWC images: padding (spatial and channel), channel concatenation, depth-to-space.

/// Zero padding of an H×W×C image: `pad.top` rows above, `pad.left` columns left, …, and `channelsBefore` /
/// `channelsAfter` zero channels around each pixel's channels (TFLite's PAD on NHWC; BlazeFace pads shortcut
/// channels this way). Output: (H+top+bottom)×(W+left+right)×(channelsBefore+C+channelsAfter).
public func pad(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int, padding: Padding,
                channelsBefore: Int = 0, channelsAfter: Int = 0, output: UnsafeMutablePointer<Float>,
                isa: InstructionSet = KernelDispatch.active.isa) {
    let outW = width + padding.left + padding.right
    let outC = channelsBefore + channels + channelsAfter
    let outH = height + padding.top + padding.bottom
    if channelsBefore == 0 && channelsAfter == 0 {
        output.update(repeating: 0, count: padding.top * outW * outC)
        for y in 0..<height {
            let row = output + ((y + padding.top) * outW) * outC
            row.update(repeating: 0, count: padding.left * outC)
            (row + padding.left * outC).update(from: input + y * width * channels, count: width * channels)
            (row + (padding.left + width) * outC).update(repeating: 0, count: padding.right * outC)
        }
        output.advanced(by: (padding.top + height) * outW * outC).update(repeating: 0, count: padding.bottom * outW * outC)
        return
    }
    if padding == .zero {
        // Channels only (BlazeFace's shortcuts): every output float written once, in vectors.
        rc_pad_channels(isa.c, input, Int32(height * width), Int32(channels), Int32(channelsBefore),
                        Int32(channelsAfter), output)
        return
    }
    output.update(repeating: 0, count: outH * outW * outC)
    for y in 0..<height {
        for x in 0..<width {
            let dst = output + ((y + padding.top) * outW + x + padding.left) * outC + channelsBefore
            dst.update(from: input + (y * width + x) * channels, count: channels)
        }
    }
}

/// `pad` written plainly (the reference its tests compare with).
public func padNaive(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int, padding: Padding,
                     channelsBefore: Int = 0, channelsAfter: Int = 0, output: UnsafeMutablePointer<Float>) {
    let outW = width + padding.left + padding.right
    let outC = channelsBefore + channels + channelsAfter
    let outH = height + padding.top + padding.bottom
    for oy in 0..<outH {
        for ox in 0..<outW {
            for oc in 0..<outC {
                let y = oy - padding.top, x = ox - padding.left, c = oc - channelsBefore
                let inside = y >= 0 && y < height && x >= 0 && x < width && c >= 0 && c < channels
                output[(oy * outW + ox) * outC + oc] = inside ? input[(y * width + x) * channels + c] : 0
            }
        }
    }
}

/// Concatenation along channels of images with the same `pixels` (= H·W) count: `inputs` are (pointer,
/// channels) pairs, in order; the output has Σ channels per pixel.
public func concatChannels(_ inputs: [(UnsafePointer<Float>, Int)], pixels: Int, output: UnsafeMutablePointer<Float>) {
    let total = inputs.reduce(0) { $0 + $1.1 }
    var offset = 0
    for (src, c) in inputs {
        for p in 0..<pixels { (output + p * total + offset).update(from: src + p * c, count: c) }
        offset += c
    }
}

/// TensorFlow's DEPTH_TO_SPACE (DCR order) on an H×W×C image with block size b: output (H·b)×(W·b)×(C/b²),
/// `out[y, x, c] = in[y/b, x/b, ((y%b)·b + x%b)·(C/b²) + c]`.
public func depthToSpace(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int, blockSize b: Int,
                         output: UnsafeMutablePointer<Float>) {
    let outC = channels / (b * b)
    let outW = width * b
    for y in 0..<height {
        for x in 0..<width {
            let src = input + (y * width + x) * channels
            for by in 0..<b {
                for bx in 0..<b {
                    let dst = output + ((y * b + by) * outW + x * b + bx) * outC
                    dst.update(from: src + (by * b + bx) * outC, count: outC)
                }
            }
        }
    }
}
