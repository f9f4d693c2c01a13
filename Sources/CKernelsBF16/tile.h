// What the micro-kernels share, over the vector operations of the ISA header included before this
// one (isa_avx512.h or isa_avx2.h): the MR×NR tile of fp32 accumulators (MR broadcast A values
// times NV B vectors), the tile's store with beta and the epilogue, and prefetches of a tile's lines.
#ifndef CKERNELS_TILE_H
#define CKERNELS_TILE_H

#ifndef CKERNELS_ISA_H
#error "include isa_avx512.h or isa_avx2.h before tile.h"
#endif

#include "CKernelsBF16.h"

/// Columns of a tile.
#define NR (VL * NV)
/// Cache lines a tile's row may touch (NR floats, any alignment), and where `lineOffset` finds a
/// float in each: 16 floats apart, the last at the row's end (NR = 24 spans 3 lines when it starts
/// past a line's first 8 floats).
#define ROW_LINES ((NR + 15) / 16 + (NR % 16 != 0))
static inline long lineOffset(long line) { return 16 * line < NR ? 16 * line : NR - 1; }

/// Asks for the cache lines of a tile (`rows` ≤ MR rows of NR floats, row stride `ld`) ahead of
/// its use: the epilogue's residual, read once per tile, would otherwise stall the tile's store.
static inline void prefetchTile(const float *tile, long ld, long rows) {
  for (long i = 0; i < rows; i++) {
#pragma clang loop unroll(full)
    for (int v = 0; v < ROW_LINES; v++) _mm_prefetch((const char *)(tile + i * ld + lineOffset(v)), _MM_HINT_T0);
  }
}

/// The lanes of `mask` at `p`, zeros elsewhere; `whole` (every lane in the mask) loads the vector.
ISA_TARGET static inline vec loadLanes(vmask mask, int whole, const float *p) {
  return whole ? vload(p) : vloadMasked(mask, p);
}

/// Stores the lanes of `mask` at `p`; `whole` (every lane in the mask) stores the vector.
ISA_TARGET static inline void storeLanes(float *p, vmask mask, int whole, vec v) {
  if (whole) {
    vstore(p, v);
  } else {
    vstoreMasked(p, mask, v);
  }
}

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = acc + beta · C, then the epilogue `ep`
/// (bias, residual, ReLU, in that order) when it is not NULL; beta 0 never reads C. `ep`'s bias and
/// residual point at the tile's first row and column.
ISA_TARGET __attribute__((always_inline)) static inline void storeTile(
    vec acc[MR][NV], float *c, long ldc, long rows, long cols, float beta, const ck_epilogue *ep) {
  const vec betaV = vset1(beta);
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) {
    if (i >= rows) break;
    float *row = c + i * ldc;
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) {
      const vmask mask = lanes(cols - VL * v);
      const int whole = cols >= VL * (v + 1);
      vec r = acc[i][v];
      if (beta == 1) {
        r = vadd(r, loadLanes(mask, whole, row + VL * v));
      } else if (beta != 0) {
        r = vfma(loadLanes(mask, whole, row + VL * v), betaV, r);
      }
      if (ep) {
        // + 0 without a bias, as the separate pass does (the same bits, signs of zero included).
        r = vadd(r, vset1(ep->bias ? ep->bias[i] : 0.0f));
        if (ep->residual) r = vadd(r, loadLanes(mask, whole, ep->residual + i * ep->ldr + VL * v));
        if (ep->relu) r = vrelu(r);
      }
      storeLanes(row + VL * v, mask, whole, r);
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

/// A GEMM with an empty k: C[rows × cols] = beta · C (beta 0 writes zeros, never reading C), then
/// the epilogue `ep` (NULL: none).
static inline void emptyProduct(long rows, long cols, float beta, float *c, long ldc, const ck_epilogue *ep) {
  for (long i = 0; i < rows; i++) {
    for (long j = 0; j < cols; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
  }
  applyEpilogue(rows, cols, c, ldc, ep);
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
