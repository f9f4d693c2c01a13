// The fp32 GEMM of f32kernels.h built for AVX2 with FMA (4 × 24 tiles on half panels).
#include "isa_avx2.h"
#define F32_DRIVE ckf32_drive_avx2
#include "f32kernels.h"
