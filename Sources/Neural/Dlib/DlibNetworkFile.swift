// DlibNetworkFile: reads a dlib DNN saved with `serialize(net)` whose loss is `loss_metric` and whose input
// is `input_rgb_image_sized` (dlib_face_recognition_resnet_model_v1.dat), given the layer kinds.
//
// dlib nests a network as C++ types, outermost (loss) first, and each wrapper serialises itself around its
// subnetwork:
//   add_loss_layer: version 1, loss details, subnetwork
//   add_layer:      version 1|2, subnetwork, details, 3 bools, x_grad, cached_output, [params_grad if 2]
//   add_layer over the input layer: version 2|3, input details, details, 3 bools, x_grad, cached_output,
//                   grad_final, [sample_expansion_factor if 3]
//   add_tag_layer / add_skip_layer: version 1, subnetwork
// So the file holds the loss, one version number per layer from the top down, the input layer, and then
// the layers' details from the bottom up.

/// A dlib metric-learning network read from its file: input, layers bottom to top, loss.
public struct DlibNetworkFile: Sendable {
    /// The input layer.
    public var input: DlibRGBInput
    /// The layers, bottom (nearest the input) to top, one per kind given to the reader.
    public var layers: [DlibLayer]
    /// The loss layer's parameters.
    public var loss: DlibMetricLoss

    /// Reads a network whose layers, bottom to top, have the given `kinds`; the file must end with it.
    public init(reading reader: inout DlibReader, kinds: [DlibLayerKind]) throws(DlibError) {
        guard let bottom = kinds.first, bottom.isComputational else {
            throw reader.error(.invalidValue, "the layer above the input must be a computational layer")
        }
        _ = try reader.expectVersion(1 ... 1, of: "add_loss_layer")
        loss = try Self.readMetricLoss(&reader)

        // Version numbers, top layer first.
        var versions = [Int](repeating: 0, count: kinds.count)
        for index in stride(from: kinds.count - 1, through: 1, by: -1) {
            versions[index] = try reader.expectVersion(kinds[index].isComputational ? 1 ... 2 : 1 ... 1,
                                                       of: "layer \(index) (\(kinds[index]))")
        }
        versions[0] = try reader.expectVersion(2 ... 3, of: "layer 0 (over the input)")
        input = try Self.readInput(&reader)

        layers = []
        layers.reserveCapacity(kinds.count)
        for (index, kind) in kinds.enumerated() {
            switch kind {
            case .tag(let id): layers.append(.tag(id))
            case .skip(let id): layers.append(.skip(id))
            default:
                layers.append(try Self.readDetails(&reader, kind: kind, index: index))
                // this_layer_setup_called, gradient_input_is_stale, get_output_and_gradient_input_disabled
                for _ in 0 ..< 3 { _ = try reader.readBool() }
                _ = try reader.readTensor()  // x_grad
                _ = try reader.readTensor()  // cached_output
                if index == 0 {
                    _ = try reader.readTensor()  // grad_final
                    if versions[0] >= 3 { _ = try reader.readUnsigned() }  // sample expansion factor
                } else if versions[index] == 2 {
                    _ = try reader.readTensor()  // params_grad
                }
            }
        }
        guard reader.remaining == 0 else {
            throw reader.error(.invalidValue, "\(reader.remaining) bytes follow the network")
        }
    }

    private static func readMetricLoss(_ reader: inout DlibReader) throws(DlibError) -> DlibMetricLoss {
        let version = try reader.expectString(["loss_metric_", "loss_metric_2"], of: "loss layer")
        if version == "loss_metric_" { return DlibMetricLoss(margin: 0.1, distanceThreshold: 0.75) }
        let margin = try reader.readFiniteFloat(what: "loss margin")
        let threshold = try reader.readFiniteFloat(what: "loss distance threshold")
        return DlibMetricLoss(margin: margin, distanceThreshold: threshold)
    }

