// Drives a real headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: commands on
// fd 3, replies on fd 4, each message NUL-terminated JSON). No websocket, no extra package.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

enum ChromiumError: Error, CustomStringConvertible {
    case notInstalled(String)
    case spawn(Int32)
    case protocolError(String)
    case timeout(String)

    var description: String {
        switch self {
        case .notInstalled(let path): "Chromium not found at \(path); install the Debian package `chromium` (scripts/setup)"
        case .spawn(let code): "posix_spawn of chromium failed: errno \(code)"
        case .protocolError(let text): "DevTools error: \(text)"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}

/// One headless Chromium process with one page attached.
final class Chromium: Sendable {
    static let path = "/usr/bin/chromium"

    private let pid: pid_t
    private let commandFD: Int32
    private let replyFD: Int32
    private let profile: URL
    private let state = Mutex<(nextID: Int, pending: [Int: CheckedContinuation<Data, Never>], replies: [Int: Data])>(
        (1, [:], [:]))
    private let sessionID = Mutex<String?>(nil)

    /// Starts Chromium and opens a blank page.
    static func launch() async throws -> Chromium {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw ChromiumError.notInstalled(path) }
        let browser = try Chromium()
        try await browser.openPage()
        return browser
    }

    private init() throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("rollcall-chromium-\(UUID().uuidString)")
        var toChrome: [Int32] = [0, 0], fromChrome: [Int32] = [0, 0]
        guard pipe(&toChrome) == 0, pipe(&fromChrome) == 0 else { throw ChromiumError.spawn(errno) }
        for fd in toChrome + fromChrome { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChrome[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChrome[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [Self.path, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                         "--user-data-dir=\(profile.path)", "--window-size=1280,900", "about:blank"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, Self.path, &actions, nil, argv, environ)
        Glibc.close(toChrome[0])
        Glibc.close(fromChrome[1])
        guard result == 0 else {
            Glibc.close(toChrome[1])
            Glibc.close(fromChrome[0])
            throw ChromiumError.spawn(result)
        }
        pid = child
        commandFD = toChrome[1]
        replyFD = fromChrome[0]
        let reader = Thread { [self] in self.readReplies() }
        reader.start()
    }

    private func readReplies() {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(replyFD, &chunk, chunk.count)
            if count <= 0 { break }
            buffer += chunk[0 ..< count]
            while let end = buffer.firstIndex(of: 0) {
                let message = Data(buffer[0 ..< end])
                buffer.removeSubrange(0 ... end)
                guard let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
                      let id = object["id"] as? Int else { continue }
                let waiter = state.withLock { state -> CheckedContinuation<Data, Never>? in
                    if let waiter = state.pending.removeValue(forKey: id) { return waiter }
                    state.replies[id] = message
                    return nil
                }
                waiter?.resume(returning: message)
            }
        }
        // Chromium went away: release every waiter with an error reply.
        let waiters = state.withLock { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
        for (_, waiter) in waiters { waiter.resume(returning: Data(#"{"error":{"message":"chromium exited"}}"#.utf8)) }
    }

    /// Sends one DevTools command (to the page unless `browser`) and returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], browser: Bool = false,
              timeout: Double = 20) async throws -> [String: Any] {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if !browser, let session = sessionID.withLock({ $0 }) { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commandFD, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ChromiumError.protocolError("write failed: errno \(errno)") }
            written += count
        }
        let reply: Data = try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> Data? in
                        if let reply = state.replies.removeValue(forKey: id) { return reply }
                        state.pending[id] = continuation
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            guard let first = try await group.next(), let reply = first else {
                throw ChromiumError.timeout(method)
            }
            group.cancelAll()
            return reply
        }
        let object = (try JSONSerialization.jsonObject(with: reply) as? [String: Any]) ?? [:]
        if let error = object["error"] as? [String: Any] {
            throw ChromiumError.protocolError("\(method): \(error["message"] ?? error)")
        }
        return object["result"] as? [String: Any] ?? [:]
    }

    private func openPage() async throws {
        let target = try await send("Target.createTarget", ["url": "about:blank"], browser: true)
        guard let targetID = target["targetId"] as? String else { throw ChromiumError.protocolError("no target") }
        let attached = try await send("Target.attachToTarget", ["targetId": targetID, "flatten": true], browser: true)
        sessionID.withLock { $0 = attached["sessionId"] as? String }
        try await send("Page.enable")
        try await send("Runtime.enable")
    }

    /// Loads `url` and waits until the document is complete.
    func navigate(_ url: String) async throws {
        try await send("Page.navigate", ["url": url])
        try await waitFor("page \(url) loaded", "document.readyState === 'complete' && location.href !== 'about:blank'")
    }

    /// Evaluates a JavaScript expression in the page and returns its value (JSON-compatible).
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true,
                                                         "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw ChromiumError.protocolError("script failed: \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls a boolean expression until it is true.
    func waitFor(_ what: String, _ expression: String, timeout: Double = 20) async throws {
        let deadline = Date() + timeout
        while Date() < deadline {
            if (try? await evaluate(expression)) as? Bool == true { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw ChromiumError.timeout(what)
    }

    /// Puts a file into a file input chosen by a CSS selector. Node ids die when the document is replaced
    /// between the calls (a late navigation), so a refused attempt is retried with fresh ones once the element
    /// is in a complete document again, until `timeout` seconds have passed.
    func setFile(_ selector: String, path: String, timeout: Double = 20) async throws {
        let deadline = Date() + timeout
        while true {
            do {
                return try await setFileOnce(selector, path: path)
            } catch ChromiumError.protocolError(let text) where Date() < deadline && text.contains("node") {
                let literal = String(decoding: try JSONSerialization.data(withJSONObject: [selector]), as: UTF8.self)
                try await waitFor("\(selector) in a complete document",
                                  "document.readyState === 'complete' && !!document.querySelector(\(literal)[0])",
                                  timeout: max(0.1, deadline.timeIntervalSinceNow))
            }
        }
    }

    private func setFileOnce(_ selector: String, path: String) async throws {
        try await waitFor("document complete", "document.readyState === 'complete'")
        let document = try await send("DOM.getDocument", ["depth": 0])
        guard let root = (document["root"] as? [String: Any])?["nodeId"] as? Int else {
            throw ChromiumError.protocolError("no document")
        }
        let node = try await send("DOM.querySelector", ["nodeId": root, "selector": selector])
        guard let nodeID = node["nodeId"] as? Int, nodeID != 0 else {
            throw ChromiumError.protocolError("no element matches \(selector)")
        }
        try await send("DOM.setFileInputFiles", ["files": [path], "nodeId": nodeID])
    }

    /// Saves a PNG screenshot of the page.
    func screenshot(to url: URL) async throws {
        let shot = try await send("Page.captureScreenshot", ["format": "png"])
        guard let base64 = shot["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw ChromiumError.protocolError("no screenshot data")
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Closes the browser and reaps the process.
    func close() async {
        _ = try? await send("Browser.close", browser: true, timeout: 5)
        for _ in 0 ..< 50 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        Glibc.close(commandFD)
        Glibc.close(replyFD)
        try? FileManager.default.removeItem(at: profile)
    }
}
