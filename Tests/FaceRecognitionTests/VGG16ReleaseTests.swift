import Foundation
import Testing

/// VGG16's full forward pass against PyTorch's logits for the hash-generated network, run through the
/// release CLI (`$ROLLCALL_BIN bench vgg16 --hash-reference …`) because a debug forward pass is slow.
@Suite struct VGG16ReleaseTests {
    @Test func logitsMatchPyTorchOnTheHashNetwork() throws {
        guard let shared = VGG16SharedFolder.path else {
            print("skipped: ../shared/refs is absent")
            return
        }
        guard let binary = ProcessInfo.processInfo.environment["ROLLCALL_BIN"], !binary.isEmpty else {
            Issue.record("ROLLCALL_BIN is not set: run scripts/test, or export ROLLCALL_BIN=$PWD/.build/release/rollcall")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["bench", "vgg16", "--hash-reference", shared + "/refs/vgg16-hash-weights.json", "--runs", "1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let parity = try #require(json["parity"] as? [String: Any], "no parity in \(String(decoding: data, as: UTF8.self))")
        let relative = try #require((parity["relative_error"] as? NSNumber)?.doubleValue)
        #expect(relative <= 1e-3, "relative logit error \(relative)")
        #expect((parity["argmax"] as? NSNumber)?.intValue == (parity["reference_argmax"] as? NSNumber)?.intValue)
    }
}
