// The AVX-512 variant (F, BW, VL, with FMA): 16-lane vectors. Called only on CPUs (and OSes) that support it.
#if defined(__x86_64__)
#include "kernels_internal.h"

#define RC_SFX avx512
#define RC_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define RC_LANES 16
#define RC_MR 12
#define RC_NV 2
#define RC_HAS_FMA 1
#include <immintrin.h>
#define RC_LOAD_PART(p, n) ((rc_v)_mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p)))
#define RC_STORE_PART(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (__m512)(v))
#define RC_LOAD_HPART(p, n) ((rc_vh)_mm256_maskz_loadu_ps((__mmask8)((1u << (n)) - 1), (p)))
#define RC_STORE_HPART(p, v, n) _mm256_mask_storeu_ps((p), (__mmask8)((1u << (n)) - 1), (__m256)(v))
#include "kernels_template.h"
#endif
