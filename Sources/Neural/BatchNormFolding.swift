// Folding an inference-mode batch normalisation into the preceding layer's weights and bias, at load time.

/// Folds `y = gamma·(x − mean)/√(var + eps) + beta` into a layer whose weights have the output channel as
/// their **last** dimension (conv [kh, kw, cin, cout], depthwise [kh, kw, c], fully connected [in, out]):
/// every weight of channel `c` is scaled by `s[c] = gamma[c]/√(var[c] + eps)`, and the returned bias is
/// `(bias[c] − mean[c])·s[c] + beta[c]` (a missing bias counts as 0).
public func foldBatchNorm(weights: inout [Float], bias: [Float]?, channels: Int,
                          gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
                          epsilon: Float) throws(NeuralError) -> [Float] {
    guard channels > 0, weights.count % channels == 0,
          gamma.count == channels, beta.count == channels, mean.count == channels, variance.count == channels,
          bias.map({ $0.count == channels }) ?? true else {
        throw NeuralError(.shapeMismatch, "batch norm of \(channels) channels does not fit weights of \(weights.count) "
                          + "values (gamma \(gamma.count), beta \(beta.count), mean \(mean.count), var \(variance.count), "
                          + "bias \(bias?.count ?? 0))")
    }
    var scale = [Float](repeating: 0, count: channels)
    for c in 0..<channels { scale[c] = gamma[c] / (variance[c] + epsilon).squareRoot() }
    for i in 0..<weights.count { weights[i] *= scale[i % channels] }
    return (0..<channels).map { c in ((bias?[c] ?? 0) - mean[c]) * scale[c] + beta[c] }
}
