// An emulated V4L2 camera for tests, loaded with LD_PRELOAD. See fake_v4l2.c for what is real and what is emulated.
#ifndef ROLLCALL_FAKE_V4L2_H
#define ROLLCALL_FAKE_V4L2_H
/// Number of frames the emulated device has handed out since the process started (for diagnostics).
unsigned long rollcall_fake_v4l2_frames_served(void);
#endif
