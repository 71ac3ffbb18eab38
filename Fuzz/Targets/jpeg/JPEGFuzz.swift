// Any bytes into the JPEG decoder (libjpeg-turbo behind Rollcall's checks), with and without a pixel budget.
import FuzzerDriver
import Foundation
import Imaging

nonisolated(unsafe) let decoder = try? JPEGDecoder()

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, let decoder else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    _ = try? decoder.decode(bytes)
    _ = try? decoder.decode(bytes, options: DecodeOptions(format: .gray, maxPixels: 4096))
    return 0
}

@main
enum FuzzJpeg {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzJPEG(data, size) })
    }
}
