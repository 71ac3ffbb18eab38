import Foundation
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `rollcall-cloud` executable: starts from a configuration file, serves, and stops cleanly on SIGTERM
/// and SIGINT; a bad configuration stops it at once with the offending key named.
@Suite(.serialized) struct RollcallCloudProcessTests {
    static let binary = ".build/debug/rollcall-cloud"

    func launch(config: String, folder: URL) throws -> (Process, Pipe) {
        let file = folder.appendingPathComponent("cloud.yaml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    func healthy(port: Int) async -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(port)/healthz"),
              let (_, response) = try? await URLSession.shared.data(from: url) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func servesAndStopsGracefully(signal: Int32) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build with `swift build --build-tests` first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-cloud-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try LoopbackPort.free()
        let (process, _) = try launch(config: """
            http: {port: \(port)}
            storage: {database: \(folder.path)/db.sqlite, crops_dir: \(folder.path)/crops, photos_dir: \(folder.path)/photos}
            gallery: {signing_key: \(folder.path)/gallery.key}
            """, folder: folder)
        #expect(await eventually(within: 30, every: .milliseconds(100)) { await healthy(port: port) })
        kill(process.processIdentifier, signal)
        #expect(await eventually(within: 15, every: .milliseconds(50)) { !process.isRunning })
        if process.isRunning { process.terminate() } else { #expect(process.terminationStatus == 0) }
        #expect(FileManager.default.fileExists(atPath: "\(folder.path)/gallery.pub"))
    }

    @Test func refusesAnUnknownKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-cloud-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (process, output) = try launch(config: "http: {port: 8080, hots: x}\n", folder: folder)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(text.contains("http.hots"))
    }
}
