// Any payload into Wire's decoder: it throws `WireError` or returns a message that encodes again and decodes to
// the same value (a message the decoder accepts but `encoded()` refuses would be a receiver/sender mismatch).
import FuzzerDriver
import Foundation
import Wire

/// One input (also libFuzzer\'s `LLVMFuzzerTestOneInput`, which its archive\'s `main` refers to).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let message = try? AnyWireMessage(decoding: data) else { return 0 }
    let again: Data
    switch message {
    case .faceCrop(let value): again = encodeOrTrap(value)
    case .recognitionResult(let value): again = encodeOrTrap(value)
    case .galleryUpdate(let value): again = encodeOrTrap(value)
    case .galleryAck(let value): again = encodeOrTrap(value)
    case .agentStatus(let value): again = encodeOrTrap(value)
    case .availability(let value): again = encodeOrTrap(value)
    case .faceSighting(let value): again = encodeOrTrap(value)
    }
    guard (try? AnyWireMessage(decoding: again)) != nil else { fatalError("re-encoded message does not decode") }
    return 0
}

func encodeOrTrap(_ message: some WireMessage) -> Data {
    do {
        return try message.encoded()
    } catch {
        fatalError("decoded message does not encode: \(error)")
    }
}

@main
enum FuzzWire {
    static func main() {
        exit(rollcall_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzzWire(data, size) })
    }
}
