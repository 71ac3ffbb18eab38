// Any text as the cloud's YAML configuration: a valid config or a `CloudError` naming the key, never a trap.
import FuzzerDriver
import Foundation
import Cloud

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    _ = try? CloudConfig(yaml: String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self))
    return 0
}

@main
enum FuzzCloudConfig {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzCloudConfig(data, size) })
    }
}
