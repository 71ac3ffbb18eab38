// The project's executables as the tests find them: the debug products built beside the test bundle, and the
// release CLI named by $ROLLCALL_BIN for full-dataset runs (the debug numeric code is many times slower).
import Foundation

/// Paths of the built executables and libraries.
public enum BuiltProducts {
    /// The folder of the debug products (`swift build --build-tests` puts the test bundle there too).
    public static let folder: URL = {
        // The test bundle runs from `.build/<triple>/debug/RollcallPackageTests.xctest`.
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var candidate = bundle.deletingLastPathComponent()
        if candidate.pathExtension == "xctest" { candidate = candidate.deletingLastPathComponent() }
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("rollcall").path) { return candidate }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
    }()

    /// A debug product (`rollcall`, `rollcall-agent`, `rollcall-cloud`, `libFakeV4L2.so`), or an error saying
    /// how to build it.
    public static func path(_ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestSupportError("\(name) is not built in \(folder.path): run `swift build --build-tests`")
        }
        return path
    }

    /// A release executable beside `$ROLLCALL_BIN` (`rollcall-cloud`, `rollcall-agent`), for tests that need
    /// release speed; nil when `$ROLLCALL_BIN` is unset or the file is missing.
    public static func release(_ name: String) -> String? {
        guard let cli = ReleaseCLI.path else { return nil }
        let path = URL(fileURLWithPath: cli).deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

/// The release `rollcall` CLI named by `$ROLLCALL_BIN`.
public enum ReleaseCLI {
    /// `$ROLLCALL_BIN` when it names an executable file.
    public static var path: String? {
        guard let path = ProcessInfo.processInfo.environment["ROLLCALL_BIN"], !path.isEmpty,
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    /// Runs `rollcall <arguments>` to completion.
    public static func run(_ arguments: [String]) throws -> ToolResult {
        let binary = try path.orThrow("ROLLCALL_BIN is not set: run scripts/test, or export ROLLCALL_BIN=$PWD/.build/release/rollcall")
        return try Tool.run(binary, arguments)
    }

    /// Runs `rollcall <arguments>`, requires exit status 0 and parses the JSON object it prints.
    public static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw TestSupportError("rollcall \(arguments.joined(separator: " ")) exited with \(result.status): \(result.standardError.suffix(2000))")
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] else {
            throw TestSupportError("rollcall \(arguments.joined(separator: " ")) printed no JSON object: \(result.standardOutput.prefix(500))")
        }
        return object
    }
}
