// The fuzz targets' committed inputs (Fuzz/Corpus/TARGET: seeds; Fuzz/Regressions/TARGET: inputs that once
// crashed a target), for unit tests that replay them without the fuzzer.
import Foundation

/// The committed inputs of one fuzz target.
public enum FuzzInputs {
    /// Every file of `Fuzz/Corpus/TARGET` (seeds) or `Fuzz/Regressions/TARGET`, sorted, with its name.
    public static func files(_ target: String, regressions: Bool = false) throws -> [(name: String, data: Data)] {
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Fuzz/\(regressions ? "Regressions" : "Corpus")/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (name, try Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }
}
