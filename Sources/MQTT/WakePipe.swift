import Foundation

/// A non-blocking pipe that wakes the network thread's `poll` (manual acknowledgements, where the session runs
/// the read and write passes itself; otherwise libmosquitto wakes its own loop). The session owns it and
/// closes it once, in its `deinit`.
struct WakePipe {
    /// The end the network thread polls.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// A new pipe, or nil when the system has none left (the loop then polls on its timeout).
    static func make() -> WakePipe? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return WakePipe(readDescriptor: fds[0], writeDescriptor: fds[1])
    }

    /// Wakes the poll (a full pipe is awake already).
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe after the poll woke.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }

    /// Closes both ends.
    func closeBothEnds() {
        close(readDescriptor)
        close(writeDescriptor)
    }
}
