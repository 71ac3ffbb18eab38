// libv4l2 and the kernel's V4L2 interface. The VIDIOC_* request codes and V4L2_PIX_FMT_* fourccs are
// function-like macros Swift cannot import; they are exposed here as constants.
#ifndef ROLLCALL_CV4L2_SHIM_H
#define ROLLCALL_CV4L2_SHIM_H
#include <linux/videodev2.h>
#include <libv4l2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <fcntl.h>

static const unsigned long rollcall_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
static const unsigned long rollcall_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
static const unsigned long rollcall_VIDIOC_G_FMT = VIDIOC_G_FMT;
static const unsigned long rollcall_VIDIOC_S_FMT = VIDIOC_S_FMT;
static const unsigned long rollcall_VIDIOC_G_PARM = VIDIOC_G_PARM;
static const unsigned long rollcall_VIDIOC_S_PARM = VIDIOC_S_PARM;
static const unsigned long rollcall_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
static const unsigned long rollcall_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
static const unsigned long rollcall_VIDIOC_QBUF = VIDIOC_QBUF;
static const unsigned long rollcall_VIDIOC_DQBUF = VIDIOC_DQBUF;
static const unsigned long rollcall_VIDIOC_STREAMON = VIDIOC_STREAMON;
static const unsigned long rollcall_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
static const unsigned long rollcall_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;

static const unsigned int rollcall_V4L2_PIX_FMT_MJPEG = V4L2_PIX_FMT_MJPEG;
static const unsigned int rollcall_V4L2_PIX_FMT_JPEG = V4L2_PIX_FMT_JPEG;
static const unsigned int rollcall_V4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
static const unsigned int rollcall_V4L2_PIX_FMT_RGB24 = V4L2_PIX_FMT_RGB24;

/// libv4l2's ioctl is variadic; this fixed-signature wrapper is callable from Swift.
static inline int rollcall_v4l2_ioctl(int fd, unsigned long request, void *arg) {
    return v4l2_ioctl(fd, request, arg);
}
/// libv4l2's open is variadic; this fixed-signature wrapper is callable from Swift.
static inline int rollcall_v4l2_open(const char *path, int flags) {
    return v4l2_open(path, flags);
}
#endif
