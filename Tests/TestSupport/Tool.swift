// Running a command-line tool to completion (openssl, runuser, initdb, the release CLI) and finding one.
import Foundation

/// What a finished command printed and how it ended.
public struct ToolResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

public enum Tool {
    /// The absolute path of `name` in the usual system folders (tests run with a minimal PATH under CI).
    public static func find(_ name: String) -> String? {
        let folders = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `executable` (a path, or a name found with `find`) to completion.
    public static func run(_ executable: String, _ arguments: [String], in folder: String? = nil,
                           environment: [String: String] = [:]) throws -> ToolResult {
        let path = executable.hasPrefix("/") ? executable : try find(executable)
            .orThrow("\(executable) is not installed (scripts/setup installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while it runs: a child filling one pipe would otherwise block forever.
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus,
                          standardOutput: String(decoding: outputData, as: UTF8.self),
                          standardError: String(decoding: errorData.wait(), as: UTF8.self))
    }

    /// Runs a command and throws, with its output, when it exits non-zero; returns its standard output.
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], in folder: String? = nil,
                             environment: [String: String] = [:]) throws -> String {
        let result = try run(executable, arguments, in: folder, environment: environment)
        guard result.status == 0 else {
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) exited with \(result.status): "
                                   + result.standardError + result.standardOutput)
        }
        return result.standardOutput
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

extension Optional {
    /// The value, or a `TestSupportError` with `message`.
    public func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw TestSupportError(message()) }
        return self
    }
}
