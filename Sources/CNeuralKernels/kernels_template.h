// The kernels, written once with the compiler's generic vectors and compiled once per instruction set.
// The including file defines:
//   RC_SFX      name suffix (baseline, avx2, avx512)
//   RC_TARGET   the function attribute selecting the instruction set (empty for the baseline)
//   RC_LANES    floats per vector register (4, 8, 16)
//   RC_MR       rows of the GEMM micro-tile
//   RC_NV       vectors per micro-tile row (micro-tile width RC_NV · RC_LANES, dividing RC_GEMM_PANEL)
//   RC_HAS_FMA  1 when the target has fused multiply-add
// No variable or type here is visible outside its translation unit except the three rc_…_SFX functions.

#include <string.h>

#define RC_CAT2(a, b) a##_##b
#define RC_CAT(a, b) RC_CAT2(a, b)
#define RC_FN(name) RC_CAT(name, RC_SFX)
#define RC_INLINE static inline __attribute__((always_inline)) RC_TARGET

/// Full, half and quarter vectors (unaligned: alignment 4).
typedef float rc_v __attribute__((vector_size(RC_LANES * 4), aligned(4)));
#if RC_LANES >= 8
typedef float rc_vh __attribute__((vector_size(RC_LANES * 2), aligned(4)));
#endif
#if RC_LANES >= 16
typedef float rc_vq __attribute__((vector_size(RC_LANES), aligned(4)));
#endif

#if RC_HAS_FMA
#define RC_MADD(a, b, acc) __builtin_elementwise_fma((a), (b), (acc))
#else
#define RC_MADD(a, b, acc) ((acc) + (a) * (b))
#endif

/// Micro-tile width in floats.
#define RC_SW (RC_NV * RC_LANES)
_Static_assert(RC_NV == 2, "rc_tile's vector shapes assume two vectors per micro-tile row");
/// Depth of one block of the k loop (B micro-panel of RC_KC × 32 floats stays in L1).
#define RC_KC 192
/// Rows of one block of the m loop (A block of RC_MC × RC_KC floats stays in L2).
#define RC_MC 264

#define RC_ACTIVATE(T, v, act)                                                                                    \
    do {                                                                                                          \
        if ((act) != RC_ACT_NONE) (v) = __builtin_elementwise_max((v), (T){0});                                  \
        if ((act) == RC_ACT_RELU6) (v) = __builtin_elementwise_min((v), (T){0} + 6.0f);                          \
    } while (0)

/// Loads and stores of the first `n` (0…RC_LANES) lanes only, for a matrix's last columns. The including file may
/// define RC_LOAD_PART / RC_STORE_PART with masked instructions; the fallback moves lane by lane.
#ifndef RC_LOAD_PART
RC_INLINE rc_v RC_FN(rc_load_part)(const float *p, int n) {
    rc_v v = {0};
    for (int i = 0; i < n; i++) v[i] = p[i];
    return v;
}
RC_INLINE void RC_FN(rc_store_part)(float *p, rc_v v, int n) {
    for (int i = 0; i < n; i++) p[i] = v[i];
}
#define RC_LOAD_PART(p, n) RC_FN(rc_load_part)((p), (n))
#define RC_STORE_PART(p, v, n) RC_FN(rc_store_part)((p), (v), (n))
#endif

/// Lanes of vector j that lie within `cols` columns.
#define RC_LANES_IN(cols, j) ((cols) - (j) * RC_LANES >= RC_LANES ? RC_LANES : ((cols) - (j) * RC_LANES > 0 ? (cols) - (j) * RC_LANES : 0))
/// A load of vector j of a row, whole or partial.
#define RC_ROW_LOAD(p, j, partial, cols)                                                                          \
    ((partial) ? RC_LOAD_PART((p) + (j) * RC_LANES, RC_LANES_IN(cols, j)) : *(const rc_v *)((p) + (j) * RC_LANES))

#if RC_LANES >= 8
/// Half vectors: a micro-tile may end in one half vector, so that a 24-column tile on 16-lane vectors (or a
/// 12-column one on 8 lanes) does not pay for a whole empty vector. The including file may define masked
/// RC_LOAD_HPART / RC_STORE_HPART; the fallback moves lane by lane.
#define RC_HL (RC_LANES / 2)
#ifndef RC_LOAD_HPART
RC_INLINE rc_vh RC_FN(rc_load_hpart)(const float *p, int n) {
    rc_vh v = {0};
    for (int i = 0; i < n; i++) v[i] = p[i];
    return v;
}
RC_INLINE void RC_FN(rc_store_hpart)(float *p, rc_vh v, int n) {
    for (int i = 0; i < n; i++) p[i] = v[i];
}
#define RC_LOAD_HPART(p, n) RC_FN(rc_load_hpart)((p), (n))
#define RC_STORE_HPART(p, v, n) RC_FN(rc_store_hpart)((p), (v), (n))
#endif
/// Lanes of the half vector after `nf` full ones that lie within `cols` columns.
#define RC_HLANES_IN(cols, nf) ((cols) - (nf) * RC_LANES >= RC_HL ? RC_HL : ((cols) - (nf) * RC_LANES > 0 ? (cols) - (nf) * RC_LANES : 0))
#define RC_HROW_LOAD(p, nf, partial, cols)                                                                        \
    ((partial) ? RC_LOAD_HPART((p) + (nf) * RC_LANES, RC_HLANES_IN(cols, nf)) : *(const rc_vh *)((p) + (nf) * RC_LANES))
#endif

