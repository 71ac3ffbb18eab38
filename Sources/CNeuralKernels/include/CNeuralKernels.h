// Rollcall's own CPU microkernels (SGEMM, GEMV, depthwise 3×3, Winograd, direct convolution, max pooling,
// channel padding), compiled once per instruction set and chosen at run time. Every entry point takes the
// instruction set explicitly (`rc_isa`), so tests can run each variant the CPU supports; `rc_cpu_isa()` says
// which those are. Nothing here allocates except the per-thread packing buffer of `rc_sgemm` (grown on demand,
// freed when the thread ends).
//
// Layouts follow Neural/Kernels.swift: row-major matrices, HWC activations, depthwise weights [3, 3, c].
#ifndef ROLLCALL_CNEURALKERNELS_H
#define ROLLCALL_CNEURALKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets a kernel is compiled for. `RC_ISA_BASELINE` is x86-64's SSE2 (or the portable C build on
/// other architectures); `RC_ISA_AVX2` adds AVX2 and FMA; `RC_ISA_AVX512` adds AVX-512 F, BW and VL.
typedef enum {
    RC_ISA_BASELINE = 0,
    RC_ISA_AVX2 = 1,
    RC_ISA_AVX512 = 2,
} rc_isa;

/// The best instruction set this CPU and its operating system support (CPUID, and XGETBV for the register
/// state the OS saves). Computed once; thread-safe.
rc_isa rc_cpu_isa(void);

/// How many threads the Swift side splits one kernel call over (default 1). Process-wide, atomic.
void rc_set_threads(int threads);
int rc_threads(void);

/// Activation applied at the end of a kernel.
typedef enum {
    RC_ACT_NONE = 0,
    RC_ACT_RELU = 1,
    RC_ACT_RELU6 = 2,
} rc_activation;

/// What a GEMM does with each result before storing it: `act((C if accumulate) + A·B + bias + residual)`.
typedef struct {
    /// n values (one per column), or NULL.
    const float *bias;
    /// m×n values, row stride `residual_stride`, or NULL. Must not overlap C (C holds partial sums between the
    /// blocks of k).
    const float *residual;
    ptrdiff_t residual_stride;
    rc_activation activation;
    /// Nonzero: C's existing values are added too.
    int accumulate;
    /// 0: the residual has all n columns. 1 … n − 1: it has only its first `residual_columns` (a residual
    /// zero-extended on the right: BlazeFace's channel-padded shortcuts, read without the padding). Read by
    /// `rc_sgemm` and `rc_sgemm_packed`; `rc_sgemv` requires 0.
    int residual_columns;
} rc_epilogue;

/// Columns per packed panel of B.
#define RC_GEMM_PANEL 32
/// Rows of C one thread should own at a time when splitting a GEMM over threads (a multiple of every
/// variant's micro-tile height).
#define RC_GEMM_ROW_GRAIN 24

/// Floats `rc_gemm_pack_b` writes for a k×n matrix B: ceil(n / 32) panels of k×32.
size_t rc_gemm_packed_count(int k, int n);

/// Packs row-major B (k×n, row stride ldb) into panels of 32 columns, each k rows × 32 floats, the last one
/// zero-padded. The layout does not depend on the instruction set.
void rc_gemm_pack_b(int k, int n, const float *b, ptrdiff_t ldb, float *packed);

/// C (m×n, row stride ldc) = epilogue(A · B) with A row-major (m×k, row stride lda) and B packed by
/// `rc_gemm_pack_b`. `epilogue` may be NULL (plain product). C must not overlap A or B.
void rc_sgemm_packed(rc_isa isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                     float *c, ptrdiff_t ldc, const rc_epilogue *epilogue);

/// Buffers of this thread, grown to at least `count` floats (NULL when out of memory), freed when the thread
/// ends. Slot 0 is `rc_sgemm`'s packing buffer; slot 1 is free for a caller (the Winograd scratch). A buffer
/// stays valid until the thread's next call with the same slot (or of `rc_sgemm` for slot 0).
#define RC_THREAD_BUFFER_SLOTS 2
float *rc_thread_buffer(int slot, size_t count);

/// As `rc_sgemm_packed`, with B row-major (k×n, row stride ldb), packed into this thread's buffer first.
void rc_sgemm(rc_isa isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
              float *c, ptrdiff_t ldc, const rc_epilogue *epilogue);

/// y (n values) = epilogue(xᵀ · W) for one row x (k values) and row-major W (k×n, row stride ldw): a fully
/// connected layer at batch 1. The epilogue's residual, if any, is one row of n values.
void rc_sgemv(rc_isa isa, int n, int k, const float *x, const float *w, ptrdiff_t ldw, float *y,
              const rc_epilogue *epilogue);

/// Geometry of a depthwise 3×3 convolution on one HWC image (depth multiplier 1).
typedef struct {
    int in_height, in_width, channels;
    int out_height, out_width;
    int stride_y, stride_x;
    int pad_top, pad_left;
} rc_depthwise_geometry;

/// Depthwise 3×3: out[oy, ox, c] = act(bias[c] + Σ in[iy, ix, c] · w[ky, kx, c]), cells outside the input
/// reading as 0 (the padding is folded in; any stride). Rows [row_begin, row_end) of the output only, so
/// threads can split the rows. bias may be NULL.
void rc_depthwise3x3(rc_isa isa, const float *input, const float *weights, const float *bias, float *output,
                     const rc_depthwise_geometry *g, rc_activation activation, int row_begin, int row_end);

