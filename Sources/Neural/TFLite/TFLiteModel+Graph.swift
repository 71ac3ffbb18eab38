// Lowers a parsed TFLite graph to Neural's `Graph`: folds constant DENSIFY/DEQUANTIZE, converts weights to the
// kernels' layouts, checks every operator's shapes and options, and turns RESHAPE into an alias. The fusions
// (PAD into depthwise, ADD into convolution, RELU into its producer) are the plan's (Graph+Fusion.swift).

extension TFLiteModel {
    /// This model as a `Graph`; throws if an operator, option or shape is not supported, naming it.
    public func graph() throws(NeuralError) -> Graph {
        var lowering = TFLiteLowering(model: self)
        try lowering.lower()
        return lowering.graph
    }
}

/// The state of one lowering: which TFLite tensor is which graph value or constant.
struct TFLiteLowering {
    let model: TFLiteModel
    var graph = Graph()
    /// Constant float values already folded (DENSIFY/DEQUANTIZE outputs).
    private var folded: [Int: [Float]] = [:]
    private var values: [Int: ValueID] = [:]
    private var constants: [Int: ConstantID] = [:]

    init(model: TFLiteModel) { self.model = model }

    private func isConstant(_ t: Int) -> Bool { folded[t] != nil || model.isConstant(t) }

    private func floats(_ t: Int) throws(NeuralError) -> [Float] {
        if let v = folded[t] { return v }
        guard model.isConstant(t) else {
            throw NeuralError(.unsupportedOperator, "tensor \"\(model.tensors[t].name)\" should be constant but is computed")
        }
        return try model.floatValues(t)
    }

    private mutating func constant(_ t: Int, _ transform: ([Float]) -> [Float] = { $0 }) throws(NeuralError) -> ConstantID {
        if let c = constants[t] { return c }
        let c = graph.addConstant(transform(try floats(t)))
        constants[t] = c
        return c
    }

    private func shape(_ t: Int) -> [Int] { model.tensors[t].shape }

    private func hwc(_ t: Int, _ op: String) throws(NeuralError) -> (h: Int, w: Int, c: Int) {
        let s = shape(t)
        guard s.count == 4, s[0] == 1 else {
            throw NeuralError(.shapeMismatch, "\(op): tensor \"\(model.tensors[t].name)\" has shape \(s), expected [1, H, W, C]")
        }
        return (s[1], s[2], s[3])
    }

    /// The graph value of tensor `t`: written by an earlier operator (or the caller), or a constant operand
    /// (a `constant` node, once).
    private mutating func value(_ t: Int, _ op: String) throws(NeuralError) -> ValueID {
        guard t >= 0, t < model.tensors.count else { throw NeuralError(.malformedModel, "\(op) reads tensor \(t), which does not exist") }
        if let v = values[t] { return v }
        guard isConstant(t) else { throw NeuralError(.malformedModel, "\(op) reads tensor \(t) before anything writes it") }
        let v = graph.add(.constant(try constant(t)), shape: shape(t), name: model.tensors[t].name)
        values[t] = v
        return v
    }

    /// Records that `op` writes tensor `t` (float32, written once).
    private mutating func write(_ t: Int, _ op: Op, _ name: String) throws(NeuralError) {
        guard model.tensors[t].type == .float32 else {
            throw NeuralError(.unsupportedType, "tensor \"\(model.tensors[t].name)\" is \(model.tensors[t].type); activations must be float32")
        }
        guard values[t] == nil, !isConstant(t) else { throw NeuralError(.malformedModel, "\(name) writes tensor \(t) a second time") }
        values[t] = graph.add(op, shape: shape(t), name: model.tensors[t].name)
    }

