// TCP ports on 127.0.0.1 for servers the tests start (broker, cloud, metrics, PostgreSQL).
import Foundation
import PKI

/// Free ports and listening checks on the loopback interface (PKI's, which the benchmarks use too).
public enum LoopbackPort {
    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). Another process may take it
    /// before the caller binds it: servers that fail to bind should be retried on a new port.
    public static func free() throws -> Int {
        try MosquittoBroker.freePort()
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` now.
    public static func accepts(_ port: Int) -> Bool {
        MosquittoBroker.accepts(port: port)
    }

    /// Waits until 127.0.0.1:`port` accepts connections; throws naming `what` after `seconds`.
    public static func waitUntilListening(_ port: Int, what: String, within seconds: Double = 30) async throws {
        _ = try await poll("\(what) to listen on 127.0.0.1:\(port)", within: seconds, every: .milliseconds(20)) {
            accepts(port) ? true : nil
        }
    }
}
