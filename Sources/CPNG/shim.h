// libpng's simplified API (png_image_*), which reports errors through a message buffer instead of longjmp,
// so Swift can call it safely. Function-like macros it needs are exposed as inline functions.
#ifndef ROLLCALL_CPNG_SHIM_H
#define ROLLCALL_CPNG_SHIM_H
#include <png.h>

/// Bytes needed for a decoded image in the given format (PNG_IMAGE_SIZE).
static inline size_t rollcall_png_image_size(const png_image *image) {
    return PNG_IMAGE_SIZE(*image);
}
/// Row stride in components (PNG_IMAGE_ROW_STRIDE).
static inline int rollcall_png_row_stride(const png_image *image) {
    return (int)PNG_IMAGE_ROW_STRIDE(*image);
}
/// True when the image struct reports a failure (PNG_IMAGE_FAILED).
static inline int rollcall_png_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image) ? 1 : 0;
}
static const unsigned int rollcall_png_format_gray = PNG_FORMAT_GRAY;
static const unsigned int rollcall_png_format_rgb = PNG_FORMAT_RGB;
static const unsigned int rollcall_png_format_rgba = PNG_FORMAT_RGBA;
static const unsigned int rollcall_png_image_version = PNG_IMAGE_VERSION;
#endif
