import Foundation
import RollcallCore
import Testing

@Suite(.serialized) struct ProcessMemoryTests {
    /// Resident pages of this process, in KiB (`VmRSS`).
    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// After the call, a freed large block leaves nothing resident: the pattern that kept a model's load-time
    /// copies in memory (a big block freed first raised glibc's threshold; later blocks then stayed in the heap).
    @Test func freedLargeBlocksDoNotStayResident() {
        ProcessMemory.returnLargeBlocksToTheSystem()
        // What loading a model does: a large block freed first (by default this raises glibc's mmap threshold
        // to its size), then smaller large blocks, two alive at a time, freed.
        do {
            let first = [UInt8](repeating: 1, count: 24 << 20)
            #expect(first[first.count - 1] == 1)
        }
        let before = Self.residentKiB()
        #expect(before > 0)
        for _ in 0 ..< 3 {
            let a = [UInt8](repeating: 2, count: 10 << 20), b = [UInt8](repeating: 3, count: 10 << 20)
            #expect(a[a.count - 1] == 2 && b[b.count - 1] == 3)
        }
        let after = Self.residentKiB()
        #expect(after - before < 4 * 1024, "resident grew from \(before) KiB to \(after) KiB")
    }
}
