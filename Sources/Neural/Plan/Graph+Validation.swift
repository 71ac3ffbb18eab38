// Checks a graph before it is compiled, so that no kernel can read or write outside a buffer: every value is
// written before it is read and exactly once, and every op's geometry fits its operands and constants.

extension Graph {
    /// Throws `NeuralError` naming the first node that is malformed.
    func validate() throws(NeuralError) {
        var defined = Set(inputs.map(\.index))
        func isDefined(_ v: ValueID) -> Bool {
            v.index >= 0 && v.index < values.count && defined.contains(root(v).index)
        }
        for (n, node) in nodes.enumerated() {
            let name = "node \(n) (\(node.op.kind))"
            func need(_ condition: Bool, _ detail: @autoclosure () -> String) throws(NeuralError) {
                if !condition { throw NeuralError(.shapeMismatch, "\(name): \(detail())") }
            }
            for v in node.op.inputs {
                guard isDefined(v) else { throw NeuralError(.malformedModel, "\(name) reads \(v) before it is written") }
            }
            for c in node.op.constants where !(0 ..< constants.count).contains(c.index) {
                throw NeuralError(.malformedModel, "\(name) reads constant \(c.index), which does not exist")
            }
            let out = node.output
            guard out.index < values.count, !defined.contains(out.index), values[out.index].alias == nil else {
                throw NeuralError(.malformedModel, "\(name) writes \(out), which is already written")
            }
            func constantCount(_ c: ConstantID?) -> Int { c.map { constants[$0.index].count } ?? Int.max }
            func fits(_ v: ValueID, _ h: Int, _ w: Int, _ c: Int) -> Bool {
                guard let s = hwc(v) else { return false }
                return s.height == h && s.width == w && s.channels == c
            }
            func window(_ input: ValueID, _ g: Conv2DGeometry) throws(NeuralError) {
                try need(g.isValid, "geometry \(g) is not valid")
                try need(fits(input, g.inHeight, g.inWidth, g.inChannels), "input \(shape(input)) does not fit \(g)")
                try need(fits(out, g.outHeight, g.outWidth, g.outChannels), "output \(shape(out)) does not fit \(g)")
            }
            switch node.op {
            case let .conv(input, w, b, g, _, residual, _):
                try window(input, g)
                try need(constantCount(w) >= g.weightCount && constantCount(b) >= g.outChannels, "weights or bias too small")
                if let residual {
                    // The output's shape, or (a zero-extended shortcut, for a convolution that takes im2col + GEMM)
                    // its height and width with fewer channels.
                    let narrow = hwc(residual).map { r in
                        r.channels < g.outChannels && fits(residual, g.outHeight, g.outWidth, r.channels)
                    } ?? false
                    try need(count(residual) == count(out) || (narrow && g.isPointwise),
                             "residual \(shape(residual)) is not \(shape(out))")
                }
            case let .depthwise(input, w, b, g, _):
                try window(input, g)
                try need(g.inChannels == g.outChannels, "depthwise \(g.inChannels) → \(g.outChannels) channels")
                try need(constantCount(w) >= g.kernelHeight * g.kernelWidth * g.inChannels && constantCount(b) >= g.outChannels,
                         "weights or bias too small")
            case let .fullyConnected(input, w, b, inCount, outCount, _):
                try need(count(input) == inCount && count(out) == outCount && inCount > 0 && outCount > 0,
                         "\(shape(input)) → \(shape(out)) is not \(inCount) → \(outCount)")
                try need(constantCount(w) >= inCount * outCount && constantCount(b) >= outCount, "weights or bias too small")
            case let .maxPool(input, g, _), let .averagePool(input, g, _, _):
                try window(input, g)
                try need(g.inChannels == g.outChannels, "pooling changes channels")
            case let .globalAveragePool(input):
                try need(hwc(input) != nil && count(out) == hwc(input)?.channels, "\(shape(input)) → \(shape(out))")
            case let .add(a, b, _):
                if shape(a) != shape(out) || shape(b) != shape(out) {
                    guard let sa = hwc(a), let sb = hwc(b), let so = hwc(out),
                          so.height == max(sa.height, sb.height), so.width == max(sa.width, sb.width),
                          so.channels == max(sa.channels, sb.channels) else {
                        throw NeuralError(.unsupportedOperator, "\(name): cannot add \(shape(a)) and \(shape(b)) into \(shape(out))")
                    }
                }
            case let .activation(input, _), let .softmax(input):
                try need(count(input) == count(out), "\(shape(input)) → \(shape(out))")
            case let .pad(input, p, before, after):
                guard let s = hwc(input) else { throw NeuralError(.shapeMismatch, "\(name): input \(shape(input))") }
                try need(p.top >= 0 && p.left >= 0 && p.bottom >= 0 && p.right >= 0 && before >= 0 && after >= 0,
                         "negative padding")
                try need(fits(out, s.height + p.top + p.bottom, s.width + p.left + p.right, s.channels + before + after),
                         "\(shape(input)) padded is not \(shape(out))")
            case let .concat(parts, axis, _):
                let o = shape(out)
                try need(axis >= 0 && axis < o.count && !parts.isEmpty, "axis \(axis) of \(o)")
                var total = 0
                for v in parts {
                    let s = shape(v)
                    try need(s.count == o.count && Array(s[..<axis]) == Array(o[..<axis])
                             && Array(s[(axis + 1)...]) == Array(o[(axis + 1)...]), "input \(s) does not fit \(o)")
                    total += s[axis]
                }
                try need(total == o[axis], "inputs sum to \(total) on axis \(axis), output has \(o[axis])")
            case let .resize(input, _):
                guard let s = hwc(input), let o = hwc(out), s.channels == o.channels else {
                    throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) → \(shape(out))")
                }
            case let .constant(c):
                try need(constants[c.index].count == count(out), "\(constants[c.index].count) values for \(shape(out))")
            case let .depthToSpace(input, block):
                guard block > 0, let s = hwc(input), fits(out, s.height * block, s.width * block, s.channels / (block * block)),
                      s.channels % (block * block) == 0 else {
                    throw NeuralError(.shapeMismatch, "\(name): \(shape(input)) with block \(block) → \(shape(out))")
                }
            }
            defined.insert(out.index)
        }
        for v in outputs where !isDefined(v) {
            throw NeuralError(.malformedModel, "graph output \(v) is never written")
        }
    }
}
