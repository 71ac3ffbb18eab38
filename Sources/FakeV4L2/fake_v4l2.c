// An emulated V4L2 camera, for tests only (this kernel has no V4L2 and the machine no camera).
//
// WHAT IS REAL AND WHAT IS EMULATED
// libv4l2 does not reach the kernel through libc's open/ioctl/mmap: it issues raw syscall(SYS_openat / SYS_ioctl /
// SYS_mmap) calls (libv4lsyscall-priv.h), so interposing libc's open/ioctl would never see its traffic. This
// library, loaded with LD_PRELOAD, therefore interposes the libv4l2 entry points Rollcall calls — v4l2_open,
// v4l2_close, v4l2_ioctl, v4l2_mmap, v4l2_munmap — plus libc's poll(). For the emulated device path they answer
// as a UVC webcam driver would; for every other path they forward to the real libv4l2/libc functions.
//   Real:     Rollcall's Capture code end to end — the ioctl sequence (QUERYCAP, ENUM_FMT, ENUM_FRAMESIZES, S_FMT,
//             S_PARM, REQBUFS, QUERYBUF, mmap, QBUF/DQBUF, STREAMON/OFF), the kernel's struct layouts from
//             <linux/videodev2.h>, non-blocking DQBUF with poll() timeouts, decode of the delivered bytes,
//             error handling and reopen with backoff.
//   Emulated: libv4l2's internals and the kernel driver: format list, frame sizes, frame timing, buffer memory
//             (anonymous mmap), and an unplug (ENODEV / POLLERR, then ENOENT on open) and a later replug.
//
// Configuration (environment variables, read at the first call):
//   ROLLCALL_FAKE_V4L2_DEVICE       path to emulate (default /dev/video0)
//   ROLLCALL_FAKE_V4L2_FORMATS      offered formats in order, comma separated: MJPG, YUYV (default "MJPG,YUYV")
//   ROLLCALL_FAKE_V4L2_FRAMES       folder of frames: *.jpg served for MJPG, *.yuyv (raw, width*height*2) for YUYV
//   ROLLCALL_FAKE_V4L2_SIZE         the one frame size offered, WxH (default 640x480)
//   ROLLCALL_FAKE_V4L2_FPS          frame rate (default 30)
//   ROLLCALL_FAKE_V4L2_UNPLUG_AFTER after this many frames dequeued the device disappears (default: never)
//   ROLLCALL_FAKE_V4L2_UNPLUG_MS    how long it stays gone before open() succeeds again (default 300)
#define _GNU_SOURCE
#include "fake_v4l2.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_FORMATS 4
#define MAX_FRAMES 256
#define MAX_BUFFERS 16

struct frame_file { unsigned char *data; size_t size; };
struct buffer { unsigned char *memory; size_t length; int queued; };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int configured;
static char device_path[256] = "/dev/video0";
static uint32_t formats[MAX_FORMATS];
static int format_count;
static char frames_dir[1024];
static unsigned width = 640, height = 480, fps = 30;
static long unplug_after = -1, unplug_ms = 300;

static int fake_fd = -1;              // the fd handed out for the emulated device (a real /dev/null fd)
static int nonblocking;
static uint32_t current_format;
static struct buffer buffers[MAX_BUFFERS];
static unsigned buffer_count;
static size_t buffer_size;
static int streaming;
static double stream_start;
static unsigned long sequence;        // frames dequeued in this stream
static unsigned long served_total;    // frames dequeued since process start
static int unplugged, unplug_done;
static double replug_at;
static struct frame_file files[MAX_FRAMES];
static int file_count;
static uint32_t files_format;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t fourcc(const char *s) {
    return (uint32_t)s[0] | ((uint32_t)s[1] << 8) | ((uint32_t)s[2] << 16) | ((uint32_t)s[3] << 24);
}

