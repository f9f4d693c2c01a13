// The fp32 GEMM of f32kernels.h built for AVX-512F (8 × 48 tiles).
#include "isa_avx512.h"
#define F32_DRIVE ckf32_drive_avx512
#include "f32kernels.h"