/// One micro-tile: C[mr × (nf full vectors + nh half vectors)] (row stride ldc) = (C if load_c) +
/// A[mr × kc] · Bpanel[kc × …], B's rows RC_GEMM_PANEL floats apart; when `last`, the bias, residual and
/// activation are applied. When `partial`, only `cols` columns exist (the last vector is read and written in
/// part). Called with constant `mr`, `nf` and `nh` so that the accumulators live in registers.
RC_INLINE void RC_FN(rc_micro)(const int mr, const int nf, const int nh, const int partial, int cols, int kc,
                               int nseg, ptrdiff_t aseg, const float *restrict a, ptrdiff_t lda,
                               const float *restrict b, float *restrict c,
                               ptrdiff_t ldc, int load_c, int last, const float *bias, const float *residual,
                               ptrdiff_t ldr, int rcols, rc_activation act) {
    rc_v acc[RC_MR][RC_NV];
#if RC_LANES >= 8
    rc_vh acch[RC_MR];
#define RC_HALF_ON nh
#else
#define RC_HALF_ON 0
#endif
    /* Which vector the partial load or store falls on: the half vector if there is one, else the last full. */
    const int pfull = partial && !RC_HALF_ON, phalf = partial && RC_HALF_ON;
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < nf; j++)
            acc[i][j] = load_c ? RC_ROW_LOAD(c + i * ldc, j, pfull && j == nf - 1, cols) : (rc_v){0};
#if RC_LANES >= 8
        if (nh) acch[i] = load_c ? RC_HROW_LOAD(c + i * ldc, nf, phalf, cols) : (rc_vh){0};
#endif
    }
    for (int sg = 0; sg < nseg; sg++, a += aseg, b += (ptrdiff_t)kc * RC_GEMM_PANEL)
    for (int p = 0; p < kc; p++) {
        rc_v bv[RC_NV];
#pragma clang loop unroll(full)
        for (int j = 0; j < nf; j++) bv[j] = *(const rc_v *)(b + p * RC_GEMM_PANEL + j * RC_LANES);
#if RC_LANES >= 8
        rc_vh bh = nh ? *(const rc_vh *)(b + p * RC_GEMM_PANEL + nf * RC_LANES) : (rc_vh){0};
#endif
#pragma clang loop unroll(full)
        for (int i = 0; i < mr; i++) {
            const float ai = a[i * lda + p];
            rc_v s = ai - (rc_v){0};
#pragma clang loop unroll(full)
            for (int j = 0; j < nf; j++) acc[i][j] = RC_MADD(s, bv[j], acc[i][j]);
#if RC_LANES >= 8
            if (nh) acch[i] = RC_MADD(ai - (rc_vh){0}, bh, acch[i]);
#endif
        }
    }
    if (last) {
        if (bias) {
#pragma clang loop unroll(full)
            for (int j = 0; j < nf; j++) {
                rc_v bj = RC_ROW_LOAD(bias, j, pfull && j == nf - 1, cols);
#pragma clang loop unroll(full)
                for (int i = 0; i < mr; i++) acc[i][j] += bj;
            }
#if RC_LANES >= 8
            if (nh) {
                rc_vh bj = RC_HROW_LOAD(bias, nf, phalf, cols);
#pragma clang loop unroll(full)
                for (int i = 0; i < mr; i++) acch[i] += bj;
            }
#endif
        }
        if (residual) {
            /* A residual narrower than the tile (rcols < cols) is read in part, its missing columns as 0. */
            const int narrow = rcols < cols;
#pragma clang loop unroll(full)
            for (int i = 0; i < mr; i++) {
#pragma clang loop unroll(full)
                for (int j = 0; j < nf; j++)
                    acc[i][j] += RC_ROW_LOAD(residual + i * ldr, j, narrow || (pfull && j == nf - 1), narrow ? rcols : cols);
#if RC_LANES >= 8
                if (nh) acch[i] += RC_HROW_LOAD(residual + i * ldr, nf, narrow || phalf, narrow ? rcols : cols);
#endif
            }
        }
        if (act != RC_ACT_NONE) {
#pragma clang loop unroll(full)
            for (int i = 0; i < mr; i++) {
#pragma clang loop unroll(full)
                for (int j = 0; j < nf; j++) RC_ACTIVATE(rc_v, acc[i][j], act);
#if RC_LANES >= 8
                if (nh) RC_ACTIVATE(rc_vh, acch[i], act);
#endif
            }
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < mr; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < nf; j++) {
            if (pfull && j == nf - 1) RC_STORE_PART(c + i * ldc + j * RC_LANES, acc[i][j], RC_LANES_IN(cols, j));
            else *(rc_v *)(c + i * ldc + j * RC_LANES) = acc[i][j];
        }
#if RC_LANES >= 8
        if (nh) {
            if (phalf) RC_STORE_HPART(c + i * ldc + nf * RC_LANES, acch[i], RC_HLANES_IN(cols, nf));
            else *(rc_vh *)(c + i * ldc + nf * RC_LANES) = acch[i];
        }
#endif
    }
#undef RC_HALF_ON
}

/// A micro-tile of any height 1…RC_MR and a given vector shape, through the register-resident variants.
RC_INLINE void RC_FN(rc_tile_rows)(int mr, const int nf, const int nh, const int partial, int cols, int kc,
                                   int nseg, ptrdiff_t aseg, const float *a, ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc, int load_c,
                                   int last, const float *bias, const float *residual, ptrdiff_t ldr, int rcols,
                                   rc_activation act) {
#define RC_ROWS_CASE(R)                                                                                           \
    case R:                                                                                                       \
        RC_FN(rc_micro)(R, nf, nh, partial, cols, kc, nseg, aseg, a, lda, b, c, ldc, load_c, last, bias, residual, ldr, rcols, act); \
        return;
    switch (mr) {
        RC_ROWS_CASE(1)
        RC_ROWS_CASE(2)
        RC_ROWS_CASE(3)
        RC_ROWS_CASE(4)
#if RC_MR > 4
        RC_ROWS_CASE(5)
        RC_ROWS_CASE(6)
#endif
#if RC_MR > 6
        RC_ROWS_CASE(7)
        RC_ROWS_CASE(8)
        RC_ROWS_CASE(9)
        RC_ROWS_CASE(10)
        RC_ROWS_CASE(11)
        RC_ROWS_CASE(12)
#endif
    default:
        return;
    }
#undef RC_ROWS_CASE
}

