// Turns a parsed TFLite graph into kernel calls: folds constant DENSIFY/DEQUANTIZE, converts weights to the
// kernels' layouts, checks every operator's shapes and options, and assigns arena offsets by lifetime.

struct TFLitePlanner {
    typealias Resolve = (Int) -> UnsafeMutablePointer<Float>
    typealias Builder = (Resolve, UnsafeMutablePointer<Float>) -> TFLiteStep

    let model: TFLiteModel
    /// Constant float values already folded (DENSIFY/DEQUANTIZE outputs).
    private var folded: [Int: [Float]] = [:]
    /// All weights, in kernel layouts, one after another.
    private(set) var weightStore: [Float] = []
    private var weightOffsets: [Int: Int] = [:]
    private var builders: [Builder] = []
    /// RESHAPE output → the tensor whose memory it shares.
    private var alias: [Int: Int] = [:]
    /// (first step defining, last step using) of each activation tensor's memory root.
    private var lifetimes: [Int: (first: Int, last: Int)] = [:]
    private var scratchFloats = 0
    private(set) var offsets: [Int: Int] = [:]
    private(set) var arenaSize = 0
    private var scratchOffset = 0
    /// The padding a folded PAD gives the depthwise convolution planned next (consumed by `addStep`).
    private var foldedPadding: Padding?

    init(model: TFLiteModel) throws(NeuralError) { self.model = model }

    private func root(_ t: Int) -> Int {
        var r = t
        while let next = alias[r] { r = next }
        return r
    }

    private func isConstant(_ t: Int) -> Bool { folded[t] != nil || model.isConstant(t) }

    private func values(_ t: Int) throws(NeuralError) -> [Float] {
        if let v = folded[t] { return v }
        guard model.isConstant(t) else {
            throw NeuralError(.unsupportedOperator, "tensor \"\(model.tensors[t].name)\" should be constant but is computed")
        }
        return try model.floatValues(t)
    }

    /// Stores constant `values` for tensor `t` (once) and returns nothing; `resolve` finds them later.
    private mutating func storeWeights(_ t: Int, _ values: [Float]) {
        guard weightOffsets[t] == nil else { return }
        weightOffsets[t] = weightStore.count
        weightStore += values
        let pad = (16 - weightStore.count % 16) % 16
        weightStore += [Float](repeating: 0, count: pad)
    }

    private func shape(_ t: Int) -> [Int] { model.tensors[t].shape }

    private func hwc(_ t: Int, _ op: String) throws(NeuralError) -> (h: Int, w: Int, c: Int) {
        let s = shape(t)
        guard s.count == 4, s[0] == 1 else {
            throw NeuralError(.shapeMismatch, "\(op): tensor \"\(model.tensors[t].name)\" has shape \(s), expected [1, H, W, C]")
        }
        return (s[1], s[2], s[3])
    }

    /// Marks tensor `t` as used (read or written) at `step`.
    private mutating func touch(_ t: Int, _ step: Int) throws(NeuralError) {
        guard !isConstant(t) else { return }
        guard model.tensors[t].type == .float32 else {
            throw NeuralError(.unsupportedType, "tensor \"\(model.tensors[t].name)\" is \(model.tensors[t].type); activations must be float32")
        }
        let r = root(t)
        let old = lifetimes[r] ?? (step, step)
        lifetimes[r] = (min(old.first, step), max(old.last, step))
    }

