// Any text as a Keras model configuration (the JSON a .h5 file's `model_config` attribute holds), read by
// Rollcall's Keras reader. (The HDF5 container itself is libhdf5's to parse.)
import FuzzerDriver
import Foundation
import KerasHDF5

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeras(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? KerasModelConfig(json: text, file: "fuzz.h5")
    return 0
}

@main
enum FuzzKeras {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzKeras(data, size) })
    }
}