static void configure(void) {
    if (configured) return;
    configured = 1;
    const char *v;
    if ((v = getenv("ROLLCALL_FAKE_V4L2_DEVICE"))) snprintf(device_path, sizeof device_path, "%s", v);
    const char *list = getenv("ROLLCALL_FAKE_V4L2_FORMATS");
    if (!list) list = "MJPG,YUYV";
    for (const char *p = list; *p && format_count < MAX_FORMATS;) {
        if (strlen(p) >= 4) formats[format_count++] = fourcc(p);
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    if ((v = getenv("ROLLCALL_FAKE_V4L2_FRAMES"))) snprintf(frames_dir, sizeof frames_dir, "%s", v);
    if ((v = getenv("ROLLCALL_FAKE_V4L2_SIZE"))) sscanf(v, "%ux%u", &width, &height);
    if ((v = getenv("ROLLCALL_FAKE_V4L2_FPS"))) fps = (unsigned)atoi(v);
    if (fps == 0) fps = 30;
    if ((v = getenv("ROLLCALL_FAKE_V4L2_UNPLUG_AFTER"))) unplug_after = atol(v);
    if ((v = getenv("ROLLCALL_FAKE_V4L2_UNPLUG_MS"))) unplug_ms = atol(v);
}

static int supports(uint32_t format) {
    for (int i = 0; i < format_count; i++) if (formats[i] == format) return 1;
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Loads the frame files for `format` (sorted by name) once per format.
static void load_frames(uint32_t format) {
    if (files_format == format && file_count > 0) return;
    for (int i = 0; i < file_count; i++) free(files[i].data);
    file_count = 0;
    files_format = format;
    const char *ext = format == V4L2_PIX_FMT_YUYV ? ".yuyv" : ".jpg";
    DIR *dir = opendir(frames_dir);
    if (!dir) return;
    char *names[MAX_FRAMES];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && count < MAX_FRAMES) {
        size_t n = strlen(entry->d_name), e = strlen(ext);
        if (n > e && strcmp(entry->d_name + n - e, ext) == 0) names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, (size_t)count, sizeof names[0], compare_names);
    for (int i = 0; i < count; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", frames_dir, names[i]);
        free(names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        if (size <= 0) { fclose(f); continue; }
        unsigned char *data = malloc((size_t)size);
        if (data && fread(data, 1, (size_t)size, f) == (size_t)size) {
            files[file_count].data = data;
            files[file_count].size = (size_t)size;
            file_count++;
        } else {
            free(data);
        }
        fclose(f);
    }
}

static size_t image_size(uint32_t format) {
    if (format == V4L2_PIX_FMT_YUYV) return (size_t)width * height * 2;
    size_t largest = (size_t)width * height; // room for any reasonable JPEG of this size
    for (int i = 0; i < file_count; i++) if (files[i].size > largest) largest = files[i].size;
    return largest;
}

static void free_buffers(void) {
    for (unsigned i = 0; i < buffer_count; i++) munmap(buffers[i].memory, buffers[i].length);
    buffer_count = 0;
}

static void reset_device(void) {
    free_buffers();
    streaming = 0;
    sequence = 0;
}

static void fill_pix(struct v4l2_pix_format *pix) {
    pix->width = width;
    pix->height = height;
    pix->pixelformat = current_format;
    pix->field = V4L2_FIELD_NONE;
    pix->bytesperline = current_format == V4L2_PIX_FMT_YUYV ? width * 2 : 0;
    load_frames(current_format);
    pix->sizeimage = (uint32_t)image_size(current_format);
    pix->colorspace = current_format == V4L2_PIX_FMT_YUYV ? V4L2_COLORSPACE_SMPTE170M : V4L2_COLORSPACE_JPEG;
}

// Checks whether the scheduled unplug is due; returns 1 while the device is gone.
static int device_gone(void) {
    if (!unplugged && !unplug_done && unplug_after >= 0 && (long)served_total >= unplug_after) {
        unplugged = 1;
        unplug_done = 1;
        replug_at = now_seconds() + (double)unplug_ms / 1000.0;
    }
    if (unplugged && fake_fd < 0 && now_seconds() >= replug_at) unplugged = 0;
    return unplugged;
}

static int fake_ioctl(unsigned long request, void *arg) {
    if (device_gone()) { errno = ENODEV; return -1; }
    switch (request) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *cap = arg;
        memset(cap, 0, sizeof *cap);
        snprintf((char *)cap->driver, sizeof cap->driver, "rollcall-fake");
        snprintf((char *)cap->card, sizeof cap->card, "Rollcall emulated camera");
        snprintf((char *)cap->bus_info, sizeof cap->bus_info, "emulated:0");
        cap->version = 0x00060100;
        cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *desc = arg;
        if (desc->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || desc->index >= (uint32_t)format_count) { errno = EINVAL; return -1; }
        uint32_t f = formats[desc->index];
        uint32_t index = desc->index;
        memset(desc, 0, sizeof *desc);
        desc->index = index;
        desc->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        desc->pixelformat = f;
        desc->flags = f == V4L2_PIX_FMT_MJPEG ? V4L2_FMT_FLAG_COMPRESSED : 0;
        snprintf((char *)desc->description, sizeof desc->description, "%s", f == V4L2_PIX_FMT_MJPEG ? "Motion-JPEG" : "YUYV 4:2:2");
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *size = arg;
        if (!supports(size->pixel_format) || size->index != 0) { errno = EINVAL; return -1; }
        size->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        size->discrete.width = width;
        size->discrete.height = height;
        return 0;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT: {
        struct v4l2_format *fmt = arg;
        if (fmt->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) { errno = EINVAL; return -1; }
        if (request == VIDIOC_S_FMT && buffer_count > 0) { errno = EBUSY; return -1; }
        uint32_t wanted = fmt->fmt.pix.pixelformat;
        if (request != VIDIOC_G_FMT) {
            // Like a real driver: an unsupported format or size is adjusted, not refused.
            uint32_t chosen = supports(wanted) ? wanted : formats[0];
            if (request == VIDIOC_S_FMT) current_format = chosen;
            uint32_t saved = current_format;
            current_format = chosen;
            fill_pix(&fmt->fmt.pix);
            current_format = request == VIDIOC_S_FMT ? chosen : saved;
        } else {
            fill_pix(&fmt->fmt.pix);
        }
        return 0;
    }
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM: {
        struct v4l2_streamparm *parm = arg;
        if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) { errno = EINVAL; return -1; }
        memset(&parm->parm, 0, sizeof parm->parm);
        parm->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        parm->parm.capture.timeperframe.numerator = 1;
        parm->parm.capture.timeperframe.denominator = fps;
        parm->parm.capture.readbuffers = 0;
        return 0;
    }
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *req = arg;
        if (req->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || req->memory != V4L2_MEMORY_MMAP) { errno = EINVAL; return -1; }
        if (streaming) { errno = EBUSY; return -1; }
        free_buffers();
        if (req->count == 0) return 0;
        unsigned count = req->count < 2 ? 2 : req->count > MAX_BUFFERS ? MAX_BUFFERS : req->count;
        load_frames(current_format);
        buffer_size = image_size(current_format);
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t length = (buffer_size + page - 1) / page * page;
        for (unsigned i = 0; i < count; i++) {
            void *memory = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (memory == MAP_FAILED) { free_buffers(); errno = ENOMEM; return -1; }
            buffers[i].memory = memory;
            buffers[i].length = length;
            buffers[i].queued = 0;
            buffer_count = i + 1;
        }
        req->count = count;
        return 0;
    }
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF: {
        struct v4l2_buffer *buf = arg;
        if (buf->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || buf->index >= buffer_count) { errno = EINVAL; return -1; }
        if (request == VIDIOC_QBUF) { buffers[buf->index].queued = 1; return 0; }
        buf->memory = V4L2_MEMORY_MMAP;
        buf->length = (uint32_t)buffers[buf->index].length;
        buf->m.offset = buf->index * 0x100000u; // a cookie for mmap, as drivers hand out
        buf->flags = buffers[buf->index].queued ? V4L2_BUF_FLAG_QUEUED : 0;
        return 0;
    }
    case VIDIOC_STREAMON:
        if (buffer_count == 0) { errno = EINVAL; return -1; }
        streaming = 1;
        stream_start = now_seconds();
        sequence = 0;
        return 0;
    case VIDIOC_STREAMOFF:
        streaming = 0;
        for (unsigned i = 0; i < buffer_count; i++) buffers[i].queued = 0;
        return 0;
    case VIDIOC_DQBUF: {
        struct v4l2_buffer *buf = arg;
        if (!streaming) { errno = EINVAL; return -1; }
        double due = stream_start + (double)sequence / fps;
        double now = now_seconds();
        if (now < due) {
            if (nonblocking) { errno = EAGAIN; return -1; }
            struct timespec pause = {0, (long)((due - now) * 1e9)};
            nanosleep(&pause, NULL);
        }
        int index = -1;
        for (unsigned i = 0; i < buffer_count; i++) if (buffers[i].queued) { index = (int)i; break; }
        if (index < 0) { errno = EAGAIN; return -1; }
        load_frames(current_format);
        struct buffer *b = &buffers[index];
        size_t used = 0;
        if (file_count > 0) {
            struct frame_file *f = &files[sequence % (unsigned long)file_count];
            used = f->size < b->length ? f->size : b->length;
            memcpy(b->memory, f->data, used);
        }
        b->queued = 0;
        memset(buf, 0, sizeof *buf);
        buf->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf->memory = V4L2_MEMORY_MMAP;
        buf->index = (uint32_t)index;
        buf->bytesused = (uint32_t)used;
        buf->length = (uint32_t)b->length;
        buf->field = V4L2_FIELD_NONE;
        buf->sequence = (uint32_t)sequence;
        buf->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | (file_count == 0 ? V4L2_BUF_FLAG_ERROR : 0);
        double t = now_seconds();
        buf->timestamp.tv_sec = (time_t)t;
        buf->timestamp.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6);
        sequence++;
        served_total++;
        return 0;
    }
    default:
        errno = ENOTTY;
        return -1;
    }
}