    mutating func plan() throws(NeuralError) {
        for input in model.inputs { try touch(input, -1) }
        var step = 0
        var consumers = [Int](repeating: 0, count: model.tensors.count)
        for op in model.operators { for t in op.inputs where t >= 0 { consumers[t] += 1 } }
        for t in model.outputs { consumers[t] += 1 }
        var fusedAway = Set<Int>()
        for (i, original) in model.operators.enumerated() {
            guard !fusedAway.contains(i) else { continue }
            let name = "operator \(i) (\(original.builtin.name))"
            var op = original
            var next = i + 1
            // Peephole: a spatial PAD read only by the next 3×3 depthwise convolution (VALID) becomes that
            // convolution's padding (the kernel reads cells outside the image as zeros).
            if let fold = foldablePad(op, next: next, consumers: consumers) {
                foldedPadding = fold.padding
                op = fold.depthwise
                fusedAway.insert(next)
                next += 1
            }
            // Peephole: an ADD that is the only reader of a CONV_2D's output (no activation) becomes the
            // convolution's residual: the GEMM adds the other operand as it stores each tile.
            if let fused = residualFusion(op, next: next, consumers: consumers) {
                op = fused
                fusedAway.insert(next)
                next += 1
            }
            // Peephole: a RELU/RELU6 that is the only reader of this op's output becomes its fused activation.
            if next < model.operators.count, let out = op.outputs.first, op.outputs.count == 1, consumers[out] == 1 {
                let following = model.operators[next]
                // (A RELU without exactly one output is left for addStep to refuse: found by scripts/fuzz.)
                if (following.builtin == .relu || following.builtin == .relu6), following.inputs == [out],
                   following.outputs.count == 1,
                   let fused = op.fusing(following.builtin == .relu ? .relu : .relu6, output: following.outputs[0]) {
                    op = fused
                    fusedAway.insert(next)
                }
            }
            guard let out = op.outputs.first, op.inputs.first.map({ $0 >= 0 }) == true else {
                throw NeuralError(.malformedModel, "\(name) has no input or output")
            }
            let input = op.inputs[0]
            switch op.builtin {
            case .densify, .dequantize:
                guard isConstant(input) else {
                    throw NeuralError(.unsupportedOperator, "\(name) on a computed tensor (only constant weights are supported)")
                }
                folded[out] = try values(input)
                guard folded[out]?.count == model.tensors[out].count else {
                    throw NeuralError(.shapeMismatch, "\(name): \(folded[out]?.count ?? 0) values for output shape \(shape(out))")
                }
                continue
            case .reshape:
                guard !isConstant(input), model.tensors[input].count == model.tensors[out].count else {
                    throw NeuralError(.shapeMismatch, "\(name): cannot reshape \(shape(input)) to \(shape(out))")
                }
                // An output that is (an alias of) its own input, or already an alias, would make `root` loop
                // forever (found by scripts/fuzz).
                guard root(input) != out, alias[out] == nil else {
                    throw NeuralError(.malformedModel, "\(name) reshapes tensor \(out) into itself")
                }
                alias[out] = root(input)
                try touch(input, step)
                try touch(out, step)
                step += 1
                continue
            default:
                break
            }
            try addStep(op, name: name)
            for t in op.inputs where t >= 0 { try touch(t, step) }
            for t in op.outputs { try touch(t, step) }
            step += 1
        }
        // Inputs stay intact through a run (callers may invoke twice on one input).
        for input in model.inputs { try touch(input, step) }
        for output in model.outputs {
            guard !isConstant(output) else { throw NeuralError(.unsupportedOperator, "graph output \(output) is constant") }
            try touch(output, step)
        }
        assignOffsets()
        // A model file is input too: one whose activations would need an absurd allocation is refused before it
        // is made (found by scripts/fuzz: a 300-byte model asked for 1.8 GB). BlazeFace needs a few million.
        guard arenaSize <= Self.maxArenaFloats else {
            throw NeuralError(.malformedModel, "the activations need \(arenaSize) floats, over the limit of "
                              + "\(Self.maxArenaFloats) (256 MiB)")
        }
    }

    /// The largest activation arena a model may plan, in floats.
    static let maxArenaFloats = 1 << 26

    /// A PAD of height and width only (zeros) whose output only `operators[next]`, a 3×3 VALID depthwise
    /// convolution, reads: that convolution on the PAD's input, and the padding it folds in.
    private func foldablePad(_ op: TFLiteOperator, next: Int, consumers: [Int]) -> (depthwise: TFLiteOperator, padding: Padding)? {
        guard op.builtin == .pad, op.inputs.count >= 2, op.outputs.count == 1, next < model.operators.count,
              consumers[op.outputs[0]] == 1, !isConstant(op.inputs[0]),
              let p = try? model.int32Values(op.inputs[1]), p.count == 8, p.allSatisfy({ $0 >= 0 }),
              p[0] == 0, p[1] == 0, p[6] == 0, p[7] == 0 else { return nil }
        let dw = model.operators[next]
        guard dw.builtin == .depthwiseConv2d, dw.inputs.count >= 2, dw.inputs[0] == op.outputs[0],
              case .convolution(.valid, _, _, 1, 1, 1, _) = dw.options,
              shape(dw.inputs[1]).count == 4, shape(dw.inputs[1])[1] == 3, shape(dw.inputs[1])[2] == 3 else { return nil }
        var inputs = dw.inputs
        inputs[0] = op.inputs[0]
        return (TFLiteOperator(builtin: dw.builtin, inputs: inputs, outputs: dw.outputs, options: dw.options),
                Padding(top: p[2], left: p[4], bottom: p[3], right: p[5]))
    }

