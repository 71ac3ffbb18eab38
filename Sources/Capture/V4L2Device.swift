// One open V4L2 capture device through libv4l2: negotiation, mmap streaming buffers, poll and dequeue.
import CV4L2
import Glibc

/// What was agreed with the device when it was opened.
public struct V4L2StreamFormat: Sendable, Equatable {
    /// The driver name from VIDIOC_QUERYCAP.
    public var driver: String
    /// The device's human name.
    public var card: String
    /// The negotiated pixel format (fourcc), `MJPG`, `JPEG` or `YUYV`.
    public var pixelFormat: UInt32
    public var width: Int
    public var height: Int
    /// Row stride of YUYV frames.
    public var bytesPerLine: Int
    /// Frame rate the driver reports after S_PARM, if it reports one.
    public var framesPerSecond: Double?
    /// mmap buffers granted.
    public var bufferCount: Int
    /// Pixel formats the device offered natively, in its order.
    public var offeredFormats: [UInt32]
}

/// A device opened and streaming. Not thread-safe: used by one capture thread.
final class V4L2Device {
    let path: String
    let format: V4L2StreamFormat
    private let fd: Int32
    private var buffers: [(pointer: UnsafeMutableRawPointer, length: Int)] = []
    private var closed = false

    /// A dequeued buffer: valid until `requeue(index)`.
    struct Dequeued {
        var index: Int
        var bytes: UnsafeRawBufferPointer
        var timestamp: Double?
        var errorFlag: Bool
    }

