import CV4L2
import Glibc
import Testing

@Suite struct V4L2Tests {
    @Test func requestCodesAndFourCCsMatchTheKernelHeaders() {
        // Values fixed by the V4L2 ABI on 64-bit Linux.
        #expect(rollcall_VIDIOC_QUERYCAP == 0x8068_5600)
        #expect(rollcall_V4L2_PIX_FMT_YUYV == 0x5659_5559) // 'YUYV'
        #expect(rollcall_V4L2_PIX_FMT_MJPEG == 0x4750_4A4D) // 'MJPG'
    }

    @Test func openingAMissingDeviceFailsWithENOENT() {
        let fd = rollcall_v4l2_open("/dev/rollcall-no-such-video-device", O_RDWR)
        #expect(fd == -1)
        #expect(errno == ENOENT)
    }
}
