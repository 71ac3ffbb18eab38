import FaceRecognition
import Foundation

/// `eval identify --dump-embeddings FILE`: one line per image — person index, person name, path and the
/// embedding's values (comma-separated, empty when no face was found) separated by tabs — so that decision rules
/// can be studied offline without re-embedding.
enum EmbeddingDump {
    static func write(files: [(person: Int, path: String)], people: [String], outcomes: [IdentityPipeline.Outcome?],
                      to path: String) throws {
        var text = ""
        for (file, outcome) in zip(files, outcomes) {
            var values = ""
            if case .embedded(let e)? = outcome { values = e.map { String($0) }.joined(separator: ",") }
            text += "\(file.person)\t\(people[file.person])\t\(file.path)\t\(values)\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw EmbeddingDumpError(path: path, detail: error.localizedDescription)
        }
    }
}

/// The embedding dump could not be written.
struct EmbeddingDumpError: Error, CustomStringConvertible {
    let path: String
    let detail: String
    var description: String { "cannot write embeddings to \(path): \(detail)" }
}