    /// Opens `configuration.device`, negotiates format, size and rate, maps ≥ 4 buffers and starts streaming.
    init(_ configuration: V4L2Configuration) throws(CaptureError) {
        path = configuration.device
        let fd = rollcall_v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENODEV, ENXIO: throw CaptureError(.notFound, source: path, detail: "no such device", errno: code)
            case EACCES, EPERM: throw CaptureError(.permissionDenied, source: path, detail: "permission denied (is the user in the video group?)", errno: code)
            default: throw CaptureError(.deviceFailed, source: path, detail: "open failed", errno: code)
            }
        }
        self.fd = fd
        do {
            format = try Self.negotiate(fd: fd, path: path, configuration)
        } catch {
            _ = v4l2_close(fd)
            throw error
        }
        do {
            try mapBuffers(count: format.bufferCount)
            var type = Int32(bitPattern: V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            try Self.ioctl(fd, rollcall_VIDIOC_STREAMON, &type, "VIDIOC_STREAMON", path)
        } catch {
            release(streaming: false)
            throw error
        }
    }

    deinit { release(streaming: true) }

    /// Stops streaming, unmaps the buffers and closes the device. Idempotent.
    func close() { release(streaming: true) }

    /// Waits up to `timeout` seconds for a filled buffer. Nil on timeout; throws `deviceLost` when the device
    /// reports an error or hang-up (unplugged), `deviceFailed` for other failures.
    func dequeue(timeout: Double) throws(CaptureError) -> Dequeued? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min(max(timeout, 0), 600) * 1000)
        while true {
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw CaptureError(.deviceFailed, source: path, detail: "poll failed", errno: errno)
            }
            if ready == 0 { return nil }
            if descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                throw CaptureError(.deviceLost, source: path, detail: "device reported an error or hang-up (unplugged?)")
            }
            var buffer = v4l2_buffer()
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            let status = withUnsafeMutablePointer(to: &buffer) { rollcall_v4l2_ioctl(fd, rollcall_VIDIOC_DQBUF, $0) }
            if status < 0 {
                let code = errno
                if code == EAGAIN || code == EINTR { continue }
                throw Self.failure(code, "VIDIOC_DQBUF", path)
            }
            let index = Int(buffer.index)
            guard index < buffers.count else {
                throw CaptureError(.deviceFailed, source: path, detail: "driver returned buffer \(index) of \(buffers.count)")
            }
            let used = min(Int(buffer.bytesused), buffers[index].length)
            var timestamp: Double?
            if buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) != 0, buffer.timestamp.tv_sec > 0 {
                timestamp = Double(buffer.timestamp.tv_sec) + Double(buffer.timestamp.tv_usec) / 1e6
            }
            return Dequeued(index: index, bytes: UnsafeRawBufferPointer(start: buffers[index].pointer, count: used),
                            timestamp: timestamp, errorFlag: buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0)
        }
    }

    /// Gives buffer `index` back to the driver.
    func requeue(_ index: Int) throws(CaptureError) {
        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        buffer.index = UInt32(index)
        try Self.ioctl(fd, rollcall_VIDIOC_QBUF, &buffer, "VIDIOC_QBUF", path)
    }

    // MARK: Setup

    private static func negotiate(fd: Int32, path: String, _ configuration: V4L2Configuration) throws(CaptureError) -> V4L2StreamFormat {
        var capability = v4l2_capability()
        try ioctl(fd, rollcall_VIDIOC_QUERYCAP, &capability, "VIDIOC_QUERYCAP", path)
        let caps = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? capability.device_caps : capability.capabilities
        guard caps & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0, caps & UInt32(V4L2_CAP_STREAMING) != 0 else {
            throw CaptureError(.notACaptureDevice, source: path, detail: "no video capture with streaming I/O (capabilities 0x\(String(caps, radix: 16)))")
        }
        let driver = text(of: &capability.driver), card = text(of: &capability.card)

        var offers: [V4L2FormatOffer] = []
        for index in 0 ..< 64 {
            var description = v4l2_fmtdesc()
            description.index = UInt32(index)
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard (try? ioctl(fd, rollcall_VIDIOC_ENUM_FMT, &description, "VIDIOC_ENUM_FMT", path)) != nil else { break }
            offers.append(V4L2FormatOffer(fourcc: description.pixelformat,
                                          emulated: description.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0))
        }
        guard let chosen = V4L2Negotiation.chooseFormat(from: offers) else {
            let names = offers.map { V4L2Negotiation.name($0.fourcc) }.joined(separator: ", ")
            throw CaptureError(.noSupportedFormat, source: path, detail: "offers [\(names)], needs MJPG or YUYV")
        }

        let size = V4L2Negotiation.chooseSize(from: sizeOffer(fd: fd, fourcc: chosen),
                                              width: configuration.width, height: configuration.height)
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(size.width)
        format.fmt.pix.height = UInt32(size.height)
        format.fmt.pix.pixelformat = chosen
        format.fmt.pix.field = V4L2_FIELD_ANY.rawValue
        try ioctl(fd, rollcall_VIDIOC_S_FMT, &format, "VIDIOC_S_FMT", path)
        let agreed = format.fmt.pix.pixelformat
        guard V4L2Negotiation.preferred.contains(agreed) else {
            throw CaptureError(.noSupportedFormat, source: path, detail: "driver switched to \(V4L2Negotiation.name(agreed))")
        }
        let width = Int(format.fmt.pix.width), height = Int(format.fmt.pix.height)
        guard width > 0, height > 0, width <= 1 << 14, height <= 1 << 14 else {
            throw CaptureError(.deviceFailed, source: path, detail: "driver agreed to an impossible size \(width)×\(height)")
        }

        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(configuration.framesPerSecond))
        var fps: Double?
        if (try? ioctl(fd, rollcall_VIDIOC_S_PARM, &parameters, "VIDIOC_S_PARM", path)) != nil {
            let t = parameters.parm.capture.timeperframe
            if t.numerator > 0, t.denominator > 0 { fps = Double(t.denominator) / Double(t.numerator) }
        }

        var request = v4l2_requestbuffers()
        request.count = UInt32(max(4, configuration.bufferCount))
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try ioctl(fd, rollcall_VIDIOC_REQBUFS, &request, "VIDIOC_REQBUFS", path)
        guard request.count >= 2 else {
            throw CaptureError(.deviceFailed, source: path, detail: "driver granted only \(request.count) buffers")
        }
        return V4L2StreamFormat(driver: driver, card: card, pixelFormat: agreed, width: width, height: height,
                                bytesPerLine: Int(format.fmt.pix.bytesperline), framesPerSecond: fps,
                                bufferCount: Int(request.count), offeredFormats: offers.filter { !$0.emulated }.map(\.fourcc))
    }

    private static func sizeOffer(fd: Int32, fourcc: UInt32) -> V4L2SizeOffer {
        var sizes: [(width: Int, height: Int)] = []
        for index in 0 ..< 128 {
            var size = v4l2_frmsizeenum()
            size.index = UInt32(index)
            size.pixel_format = fourcc
            guard rollcall_v4l2_ioctl(fd, rollcall_VIDIOC_ENUM_FRAMESIZES, &size) == 0 else { break }
            if size.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                sizes.append((Int(size.discrete.width), Int(size.discrete.height)))
            } else {
                let s = size.stepwise
                return .stepwise(minWidth: Int(s.min_width), maxWidth: Int(s.max_width), stepWidth: Int(s.step_width),
                                 minHeight: Int(s.min_height), maxHeight: Int(s.max_height), stepHeight: Int(s.step_height))
            }
        }
        return sizes.isEmpty ? .unknown : .discrete(sizes)
    }

    private func mapBuffers(count: Int) throws(CaptureError) {
        for index in 0 ..< count {
            var buffer = v4l2_buffer()
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            buffer.index = UInt32(index)
            try Self.ioctl(fd, rollcall_VIDIOC_QUERYBUF, &buffer, "VIDIOC_QUERYBUF", path)
            let length = Int(buffer.length)
            guard let pointer = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, Int64(buffer.m.offset)),
                  pointer != MAP_FAILED else {
                throw CaptureError(.deviceFailed, source: path, detail: "mmap of buffer \(index) (\(length) bytes) failed", errno: errno)
            }
            buffers.append((pointer, length))
            try requeue(index)
        }
    }

    private func release(streaming: Bool) {
        guard !closed else { return }
        closed = true
        if streaming {
            var type = Int32(bitPattern: V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = rollcall_v4l2_ioctl(fd, rollcall_VIDIOC_STREAMOFF, &type)
        }
        for buffer in buffers { _ = v4l2_munmap(buffer.pointer, buffer.length) }
        buffers = []
        _ = v4l2_close(fd)
    }

    // MARK: Helpers

    /// One ioctl through libv4l2, retried on EINTR; failures become typed errors naming the request.
    @discardableResult
    static func ioctl<T>(_ fd: Int32, _ request: UInt, _ argument: inout T, _ name: String, _ path: String) throws(CaptureError) -> Int32 {
        while true {
            let status = withUnsafeMutablePointer(to: &argument) { rollcall_v4l2_ioctl(fd, request, $0) }
            if status >= 0 { return status }
            let code = errno
            if code == EINTR { continue }
            throw failure(code, name, path)
        }
    }

    static func failure(_ code: Int32, _ name: String, _ path: String) -> CaptureError {
        let lost = code == ENODEV || code == ENXIO || code == EIO || code == EBADF
        return CaptureError(lost ? .deviceLost : .deviceFailed, source: path,
                            detail: "\(name) failed: \(String(cString: strerror(code)))", errno: code)
    }

    private static func text<T>(of tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