/// A micro-tile whose columns may stop short of RC_SW (the matrix's last columns): it runs on as few vectors as
/// cover them — whole ones, then at most one half vector — so narrow layers (24, 36, 42 channels) do not
/// multiply zeros; only the last vector is read and written in part.
static RC_TARGET __attribute__((noinline)) void RC_FN(rc_tile)(int mr, int cols, int kc, int nseg, ptrdiff_t aseg,
                                                              const float *a,
                                                              ptrdiff_t lda, const float *b, float *c, ptrdiff_t ldc,
                                                              int load_c, int last, const float *bias,
                                                              const float *residual, ptrdiff_t ldr, int rcols,
                                                              rc_activation act) {
#define RC_SHAPE(NF, NH, WIDTH)                                                                                   \
    do {                                                                                                          \
        if (cols == (WIDTH))                                                                                      \
            RC_FN(rc_tile_rows)(mr, NF, NH, 0, cols, kc, nseg, aseg, a, lda, b, c, ldc, load_c, last, bias, residual, ldr, rcols, act); \
        else                                                                                                      \
            RC_FN(rc_tile_rows)(mr, NF, NH, 1, cols, kc, nseg, aseg, a, lda, b, c, ldc, load_c, last, bias, residual, ldr, rcols, act); \
        return;                                                                                                   \
    } while (0)
#if RC_LANES >= 8
    if (cols <= RC_HL) RC_SHAPE(0, 1, RC_HL);
#endif
    if (cols <= RC_LANES) RC_SHAPE(1, 0, RC_LANES);
#if RC_LANES >= 8
    if (cols <= RC_LANES + RC_HL) RC_SHAPE(1, 1, RC_LANES + RC_HL);
#endif
    RC_SHAPE(2, 0, 2 * RC_LANES);
#undef RC_SHAPE
}

/// As rc_sgemm_packed, with B's panels holding `panel_rows` ≥ k rows each (B is rows [0, k) of a taller packed
/// matrix whose first row `packed_b` points at).
RC_TARGET void RC_FN(rc_sgemm_panels)(int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                                      int panel_rows, float *c, ptrdiff_t ldc, const rc_epilogue *ep) {
    if (m <= 0 || n <= 0) return;
    const float *bias = ep ? ep->bias : NULL;
    const float *residual = ep ? ep->residual : NULL;
    ptrdiff_t ldr = ep ? ep->residual_stride : 0;
    rc_activation act = ep ? ep->activation : RC_ACT_NONE;
    int accumulate = ep ? ep->accumulate : 0;
    /* Columns the residual has (the rest of each row adds nothing). */
    int residual_columns = ep && ep->residual_columns > 0 && ep->residual_columns < n ? ep->residual_columns : n;
    int panels = (n + RC_GEMM_PANEL - 1) / RC_GEMM_PANEL;
    int pc = 0;
    do {
        int kc = k - pc < RC_KC ? k - pc : RC_KC;
        int load_c = pc > 0 || accumulate, last = pc + kc >= k;
        for (int ic = 0; ic < m; ic += RC_MC) {
            int mc = m - ic < RC_MC ? m - ic : RC_MC;
            for (int jp = 0; jp < panels; jp++) {
                const float *panel = packed_b + (size_t)jp * (size_t)panel_rows * RC_GEMM_PANEL + (size_t)pc * RC_GEMM_PANEL;
                for (int js = 0; js < RC_GEMM_PANEL; js += RC_SW) {
                    int col = jp * RC_GEMM_PANEL + js;
                    if (col >= n) break;
                    int cols = n - col < RC_SW ? n - col : RC_SW;
                    int rcols = residual_columns - col < cols ? residual_columns - col : cols;
                    for (int ir = 0; ir < mc; ir += RC_MR) {
                        int row = ic + ir;
                        int mr = mc - ir < RC_MR ? mc - ir : RC_MR;
                        RC_FN(rc_tile)(mr, cols, kc, 1, 0, a + row * lda + pc, lda, panel + js, c + row * ldc + col, ldc,
                                       load_c, last, bias ? bias + col : NULL,
                                       residual && rcols > 0 ? residual + row * ldr + col : NULL, ldr, rcols, act);
                    }
                }
            }
        }
        pc += kc;
    } while (pc < k);
}

RC_TARGET void RC_FN(rc_sgemm_packed)(int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                                      float *c, ptrdiff_t ldc, const rc_epilogue *ep) {
    RC_FN(rc_sgemm_panels)(m, n, k, a, lda, packed_b, k, c, ldc, ep);
}

/// rc_conv_direct's rows [row_begin, row_end) in this instruction set: for each output row, each micro-tile
/// reads its A rows straight from the padded input (stride_x · cin floats apart) for every kernel row in turn
/// (segments padded_width · cin floats apart), so the sum over the whole window stays in registers.
RC_TARGET void RC_FN(rc_conv_direct_rows)(const float *padded, int padded_width, int cin, int kernel_h, int kernel_w,
                                          int stride_y, int stride_x, int out_width, int cout,
                                          const float *packed_w, const float *bias, const float *residual,
                                          rc_activation act, float *output, int row_begin, int row_end) {
    const int seg = kernel_w * cin, k = kernel_h * seg;
    const ptrdiff_t in_row = (ptrdiff_t)padded_width * cin, lda = (ptrdiff_t)stride_x * cin;
    const int panels = (cout + RC_GEMM_PANEL - 1) / RC_GEMM_PANEL;
    for (int oy = row_begin; oy < row_end; oy++) {
        const float *a_row = padded + (ptrdiff_t)oy * stride_y * in_row;
        float *c_row = output + (ptrdiff_t)oy * out_width * cout;
        const float *r_row = residual ? residual + (ptrdiff_t)oy * out_width * cout : NULL;
        for (int ir = 0; ir < out_width; ir += RC_MR) {
            const int mr = out_width - ir < RC_MR ? out_width - ir : RC_MR;
            for (int jp = 0; jp < panels; jp++) {
                const float *panel = packed_w + (size_t)jp * (size_t)k * RC_GEMM_PANEL;
                for (int js = 0; js < RC_GEMM_PANEL; js += RC_SW) {
                    const int col = jp * RC_GEMM_PANEL + js;
                    if (col >= cout) break;
                    const int cols = cout - col < RC_SW ? cout - col : RC_SW;
                    RC_FN(rc_tile)(mr, cols, seg, kernel_h, in_row, a_row + ir * lda, lda, panel + js,
                                   c_row + (ptrdiff_t)ir * cout + col, cout, 0, 1, bias ? bias + col : NULL,
                                   r_row ? r_row + (ptrdiff_t)ir * cout + col : NULL, cout, cols, act);
                }
            }
        }
    }
}

