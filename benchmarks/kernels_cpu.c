// CPU-time timings of CNeuralKernels on BlazeFace's layer shapes, straight from C (no Swift build): the
// 1×1 convolutions as GEMMs with their epilogue, the depthwise 3×3 layers, and the 5×5/2 stem as im2col + GEMM
// and (when the sources have it) as rc_conv_direct. Thread CPU time, so other processes on the machine
// lengthen the figures less than wall time would. Built and run by benchmarks/kernels_cpu.sh.
#define _GNU_SOURCE
#include "CNeuralKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float *random_floats(size_t n) {
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) abort();
    for (size_t i = 0; i < n; i++) p[i] = (float)(rand() % 2001) / 1000.0f - 1.0f;
    return p;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/// Median over 7 rounds of the CPU microseconds per call, each round repeating the call for 20 ms.
#define TIME(label, flops, call)                                                                                  \
    do {                                                                                                          \
        double t[7];                                                                                              \
        for (int r = 0; r < 7; r++) {                                                                             \
            int calls_ = 0;                                                                                       \
            double t0 = cpu_seconds(), t1;                                                                        \
            do {                                                                                                  \
                call;                                                                                             \
                calls_++;                                                                                         \
                t1 = cpu_seconds();                                                                               \
            } while (t1 - t0 < 0.02);                                                                             \
            t[r] = (t1 - t0) / calls_;                                                                            \
        }                                                                                                         \
        qsort(t, 7, sizeof t[0], by_value);                                                                       \
        printf("{\"kernel\": \"%s\", \"isa\": %d, \"us\": %.2f, \"gflops\": %.1f}\n", label, isa, t[3] * 1e6,     \
               (flops) / t[3] * 1e-9);                                                                            \
    } while (0)

static void im2col(const float *in, int H, int W, int C, int k, int s, int pad, int OH, int OW, float *col) {
    for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    for (int c = 0; c < C; c++) {
                        const int iy = oy * s - pad + ky, ix = ox * s - pad + kx;
                        *col++ = iy < 0 || iy >= H || ix < 0 || ix >= W ? 0 : in[(iy * W + ix) * C + c];
                    }
}

int main(int argc, char **argv) {
    const int isa = argc > 1 ? atoi(argv[1]) : (int)rc_cpu_isa();
    static const int gemms[][3] = {{4096, 24, 24}, {4096, 28, 24}, {1024, 32, 28}, {1024, 36, 32}, {1024, 42, 36},
                                   {256, 48, 42},  {256, 56, 48},  {256, 64, 56},  {256, 72, 64},  {256, 80, 72},
                                   {256, 88, 80},  {64, 96, 88},   {64, 96, 96}};
    for (size_t i = 0; i < sizeof gemms / sizeof gemms[0]; i++) {
        const int m = gemms[i][0], n = gemms[i][1], k = gemms[i][2];
        float *a = random_floats((size_t)m * k), *b = random_floats((size_t)k * n), *c = random_floats((size_t)m * n);
        float *residual = random_floats((size_t)m * n), *bias = random_floats(n);
        float *packed = aligned_alloc(64, rc_gemm_packed_count(k, n) * sizeof(float) + 64);
        rc_gemm_pack_b(k, n, b, n, packed);
        const rc_epilogue ep = {bias, residual, n, RC_ACT_RELU, 0};
        char label[64];
        snprintf(label, sizeof label, "gemm %dx%dx%d +bias+residual+relu", m, n, k);
        TIME(label, 2.0 * m * n * k, rc_sgemm_packed(isa, m, n, k, a, k, packed, c, n, &ep));
    }
    static const int depthwise[][3] = {{64, 24, 1}, {64, 28, 2}, {32, 32, 1}, {32, 36, 1}, {32, 42, 2},
                                       {16, 48, 1}, {16, 88, 1}, {16, 88, 2}, {8, 96, 1}};
    for (size_t i = 0; i < sizeof depthwise / sizeof depthwise[0]; i++) {
        const int H = depthwise[i][0], C = depthwise[i][1], s = depthwise[i][2], OH = s == 1 ? H : H / 2;
        const rc_depthwise_geometry g = {H, H, C, OH, OH, s, s, s == 1, s == 1};
        float *in = random_floats((size_t)H * H * C), *w = random_floats(9 * C), *bias = random_floats(C);
        float *out = random_floats((size_t)OH * OH * C);
        char label[64];
        snprintf(label, sizeof label, "depthwise3x3 %dx%dx%d/%d", H, H, C, s);
        TIME(label, 2.0 * OH * OH * C * 9, rc_depthwise3x3(isa, in, w, bias, out, &g, RC_ACT_RELU, 0, OH));
    }
    {
        const int H = 128, C = 3, n = 24, k = 75, OH = 64;
        float *in = random_floats((size_t)H * H * C), *w = random_floats((size_t)k * n), *bias = random_floats(n);
        float *out = random_floats((size_t)OH * OH * n), *col = random_floats((size_t)OH * OH * k);
        float *packed = aligned_alloc(64, rc_gemm_packed_count(k, n) * sizeof(float) + 64);
        rc_gemm_pack_b(k, n, w, n, packed);
        const rc_epilogue ep = {bias, NULL, 0, RC_ACT_RELU, 0};
        TIME("stem 128x128x3->24 5x5/2 im2col+gemm", 2.0 * OH * OH * n * k,
             (im2col(in, H, H, C, 5, 2, 1, OH, OH, col), rc_sgemm_packed(isa, OH * OH, n, k, col, k, packed, out, n, &ep)));
#ifdef RC_HAVE_CONV_DIRECT
        float *padded = random_floats((size_t)(H + 3) * (H + 3) * C);
        TIME("stem 128x128x3->24 5x5/2 direct", 2.0 * OH * OH * n * k,
             (rc_conv_pad_input(in, H, H, C, 1, 1, 2, 2, padded),
              rc_conv_direct(isa, padded, H + 3, C, 5, 5, 2, 2, OH, OH, n, packed, bias, NULL, RC_ACT_RELU, out, 0, OH)));
#endif
    }
    return 0;
}
