// Any bytes as a dlib serialized file: a shape predictor, or a network whose layer list the first bytes choose
// (count, then one byte per layer), read by Rollcall's dlib reader.
import FuzzerDriver
import Foundation
import Neural

let layerKinds: [DlibLayerKind] = [.convolution, .affine, .relu, .maxPool, .avgPool, .fullyConnected,
                                   .addPrevious(tag: 1), .tag(1), .skip(1), .addPrevious(tag: 2), .tag(2)]

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDlib(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    var predictor = DlibReader(bytes: bytes)
    _ = try? DlibShapePredictorFile(reading: &predictor)
    let layers = Int(bytes[0] % 12)
    guard bytes.count > layers else { return 0 }
    let kinds = bytes[1 ..< 1 + layers].map { layerKinds[Int($0) % layerKinds.count] }
    var network = DlibReader(bytes: Array(bytes[(1 + layers)...]))
    _ = try? DlibNetworkFile(reading: &network, kinds: kinds)
    return 0
}

@main
enum FuzzDlib {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzDlib(data, size) })
    }
}