/// y = epilogue(xᵀ · W), streaming W's rows in order (four at a time) so that every row is read once,
/// contiguously, while y stays in L1; y starts as (y if accumulate) + bias + residual, the activation comes last.
RC_TARGET void RC_FN(rc_sgemv)(int n, int k, const float *x, const float *w, ptrdiff_t ldw, float *y,
                               const rc_epilogue *ep) {
    const float *bias = ep ? ep->bias : NULL;
    const float *residual = ep ? ep->residual : NULL;
    const rc_activation act = ep ? ep->activation : RC_ACT_NONE;
    const int load_y = ep ? ep->accumulate : 0;
    for (int col = 0; col < n; col++)
        y[col] = (load_y ? y[col] : 0) + (bias ? bias[col] : 0) + (residual ? residual[col] : 0);
    int p = 0;
    for (; p + 4 <= k; p += 4) {
        const rc_v x0 = x[p] - (rc_v){0}, x1 = x[p + 1] - (rc_v){0}, x2 = x[p + 2] - (rc_v){0}, x3 = x[p + 3] - (rc_v){0};
        const float *w0 = w + (ptrdiff_t)p * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        int col = 0;
        for (; col + RC_LANES <= n; col += RC_LANES) {
            rc_v acc = *(const rc_v *)(y + col);
            acc = RC_MADD(x0, *(const rc_v *)(w0 + col), acc);
            acc = RC_MADD(x1, *(const rc_v *)(w1 + col), acc);
            acc = RC_MADD(x2, *(const rc_v *)(w2 + col), acc);
            acc = RC_MADD(x3, *(const rc_v *)(w3 + col), acc);
            *(rc_v *)(y + col) = acc;
        }
        for (; col < n; col++) {
            float sum = y[col];
            sum = RC_MADD(x[p], w0[col], sum);
            sum = RC_MADD(x[p + 1], w1[col], sum);
            sum = RC_MADD(x[p + 2], w2[col], sum);
            sum = RC_MADD(x[p + 3], w3[col], sum);
            y[col] = sum;
        }
    }
    for (; p < k; p++) {
        const float *row = w + (ptrdiff_t)p * ldw;
        for (int col = 0; col < n; col++) y[col] = RC_MADD(x[p], row[col], y[col]);
    }
    if (act != RC_ACT_NONE) {
        for (int col = 0; col < n; col++) {
            float v = y[col] > 0 ? y[col] : 0;
            y[col] = act == RC_ACT_RELU6 && v > 6 ? 6 : v;
        }
    }
}

/// Depthwise 3×3, one output row `oy` over channels [ch, ch + n) with vectors of type T, read and written with
/// LD(p) / ST(p, v) (whole or masked to `n` lanes): the nine taps and the bias stay in registers; windows inside
/// the image take their loads straight — four outputs at a time for strides 1 and 2, so that neighbouring
/// windows share their loads and the four sums are independent chains — and border windows skip the taps that
/// fall outside. Output columns [ox_lo, ox_hi) have their windows inside the image horizontally.
#define RC_DW_FOUR(S)                                                                                             \
    for (; ox + 4 <= hi; ox += 4) {                                                                               \
        const float *p = r0 + (ptrdiff_t)(ox * (S) - g->pad_left) * C;                                           \
        T a0 = b, a1 = b, a2 = b, a3 = b;                                                                         \
        _Pragma("clang loop unroll(full)") for (int ky = 0; ky < 3; ky++) {                                       \
            const float *q = p + ky * row_stride;                                                                 \
            T x[3 + 3 * (S)];                                                                                     \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < 3 + 3 * (S); i++) x[i] = LD(q + i * C);      \
            _Pragma("clang loop unroll(full)") for (int kx = 0; kx < 3; kx++) {                                   \
                a0 = RC_MADD(x[kx], w[ky * 3 + kx], a0);                                                          \
                a1 = RC_MADD(x[(S) + kx], w[ky * 3 + kx], a1);                                                    \
                a2 = RC_MADD(x[2 * (S) + kx], w[ky * 3 + kx], a2);                                                \
                a3 = RC_MADD(x[3 * (S) + kx], w[ky * 3 + kx], a3);                                                \
            }                                                                                                     \
        }                                                                                                         \
        RC_ACTIVATE(T, a0, act);                                                                                  \
        RC_ACTIVATE(T, a1, act);                                                                                  \
        RC_ACTIVATE(T, a2, act);                                                                                  \
        RC_ACTIVATE(T, a3, act);                                                                                  \
        float *o = orow + (ptrdiff_t)ox * C;                                                                      \
        ST(o, a0);                                                                                                \
        ST(o + C, a1);                                                                                            \
        ST(o + 2 * C, a2);                                                                                        \
        ST(o + 3 * C, a3);                                                                                        \
    }

