// What f32gemm.c (packing, dispatch) shares with the per-ISA builds of f32kernels.h: the packed A
// layout's sizes and the two entry points.
#ifndef CKERNELS_F32DRIVE_H
#define CKERNELS_F32DRIVE_H

#include "CKernelsBF16.h"

/// Rows of a packed A panel (a multiple of every ISA's tile rows).
#define F32_PANEL 8
/// Depth of a block of k: every block of a packed A but the last is KC wide. The same on every
/// ISA, so the sums (and their bits) are too.
#define KC 256

/// Rows padded to whole panels.
static inline long f32PaddedRows(long rows) { return (rows + F32_PANEL - 1) / F32_PANEL * F32_PANEL; }

/// The blocked GEMM (`ckf32_gemm_packed_a_*` in CKernelsBF16.h) over either kind of B: rows `ldb`
/// apart from `b`, or (when `bRows` is not NULL) row p at `bRows[p]`; with `gridWidth` > 0 (row
/// pointers and beta 0 only), C's columns are grid columns of that width, `gridWo` of each stored.
/// One build per ISA; callers check the CPU first (`ckf32_cpu_level`).
void ckf32_drive_avx512(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue, long gridWidth,
    long gridWo);
void ckf32_drive_avx2(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue, long gridWidth,
    long gridWo);

/// `ckf32_winograd_input_row` (CKernelsBF16.h), one build per ISA.
void ckf32_winograd_input_row_avx512(
    const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv);
void ckf32_winograd_input_row_avx2(
    const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv);

/// `ckf32_winograd_output_row` (CKernelsBF16.h), one build per ISA.
void ckf32_winograd_output_row_avx512(
    const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out);
void ckf32_winograd_output_row_avx2(
    const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out);

#endif
