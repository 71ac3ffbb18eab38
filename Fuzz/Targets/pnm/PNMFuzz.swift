// Any bytes into the PNM (P2/P3/P5/P6) decoder, Rollcall's own parser.
import FuzzerDriver
import Foundation
import Imaging

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNM(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    _ = try? PNMDecoder.decode(bytes)
    _ = try? PNMDecoder.decode(bytes, options: DecodeOptions(format: .rgb, maxPixels: 4096))
    return 0
}

@main
enum FuzzPnm {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzPNM(data, size) })
    }
}
