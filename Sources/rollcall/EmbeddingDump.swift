import Evaluation
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

extension EmbeddingDump {
    /// The people of a dump, in its order, each with their images' embeddings (nil: no face).
    static func read(_ path: String) throws -> [IdentificationProtocol.Person] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw EmbeddingDumpError(path: path, detail: error.localizedDescription)
        }
        var people = [IdentificationProtocol.Person]()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let index = Int(fields[0]), index >= 0, index <= people.count else {
                throw EmbeddingDumpError(path: path, detail: "line \(number + 1): expected person index (in order), name, path, values")
            }
            if index == people.count { people.append(.init(name: String(fields[1]), embeddings: [])) }
            if fields[3].isEmpty {
                people[index].embeddings.append(nil)
                continue
            }
            let values = fields[3].split(separator: ",").map { Float($0) }
            guard !values.isEmpty, values.allSatisfy({ $0?.isFinite ?? false }) else {
                throw EmbeddingDumpError(path: path, detail: "line \(number + 1): values are not finite numbers")
            }
            people[index].embeddings.append(values.compactMap { $0 })
        }
        return people
    }
}

/// The embedding dump could not be written or read.
struct EmbeddingDumpError: Error, CustomStringConvertible {
    let path: String
    let detail: String
    var description: String { "embedding dump \(path): \(detail)" }
}