    private static func readInput(_ reader: inout DlibReader) throws(DlibError) -> DlibRGBInput {
        try reader.expectString(["input_rgb_image_sized"], of: "input layer")
        let red = try reader.readFiniteFloat(what: "mean red")
        let green = try reader.readFiniteFloat(what: "mean green")
        let blue = try reader.readFiniteFloat(what: "mean blue")
        let rows = try reader.readCount(limit: 4096, what: "input rows")
        let cols = try reader.readCount(limit: 4096, what: "input columns")
        guard rows > 0, cols > 0 else { throw reader.error(.invalidValue, "input size \(rows)×\(cols)") }
        return DlibRGBInput(meanRed: red, meanGreen: green, meanBlue: blue, rows: rows, cols: cols)
    }

    private static func readDetails(_ reader: inout DlibReader, kind: DlibLayerKind,
                                    index: Int) throws(DlibError) -> DlibLayer {
        let start = reader.offset
        do throws(DlibError) {
            switch kind {
            case .convolution: return .convolution(try readConvolution(&reader))
            case .affine: return .affine(try readAffine(&reader))
            case .relu:
                if try reader.expectString(["relu_", "relu_2"], of: "relu") == "relu_2" {
                    guard try !reader.readBool() else { throw reader.error(.unsupportedVersion, "disabled relu") }
                }
                return .relu
            case .maxPool: return .maxPool(try readPool(&reader, name: "max_pool_2"))
            case .avgPool: return .avgPool(try readPool(&reader, name: "avg_pool_2"))
            case .fullyConnected: return .fullyConnected(try readFullyConnected(&reader))
            case .addPrevious(let tag):
                try reader.expectString(["add_prev_"], of: "add_prev")
                return .addPrevious(tag: tag)
            case .tag(let id): return .tag(id)
            case .skip(let id): return .skip(id)
            }
        } catch {
            throw DlibError(error.code, offset: error.offset,
                            detail: "layer \(index) (\(kind)) starting at byte \(start): \(error.detail)", path: error.path)
        }
    }

    private static func readConvolution(_ reader: inout DlibReader) throws(DlibError) -> DlibConvolution {
        let version = try reader.expectString(["con_4", "con_5", "con_6"], of: "con")
        let params = try reader.readTensor()
        let filters = try reader.readLong(in: 1 ... 65536, what: "filters")
        let kernelHeight = try reader.readLong(in: 1 ... 64, what: "kernel rows")
        let kernelWidth = try reader.readLong(in: 1 ... 64, what: "kernel columns")
        let strideY = try reader.readInt32(), strideX = try reader.readInt32()
        let paddingY = try reader.readInt32(), paddingX = try reader.readInt32()
        let filterShape = try reader.readAliasShape()
        let biasShape = try reader.readAliasShape()
        for _ in 0 ..< 4 { _ = try reader.readDouble() }  // learning-rate and weight-decay multipliers
        var useBias = true
        if version != "con_4" { useBias = try reader.readBool() }
        if version == "con_6", try reader.readBool() {
            throw reader.error(.unsupportedVersion, "con with fused relu")
        }
        guard (1 ... 64).contains(strideY), (1 ... 64).contains(strideX),
              (0 ..< kernelHeight).contains(paddingY), (0 ..< kernelWidth).contains(paddingX),
              filterShape[0] == filters, filterShape[2] == kernelHeight, filterShape[3] == kernelWidth,
              filterShape[1] >= 1 else {
            throw reader.error(.invalidValue, "inconsistent convolution shape \(filterShape), stride \(strideY)×\(strideX), padding \(paddingY)×\(paddingX)")
        }
        let weightCount = filterShape.reduce(1, *)
        let biasCount = useBias ? biasShape.reduce(1, *) : 0
        guard biasCount == 0 || biasCount == filters, params.count >= weightCount + biasCount else {
            throw reader.error(.invalidValue, "convolution parameters: \(params.count) values for \(weightCount) weights and \(biasCount) biases")
        }
        return DlibConvolution(filters: filters, channels: filterShape[1], kernelHeight: kernelHeight,
                               kernelWidth: kernelWidth, strideY: strideY, strideX: strideX,
                               paddingY: paddingY, paddingX: paddingX,
                               weights: Array(params.values[0 ..< weightCount]),
                               bias: Array(params.values[weightCount ..< weightCount + biasCount]))
    }

