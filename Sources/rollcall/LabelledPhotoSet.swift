import ArgumentParser
import Evaluation
import FaceRecognition
import Foundation
import Neural

/// A folder of people (one subfolder of photos each, sorted by name) with one embedding per photo (nil: no
/// face), as the identity evaluations read it. Embeddings can be kept in a file so that decision rules and
/// clustering settings can be studied without embedding again.
///
/// Embeddings file: one line per photo — person index, person name, photo path and the embedding's values
/// (comma-separated; empty when no face was found), separated by tabs.
struct LabelledPhotoSet {
    var people: [IdentificationProtocol.Person]
    /// Photo paths, per person, in the order of `people[i].embeddings`.
    var paths: [[String]]

    /// Lists `root`'s people and their photos, both sorted by name (hidden entries skipped).
    static func list(root: String) throws -> (names: [String], files: [[String]]) {
        let fm = FileManager.default
        let rootURL = URL(fileURLWithPath: root)
        let entries: [String]
        do { entries = try fm.contentsOfDirectory(atPath: root) } catch {
            throw ValidationError("cannot list \(root): \(error.localizedDescription)")
        }
        let names = entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: rootURL.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
        let files = names.map { name in
            let folder = rootURL.appendingPathComponent(name)
            return ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                .map { folder.appendingPathComponent($0).path }
        }
        return (names, files)
    }

    /// Embeds every photo of `root` (the largest face of each) with `identity`'s pipeline; or reads the
    /// embeddings file when `cache` names one that exists, and writes it there when it does not.
    static func load(root: String, identity: EvalCommand.IdentityOptions, cache: String?) throws -> LabelledPhotoSet {
        let (names, files) = try list(root: root)
        if let cache, FileManager.default.fileExists(atPath: cache) {
            return try read(cache, names: names, files: files)
        }
        let flat = files.flatMap { $0 }
        if identity.workers > 1 { BLAS.setThreads(1) }
        let factory = try identity.pipelineFactory()
        let outcomes = try parallelMap(count: flat.count, workers: identity.workers, makeState: factory) { pipeline, i in
            pipeline.run(path: flat[i], choice: .largest)
        }
        var set = LabelledPhotoSet(people: names.map { .init(name: $0, embeddings: []) }, paths: files)
        var k = 0
        for person in files.indices {
            for path in files[person] {
                switch outcomes[k] {
                case .embedded(let e)?: set.people[person].embeddings.append(e)
                case .unreadable(let why)?:
                    FileHandle.standardError.write(Data("unreadable: \(path): \(why)\n".utf8))
                    set.people[person].embeddings.append(nil)
                default: set.people[person].embeddings.append(nil)
                }
                k += 1
            }
        }
        if let cache { try set.write(cache) }
        return set
    }

    /// The people with at least `minimum` photos (faceless ones counted), in order.
    func keeping(minimumPhotos minimum: Int) -> LabelledPhotoSet {
        let kept = people.indices.filter { people[$0].embeddings.count >= minimum }
        return LabelledPhotoSet(people: kept.map { people[$0] }, paths: kept.map { paths[$0] })
    }

    private func write(_ path: String) throws {
        var text = ""
        for (i, person) in people.enumerated() {
            for (file, embedding) in zip(paths[i], person.embeddings) {
                let values = embedding.map { $0.map { String($0) }.joined(separator: ",") } ?? ""
                text += "\(i)\t\(person.name)\t\(file)\t\(values)\n"
            }
        }
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot write embeddings to \(path): \(error.localizedDescription)")
        }
    }

    /// Reads an embeddings file, requiring it to hold exactly the photos of the folder.
    private static func read(_ path: String, names: [String], files: [[String]]) throws -> LabelledPhotoSet {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read embeddings file \(path): \(error.localizedDescription)")
        }
        var byPath = [String: [Float]?]()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4 else {
                throw ValidationError("\(path):\(number + 1): \(fields.count) tab-separated fields, 4 expected")
            }
            if fields[3].isEmpty {
                byPath[String(fields[2])] = .some(nil)
                continue
            }
            let values = fields[3].split(separator: ",").map { Float(String($0)) }
            guard values.allSatisfy({ $0?.isFinite == true }) else {
                throw ValidationError("\(path):\(number + 1): an embedding value is not a finite number")
            }
            byPath[String(fields[2])] = values.compactMap { $0 }
        }
        var set = LabelledPhotoSet(people: names.map { .init(name: $0, embeddings: []) }, paths: files)
        for (i, personFiles) in files.enumerated() {
            for file in personFiles {
                guard let embedding = byPath[file] else {
                    throw ValidationError("\(path) holds no line for \(file): embed again without the file")
                }
                set.people[i].embeddings.append(embedding)
            }
        }
        return set
    }
}