#define RC_DEPTHWISE_ROW(NAME, T)                                                                                 \
    RC_INLINE void NAME(const float *restrict in, const float *restrict wts, const float *bias,                   \
                        float *restrict out_row, const rc_depthwise_geometry *g, rc_activation act, int oy, int ch, \
                        int n, int ox_lo, int ox_hi) {                                                            \
        (void)n;                                                                                                  \
        const int C = g->channels, W = g->in_width, H = g->in_height;                                             \
        const ptrdiff_t row_stride = (ptrdiff_t)W * C;                                                            \
        T w[9];                                                                                                   \
        _Pragma("clang loop unroll(full)") for (int t = 0; t < 9; t++) w[t] = LD(wts + t * C + ch);               \
        const T b = bias ? LD(bias + ch) : (T){0};                                                                \
        const int sx = g->stride_x;                                                                               \
        const int y0 = oy * g->stride_y - g->pad_top;                                                             \
        float *orow = out_row + ch;                                                                               \
        const int inside_rows = y0 >= 0 && y0 + 3 <= H;                                                           \
        const int lo = inside_rows ? ox_lo : g->out_width, hi = inside_rows ? ox_hi : g->out_width;                \
        for (int ox = 0; ox < g->out_width; ox++) {                                                               \
            if (ox == lo) {                                                                                       \
                const float *r0 = in + (ptrdiff_t)y0 * row_stride + ch;                                           \
                if (sx == 1) {                                                                                    \
                    RC_DW_FOUR(1)                                                                                 \
                } else if (sx == 2) {                                                                             \
                    RC_DW_FOUR(2)                                                                                 \
                }                                                                                                 \
                for (; ox < hi; ox++) {                                                                           \
                    const float *p = r0 + (ptrdiff_t)(ox * sx - g->pad_left) * C;                                 \
                    T acc = b;                                                                                    \
                    _Pragma("clang loop unroll(full)") for (int ky = 0; ky < 3; ky++) {                           \
                        _Pragma("clang loop unroll(full)") for (int kx = 0; kx < 3; kx++)                         \
                            acc = RC_MADD(LD(p + ky * row_stride + kx * C), w[ky * 3 + kx], acc);                 \
                    }                                                                                             \
                    RC_ACTIVATE(T, acc, act);                                                                     \
                    ST(orow + (ptrdiff_t)ox * C, acc);                                                            \
                }                                                                                                 \
                if (ox >= g->out_width) break;                                                                    \
            }                                                                                                     \
            const int x0 = ox * sx - g->pad_left;                                                                 \
            T acc = b;                                                                                            \
            for (int ky = 0; ky < 3; ky++) {                                                                      \
                const int iy = y0 + ky;                                                                           \
                if (iy < 0 || iy >= H) continue;                                                                  \
                for (int kx = 0; kx < 3; kx++) {                                                                  \
                    const int ix = x0 + kx;                                                                       \
                    if (ix < 0 || ix >= W) continue;                                                              \
                    acc = RC_MADD(LD(in + (ptrdiff_t)iy * row_stride + (ptrdiff_t)ix * C + ch), w[ky * 3 + kx], acc); \
                }                                                                                                 \
            }                                                                                                     \
            RC_ACTIVATE(T, acc, act);                                                                             \
            ST(orow + (ptrdiff_t)ox * C, acc);                                                                    \
        }                                                                                                         \
    }

#define LD(p) (*(const rc_v *)(p))
#define ST(p, v) (*(rc_v *)(p) = (v))
#define T rc_v
RC_DEPTHWISE_ROW(RC_FN(rc_dw_full), rc_v)
#undef T
#undef LD
#undef ST
#if RC_LANES >= 8
#define T rc_vh
#define LD(p) (*(const rc_vh *)(p))
#define ST(p, v) (*(rc_vh *)(p) = (v))
RC_DEPTHWISE_ROW(RC_FN(rc_dw_half), rc_vh)
#undef LD
#undef ST
/// The last channels (fewer than a half vector): half vectors masked to `n` lanes.
#define LD(p) RC_LOAD_HPART((p), n)
#define ST(p, v) RC_STORE_HPART((p), (v), n)
RC_DEPTHWISE_ROW(RC_FN(rc_dw_tail), rc_vh)
#undef LD
#undef ST
#undef T
#endif

/// Depthwise 3×3 output rows [row_begin, row_end), row oy written at output + (oy − first_row) · out_width · C.
RC_TARGET void RC_FN(rc_depthwise3x3_into)(const float *input, const float *weights, const float *bias, float *output,
                                           const rc_depthwise_geometry *g, rc_activation act, int row_begin,
                                           int row_end, int first_row) {
    const int C = g->channels, W = g->in_width, sx = g->stride_x;
    // Output columns whose window lies inside the image: x0 = ox·sx − pad_left ≥ 0 and x0 + 3 ≤ W.
    int ox_lo = (g->pad_left + sx - 1) / sx;
    int ox_hi = W - 3 + g->pad_left >= 0 ? (W - 3 + g->pad_left) / sx + 1 : 0;
    if (ox_hi > g->out_width) ox_hi = g->out_width;
    if (ox_lo > ox_hi) ox_lo = ox_hi;
    // Rows outside, channel blocks inside: the three input rows a row of outputs reads stay in L1 while every
    // block of channels sweeps them.
    for (int oy = row_begin; oy < row_end; oy++) {
        float *out_row = output + (ptrdiff_t)(oy - first_row) * g->out_width * C;
        int ch = 0;
        for (; ch + RC_LANES <= C; ch += RC_LANES)
            RC_FN(rc_dw_full)(input, weights, bias, out_row, g, act, oy, ch, RC_LANES, ox_lo, ox_hi);
#if RC_LANES >= 8
        if (ch + RC_LANES / 2 <= C) {
            RC_FN(rc_dw_half)(input, weights, bias, out_row, g, act, oy, ch, RC_LANES / 2, ox_lo, ox_hi);
            ch += RC_LANES / 2;
        }
        if (ch < C) RC_FN(rc_dw_tail)(input, weights, bias, out_row, g, act, oy, ch, C - ch, ox_lo, ox_hi);
#else
        // The last channels (fewer than four): scalar.
        for (int ox = 0; ox < g->out_width && ch < C; ox++) {
            const int y0 = oy * g->stride_y - g->pad_top, x0 = ox * g->stride_x - g->pad_left;
            for (int c = ch; c < C; c++) {
                float sum = bias ? bias[c] : 0;
                for (int ky = 0; ky < 3; ky++) {
                    const int iy = y0 + ky;
                    if (iy < 0 || iy >= g->in_height) continue;
                    for (int kx = 0; kx < 3; kx++) {
                        const int ix = x0 + kx;
                        if (ix < 0 || ix >= g->in_width) continue;
                        sum = RC_MADD(input[((ptrdiff_t)iy * g->in_width + ix) * C + c], weights[(ky * 3 + kx) * C + c], sum);
                    }
                }
                if (act != RC_ACT_NONE) sum = sum > 0 ? sum : 0;
                if (act == RC_ACT_RELU6) sum = sum < 6 ? sum : 6;
                out_row[(ptrdiff_t)ox * C + c] = sum;
            }
        }
#endif
    }
}