    private static func readAffine(_ reader: inout DlibReader) throws(DlibError) -> DlibAffine {
        let version = try reader.expectString(["affine_", "affine_2"], of: "affine")
        let params = try reader.readTensor()
        let gammaShape = try reader.readAliasShape()
        let betaShape = try reader.readAliasShape()
        let mode = try reader.readInt32()
        if version == "affine_2", try reader.readBool() {
            throw reader.error(.unsupportedVersion, "disabled affine layer")
        }
        let count = gammaShape.reduce(1, *)
        guard mode == 0, betaShape == gammaShape, gammaShape[1] == count, params.count == 2 * count else {
            throw reader.error(.invalidValue, "affine mode \(mode) (need 0, per channel), gamma \(gammaShape), beta \(betaShape), \(params.count) parameters")
        }
        return DlibAffine(gamma: Array(params.values[0 ..< count]), beta: Array(params.values[count ..< 2 * count]))
    }

    private static func readPool(_ reader: inout DlibReader, name: String) throws(DlibError) -> DlibPool {
        try reader.expectString([name], of: "pooling layer")
        let rows = try reader.readLong(in: 0 ... 64, what: "window rows")
        let cols = try reader.readLong(in: 0 ... 64, what: "window columns")
        let strideY = try reader.readInt32(), strideX = try reader.readInt32()
        let paddingY = try reader.readInt32(), paddingX = try reader.readInt32()
        guard (1 ... 64).contains(strideY), (1 ... 64).contains(strideX), paddingY >= 0, paddingX >= 0,
              paddingY <= max(rows - 1, 0), paddingX <= max(cols - 1, 0), (rows == 0) == (cols == 0) else {
            throw reader.error(.invalidValue, "pooling \(rows)×\(cols) stride \(strideY)×\(strideX) padding \(paddingY)×\(paddingX)")
        }
        return DlibPool(windowHeight: rows, windowWidth: cols, strideY: strideY, strideX: strideX,
                        paddingY: paddingY, paddingX: paddingX)
    }

    private static func readFullyConnected(_ reader: inout DlibReader) throws(DlibError) -> DlibFullyConnected {
        let version = try reader.expectString(["fc_2", "fc_3"], of: "fc")
        let outputs = try reader.readCount(limit: 1 << 20, what: "fc outputs")
        let inputs = try reader.readCount(limit: 1 << 24, what: "fc inputs")
        let params = try reader.readTensor()
        let weightShape = try reader.readAliasShape()
        let biasShape = try reader.readAliasShape()
        let biasMode = try reader.readInt32()
        for _ in 0 ..< 4 { _ = try reader.readDouble() }
        var useBias = biasMode == 0
        if version == "fc_3" { useBias = try reader.readBool() && biasMode == 0 }
        let weightCount = inputs * outputs
        let biasCount = useBias ? outputs : 0
        guard weightShape.reduce(1, *) == weightCount, weightShape[0] == inputs,
              !useBias || biasShape.reduce(1, *) == outputs, params.count >= weightCount + biasCount else {
            throw reader.error(.invalidValue, "fc \(inputs)→\(outputs): weights \(weightShape), bias \(biasShape), \(params.count) parameters")
        }
        return DlibFullyConnected(inputs: inputs, outputs: outputs,
                                  weights: Array(params.values[0 ..< weightCount]),
                                  bias: Array(params.values[weightCount ..< weightCount + biasCount]))
    }
}
