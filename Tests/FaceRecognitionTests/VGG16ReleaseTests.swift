import FaceRecognition
import Foundation
import Testing
import TestSupport

/// VGG16's full forward pass against PyTorch's logits for the hash-generated network, run through the
/// release CLI (`$ROLLCALL_BIN bench vgg16 --hash-reference …`) because a debug forward pass is slow.
@Suite struct VGG16ReleaseTests {
    @Test(.needsSharedRefs, .needsReleaseCLI)
    func logitsMatchPyTorchOnTheHashNetwork() throws {
        let reference = SharedData.refs.appendingPathComponent("vgg16-hash-weights.json").path
        let json = try ReleaseCLI.json(["bench", "vgg16", "--hash-reference", reference, "--runs", "1"])
        let parity = try #require(json["parity"] as? [String: Any], "no parity in \(json)")
        let relative = try #require((parity["relative_error"] as? NSNumber)?.doubleValue)
        #expect(relative <= 1e-3, "relative logit error \(relative)")
        #expect((parity["argmax"] as? NSNumber)?.intValue == (parity["reference_argmax"] as? NSNumber)?.intValue)
        // The plan the CLI ran has VGG16's layer listing.
        let counts = try #require(json["layer_counts"] as? [String: Any], "no layer_counts in \(json)")
        #expect(counts.mapValues { ($0 as? NSNumber)?.intValue ?? -1 } == VGG16.layerListing)
    }
}
