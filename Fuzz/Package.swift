// swift-tools-version:6.0
// libFuzzer targets for Rollcall's readers of hostile input: the Wire decoder, the JPEG/PNG/PNM decoders, the
// TFLite/dlib/Keras model readers and the agent's and cloud's YAML configuration. A package of its own so that
// normal builds never see it: `scripts/fuzz` builds it with `-sanitize=fuzzer` into `.build-fuzz` and runs each
// target for a bounded time over its committed corpus (Corpus/<target>) and regression inputs
// (Regressions/<target>). docs/fuzzing.md has the figures.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (the checkout's, which varies).
let rollcall = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: "fuzz-\(name)",
                      dependencies: ["FuzzerDriver"] + products.map { .product(name: $0, package: rollcall) },
                      path: "Targets/\(name)")
}

let package = Package(
    name: "RollcallFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzerDriver", path: "Targets/FuzzerDriver"),
        fuzzTarget("wire", ["Wire"]),
        fuzzTarget("jpeg", ["Imaging"]),
        fuzzTarget("png", ["Imaging"]),
        fuzzTarget("pnm", ["Imaging"]),
        fuzzTarget("tflite", ["Neural"]),
        fuzzTarget("dlib", ["Neural"]),
        fuzzTarget("keras", ["KerasHDF5"]),
        fuzzTarget("agent-config", ["Agent"]),
        fuzzTarget("cloud-config", ["Cloud"]),
    ],
    swiftLanguageModes: [.v6]
)
