// Any text as the agent's YAML configuration: a valid config or an `AgentConfigError` naming the key, never a trap.
import FuzzerDriver
import Foundation
import Agent

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAgentConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    _ = try? AgentConfig.parse(yaml: String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self))
    return 0
}

@main
enum FuzzAgentConfig {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzAgentConfig(data, size) })
    }
}