RC_TARGET void RC_FN(rc_depthwise3x3)(const float *input, const float *weights, const float *bias, float *output,
                                      const rc_depthwise_geometry *g, rc_activation act, int row_begin,
                                      int row_end) {
    RC_FN(rc_depthwise3x3_into)(input, weights, bias, output, g, act, row_begin, row_end, 0);
}

/// 2×2 stride-2 max pooling with no padding whose windows all lie in the image (BlazeFace's): four loads per
/// vector, nothing to clip.
RC_INLINE void RC_FN(rc_max_pool_2x2)(const float *input, const rc_pool_geometry *g, float *output) {
    const int C = g->channels;
    const ptrdiff_t row = (ptrdiff_t)g->in_width * C;
    for (int oy = 0; oy < g->out_height; oy++) {
        const float *top = input + (ptrdiff_t)(2 * oy) * row;
        float *out = output + (ptrdiff_t)oy * g->out_width * C;
        for (int ox = 0; ox < g->out_width; ox++, top += 2 * C, out += C) {
            const float *bottom = top + row;
            int ch = 0;
            for (; ch + RC_LANES <= C; ch += RC_LANES) {
                const rc_v a = __builtin_elementwise_max(*(const rc_v *)(top + ch), *(const rc_v *)(top + C + ch));
                const rc_v b = __builtin_elementwise_max(*(const rc_v *)(bottom + ch), *(const rc_v *)(bottom + C + ch));
                *(rc_v *)(out + ch) = __builtin_elementwise_max(a, b);
            }
            if (ch < C) {
                const int n = C - ch;
                const rc_v a = __builtin_elementwise_max(RC_LOAD_PART(top + ch, n), RC_LOAD_PART(top + C + ch, n));
                const rc_v b = __builtin_elementwise_max(RC_LOAD_PART(bottom + ch, n), RC_LOAD_PART(bottom + C + ch, n));
                RC_STORE_PART(out + ch, __builtin_elementwise_max(a, b), n);
            }
        }
    }
}

/// Max pooling (see `rc_max_pool`), one vector of channels at a time, the last one masked.
RC_TARGET void RC_FN(rc_max_pool)(const float *input, const rc_pool_geometry *g, float *output) {
    const int C = g->channels;
    if (g->kernel_h == 2 && g->kernel_w == 2 && g->stride_y == 2 && g->stride_x == 2 && g->pad_top == 0 &&
        g->pad_left == 0 && 2 * g->out_height <= g->in_height && 2 * g->out_width <= g->in_width) {
        RC_FN(rc_max_pool_2x2)(input, g, output);
        return;
    }
    for (int oy = 0; oy < g->out_height; oy++) {
        const int y0 = oy * g->stride_y - g->pad_top;
        const int ky0 = y0 < 0 ? -y0 : 0, ky1 = g->in_height - y0 < g->kernel_h ? g->in_height - y0 : g->kernel_h;
        for (int ox = 0; ox < g->out_width; ox++) {
            const int x0 = ox * g->stride_x - g->pad_left;
            const int kx0 = x0 < 0 ? -x0 : 0, kx1 = g->in_width - x0 < g->kernel_w ? g->in_width - x0 : g->kernel_w;
            float *out = output + ((ptrdiff_t)oy * g->out_width + ox) * C;
            if (ky0 >= ky1 || kx0 >= kx1) {
                memset(out, 0, (size_t)C * sizeof(float));
                continue;
            }
            for (int ch = 0; ch < C; ch += RC_LANES) {
                const int n = C - ch < RC_LANES ? C - ch : RC_LANES;
                const float *first = input + ((ptrdiff_t)(y0 + ky0) * g->in_width + x0 + kx0) * C + ch;
                rc_v best = n == RC_LANES ? *(const rc_v *)first : RC_LOAD_PART(first, n);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *row = input + ((ptrdiff_t)(y0 + ky) * g->in_width + x0) * C + ch;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *cell = row + (ptrdiff_t)kx * C;
                        best = __builtin_elementwise_max(best, n == RC_LANES ? *(const rc_v *)cell : RC_LOAD_PART(cell, n));
                    }
                }
                if (n == RC_LANES) *(rc_v *)(out + ch) = best;
                else RC_STORE_PART(out + ch, best, n);
            }
        }
    }
}

/// Zero channels after each pixel's (see `rc_pad_channels`, channels_before 0): each pixel's output is written
/// in whole vectors, the input read masked so that lanes past its channels load as 0.
RC_TARGET void RC_FN(rc_pad_channels_after)(const float *input, int pixels, int cin, int cout, float *output) {
    for (int p = 0; p < pixels; p++) {
        const float *in = input + (ptrdiff_t)p * cin;
        float *out = output + (ptrdiff_t)p * cout;
        for (int j = 0; j < cout; j += RC_LANES) {
            const int n_in = cin - j <= 0 ? 0 : (cin - j < RC_LANES ? cin - j : RC_LANES);
            const int n_out = cout - j < RC_LANES ? cout - j : RC_LANES;
            const rc_v v = n_in == RC_LANES ? *(const rc_v *)(in + j) : (n_in > 0 ? RC_LOAD_PART(in + j, n_in) : (rc_v){0});
            if (n_out == RC_LANES) *(rc_v *)(out + j) = v;
            else RC_STORE_PART(out + j, v, n_out);
        }
    }
}

/// One letterbox cell (see `rc_letterbox_row`), plainly.
RC_INLINE void RC_FN(rc_letterbox_cell)(const uint8_t *p, const uint8_t *q, int channels, int32_t wx1, int32_t wy1,
                                        float *out) {
    const int32_t wx0 = 32 - wx1, wy0 = 32 - wy1;
    for (int c = 0; c < 3; c++) {
        const int k = channels == 1 ? 0 : c;
        const int32_t sum = wx0 * (p[k] * wy0 + q[k] * wy1) + wx1 * (p[k + channels] * wy0 + q[k + channels] * wy1);
        /* Two statements, so that no FMA contracts them: the reference rounds the product, then subtracts. */
        const float scaled = (float)((sum * 32 + (1 << 14)) >> 15) * (2.0f / 255.0f);
        out[c] = scaled - 1.0f;
    }
}