    /// A CONV_2D without activation whose output only `operators[next]`, an ADD of two same-shaped tensors,
    /// reads: the convolution with the ADD's other operand as a fourth input (its residual), the ADD's
    /// activation and the ADD's output.
    private func residualFusion(_ op: TFLiteOperator, next: Int, consumers: [Int]) -> TFLiteOperator? {
        guard op.builtin == .conv2d, op.inputs.count == 2 || op.inputs.count == 3, op.outputs.count == 1,
              case let .convolution(padding, sh, sw, dh, dw, multiplier, .none) = op.options,
              next < model.operators.count, consumers[op.outputs[0]] == 1 else { return nil }
        let out = op.outputs[0], add = model.operators[next]
        guard add.builtin == .add, add.inputs.count == 2, add.outputs.count == 1, add.inputs.contains(out),
              case let .add(activation) = add.options else { return nil }
        let other = add.inputs[0] == out ? add.inputs[1] : add.inputs[0]
        guard other >= 0, other != out, !isConstant(other), shape(other) == shape(out), shape(add.outputs[0]) == shape(out)
        else { return nil }
        let bias = op.inputs.count == 3 ? op.inputs[2] : -1
        return TFLiteOperator(builtin: .conv2d, inputs: [op.inputs[0], op.inputs[1], bias, other], outputs: add.outputs,
                              options: .convolution(padding: padding, strideH: sh, strideW: sw, dilationH: dh,
                                                    dilationW: dw, depthMultiplier: multiplier, activation: activation))
    }