    mutating func lower() throws(NeuralError) {
        for t in model.inputs {
            guard t >= 0, t < model.tensors.count, model.tensors[t].type == .float32, !isConstant(t) else {
                throw NeuralError(.unsupportedType, "graph input \(t) must be a computed float32 tensor")
            }
            values[t] = graph.addInput(shape: shape(t), name: model.tensors[t].name)
        }
        for (i, op) in model.operators.enumerated() {
            let name = "operator \(i) (\(op.builtin.name))"
            guard let out = op.outputs.first, out >= 0, out < model.tensors.count,
                  op.inputs.first.map({ $0 >= 0 && $0 < model.tensors.count }) == true else {
                throw NeuralError(.malformedModel, "\(name) has no input or output")
            }
            try lower(op, name: name, input: op.inputs[0], out: out)
        }
        graph.outputs = try model.outputs.map { (t: Int) throws(NeuralError) -> ValueID in
            guard t >= 0, t < model.tensors.count, !isConstant(t) else {
                throw NeuralError(.unsupportedOperator, "graph output \(t) is constant")
            }
            return try value(t, "graph output")
        }
    }

    private mutating func lower(_ op: TFLiteOperator, name: String, input: Int, out: Int) throws(NeuralError) {
        switch op.builtin {
        case .densify, .dequantize:
            guard isConstant(input) else {
                throw NeuralError(.unsupportedOperator, "\(name) on a computed tensor (only constant weights are supported)")
            }
            let v = try floats(input)
            guard v.count == model.tensors[out].count else {
                throw NeuralError(.shapeMismatch, "\(name): \(v.count) values for output shape \(shape(out))")
            }
            folded[out] = v
        case .reshape:
            guard !isConstant(input), model.tensors[input].count == model.tensors[out].count else {
                throw NeuralError(.shapeMismatch, "\(name): cannot reshape \(shape(input)) to \(shape(out))")
            }
            guard values[out] == nil else { throw NeuralError(.malformedModel, "\(name) reshapes tensor \(out) into itself") }
            values[out] = graph.reshape(try value(input, name), to: shape(out), name: model.tensors[out].name)
        case .conv2d, .depthwiseConv2d:
            try convolution(op, name: name, input: input, out: out)
        case .add:
            guard case let .add(act) = op.options, op.inputs.count == 2 else { throw NeuralError(.malformedModel, "\(name)") }
            let b = op.inputs[1]
            guard b >= 0, b < model.tensors.count, shape(input) == shape(b), shape(b) == shape(out) else {
                throw NeuralError(.unsupportedOperator, "\(name): broadcasting \(shape(input)) + \(b >= 0 && b < model.tensors.count ? shape(b) : []) is not supported")
            }
            try write(out, .add(try value(input, name), try value(b, name), activation: act), name)
        case .relu, .relu6:
            guard op.outputs.count == 1, model.tensors[input].count == model.tensors[out].count else {
                throw NeuralError(.shapeMismatch, name)
            }
            try write(out, .activation(input: try value(input, name), op.builtin == .relu ? .relu : .relu6), name)
        case .pad:
            guard op.inputs.count >= 2 else { throw NeuralError(.malformedModel, "\(name) has no paddings") }
            let p = try model.int32Values(op.inputs[1])
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard p.count == 8, p[0] == 0, p[1] == 0, p.allSatisfy({ $0 >= 0 }) else {
                throw NeuralError(.unsupportedOperator, "\(name): paddings \(p) (only non-negative H/W/C padding)")
            }
            guard h + p[2] + p[3] == oh, w + p[4] + p[5] == ow, c + p[6] + p[7] == oc else {
                throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) padded by \(p) is not \(shape(out))")
            }
            try write(out, .pad(input: try value(input, name), padding: Padding(top: p[2], left: p[4], bottom: p[3], right: p[5]),
                                channelsBefore: p[6], channelsAfter: p[7]), name)
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
            let v = try value(input, name)
            try write(out, op.builtin == .maxPool2d ? .maxPool(input: v, geometry: g, activation: act)
                                                    : .averagePool(input: v, geometry: g, countPadding: false, activation: act), name)
        case .concatenation:
            guard case let .concatenation(rawAxis, act) = op.options else { throw NeuralError(.malformedModel, name) }
            let axis = rawAxis < 0 ? rawAxis + shape(out).count : rawAxis
            guard axis >= 0, axis < shape(out).count else { throw NeuralError(.shapeMismatch, "\(name): axis \(rawAxis)") }
            let parts = try op.inputs.map { (t: Int) throws(NeuralError) -> ValueID in try value(t, name) }
            try write(out, .concat(inputs: parts, axis: axis, activation: act), name)
        case .resizeBilinear:
            guard case let .resizeBilinear(mode) = op.options, op.inputs.count >= 2 else { throw NeuralError(.malformedModel, name) }
            let size = try model.int32Values(op.inputs[1])
            let (_, _, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard size == [oh, ow], oc == c else {
                throw NeuralError(.shapeMismatch, "\(name): size \(size) does not match output \(shape(out))")
            }
            try write(out, .resize(input: try value(input, name), mode: mode), name)
        case .depthToSpace:
            guard case let .depthToSpace(block) = op.options, block > 0 else { throw NeuralError(.malformedModel, name) }
            let (h, w, c) = try hwc(input, name), (oh, ow, oc) = try hwc(out, name)
            guard oh == h * block, ow == w * block, oc * block * block == c else {
                throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) with block \(block) is not \(shape(out))")
            }
            try write(out, .depthToSpace(input: try value(input, name), block: block), name)
        }
    }

    private mutating func convolution(_ op: TFLiteOperator, name: String, input: Int, out: Int) throws(NeuralError) {
        guard case let .convolution(padding, sh, sw, dh, dw, multiplier, act) = op.options else {
            throw NeuralError(.malformedModel, "\(name) has no convolution options")
        }
        guard dh == 1, dw == 1 else { throw NeuralError(.unsupportedOperator, "\(name): dilation \(dh)×\(dw) is not supported") }
        guard sh > 0, sw > 0 else { throw NeuralError(.malformedModel, "\(name): stride \(sh)×\(sw)") }
        guard op.inputs.count >= 2, op.inputs[1] >= 0, op.inputs[1] < model.tensors.count, isConstant(op.inputs[1]) else {
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
        let pads = padding == .same
            ? Padding.same(inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw)
            : Padding.zero
        let g = Conv2DGeometry(inHeight: h, inWidth: w, inChannels: c, outChannels: oc, kernelHeight: kh, kernelWidth: kw,
                               strideHeight: sh, strideWidth: sw, padding: pads)
        guard g.isValid, g.outHeight == oh, g.outWidth == ow else {
            throw NeuralError(.shapeMismatch, "\(name): \(h)×\(w) with kernel \(kh)×\(kw) stride \(sh)×\(sw) does not give \(oh)×\(ow)")
        }
        var bias: ConstantID? = nil
        if op.inputs.count >= 3, op.inputs[2] >= 0 {
            guard op.inputs[2] < model.tensors.count, isConstant(op.inputs[2]), model.tensors[op.inputs[2]].count == oc else {
                throw NeuralError(.shapeMismatch, "\(name): bias must be \(oc) constant values")
            }
            bias = try constant(op.inputs[2])
        }
        let v = try value(input, name)
        if isDepthwise {
            try write(out, .depthwise(input: v, weights: try constant(filter), bias: bias, geometry: g, activation: act), name)
        } else {
            // TFLite stores [cout, kh, kw, cin]; the kernels want [kh, kw, cin, cout].
            let inner = kh * kw * c
            let weights = try constant(filter) { raw in
                var hwio = [Float](repeating: 0, count: raw.count)
                for o in 0 ..< oc { for k in 0 ..< inner { hwio[k * oc + o] = raw[o * inner + k] } }
                return hwio
            }
            try write(out, .conv(input: v, weights: weights, bias: bias, geometry: g, activation: act, residual: nil,
                                 winograd: false), name)
        }
    }
}