/// Winograd F(4×4, 3×3) weight transform: u[ξ][ci][co] = (G g Gᵀ)[ξ] for the 3×3 kernel g of (ci, co), from
/// weights [3, 3, cin, cout] (HWIO). u has 36 · cin · cout floats.
void rc_winograd43_weights(int cin, int cout, const float *weights, float *u);

/// Floats of scratch `rc_conv3x3_winograd43` needs for blocks of `block_tiles` tiles.
size_t rc_winograd43_scratch_count(int cin, int cout, int block_tiles);

/// 3×3 stride-1 convolution through Winograd F(4×4, 3×3), output tiles [tile_begin, tile_end) (4×4 output
/// cells each, ceil(out_width / 4) per row), in blocks of `block_tiles`:
/// out = act(conv(in) + bias + residual). `packed_u` holds the 36 transformed weight matrices (cin × cout),
/// each packed by `rc_gemm_pack_b`, one after another (`rc_gemm_packed_count(cin, cout)` floats apart).
/// bias and residual (HWC like the output) may be NULL.
void rc_conv3x3_winograd43(rc_isa isa, const float *input, int in_height, int in_width, int cin, int pad_top,
                           int pad_left, int out_height, int out_width, int cout, const float *packed_u,
                           const float *bias, const float *residual, rc_activation activation, float *output,
                           int tile_begin, int tile_end, int block_tiles, float *scratch);

/// Copies one HWC image (in_height × in_width × cin) into `padded`, (in_height + pad_top + pad_bottom) ×
/// (in_width + pad_left + pad_right) × cin, with zeros around it: the input `rc_conv_direct` reads.
void rc_conv_pad_input(const float *input, int in_height, int in_width, int cin, int pad_top, int pad_left,
                       int pad_bottom, int pad_right, float *padded);

/// Convolution of one zero-padded HWC image (`rc_conv_pad_input`, padded_width columns, cin channels) without
/// im2col, for layers with few input channels (a network's first layer, where im2col copies rows of a few
/// floats): the windows of one output row under kernel row ky form a matrix whose rows lie stride_x · cin floats
/// apart in the input itself, multiplied by rows [ky·kw·cin, (ky+1)·kw·cin) of the weights — (kh·kw·cin) × cout,
/// HWIO, packed by `rc_gemm_pack_b` — and accumulated in the output; bias, residual (HWC like the output) and
/// activation apply with the last kernel row. Output rows [row_begin, row_end) only; bias and residual may be
/// NULL. out = act(conv(in) + bias + residual).
void rc_conv_direct(rc_isa isa, const float *padded, int padded_width, int cin, int kernel_h, int kernel_w,
                    int stride_y, int stride_x, int out_height, int out_width, int cout, const float *packed_w,
                    const float *bias, const float *residual, rc_activation activation, float *output, int row_begin,
                    int row_end);

/// Geometry of a pooling window over one HWC image.
typedef struct {
    int in_height, in_width, channels;
    int out_height, out_width;
    int kernel_h, kernel_w;
    int stride_y, stride_x;
    int pad_top, pad_left;
} rc_pool_geometry;

/// Max pooling: out[oy, ox, c] = max of in[iy, ix, c] over the window's cells inside the image (padded cells are
/// never a candidate; a window wholly outside the image gives 0).
void rc_max_pool(rc_isa isa, const float *input, const rc_pool_geometry *g, float *output);

/// Zero channels around each pixel's: output pixel p is `before` zeros, input pixel p (cin values), `after`
/// zeros (TFLite's PAD on the channel axis only). Input and output must not overlap.
void rc_pad_channels(rc_isa isa, const float *input, int pixels, int cin, int before, int after, float *output);

/// One output row of MediaPipe's letterbox (FaceDetection's `Letterbox.fill`), for `count` cells whose four
/// source neighbours all lie in the image. Cell i reads the pixel at byte offset offsets[i] (ascending) of
/// source rows `row0` and `row1` = row0's next row, and the pixel after it; with wx1 = x_weights[i],
/// wx0 = 32 − wx1 and wy0 = 32 − wy1, each of its three tensor channels c (a gray image's one byte for all
/// three) is
///   byte = ((wx0·(p0[c]·wy0 + q0[c]·wy1) + wx1·(p1[c]·wy0 + q1[c]·wy1)) · 32 + 2^14) >> 15,
///   out[3i + c] = byte · (2/255) − 1,
/// OpenCV's INTER_LINEAR fixed point. `channels` is 1 or 3; `image_end` is one past the image's last byte
/// (no variant reads at or past it).
void rc_letterbox_row(rc_isa isa, const uint8_t *row0, const uint8_t *row1, int channels, const int32_t *offsets,
                      const int32_t *x_weights, int count, int32_t wy1, const uint8_t *image_end, float *out);

/// Floating-point operations one call of `rc_fma_chains` performs per iteration: 12 chains × lanes × 2.
int rc_fma_chain_flops(rc_isa isa);

/// Runs `iterations` rounds of twelve independent multiply-add chains in `isa`'s vectors (the FMA ceiling the
/// kernel benchmark compares with); returns a value that depends on all of them.
float rc_fma_chains(rc_isa isa, long iterations);

#ifdef __cplusplus
}
#endif

#endif
