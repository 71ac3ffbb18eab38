// Binds each node of a validated graph to its kernel call: pointers to constants are fixed, activations are
// offsets into the arena a run passes in, and each convolution's weights are prepared once for its kernel.

/// Turns nodes into kernel calls for `Plan`.
struct StepBinder {
    let graph: Graph
    let offsets: [Int]
    let weights: UnsafeMutablePointer<Float>
    let constantOffsets: [Int]
    let scratchOffset: Int
    let scratchLimit: Int
    /// Floats of scratch the bound convolutions need (after `scratchOffset`).
    private(set) var scratchFloats = 0

    init(graph: Graph, offsets: [Int], weights: UnsafeMutablePointer<Float>, constantOffsets: [Int], scratchOffset: Int,
         scratchLimit: Int) {
        self.graph = graph
        self.offsets = offsets
        self.weights = weights
        self.constantOffsets = constantOffsets
        self.scratchOffset = scratchOffset
        self.scratchLimit = scratchLimit
    }

    private func constant(_ c: ConstantID) -> UnsafeMutablePointer<Float> { weights + constantOffsets[c.index] }

    private func shape(_ v: ValueID) -> HWCShape {
        let s = graph.hwc(v) ?? (1, 1, graph.count(v))
        return HWCShape(height: s.height, width: s.width, channels: s.channels)
    }

    mutating func bind(_ node: Graph.Node) -> (UnsafeMutablePointer<Float>) -> Void {
        let out = offsets[node.output.index], count = graph.count(node.output)
        switch node.op {
        case let .conv(input, w, b, g, act, residual, allowWinograd):
            // A residual smaller than the output (validated: pointwise convolutions only, same height and width,
            // fewer channels) is a zero-extended shortcut, read as it is.
            let narrow = residual.flatMap { r in graph.count(r) == count ? nil : graph.hwc(r)?.channels }
            return bindConv(input: offsets[input.index], weights: constant(w), bias: b.map(constant), output: out,
                            geometry: g, activation: act, residual: residual.map { offsets[$0.index] },
                            residualChannels: narrow, winograd: allowWinograd)
        case let .depthwise(input, w, b, g, act):
            let i = offsets[input.index], wp = UnsafePointer(constant(w)), bp = b.map { UnsafePointer(constant($0)) }
            if g.kernelHeight == 3 && g.kernelWidth == 3 {
                return { depthwiseConv3x3(input: $0 + i, weights: wp, bias: bp, output: $0 + out, geometry: g, activation: act) }
            }
            return { depthwiseConv2d(input: $0 + i, weights: wp, bias: bp, output: $0 + out, geometry: g, activation: act) }
        case let .fullyConnected(input, w, b, inCount, outCount, act):
            let i = offsets[input.index], wp = UnsafePointer(constant(w)), bp = b.map { UnsafePointer(constant($0)) }
            return { fullyConnected(input: $0 + i, weights: wp, bias: bp, output: $0 + out, inCount: inCount,
                                    outCount: outCount, activation: act) }
        case let .maxPool(input, g, act):
            let i = offsets[input.index]
            return {
                maxPool2d(input: $0 + i, output: $0 + out, geometry: g)
                applyActivation(act, to: $0 + out, count: count)
            }
        case let .averagePool(input, g, countPadding, act):
            let i = offsets[input.index]
            return {
                averagePool2d(input: $0 + i, output: $0 + out, geometry: g, countPadding: countPadding)
                applyActivation(act, to: $0 + out, count: count)
            }
        case let .globalAveragePool(input):
            let i = offsets[input.index], s = shape(input)
            return { globalAveragePool(input: $0 + i, height: s.height, width: s.width, channels: s.channels, output: $0 + out) }
        case let .add(a, b, act):
            let ia = offsets[a.index], ib = offsets[b.index]
            if graph.shape(a) == graph.shape(node.output), graph.shape(b) == graph.shape(node.output) {
                return { add($0 + ia, $0 + ib, output: $0 + out, count: count, activation: act) }
            }
            let sa = shape(a), sb = shape(b), so = shape(node.output)
            return { addZeroExtended($0 + ia, sa, $0 + ib, sb, output: $0 + out, so, activation: act) }
        case let .activation(input, act):
            let i = offsets[input.index]
            if act == .relu { return { relu($0 + i, output: $0 + out, count: count) } }
            return {
                ($0 + out).update(from: $0 + i, count: count)
                applyActivation(act, to: $0 + out, count: count)
            }
        case let .softmax(input):
            let i = offsets[input.index], last = graph.shape(node.output).last ?? count
            return {
                if i != out { ($0 + out).update(from: $0 + i, count: count) }
                softmax($0 + out, count: last, rows: count / max(1, last))
            }
        case let .pad(input, padding, before, after):
            let i = offsets[input.index], s = shape(input)
            return { pad(input: $0 + i, height: s.height, width: s.width, channels: s.channels, padding: padding,
                         channelsBefore: before, channelsAfter: after, output: $0 + out) }
        case let .concat(inputs, axis, act):
            let o = graph.shape(node.output), outer = o[..<axis].reduce(1, *)
            let parts = inputs.map { (offsets[$0.index], graph.shape($0)[axis...].reduce(1, *)) }
            return { base in
                concatChannels(parts.map { (UnsafePointer(base + $0.0), $0.1) }, pixels: outer, output: base + out)
                applyActivation(act, to: base + out, count: count)
            }
        case let .resize(input, mode):
            let i = offsets[input.index], s = shape(input), o = shape(node.output)
            return { resizeBilinear(input: $0 + i, inHeight: s.height, inWidth: s.width, channels: s.channels,
                                    output: $0 + out, outHeight: o.height, outWidth: o.width, mode: mode) }
        case let .constant(c):
            let source = UnsafePointer(constant(c))
            return { ($0 + out).update(from: source, count: count) }
        case let .depthToSpace(input, block):
            let i = offsets[input.index], s = shape(input)
            return { depthToSpace(input: $0 + i, height: s.height, width: s.width, channels: s.channels, blockSize: block,
                                  output: $0 + out) }
        }
    }

