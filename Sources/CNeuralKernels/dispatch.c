// Chooses among the compiled variants: the CPU's instruction sets (CPUID and XGETBV, read once), the public
// entry points that switch on `rc_isa`, B packing, and the per-thread packing buffer of `rc_sgemm`.
#include "kernels_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long rc_xgetbv0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static rc_isa rc_detect_isa(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return RC_ISA_BASELINE;
    const int has_fma = (c >> 12) & 1, has_osxsave = (c >> 27) & 1, has_avx = (c >> 28) & 1;
    if (!has_osxsave || !has_avx || !has_fma) return RC_ISA_BASELINE;
    const unsigned long long xcr0 = rc_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return RC_ISA_BASELINE;  // the OS saves XMM and YMM state
    if (__get_cpuid_max(0, NULL) < 7) return RC_ISA_BASELINE;
    __cpuid_count(7, 0, a, b, c, d);
    const int has_avx2 = (b >> 5) & 1;
    if (!has_avx2) return RC_ISA_BASELINE;
    const int has_avx512f = (b >> 16) & 1, has_avx512bw = (b >> 30) & 1, has_avx512vl = (b >> 31) & 1;
    // The OS saves opmask, ZMM0-15 upper halves and ZMM16-31 (XCR0 bits 5, 6, 7).
    if (has_avx512f && has_avx512bw && has_avx512vl && (xcr0 & 0xe0) == 0xe0) return RC_ISA_AVX512;
    return RC_ISA_AVX2;
}
#else
static rc_isa rc_detect_isa(void) { return RC_ISA_BASELINE; }
#endif

static pthread_once_t rc_isa_once = PTHREAD_ONCE_INIT;
static rc_isa rc_isa_detected = RC_ISA_BASELINE;
static void rc_isa_init(void) { rc_isa_detected = rc_detect_isa(); }

rc_isa rc_cpu_isa(void) {
    pthread_once(&rc_isa_once, rc_isa_init);
    return rc_isa_detected;
}

static _Atomic int rc_thread_count = 1;

void rc_set_threads(int threads) { atomic_store(&rc_thread_count, threads < 1 ? 1 : threads); }

int rc_threads(void) { return atomic_load(&rc_thread_count); }

/// A variant the CPU lacks is never called: the request falls back to the best one the CPU has.
static rc_isa rc_usable(rc_isa isa) {
    rc_isa best = rc_cpu_isa();
    return isa > best ? best : isa;
}

size_t rc_gemm_packed_count(int k, int n) {
    if (k <= 0 || n <= 0) return 0;
    return (size_t)((n + RC_GEMM_PANEL - 1) / RC_GEMM_PANEL) * (size_t)k * RC_GEMM_PANEL;
}

void rc_gemm_pack_b(int k, int n, const float *b, ptrdiff_t ldb, float *packed) {
    for (int col = 0; col < n; col += RC_GEMM_PANEL) {
        const int width = n - col < RC_GEMM_PANEL ? n - col : RC_GEMM_PANEL;
        for (int p = 0; p < k; p++) {
            float *dst = packed + (size_t)p * RC_GEMM_PANEL;
            memcpy(dst, b + (ptrdiff_t)p * ldb + col, (size_t)width * sizeof(float));
            if (width < RC_GEMM_PANEL) memset(dst + width, 0, (size_t)(RC_GEMM_PANEL - width) * sizeof(float));
        }
        packed += (size_t)k * RC_GEMM_PANEL;
    }
}

void rc_sgemm_packed(rc_isa isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                     float *c, ptrdiff_t ldc, const rc_epilogue *epilogue) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_sgemm_packed_avx512(m, n, k, a, lda, packed_b, c, ldc, epilogue); return;
    case RC_ISA_AVX2: rc_sgemm_packed_avx2(m, n, k, a, lda, packed_b, c, ldc, epilogue); return;
#endif
    default: rc_sgemm_packed_baseline(m, n, k, a, lda, packed_b, c, ldc, epilogue); return;
    }
}

// Per-thread buffers (`rc_thread_buffer`): grown on demand, freed by the thread-exit destructor.
typedef struct {
    float *data;
    size_t capacity;
} rc_buffer;

static pthread_key_t rc_buffer_key;
static pthread_once_t rc_buffer_once = PTHREAD_ONCE_INIT;

static void rc_buffers_free(void *p) {
    rc_buffer *buffers = p;
    for (int i = 0; i < RC_THREAD_BUFFER_SLOTS; i++) free(buffers[i].data);
    free(buffers);
}

static void rc_buffer_key_init(void) { pthread_key_create(&rc_buffer_key, rc_buffers_free); }

float *rc_thread_buffer(int slot, size_t count) {
    if (slot < 0 || slot >= RC_THREAD_BUFFER_SLOTS) return NULL;
    pthread_once(&rc_buffer_once, rc_buffer_key_init);
    rc_buffer *buffers = pthread_getspecific(rc_buffer_key);
    if (!buffers) {
        buffers = calloc(RC_THREAD_BUFFER_SLOTS, sizeof *buffers);
        if (!buffers) return NULL;
        pthread_setspecific(rc_buffer_key, buffers);
    }
    rc_buffer *buffer = &buffers[slot];
    if (buffer->capacity < count) {
        free(buffer->data);
        size_t bytes = (count * sizeof(float) + 63) & ~(size_t)63;
        buffer->data = aligned_alloc(64, bytes);
        buffer->capacity = buffer->data ? count : 0;
    }
    return buffer->data;
}

