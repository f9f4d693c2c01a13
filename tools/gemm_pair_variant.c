// One build of the fp32 GEMM drive (f32kernels.h) under the name VARIANT_NAME, for ISA_AVX512 or
// AVX2, with whatever -D overrides tools/gemm_pair.sh passes (NB, TILE_OUTER_BYTES, AHEAD_A, PD).
#ifdef ISA_AVX512
#include "isa_avx512.h"
#else
#include "isa_avx2.h"
#endif
#define F32_DRIVE VARIANT_NAME
#include "f32kernels.h"