RC_TARGET void RC_FN(rc_letterbox_row)(const uint8_t *row0, const uint8_t *row1, int channels, const int32_t *offsets,
                                       const int32_t *x_weights, int count, int32_t wy1, const uint8_t *image_end,
                                       float *out) {
    int i = 0;
#if RC_LANES >= 8
    if (channels == 3) {
        /* Eight cells at a time: one 4-byte gather per neighbour brings a pixel's three bytes (and a fourth,
           ignored), so every gather must end before image_end: the last cells may take the plain path. */
        const __m256i mask = _mm256_set1_epi32(0xff), w32 = _mm256_set1_epi32(32), round = _mm256_set1_epi32(1 << 14);
        const __m256i vwy1 = _mm256_set1_epi32(wy1), vwy0 = _mm256_set1_epi32(32 - wy1);
        const __m256 scale = _mm256_set1_ps(2.0f / 255.0f), one = _mm256_set1_ps(1.0f);
        for (; i + 8 <= count && (ptrdiff_t)offsets[i + 7] + 3 + 4 <= image_end - row1; i += 8) {
            const __m256i o = _mm256_loadu_si256((const __m256i *)(offsets + i));
            const __m256i o3 = _mm256_add_epi32(o, _mm256_set1_epi32(3));
            const __m256i p0 = _mm256_i32gather_epi32((const int *)row0, o, 1);
            const __m256i p1 = _mm256_i32gather_epi32((const int *)row0, o3, 1);
            const __m256i q0 = _mm256_i32gather_epi32((const int *)row1, o, 1);
            const __m256i q1 = _mm256_i32gather_epi32((const int *)row1, o3, 1);
            const __m256i wx1 = _mm256_loadu_si256((const __m256i *)(x_weights + i));
            const __m256i wx0 = _mm256_sub_epi32(w32, wx1);
            float lanes[3][8];
            for (int c = 0; c < 3; c++) {
                const int shift = 8 * c;
#define RC_BYTE(v) _mm256_and_si256(_mm256_srli_epi32((v), shift), mask)
                const __m256i left = _mm256_add_epi32(_mm256_mullo_epi32(RC_BYTE(p0), vwy0), _mm256_mullo_epi32(RC_BYTE(q0), vwy1));
                const __m256i right = _mm256_add_epi32(_mm256_mullo_epi32(RC_BYTE(p1), vwy0), _mm256_mullo_epi32(RC_BYTE(q1), vwy1));
#undef RC_BYTE
                const __m256i sum = _mm256_add_epi32(_mm256_mullo_epi32(wx0, left), _mm256_mullo_epi32(wx1, right));
                const __m256i byte = _mm256_srai_epi32(_mm256_add_epi32(_mm256_slli_epi32(sum, 5), round), 15);
                _mm256_storeu_ps(lanes[c], _mm256_sub_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(byte), scale), one));
            }
            float *cell = out + 3 * i;
            for (int j = 0; j < 8; j++) {
                cell[3 * j] = lanes[0][j];
                cell[3 * j + 1] = lanes[1][j];
                cell[3 * j + 2] = lanes[2][j];
            }
        }
    }
#endif
    for (; i < count; i++)
        RC_FN(rc_letterbox_cell)(row0 + offsets[i], row1 + offsets[i], channels, x_weights[i], wy1, out + 3 * i);
}

/// Winograd F(4×4, 3×3) input transform of tiles [tile_begin, tile_begin + tiles) over channels [ch, ch + L):
/// v[ξ][t][c] = (Bᵀ d B)[ξ] for the 6×6 input patch d of tile t (cells outside the image read as 0).
#define RC_WINOGRAD_INPUT_BLOCK(NAME, T, L)                                                                       \
    RC_INLINE void NAME(const float *restrict in, int H, int W, int C, int pad_top, int pad_left, int tiles_x,    \
                        int tile_begin, int tiles, float *restrict v, int ch) {                                   \
        const ptrdiff_t xi_stride = (ptrdiff_t)tiles * C;                                                         \
        for (int t = 0; t < tiles; t++) {                                                                         \
            const int tile = tile_begin + t, ty = tile / tiles_x, tx = tile % tiles_x;                            \
            const int y0 = ty * 4 - pad_top, x0 = tx * 4 - pad_left;                                              \
            const int inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= H && x0 + 6 <= W;                                \
            T tmp[6][6];                                                                                          \
            for (int j = 0; j < 6; j++) {                                                                         \
                T d[6];                                                                                           \
                _Pragma("clang loop unroll(full)") for (int i = 0; i < 6; i++) {                                  \
                    const int iy = y0 + i, ix = x0 + j;                                                           \
                    d[i] = inside || (iy >= 0 && iy < H && ix >= 0 && ix < W)                                    \
                               ? *(const T *)(in + ((ptrdiff_t)iy * W + ix) * C + ch)                             \
                               : (T){0};                                                                          \
                }                                                                                                 \
                tmp[0][j] = 4.0f * d[0] - 5.0f * d[2] + d[4];                                                     \
                tmp[1][j] = d[3] + d[4] - 4.0f * (d[1] + d[2]);                                                   \
                tmp[2][j] = d[4] - d[3] + 4.0f * (d[1] - d[2]);                                                   \
                tmp[3][j] = d[4] - d[2] + 2.0f * (d[3] - d[1]);                                                   \
                tmp[4][j] = d[4] - d[2] + 2.0f * (d[1] - d[3]);                                                   \
                tmp[5][j] = 4.0f * d[1] - 5.0f * d[3] + d[5];                                                     \
            }                                                                                                     \
            float *dst = v + (ptrdiff_t)t * C + ch;                                                               \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < 6; i++) {                                      \
                const T *d = tmp[i];                                                                              \
                float *row = dst + (ptrdiff_t)(i * 6) * xi_stride;                                                \
                *(T *)(row) = 4.0f * d[0] - 5.0f * d[2] + d[4];                                                   \
                *(T *)(row + xi_stride) = d[3] + d[4] - 4.0f * (d[1] + d[2]);                                     \
                *(T *)(row + 2 * xi_stride) = d[4] - d[3] + 4.0f * (d[1] - d[2]);                                 \
                *(T *)(row + 3 * xi_stride) = d[4] - d[2] + 2.0f * (d[3] - d[1]);                                 \
                *(T *)(row + 4 * xi_stride) = d[4] - d[2] + 2.0f * (d[1] - d[3]);                                 \
                *(T *)(row + 5 * xi_stride) = 4.0f * d[1] - 5.0f * d[3] + d[5];                                   \
            }                                                                                                     \
        }                                                                                                         \
    }