void rc_sgemm(rc_isa isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
              float *c, ptrdiff_t ldc, const rc_epilogue *epilogue) {
    const size_t count = rc_gemm_packed_count(k, n);
    float *packed = rc_thread_buffer(0, count ? count : 1);
    if (!packed) abort();  // out of memory for a few MiB of packing buffer: nothing sensible is left to do
    rc_gemm_pack_b(k, n, b, ldb, packed);
    rc_sgemm_packed(isa, m, n, k, a, lda, packed, c, ldc, epilogue);
}

void rc_sgemv(rc_isa isa, int n, int k, const float *x, const float *w, ptrdiff_t ldw, float *y,
              const rc_epilogue *epilogue) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_sgemv_avx512(n, k, x, w, ldw, y, epilogue); return;
    case RC_ISA_AVX2: rc_sgemv_avx2(n, k, x, w, ldw, y, epilogue); return;
#endif
    default: rc_sgemv_baseline(n, k, x, w, ldw, y, epilogue); return;
    }
}

void rc_depthwise3x3(rc_isa isa, const float *input, const float *weights, const float *bias, float *output,
                     const rc_depthwise_geometry *g, rc_activation activation, int row_begin, int row_end) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_depthwise3x3_avx512(input, weights, bias, output, g, activation, row_begin, row_end); return;
    case RC_ISA_AVX2: rc_depthwise3x3_avx2(input, weights, bias, output, g, activation, row_begin, row_end); return;
#endif
    default: rc_depthwise3x3_baseline(input, weights, bias, output, g, activation, row_begin, row_end); return;
    }
}

void rc_max_pool(rc_isa isa, const float *input, const rc_pool_geometry *g, float *output) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_max_pool_avx512(input, g, output); return;
    case RC_ISA_AVX2: rc_max_pool_avx2(input, g, output); return;
#endif
    default: rc_max_pool_baseline(input, g, output); return;
    }
}

void rc_pad_channels(rc_isa isa, const float *input, int pixels, int cin, int before, int after, float *output) {
    const int cout = before + cin + after;
    if (before != 0) {
        // Not a shape the models use: plain copies.
        for (int p = 0; p < pixels; p++) {
            float *out = output + (ptrdiff_t)p * cout;
            memset(out, 0, (size_t)before * sizeof(float));
            memcpy(out + before, input + (ptrdiff_t)p * cin, (size_t)cin * sizeof(float));
            memset(out + before + cin, 0, (size_t)after * sizeof(float));
        }
        return;
    }
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_pad_channels_after_avx512(input, pixels, cin, cout, output); return;
    case RC_ISA_AVX2: rc_pad_channels_after_avx2(input, pixels, cin, cout, output); return;
#endif
    default: rc_pad_channels_after_baseline(input, pixels, cin, cout, output); return;
    }
}

void rc_letterbox_row(rc_isa isa, const uint8_t *row0, const uint8_t *row1, int channels, const int32_t *offsets,
                      const int32_t *x_weights, int count, int32_t wy1, const uint8_t *image_end, float *out) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: rc_letterbox_row_avx512(row0, row1, channels, offsets, x_weights, count, wy1, image_end, out); return;
    case RC_ISA_AVX2: rc_letterbox_row_avx2(row0, row1, channels, offsets, x_weights, count, wy1, image_end, out); return;
#endif
    default: rc_letterbox_row_baseline(row0, row1, channels, offsets, x_weights, count, wy1, image_end, out); return;
    }
}

void rc_winograd43_weights(int cin, int cout, const float *weights, float *u) {
    static const float G[6][3] = {
        {1.0f / 4, 0, 0},
        {-1.0f / 6, -1.0f / 6, -1.0f / 6},
        {-1.0f / 6, 1.0f / 6, -1.0f / 6},
        {1.0f / 24, 1.0f / 12, 1.0f / 6},
        {1.0f / 24, -1.0f / 12, 1.0f / 6},
        {0, 0, 1},
    };
    const size_t plane = (size_t)cin * (size_t)cout;
    for (int ci = 0; ci < cin; ci++) {
        for (int co = 0; co < cout; co++) {
            float g[3][3], t[6][3];
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++) g[ky][kx] = weights[((size_t)(ky * 3 + kx) * cin + ci) * cout + co];
            for (int i = 0; i < 6; i++)
                for (int kx = 0; kx < 3; kx++) t[i][kx] = G[i][0] * g[0][kx] + G[i][1] * g[1][kx] + G[i][2] * g[2][kx];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    u[(size_t)(i * 6 + j) * plane + (size_t)ci * cout + co] =
                        t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
        }
    }
}

size_t rc_winograd43_scratch_count(int cin, int cout, int block_tiles) {
    return (size_t)36 * (size_t)block_tiles * (size_t)(cin + cout);
}