    private mutating func addStep(_ op: TFLiteOperator, name: String) throws(NeuralError) {
        let input = op.inputs[0], out = op.outputs[0]
        for t in op.inputs where t >= 0 && isConstant(t) && model.tensors[t].type != .int32 {
            // Constant float operands (weights, biases, constant addends) go to the weight store.
            let isConvFilter = op.builtin == .conv2d && op.inputs.count > 1 && t == op.inputs[1]
            if weightOffsets[t] == nil && !isConvFilter { storeWeights(t, try values(t)) }
        }
        switch op.builtin {
        case .conv2d, .depthwiseConv2d:
            guard case let .convolution(padding, sh, sw, dh, dw, multiplier, act) = op.options else {
                throw NeuralError(.malformedModel, "\(name) has no convolution options")
            }
            guard dh == 1, dw == 1 else { throw NeuralError(.unsupportedOperator, "\(name): dilation \(dh)×\(dw) is not supported") }
            guard sh > 0, sw > 0 else { throw NeuralError(.malformedModel, "\(name): stride \(sh)×\(sw)") }
            guard op.inputs.count >= 2, isConstant(op.inputs[1]) else {
                throw NeuralError(.unsupportedOperator, "\(name): filter must be a constant tensor")
            }
            let filter = op.inputs[1]
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            let fs = shape(filter)
            guard fs.count == 4 else { throw NeuralError(.shapeMismatch, "\(name): filter shape \(fs)") }
            let isDepthwise = op.builtin == .depthwiseConv2d
            let (kh, kw) = (fs[1], fs[2])
            if isDepthwise {
                guard fs[0] == 1, fs[3] == oc, oc == c, multiplier == 1 else {
                    throw NeuralError(.unsupportedOperator, "\(name): depthwise filter \(fs) on \(c) channels (depth multiplier \(multiplier)) is not supported")
                }
            } else {
                guard fs[0] == oc, fs[3] == c else { throw NeuralError(.shapeMismatch, "\(name): filter \(fs) for \(c) → \(oc) channels") }
            }
            var pads = padding == .same
                ? Padding.same(inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw)
                : Padding.zero
            if isDepthwise, let folded = foldedPadding {
                pads = folded
                foldedPadding = nil
            }
            let g = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: oc, kernelHeight: kh, kernelWidth: kw,
                                   strideHeight: sh, strideWidth: sw, padding: pads)
            guard g.isValid, g.outHeight == oh, g.outWidth == ow else {
                throw NeuralError(.shapeMismatch, "\(name): \(h)×\(w) with kernel \(kh)×\(kw) stride \(sh)×\(sw) does not give \(oh)×\(ow)")
            }
            var bias: Int? = nil
            if op.inputs.count >= 3, op.inputs[2] >= 0 {
                guard isConstant(op.inputs[2]), model.tensors[op.inputs[2]].count == oc else {
                    throw NeuralError(.shapeMismatch, "\(name): bias must be \(oc) constant values")
                }
                bias = op.inputs[2]
            }
            // A fourth input is a residual fused in from an ADD (see `residualFusion`).
            let residual: Int? = !isDepthwise && op.inputs.count >= 4 && op.inputs[3] >= 0 ? op.inputs[3] : nil
            if isDepthwise {
                builders.append { r, _ in
                    .depthwise(src: r(input), weights: r(filter), bias: bias.map(r), dst: r(out), geometry: g, activation: act)
                }
            } else {
                // TFLite stores [cout, kh, kw, cin]; the kernel wants [kh, kw, cin, cout].
                let raw = try values(filter)
                var hwio = [Float](repeating: 0, count: raw.count)
                let inner = kh * kw * c
                for o in 0..<oc { for k in 0..<inner { hwio[k * oc + o] = raw[o * inner + k] } }
                storeWeights(filter, hwio)
                scratchFloats = max(scratchFloats, g.scratchCount)
                // Packed once for Neural's GEMM (OpenBLAS reads the plain weights).
                let packed = KernelDispatch.active.gemm == .rollcall
                    ? hwio.withUnsafeBufferPointer { PackedMatrix(rows: inner, columns: oc, matrix: $0.baseAddress!) } : nil
                builders.append { r, scratch in
                    .conv(src: r(input), weights: r(filter), bias: bias.map(r), dst: r(out), geometry: g, activation: act,
                          scratch: scratch, residual: residual.map { UnsafePointer(r($0)) }, packed: packed)
                }
            }
        case .add:
            guard case let .add(act) = op.options, op.inputs.count == 2 else { throw NeuralError(.malformedModel, "\(name)") }
            let b = op.inputs[1]
            guard shape(input) == shape(b), shape(b) == shape(out) else {
                throw NeuralError(.unsupportedOperator, "\(name): broadcasting \(shape(input)) + \(shape(b)) is not supported")
            }
            let count = model.tensors[out].count
            builders.append { r, _ in .add(a: r(input), b: r(b), dst: r(out), count: count, activation: act) }
        case .relu, .relu6:
            guard model.tensors[input].count == model.tensors[out].count else { throw NeuralError(.shapeMismatch, name) }
            let count = model.tensors[out].count, act: Activation = op.builtin == .relu ? .relu : .relu6
            builders.append { r, _ in .activation(src: r(input), dst: r(out), count: count, activation: act) }
        case .pad:
            guard op.inputs.count >= 2 else { throw NeuralError(.malformedModel, "\(name) has no paddings") }
            let p = try model.int32Values(op.inputs[1])
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard p.count == 8, p[0] == 0, p[1] == 0, p.allSatisfy({ $0 >= 0 }) else {
                throw NeuralError(.unsupportedOperator, "\(name): paddings \(p) (only non-negative H/W/C padding)")
            }
            let padding = Padding(top: p[2], left: p[4], bottom: p[3], right: p[5])
            guard h + p[2] + p[3] == oh, w + p[4] + p[5] == ow, c + p[6] + p[7] == oc else {
                throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) padded by \(p) is not \(shape(out))")
            }
            builders.append { r, _ in
                .pad(src: r(input), height: h, width: w, channels: c, padding: padding, channelsBefore: p[6],
                     channelsAfter: p[7], dst: r(out))
            }
        case .maxPool2d, .averagePool2d:
            guard case let .pool(padding, sh, sw, fh, fw, act) = op.options, sh > 0, sw > 0, fh > 0, fw > 0 else {
                throw NeuralError(.malformedModel, "\(name): bad pooling options")
            }
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            let pads = padding == .same
                ? Padding.same(inHeight: h, inWidth: w, kernelHeight: fh, kernelWidth: fw, strideHeight: sh, strideWidth: sw)
                : Padding.zero
            let g = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: c, kernelHeight: fh, kernelWidth: fw,
                                   strideHeight: sh, strideWidth: sw, padding: pads)
            guard g.isValid, g.outHeight == oh, g.outWidth == ow, oc == c else {
                throw NeuralError(.shapeMismatch, "\(name): pooling \(shape(input)) does not give \(shape(out))")
            }
            let isMax = op.builtin == .maxPool2d
            builders.append { r, _ in
                isMax ? .maxPool(src: r(input), dst: r(out), geometry: g, activation: act)
                    : .averagePool(src: r(input), dst: r(out), geometry: g, activation: act)
            }
        case .concatenation:
            guard case let .concatenation(rawAxis, act) = op.options else { throw NeuralError(.malformedModel, name) }
            let outShape = shape(out)
            let axis = rawAxis < 0 ? rawAxis + outShape.count : rawAxis
            guard axis >= 0, axis < outShape.count else { throw NeuralError(.shapeMismatch, "\(name): axis \(rawAxis)") }
            let outer = outShape[..<axis].reduce(1, *)
            var parts = [(Int, Int)]()
            var total = 0
            for t in op.inputs {
                let s = shape(t)
                guard s.count == outShape.count, Array(s[..<axis]) == Array(outShape[..<axis]),
                      Array(s[(axis + 1)...]) == Array(outShape[(axis + 1)...]) else {
                    throw NeuralError(.shapeMismatch, "\(name): input \(s) does not fit output \(outShape) on axis \(axis)")
                }
                let chunk = s[axis...].reduce(1, *)
                parts.append((t, chunk))
                total += chunk
            }
            guard total * outer == model.tensors[out].count else { throw NeuralError(.shapeMismatch, name) }
            let count = model.tensors[out].count
            builders.append { r, _ in
                .concat(inputs: parts.map { (UnsafePointer(r($0.0)), $0.1) }, outer: outer, dst: r(out), count: count,
                        activation: act)
            }
        case .resizeBilinear:
            guard case let .resizeBilinear(mode) = op.options, op.inputs.count >= 2 else { throw NeuralError(.malformedModel, name) }
            let size = try model.int32Values(op.inputs[1])
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard size == [oh, ow], oc == c else {
                throw NeuralError(.shapeMismatch, "\(name): size \(size) does not match output \(shape(out))")
            }
            builders.append { r, _ in
                .resize(src: r(input), inHeight: h, inWidth: w, channels: c, dst: r(out), outHeight: oh, outWidth: ow, mode: mode)
            }
        case .depthToSpace:
            guard case let .depthToSpace(block) = op.options, block > 0 else { throw NeuralError(.malformedModel, name) }
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard oh == h * block, ow == w * block, oc * block * block == c else {
                throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) with block \(block) is not \(shape(out))")
            }
            builders.append { r, _ in .depthToSpace(src: r(input), height: h, width: w, channels: c, block: block, dst: r(out)) }
        case .densify, .dequantize, .reshape:
            break
        }
    }

    /// Greedy first-fit by size: each memory root goes at the lowest offset free during its lifetime.
    private mutating func assignOffsets() {
        func rounded(_ n: Int) -> Int { (n + 15) / 16 * 16 }
        var sizes: [Int: Int] = [:]
        for (t, tensor) in model.tensors.enumerated() where lifetimes[root(t)] != nil && !isConstant(t) {
            sizes[root(t), default: 0] = max(sizes[root(t)] ?? 0, rounded(tensor.count))
        }
        var placed: [(offset: Int, size: Int, first: Int, last: Int)] = []
        for r in sizes.keys.sorted(by: { (sizes[$0]!, $1) > (sizes[$1]!, $0) }) {
            let size = sizes[r]!, life = lifetimes[r]!
            let conflicts = placed.filter { !($0.last < life.first || life.last < $0.first) }.sorted { $0.offset < $1.offset }
            var offset = 0
            for c in conflicts {
                if offset + size <= c.offset { break }
                offset = max(offset, c.offset + c.size)
            }
            placed.append((offset, size, life.first, life.last))
            offsets[r] = offset
            arenaSize = max(arenaSize, offset + size)
        }
        for t in 0..<model.tensors.count where !isConstant(t) {
            if let o = offsets[root(t)] { offsets[t] = o }
        }
        scratchOffset = arenaSize
        arenaSize += rounded(scratchFloats)
    }

    func makeSteps(arena: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>) -> [TFLiteStep] {
        let weightOffsets = self.weightOffsets, offsets = self.offsets
        let resolve: Resolve = { t in
            if let w = weightOffsets[t] { return weights + w }
            return arena + (offsets[t] ?? 0)
        }
        let scratch = arena + scratchOffset
        return builders.map { $0(resolve, scratch) }
    }
}
