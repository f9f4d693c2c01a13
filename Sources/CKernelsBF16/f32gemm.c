// fp32 GEMM for AVX-512 and AVX2 CPUs with A pre-packed once and B read where it lies: the forward
// convolutions' weights are constant, so packing them per call (and packing the activations at
// all) is work the kernel can skip; OpenBLAS spends 15–20 % of a ResNet-50 pass on those copies.
//
// This file packs A (plain C) and sends each call to the build of f32kernels.h the process uses
// (`ckf32_cpu_level`: f32gemm_avx512.c, or f32gemm_avx2.c on request). Both sum in the same order,
// so the results are the same bits on either.
//
// Packed A layout, per KC-wide block of k (every block KC wide but the last): F32_PANEL-row panels
// over the rows padded to a multiple of F32_PANEL, float [panel][p][i] =
// A[panel·F32_PANEL + i][block start + p]; the padding rows are zeros.
#include "CKernelsBF16.h"
#include "f32drive.h"

size_t ckf32_packed_a_floats(long m, long k) { return (size_t)f32PaddedRows(m) * (size_t)k; }

void ckf32_pack_a(long m, long k, const float *a, long lda, float *out) {
  const long panels = f32PaddedRows(m) / F32_PANEL;
  for (long pc = 0; pc < k; pc += KC) {
    const long kc = k - pc < KC ? k - pc : KC;
    for (long q = 0; q < panels; q++) {
      for (long i = 0; i < F32_PANEL; i++) {
        const long row = q * F32_PANEL + i;
        float *dst = out + q * F32_PANEL * kc + i;
        if (row >= m) {
          for (long p = 0; p < kc; p++) dst[p * F32_PANEL] = 0;
          continue;
        }
        const float *src = a + row * lda + pc;
        for (long p = 0; p < kc; p++) dst[p * F32_PANEL] = src[p];
      }
    }
    out += panels * F32_PANEL * kc;
  }
}

/// The build for `level` (2 AVX-512, else AVX2).
static void driveOn(
    int level, long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b,
    long ldb, const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue,
    long gridWidth, long gridWo) {
  if (level >= 2) {
    ckf32_drive_avx512(m, n, k, packed, packed_rows, row0, b, ldb, bRows, beta, c, ldc, epilogue, gridWidth, gridWo);
  } else {
    ckf32_drive_avx2(m, n, k, packed, packed_rows, row0, b, ldb, bRows, beta, c, ldc, epilogue, gridWidth, gridWo);
  }
}

/// The process's build (`ckf32_cpu_level`; level 0 never gets here: callers check first).
static void drive(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue, long gridWidth,
    long gridWo) {
  driveOn(ckf32_cpu_level(), m, n, k, packed, packed_rows, row0, b, ldb, bRows, beta, c, ldc, epilogue, gridWidth, gridWo);
}

void ckf32_gemm_packed_a(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc) {
  drive(m, n, k, packed, packed_rows, row0, b, ldb, NULL, beta, c, ldc, NULL, 0, 0);
}

void ckf32_gemm_packed_a_epilogue(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  drive(m, n, k, packed, packed_rows, row0, b, ldb, NULL, beta, c, ldc, epilogue, 0, 0);
}

void ckf32_gemm_packed_a_epilogue_on(
    int level, long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b,
    long ldb, float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  driveOn(level, m, n, k, packed, packed_rows, row0, b, ldb, NULL, beta, c, ldc, epilogue, 0, 0);
}

void ckf32_gemm_packed_a_rows(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  drive(m, n, k, packed, packed_rows, row0, NULL, 0, b_rows, beta, c, ldc, epilogue, 0, 0);
}

void ckf32_gemm_packed_a_rows_grid(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float *out, long ldo, long width, long wo, const ck_epilogue *epilogue) {
  drive(m, n, k, packed, packed_rows, row0, NULL, 0, b_rows, 0, out, ldo, epilogue, width, wo);
}

void ckf32_winograd_input_row_on(
    int level, const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv) {
  if (level >= 2) {
    ckf32_winograd_input_row_avx512(plane, hi, wi, y0, x0, tw, v, ldv);
  } else {
    ckf32_winograd_input_row_avx2(plane, hi, wi, y0, x0, tw, v, ldv);
  }
}

void ckf32_winograd_input_row(
    const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv) {
  ckf32_winograd_input_row_on(ckf32_cpu_level(), plane, hi, wi, y0, x0, tw, v, ldv);
}

void ckf32_winograd_output_row_on(
    int level, const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out) {
  if (level >= 2) {
    ckf32_winograd_output_row_avx512(y, ldy, wo, bias, residual, relu, out);
  } else {
    ckf32_winograd_output_row_avx2(y, ldy, wo, bias, residual, relu, out);
  }
}

void ckf32_winograd_output_row(
    const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out) {
  ckf32_winograd_output_row_on(ckf32_cpu_level(), y, ldy, wo, bias, residual, relu, out);
}