    /// A convolution: Winograd where allowed (3×3 stride 1, Neural's GEMM), else im2col + GEMM on weights packed
    /// once, in bands of output rows when the whole image's im2col would pass `scratchLimit`.
    private mutating func bindConv(input i: Int, weights wp: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?,
                                   output out: Int, geometry g: Conv2DGeometry, activation act: Activation,
                                   residual: Int?, residualChannels: Int?,
                                   winograd allowWinograd: Bool) -> (UnsafeMutablePointer<Float>) -> Void {
        let bp = bias.map { UnsafePointer($0) }
        let rollcallGEMM = KernelDispatch.active.gemm == .rollcall
        if allowWinograd, rollcallGEMM, g.kernelHeight == 3, g.kernelWidth == 3, g.strideHeight == 1, g.strideWidth == 1 {
            let transformed = WinogradWeights(weights: wp, inChannels: g.inChannels, outChannels: g.outChannels)
            return { base in
                conv3x3Winograd(input: base + i, weights: transformed, bias: bp, output: base + out, geometry: g,
                                activation: act, residual: residual.map { UnsafePointer(base + $0) })
            }
        }
        let rows = g.kernelHeight * g.kernelWidth * g.inChannels
        let packed = rollcallGEMM ? PackedMatrix(rows: rows, columns: g.outChannels, matrix: wp) : nil
        let scratch = scratchOffset, w = UnsafePointer(wp)
        let rowCost = g.outWidth * rows
        guard g.scratchCount > scratchLimit, g.strideHeight == 1, rowCost > 0 else {
            scratchFloats = max(scratchFloats, g.scratchCount)
            return { base in
                conv2d(input: base + i, weights: w, bias: bp, output: base + out, geometry: g, activation: act,
                       scratch: base + scratch, residual: residual.map { UnsafePointer(base + $0) },
                       residualChannels: residualChannels, packedWeights: packed)
            }
        }
        // Bands of output rows [top, bottom): input rows from top − padTop to bottom − 1 − padTop + kh − 1,
        // clipped to the image, with only the image's own edges padded.
        let bandRows = max(1, min(g.outHeight, scratchLimit / rowCost))
        scratchFloats = max(scratchFloats, bandRows * rowCost)
        var bands: [(input: Int, output: Int, geometry: Conv2DGeometry)] = []
        var top = 0
        while top < g.outHeight {
            let bottom = min(g.outHeight, top + bandRows)
            let firstRow = top - g.padding.top, endRow = bottom - 1 - g.padding.top + g.kernelHeight
            let inStart = max(0, firstRow), inEnd = min(g.inHeight, endRow)
            var band = g
            band.inHeight = inEnd - inStart
            band.padding = Padding(top: inStart - firstRow, left: g.padding.left, bottom: endRow - inEnd, right: g.padding.right)
            bands.append((inStart * g.inWidth * g.inChannels, top * g.outWidth * g.outChannels, band))
            top = bottom
        }
        return { base in
            for band in bands {
                conv2d(input: base + i + band.input, weights: w, bias: bp, output: base + out + band.output,
                       geometry: band.geometry, activation: act, scratch: base + scratch,
                       residual: residual.map { UnsafePointer(base + $0 + band.output) }, packedWeights: packed)
            }
        }
    }
}
