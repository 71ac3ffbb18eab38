// Any bytes into the PNG decoder (libpng behind Rollcall's checks), colour and grey.
import FuzzerDriver
import Foundation
import Imaging

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    _ = try? PNGCodec.decode(bytes)
    _ = try? PNGCodec.decode(bytes, options: DecodeOptions(format: .gray, maxPixels: 4096))
    return 0
}

@main
enum FuzzPng {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzPNG(data, size) })
    }
}
