// Any bytes as a .tflite flatbuffer: the model reader, then the interpreter's planning (shapes, arena), must
// refuse what they cannot use, never trap.
import FuzzerDriver
import Foundation
import Neural

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTFLite(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    guard let model = try? TFLiteModel(bytes: Array(UnsafeBufferPointer(start: start, count: count))) else { return 0 }
    _ = try? TFLiteInterpreter(model: model)
    return 0
}

@main
enum FuzzTflite {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzTFLite(data, size) })
    }
}
