import FaceRecognition
import Foundation
import Neural

/// Compares this VGG16 with PyTorch's logits for the hash-generated network
/// (`../shared/refs/vgg16-hash-weights.json`, made by `tools/ref_vgg16.py`).
public struct VGG16HashCheck: Sendable, Codable {
    /// Largest |ours − reference| over the 1,000 logits.
    public var maxAbsError: Float
    /// Largest |reference logit|.
    public var maxAbsLogit: Float
    /// `maxAbsError / maxAbsLogit`: the figure the 1e-3 bound applies to.
    public var relativeError: Float
    /// ‖ours − reference‖₂ / ‖reference‖₂.
    public var relativeL2Error: Float
    /// Our argmax and PyTorch's.
    public var argmax: Int
    public var referenceArgmax: Int

    enum CodingKeys: String, CodingKey {
        case maxAbsError = "max_abs_error", maxAbsLogit = "max_abs_logit", relativeError = "relative_error"
        case relativeL2Error = "relative_l2_error", argmax, referenceArgmax = "reference_argmax"
    }

    private struct Reference: Decodable {
        var logits: [Float]
        var argmax: Int
    }

    /// Reads the reference file and compares `logits` (ours, for `VGG16Hash.input()`) with it.
    public init(referenceFile path: String, logits: [Float]) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        guard reference.logits.count == logits.count, !logits.isEmpty else {
            throw NeuralError(.shapeMismatch, "reference has \(reference.logits.count) logits, ours \(logits.count)", path: path)
        }
        var maxError: Float = 0, maxLogit: Float = 0, errorSquares: Float = 0, referenceSquares: Float = 0
        for (ours, theirs) in zip(logits, reference.logits) {
            maxError = max(maxError, abs(ours - theirs))
            maxLogit = max(maxLogit, abs(theirs))
            errorSquares += (ours - theirs) * (ours - theirs)
            referenceSquares += theirs * theirs
        }
        maxAbsError = maxError
        maxAbsLogit = maxLogit
        relativeError = maxLogit > 0 ? maxError / maxLogit : maxError
        relativeL2Error = referenceSquares > 0 ? (errorSquares / referenceSquares).squareRoot() : errorSquares.squareRoot()
        argmax = logits.indices.max { logits[$0] < logits[$1] } ?? -1
        referenceArgmax = reference.argmax
    }
}