/// Winograd F(4×4, 3×3) output transform: out = act(Aᵀ m A + bias + residual) for each tile's 4×4 outputs
/// inside the image, channels [ch, ch + L).
#define RC_WINOGRAD_OUTPUT_BLOCK(NAME, T, L)                                                                      \
    RC_INLINE void NAME(const float *restrict m, int OH, int OW, int C, int tiles_x, int tile_begin, int tiles,   \
                        float *restrict out, const float *bias, const float *residual, rc_activation act, int ch) { \
        const ptrdiff_t xi_stride = (ptrdiff_t)tiles * C;                                                         \
        const T b = bias ? *(const T *)(bias + ch) : (T){0};                                                      \
        for (int t = 0; t < tiles; t++) {                                                                         \
            const int tile = tile_begin + t, oy0 = (tile / tiles_x) * 4, ox0 = (tile % tiles_x) * 4;              \
            const float *src = m + (ptrdiff_t)t * C + ch;                                                         \
            T s[4][6];                                                                                            \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < 6; j++) {                                      \
                T c0 = *(const T *)(src + (ptrdiff_t)(0 * 6 + j) * xi_stride);                                    \
                T c1 = *(const T *)(src + (ptrdiff_t)(1 * 6 + j) * xi_stride);                                    \
                T c2 = *(const T *)(src + (ptrdiff_t)(2 * 6 + j) * xi_stride);                                    \
                T c3 = *(const T *)(src + (ptrdiff_t)(3 * 6 + j) * xi_stride);                                    \
                T c4 = *(const T *)(src + (ptrdiff_t)(4 * 6 + j) * xi_stride);                                    \
                T c5 = *(const T *)(src + (ptrdiff_t)(5 * 6 + j) * xi_stride);                                    \
                T p12 = c1 + c2, m12 = c1 - c2, p34 = c3 + c4, m34 = c3 - c4;                                     \
                s[0][j] = c0 + p12 + p34;                                                                         \
                s[1][j] = m12 + 2.0f * m34;                                                                       \
                s[2][j] = p12 + 4.0f * p34;                                                                       \
                s[3][j] = m12 + 8.0f * m34 + c5;                                                                  \
            }                                                                                                     \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < 4; i++) {                                      \
                const int oy = oy0 + i;                                                                           \
                if (oy >= OH) break;                                                                              \
                const T *r = s[i];                                                                                \
                T p12 = r[1] + r[2], m12 = r[1] - r[2], p34 = r[3] + r[4], m34 = r[3] - r[4];                     \
                T y[4] = {r[0] + p12 + p34, m12 + 2.0f * m34, p12 + 4.0f * p34, m12 + 8.0f * m34 + r[5]};          \
                _Pragma("clang loop unroll(full)") for (int j = 0; j < 4; j++) {                                  \
                    const int ox = ox0 + j;                                                                       \
                    if (ox >= OW) break;                                                                          \
                    const ptrdiff_t at = ((ptrdiff_t)oy * OW + ox) * C + ch;                                      \
                    T value = y[j] + b;                                                                           \
                    if (residual) value += *(const T *)(residual + at);                                           \
                    RC_ACTIVATE(T, value, act);                                                                   \
                    *(T *)(out + at) = value;                                                                     \
                }                                                                                                 \
            }                                                                                                     \
        }                                                                                                         \
    }

RC_WINOGRAD_INPUT_BLOCK(RC_FN(rc_wi_full), rc_v, RC_LANES)
RC_WINOGRAD_OUTPUT_BLOCK(RC_FN(rc_wo_full), rc_v, RC_LANES)
typedef float rc_v1 __attribute__((vector_size(4), aligned(4)));
RC_WINOGRAD_INPUT_BLOCK(RC_FN(rc_wi_one), rc_v1, 1)
RC_WINOGRAD_OUTPUT_BLOCK(RC_FN(rc_wo_one), rc_v1, 1)

RC_TARGET void RC_FN(rc_winograd43_input)(const float *input, int H, int W, int C, int pad_top, int pad_left,
                                          int tiles_x, int tile_begin, int tiles, float *v) {
    int ch = 0;
    for (; ch + RC_LANES <= C; ch += RC_LANES)
        RC_FN(rc_wi_full)(input, H, W, C, pad_top, pad_left, tiles_x, tile_begin, tiles, v, ch);
    for (; ch < C; ch++) RC_FN(rc_wi_one)(input, H, W, C, pad_top, pad_left, tiles_x, tile_begin, tiles, v, ch);
}

RC_TARGET void RC_FN(rc_winograd43_output)(const float *m, int OH, int OW, int C, int tiles_x, int tile_begin,
                                           int tiles, float *output, const float *bias, const float *residual,
                                           rc_activation act) {
    int ch = 0;
    for (; ch + RC_LANES <= C; ch += RC_LANES)
        RC_FN(rc_wo_full)(m, OH, OW, C, tiles_x, tile_begin, tiles, output, bias, residual, act, ch);
    for (; ch < C; ch++) RC_FN(rc_wo_one)(m, OH, OW, C, tiles_x, tile_begin, tiles, output, bias, residual, act, ch);
}

/// Twelve independent chains of multiply-adds on full vectors, `iterations` rounds: bound by the FMA (or,
/// on the baseline, multiply and add) throughput, for measuring the ceiling the kernels are compared with.
RC_TARGET float RC_FN(rc_fma_chains)(long iterations) {
    rc_v a[12];
    const rc_v m = 0.999999f - (rc_v){0}, c = 0.000001f - (rc_v){0};
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) a[i] = (float)i - (rc_v){0};
    for (long it = 0; it < iterations; it++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) a[i] = RC_MADD(a[i], m, c);
    }
    rc_v sum = (rc_v){0};
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) sum += a[i];
    return sum[0];
}