unsigned long rollcall_fake_v4l2_frames_served(void) { return served_total; }

// MARK: interposed libv4l2 entry points

int v4l2_open(const char *file, int oflag, ...) {
    pthread_mutex_lock(&lock);
    configure();
    if (file && strcmp(file, device_path) == 0) {
        int result;
        if (fake_fd >= 0) {
            errno = EBUSY; result = -1;
        } else if (unplugged && now_seconds() < replug_at) {
            errno = ENOENT; result = -1;
        } else {
            unplugged = 0;
            result = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (result >= 0) {
                fake_fd = result;
                nonblocking = (oflag & O_NONBLOCK) != 0;
                current_format = formats[0];
                reset_device();
            }
        }
        pthread_mutex_unlock(&lock);
        return result;
    }
    pthread_mutex_unlock(&lock);
    int (*real)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "v4l2_open");
    if (!real) { errno = ENOSYS; return -1; }
    return real(file, oflag, 0);
}

int v4l2_close(int fd) {
    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd == fake_fd) {
        reset_device();
        fake_fd = -1;
        pthread_mutex_unlock(&lock);
        return close(fd);
    }
    pthread_mutex_unlock(&lock);
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "v4l2_close");
    return real ? real(fd) : close(fd);
}

int v4l2_ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd == fake_fd) {
        int result = fake_ioctl(request, arg);
        int saved = errno;
        pthread_mutex_unlock(&lock);
        errno = saved;
        return result;
    }
    pthread_mutex_unlock(&lock);
    int (*real)(int, unsigned long, ...) = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "v4l2_ioctl");
    if (!real) { errno = ENOSYS; return -1; }
    return real(fd, request, arg);
}

