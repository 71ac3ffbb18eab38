// Internal declarations shared by the per-instruction-set kernel files and the dispatcher.
#ifndef ROLLCALL_KERNELS_INTERNAL_H
#define ROLLCALL_KERNELS_INTERNAL_H

#include "CNeuralKernels.h"

#define RC_DECLARE_VARIANT(SFX)                                                                                   \
    void rc_sgemm_packed_##SFX(int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,       \
                               float *c, ptrdiff_t ldc, const rc_epilogue *ep);                                  \
    void rc_sgemm_panels_##SFX(int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,       \
                               int panel_rows, float *c, ptrdiff_t ldc, const rc_epilogue *ep);                  \
    void rc_conv_direct_rows_##SFX(const float *padded, int padded_width, int cin, int kernel_h, int kernel_w,      \
                                   int stride_y, int stride_x, int out_width, int cout, const float *packed_w,    \
                                   const float *bias, const float *residual, rc_activation act, float *output,    \
                                   int row_begin, int row_end);                                                   \
    void rc_sgemv_##SFX(int n, int k, const float *x, const float *w, ptrdiff_t ldw, float *y,                   \
                        const rc_epilogue *ep);                                                                   \
    void rc_depthwise3x3_##SFX(const float *input, const float *weights, const float *bias, float *output,      \
                               const rc_depthwise_geometry *g, rc_activation activation, int row_begin,         \
                               int row_end);                                                                      \
    void rc_depthwise3x3_into_##SFX(const float *input, const float *weights, const float *bias, float *output, \
                                    const rc_depthwise_geometry *g, rc_activation activation, int row_begin,    \
                                    int row_end, int first_row);                                                  \
    void rc_winograd43_input_##SFX(const float *input, int H, int W, int C, int pad_top, int pad_left, int tiles_x, \
                                   int tile_begin, int tiles, float *v);                                         \
    void rc_winograd43_output_##SFX(const float *m, int OH, int OW, int C, int tiles_x, int tile_begin, int tiles, \
                                    float *output, const float *bias, const float *residual, rc_activation act);  \
    void rc_max_pool_##SFX(const float *input, const rc_pool_geometry *g, float *output);                      \
    void rc_pad_channels_after_##SFX(const float *input, int pixels, int cin, int cout, float *output);          \
    void rc_letterbox_row_##SFX(const uint8_t *row0, const uint8_t *row1, int channels, const int32_t *offsets,    \
                                const int32_t *x_weights, int count, int32_t wy1, const uint8_t *image_end,       \
                                float *out);                                                                      \
    float rc_fma_chains_##SFX(long iterations);

RC_DECLARE_VARIANT(baseline)
#if defined(__x86_64__)
RC_DECLARE_VARIANT(avx2)
RC_DECLARE_VARIANT(avx512)
#endif

#endif
