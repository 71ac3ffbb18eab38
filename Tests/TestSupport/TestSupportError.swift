// The error the test fixtures throw: one sentence saying what failed, with the output that explains it.

/// A fixture could not do its job (a tool failed, a server did not start, data is missing).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
