// What the bf16 and fp32 micro-kernels share: the MR×NR tile of 16-lane fp32 accumulators (MR
// broadcast A values times NV B vectors, 24 zmm registers), lane masks, and the tile's store.
#ifndef CKERNELS_TILE_H
#define CKERNELS_TILE_H

#include <immintrin.h>

#define MR 8
#define NV 3
#define NR (16 * NV)

/// Mask of the first `count` lanes (0...16) of a 16-lane vector.
static inline __mmask16 lanes(long count) {
  return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = acc + beta · C; beta 0 never reads C.
__attribute__((target("avx512f"), always_inline)) static inline void storeTile(
    __m512 acc[MR][NV], float *c, long ldc, long rows, long cols, float beta) {
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
      _mm512_mask_storeu_ps(row + 16 * v, mask, r);
    }
  }
}

#endif
