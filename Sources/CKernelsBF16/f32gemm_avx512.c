// The fp32 GEMM of f32kernels.h (8 × 48 tiles) and the Winograd input and output rows of
// winograd_input.h and winograd_output.h, built for AVX-512F.
#include "isa_avx512.h"
#define F32_DRIVE ckf32_drive_avx512
#include "f32kernels.h"
#define WINOGRAD_INPUT_ROW ckf32_winograd_input_row_avx512
#include "winograd_input.h"
#define WINOGRAD_OUTPUT_ROW ckf32_winograd_output_row_avx512
#include "winograd_output.h"
