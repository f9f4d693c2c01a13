// The fp32 GEMM of f32kernels.h (4 × 24 tiles on half panels) and the Winograd input and output
// rows of winograd_input.h and winograd_output.h, built for AVX2 with FMA.
#include "isa_avx2.h"
#define F32_DRIVE ckf32_drive_avx2
#include "f32kernels.h"
#define WINOGRAD_INPUT_ROW ckf32_winograd_input_row_avx2
#include "winograd_input.h"
#define WINOGRAD_OUTPUT_ROW ckf32_winograd_output_row_avx2
#include "winograd_output.h"