void *v4l2_mmap(void *start, size_t length, int prot, int flags, int fd, int64_t offset) {
    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd == fake_fd) {
        unsigned index = (unsigned)(offset / 0x100000);
        void *result = MAP_FAILED;
        if (device_gone()) errno = ENODEV;
        else if (index < buffer_count && length <= buffers[index].length) result = buffers[index].memory;
        else errno = EINVAL;
        pthread_mutex_unlock(&lock);
        return result;
    }
    pthread_mutex_unlock(&lock);
    void *(*real)(void *, size_t, int, int, int, int64_t) =
        (void *(*)(void *, size_t, int, int, int, int64_t))dlsym(RTLD_NEXT, "v4l2_mmap");
    if (!real) { errno = ENOSYS; return MAP_FAILED; }
    return real(start, length, prot, flags, fd, offset);
}

int v4l2_munmap(void *start, size_t length) {
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < buffer_count; i++) {
        if (buffers[i].memory == start) { pthread_mutex_unlock(&lock); return 0; } // freed with the buffers
    }
    pthread_mutex_unlock(&lock);
    int (*real)(void *, size_t) = (int (*)(void *, size_t))dlsym(RTLD_NEXT, "v4l2_munmap");
    return real ? real(start, length) : munmap(start, length);
}

// MARK: interposed libc poll

int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    pthread_mutex_lock(&lock);
    int fake = nfds == 1 && fds[0].fd >= 0 && fds[0].fd == fake_fd;
    if (fake) {
        fds[0].revents = 0;
        if (device_gone()) {
            fds[0].revents = POLLERR | POLLHUP;
            pthread_mutex_unlock(&lock);
            return 1;
        }
        int any_queued = 0;
        for (unsigned i = 0; i < buffer_count; i++) any_queued |= buffers[i].queued;
        double due = stream_start + (double)sequence / fps;
        double wait = streaming && any_queued ? due - now_seconds() : (double)timeout / 1000.0;
        pthread_mutex_unlock(&lock);
        if (timeout >= 0 && wait * 1000.0 > timeout) {
            struct timespec pause = {timeout / 1000, (long)(timeout % 1000) * 1000000L};
            nanosleep(&pause, NULL);
            return 0;
        }
        if (wait > 0) {
            struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&pause, NULL);
        }
        pthread_mutex_lock(&lock);
        fds[0].revents = device_gone() ? (POLLERR | POLLHUP) : (streaming && any_queued ? (fds[0].events & POLLIN) : 0);
        int ready = fds[0].revents ? 1 : 0;
        pthread_mutex_unlock(&lock);
        return ready;
    }
    pthread_mutex_unlock(&lock);
    int (*real)(struct pollfd *, nfds_t, int) = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
    if (!real) { errno = ENOSYS; return -1; }
    return real(fds, nfds, timeout);
}
