// The baseline variant: x86-64's SSE2 (4-lane vectors, separate multiply and add), or the portable build.
#include "kernels_internal.h"

#define RC_SFX baseline
#define RC_TARGET
#define RC_LANES 4
#define RC_MR 4
#define RC_NV 2
#define RC_HAS_FMA 0
#include "kernels_template.h"
