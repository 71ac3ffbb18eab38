import Foundation

/// Runs a helper program (pip, unzip, tar) to completion and captures its status and error output.
enum Subprocess {
    struct Result {
        var status: Int32
        var stderr: String
        /// The last lines of the error output, for messages.
        var errorTail: String {
            let lines = stderr.split(separator: "\n").suffix(4).joined(separator: " | ")
            return lines.isEmpty ? "no error output" : lines
        }
    }

    /// Runs `program` (looked up on PATH) with `arguments`; standard output goes to `stdout` if given, else
    /// is discarded.
    static func run(_ program: String, _ arguments: [String], stdout: URL? = nil) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        var outputHandle: FileHandle?
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            outputHandle = try? FileHandle(forWritingTo: stdout)
            process.standardOutput = outputHandle ?? FileHandle.nullDevice
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        defer { try? outputHandle?.close() }
        do {
            try process.run()
        } catch {
            return Result(status: 127, stderr: "cannot start \(program): \(error.localizedDescription)")
        }
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stderr: String(decoding: errorData, as: UTF8.self))
    }
}
