// What the bf16 and fp32 micro-kernels share: the MR×NR tile of 16-lane fp32 accumulators (MR
// broadcast A values times NV B vectors, 24 zmm registers), lane masks, and the tile's store.
#ifndef CKERNELS_TILE_H
#define CKERNELS_TILE_H

#include <immintrin.h>

#include "CKernelsBF16.h"

#define MR 8
#define NV 3
#define NR (16 * NV)

/// Mask of the first `count` lanes (0...16) of a 16-lane vector.
static inline __mmask16 lanes(long count) {
  return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// Asks for the cache lines of a tile (`rows` ≤ MR rows of NR floats, row stride `ld`) ahead of
/// its use: the epilogue's residual, read once per tile, would otherwise stall the tile's store.
static inline void prefetchTile(const float *tile, long ld, long rows) {
  for (long i = 0; i < rows; i++) {
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) _mm_prefetch((const char *)(tile + i * ld + 16 * v), _MM_HINT_T0);
  }
}

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = acc + beta · C, then the epilogue `ep`
/// (bias, residual, ReLU, in that order) when it is not NULL; beta 0 never reads C. `ep`'s bias and
/// residual point at the tile's first row and column.
__attribute__((target("avx512f"), always_inline)) static inline void storeTile(
    __m512 acc[MR][NV], float *c, long ldc, long rows, long cols, float beta, const ck_epilogue *ep) {
  const __m512 betaV = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) {
    if (i >= rows) break;
    float *row = c + i * ldc;
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) {
      const __mmask16 mask = lanes(cols - 16 * v);
      __m512 r = acc[i][v];
      if (beta == 1) {
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, row + 16 * v));
      } else if (beta != 0) {
        r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, row + 16 * v), betaV, r);
      }
      if (ep) {
        // + 0 without a bias, as the separate pass does (the same bits, signs of zero included).
        r = _mm512_add_ps(r, _mm512_set1_ps(ep->bias ? ep->bias[i] : 0.0f));
        if (ep->residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, ep->residual + i * ep->ldr + 16 * v));
        if (ep->relu) r = _mm512_max_ps(r, _mm512_setzero_ps());
      }
      _mm512_mask_storeu_ps(row + 16 * v, mask, r);
    }
  }
}

/// The epilogue `ep` (NULL: none) on C[rows × cols] in plain C (GEMMs with an empty k).
static inline void applyEpilogue(long rows, long cols, float *c, long ldc, const ck_epilogue *ep) {
  if (!ep) return;
  for (long i = 0; i < rows; i++) {
    for (long j = 0; j < cols; j++) {
      float r = c[i * ldc + j];
      r = r + (ep->bias ? ep->bias[i] : 0.0f);
      if (ep->residual) r = r + ep->residual[i * ep->ldr + j];
      if (ep->relu) r = r > 0 ? r : 0;
      c[i * ldc + j] = r;
    }
  }
}

/// The epilogue moved to rows `ir…` and columns `jc…` of C.
static inline ck_epilogue shiftedEpilogue(const ck_epilogue *ep, long ir, long jc) {
  return (ck_epilogue){
      .bias = ep->bias ? ep->bias + ir : NULL,
      .residual = ep->residual ? ep->residual + ir * ep->ldr + jc : NULL,
      .ldr = ep->ldr,
      .relu = ep->relu};
}

#endif
