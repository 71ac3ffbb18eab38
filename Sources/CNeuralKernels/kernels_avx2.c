// The AVX2 + FMA variant: 8-lane vectors, fused multiply-add. Only the functions carry the target attribute;
// the rest of the binary stays baseline x86-64, and the dispatcher calls these only on CPUs that have both.
#if defined(__x86_64__)
#include "kernels_internal.h"

#define RC_SFX avx2
#define RC_TARGET __attribute__((target("avx2,fma")))
#define RC_LANES 8
#define RC_MR 6
#define RC_NV 2
#define RC_HAS_FMA 1
#include <immintrin.h>
#define RC_LANE_MASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define RC_LOAD_PART(p, n) ((rc_v)_mm256_maskload_ps((p), RC_LANE_MASK(n)))
#define RC_STORE_PART(p, v, n) _mm256_maskstore_ps((p), RC_LANE_MASK(n), (__m256)(v))
#define RC_HLANE_MASK(n) _mm_cmpgt_epi32(_mm_set1_epi32(n), _mm_setr_epi32(0, 1, 2, 3))
#define RC_LOAD_HPART(p, n) ((rc_vh)_mm_maskload_ps((p), RC_HLANE_MASK(n)))
#define RC_STORE_HPART(p, v, n) _mm_maskstore_ps((p), RC_HLANE_MASK(n), (__m128)(v))
#include "kernels_template.h"
#endif
