// Capture: V4L2 cameras (through libv4l2) and file sources (image folders, MJPEG files).
