import Foundation
import RollcallCore
import Testing

@Suite struct FileSystemTests {
    @Test func atomicWriteReplacesWholeFileWithPermissions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-fs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("nested/state.json")
        try FileSystem.writeAtomically(Data("first".utf8), to: url)
        try FileSystem.writeAtomically(Data("second".utf8), to: url, permissions: 0o600)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(leftovers == ["state.json"])
    }

    @Test func tildeExpandsToHome() {
        #expect(!FileSystem.expandingTilde("~/x").hasPrefix("~"))
        #expect(FileSystem.expandingTilde("/abs/x") == "/abs/x")
    }
}