void rc_conv3x3_winograd43(rc_isa isa, const float *input, int in_height, int in_width, int cin, int pad_top,
                           int pad_left, int out_height, int out_width, int cout, const float *packed_u,
                           const float *bias, const float *residual, rc_activation activation, float *output,
                           int tile_begin, int tile_end, int block_tiles, float *scratch) {
    const rc_isa use = rc_usable(isa);
    const int tiles_x = (out_width + 3) / 4;
    const size_t packed_stride = rc_gemm_packed_count(cin, cout);
    for (int first = tile_begin; first < tile_end; first += block_tiles) {
        const int tiles = tile_end - first < block_tiles ? tile_end - first : block_tiles;
        float *v = scratch, *m = scratch + (size_t)36 * tiles * cin;
        switch (use) {
#if defined(__x86_64__)
        case RC_ISA_AVX512:
            rc_winograd43_input_avx512(input, in_height, in_width, cin, pad_top, pad_left, tiles_x, first, tiles, v);
            break;
        case RC_ISA_AVX2:
            rc_winograd43_input_avx2(input, in_height, in_width, cin, pad_top, pad_left, tiles_x, first, tiles, v);
            break;
#endif
        default:
            rc_winograd43_input_baseline(input, in_height, in_width, cin, pad_top, pad_left, tiles_x, first, tiles, v);
            break;
        }
        for (int xi = 0; xi < 36; xi++)
            rc_sgemm_packed(use, tiles, cout, cin, v + (size_t)xi * tiles * cin, cin, packed_u + xi * packed_stride,
                            m + (size_t)xi * tiles * cout, cout, NULL);
        switch (use) {
#if defined(__x86_64__)
        case RC_ISA_AVX512:
            rc_winograd43_output_avx512(m, out_height, out_width, cout, tiles_x, first, tiles, output, bias, residual,
                                        activation);
            break;
        case RC_ISA_AVX2:
            rc_winograd43_output_avx2(m, out_height, out_width, cout, tiles_x, first, tiles, output, bias, residual,
                                      activation);
            break;
#endif
        default:
            rc_winograd43_output_baseline(m, out_height, out_width, cout, tiles_x, first, tiles, output, bias, residual,
                                          activation);
            break;
        }
    }
}

void rc_conv_pad_input(const float *input, int in_height, int in_width, int cin, int pad_top, int pad_left,
                       int pad_bottom, int pad_right, float *padded) {
    const int pw = in_width + pad_left + pad_right, ph = in_height + pad_top + pad_bottom;
    const size_t row = (size_t)pw * (size_t)cin;
    memset(padded, 0, (size_t)pad_top * row * sizeof(float));
    for (int y = 0; y < in_height; y++) {
        float *dst = padded + (size_t)(pad_top + y) * row;
        memset(dst, 0, (size_t)pad_left * cin * sizeof(float));
        memcpy(dst + (size_t)pad_left * cin, input + (size_t)y * in_width * cin, (size_t)in_width * cin * sizeof(float));
        memset(dst + (size_t)(pad_left + in_width) * cin, 0, (size_t)pad_right * cin * sizeof(float));
    }
    memset(padded + (size_t)(pad_top + in_height) * row, 0, (size_t)(ph - pad_top - in_height) * row * sizeof(float));
}

void rc_conv_direct(rc_isa isa, const float *padded, int padded_width, int cin, int kernel_h, int kernel_w,
                    int stride_y, int stride_x, int out_height, int out_width, int cout, const float *packed_w,
                    const float *bias, const float *residual, rc_activation activation, float *output, int row_begin,
                    int row_end) {
    (void)out_height;
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512:
        rc_conv_direct_rows_avx512(padded, padded_width, cin, kernel_h, kernel_w, stride_y, stride_x, out_width, cout,
                                   packed_w, bias, residual, activation, output, row_begin, row_end);
        return;
    case RC_ISA_AVX2:
        rc_conv_direct_rows_avx2(padded, padded_width, cin, kernel_h, kernel_w, stride_y, stride_x, out_width, cout,
                                 packed_w, bias, residual, activation, output, row_begin, row_end);
        return;
#endif
    default:
        rc_conv_direct_rows_baseline(padded, padded_width, cin, kernel_h, kernel_w, stride_y, stride_x, out_width,
                                     cout, packed_w, bias, residual, activation, output, row_begin, row_end);
        return;
    }
}

int rc_fma_chain_flops(rc_isa isa) {
    switch (rc_usable(isa)) {
    case RC_ISA_AVX512: return 12 * 16 * 2;
    case RC_ISA_AVX2: return 12 * 8 * 2;
    default: return 12 * 4 * 2;
    }
}

float rc_fma_chains(rc_isa isa, long iterations) {
    switch (rc_usable(isa)) {
#if defined(__x86_64__)
    case RC_ISA_AVX512: return rc_fma_chains_avx512(iterations);
    case RC_ISA_AVX2: return rc_fma_chains_avx2(iterations);
#endif
    default: return rc_fma_chains_baseline(iterations);
    }
}
