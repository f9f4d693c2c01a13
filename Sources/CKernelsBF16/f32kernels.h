// The fp32 GEMM with A pre-packed and B read where it lies (see f32gemm.c), written once over the
// vector operations of the ISA header included before this one; f32gemm_avx512.c and
// f32gemm_avx2.c each compile it once, defining F32_DRIVE as the name of their entry point.
//
// Blocking: columns in blocks of NB, k in blocks of KC; within a block, either every row tile of A
// passes over the KC×NB block of B held in L2 (many rows), or every KC×NR tile of B meets all the
// row tiles while it is in L1 (few rows, and without PACK_B no residual to add: the A block stays
// in L2). With PACK_B (AVX2) each KC×NB block of B is first copied into a per-thread buffer, tile
// by tile; otherwise the first pass over a B tile prefetches its rows a few ahead: they sit a whole
// image row or plane apart. The micro-kernel computes an MR×NR tile of C (tile.h); each C element
// sums its products in k order within a KC block, then adds the blocks in order, whatever the split
// of rows or columns between callers, the order of the tiles and the ISA: AVX-512 and AVX2 give
// the same bits.
#ifndef F32_DRIVE
#error "define F32_DRIVE (the entry point's name) and include an ISA header before f32kernels.h"
#endif

#include "f32drive.h"
#include "threadbuffer.h"
#include "tile.h"

#include <stdint.h>

/// Rows of B ahead of the one in use that the first row tile's pass prefetches (the later tiles
/// find the block in L2).
#ifndef PD  // tools/gemm_pair.sh may set it
#define PD 8
#endif

/// Floats of packed A ahead of the one in use that the tile loop prefetches (64 values of k, into
/// the next panel near a panel's end). Weights that come from memory (a layer's Winograd matrices
/// are used once per pass, on few columns) otherwise stall every panel: 19.3 → 12.8 µs per
/// 128 × 35 × 256 GEMM with A cold (AVX-512), the same with A in cache.
#ifndef AHEAD_A  // tools/gemm_pair.sh may set it
#define AHEAD_A 512
#endif

/// Whether a block that adds a residual always runs its row tiles outer (see `F32_DRIVE`): without
/// PACK_B.
#ifndef RESIDUAL_ROWS_OUTER  // tools/gemm_pair.sh may set it
#define RESIDUAL_ROWS_OUTER (!PACK_B)
#endif

/// The tile of C a kernel call computes after this one (its residual only when that call applies
/// the epilogue): the call asks for its lines while it computes, so the next call finds the C
/// lines it writes and the residual it adds in cache (with the residual, 189 → 208 GFLOP/s on a
/// 256 × 4000 × 64 GEMM with C cold; 1×1 convolutions' outputs rarely fit the caches).
typedef struct {
  float *c;
  const float *residual;
  long ldc, ldr;
} nextTile;

/// Asks for line `line` (< MR · ROW_LINES) of the next tile's C and residual, when there is one.
static inline void prefetchNext(const nextTile *next, long line) {
  if (!next) return;
  const long row = line / ROW_LINES, column = lineOffset(line % ROW_LINES);
  _mm_prefetch((const char *)(next->c + row * next->ldc + column), _MM_HINT_T0);
  if (next->residual) _mm_prefetch((const char *)(next->residual + row * next->ldr + column), _MM_HINT_T0);
}

/// Asks for the NR floats of a B row ahead of their use.
static inline void prefetchRow(const float *row) {
#pragma clang loop unroll(full)
  for (int v = 0; v < ROW_LINES; v++) _mm_prefetch((const char *)(row + lineOffset(v)), _MM_HINT_T0);
}

/// One value of k of a tile: `acc[i][v] += a[i] · (B vector v)` for the first `VECTORS` vectors
/// (a constant expression), vector v loaded by `LOAD` (an expression in v).
#define PRODUCT_STEP(acc, a, LOAD, VECTORS)                                                       \
  {                                                                                               \
    vec bv[NV];                                                                                   \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < (VECTORS); v++) bv[v] = LOAD;          \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                             \
      const vec av = vset1((a)[i]);                                                               \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < (VECTORS); v++) acc[i][v] =          \
          vfma(av, bv[v], acc[i][v]);                                                             \
    }                                                                                             \
  }

/// One value of k of a full tile, B row `b` (unmasked loads). The ISA header may define it (in
/// assembly, where the compiler spills the intrinsics' accumulators).
#ifndef FULL_STEP
#define FULL_STEP(acc, a, b) PRODUCT_STEP(acc, a, vload((b) + VL * v), NV)
#endif

/// `FULL_STEP` for a tile with `cols` < NR columns, over the `activeVectors` vectors that hold
/// them (a constant of the enclosing function): B's lanes past them (off `mask`) are not read,
/// and the vectors past them are neither loaded nor multiplied.
#define MASKED_STEP(acc, a, b) PRODUCT_STEP(acc, a, vloadMasked(mask[v], (b) + VL * v), activeVectors)

/// `MASKED_STEP` whose last vector (`activeVectors` − 1, at most VL / 2 columns) is computed on
/// half vectors, into `low[i]`.
#define HALF_STEP(acc, a, b)                                                                      \
  {                                                                                               \
    vec bv[NV];                                                                                   \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < activeVectors - 1; v++) bv[v] =        \
        vloadMasked(mask[v], (b) + VL * v);                                                       \
    const half bl = lowHalf(vloadMasked(mask[activeVectors - 1], (b) + VL * (activeVectors - 1))); \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                             \
      const vec av = vset1((a)[i]);                                                               \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < activeVectors - 1; v++) acc[i][v] =  \
          vfma(av, bv[v], acc[i][v]);                                                             \
      low[i] = hfma(lowHalf(av), bl, low[i]);                                                     \
    }                                                                                             \
  }

/// The products of one MR×NR tile over kc values of k into `acc`, two at a time: A from a packed
/// panel (row i of value p at `ap[p · F32_PANEL + i]`), B row p at `ROW(p)`, each value's `STEP`
/// after `PREFETCH(p)` when `prefetch` (the first pass over a B tile). Per pair, packed A is asked
/// for AHEAD_A floats ahead and one line of the next tile's C (and residual); with `nextB`, L2 is
/// asked for the line at `nextB + p · nextLdb` of every value p (see `laterTileLine`).
#define TILE_LOOP(STEP, ROW, PREFETCH)                                                            \
  long pk = 0;                                                                                    \
  for (; pk + 2 <= kc; pk += 2) {                                                                 \
    _mm_prefetch((const char *)(ap + pk * F32_PANEL + AHEAD_A), _MM_HINT_T0);                     \
    if ((pk >> 1) < MR * ROW_LINES) prefetchNext(next, pk >> 1);                                  \
    if (prefetch) PREFETCH(pk);                                                                   \
    if (nextB) _mm_prefetch((const char *)(nextB + pk * nextLdb), _MM_HINT_T1);                   \
    STEP(acc, ap + pk * F32_PANEL, ROW(pk));                                                      \
    if (nextB) _mm_prefetch((const char *)(nextB + (pk + 1) * nextLdb), _MM_HINT_T1);             \
    if (prefetch) PREFETCH(pk + 1);                                                               \
    STEP(acc, ap + (pk + 1) * F32_PANEL, ROW(pk + 1));                                            \
  }                                                                                               \
  if (pk < kc) {                                                                                  \
    if (prefetch) PREFETCH(pk);                                                                   \
    STEP(acc, ap + pk * F32_PANEL, ROW(pk));                                                      \
  }

/// Where the columns of C go when they are grid columns (the implicit GEMM of a strided
/// convolution whose phase planes are wider than its output): column j is element
/// (j / width) · wo + j mod width of each row of C, and dropped when j mod width ≥ wo.
typedef struct {
  long width, wo;
} gridMap;

/// `storeTile` for a tile whose first column is grid column `j0` (see `gridMap`): the tile's lanes
/// fall into runs of one output row each, stored (and, with beta, read) under masks; the
/// epilogue's residual (`ep`, shifted to the tile's first row only) is addressed like C. Inlined
/// into each kernel with PRODUCTS_INLINE: called, it takes the accumulators through memory (the
/// stem's tiles, k = 147, ran 3 % slower).
#if PRODUCTS_INLINE
__attribute__((always_inline))
#endif
ISA_TARGET static inline void storeTileGrid(
    vec acc[MR][NV], float *c, long ldc, long j0, const gridMap *grid, long rows, long cols, float beta,
    const ck_epilogue *ep) {
  const long row0 = j0 / grid->width, offset = j0 % grid->width;
  for (long s = 0; s * grid->width - offset < cols; s++) {
    // Lanes first ..< end of the tile are columns of output row row0 + s (those past wo dropped);
    // lane t is element shift + t of a row of C.
    const long lo = s * grid->width - offset;
    const long first = lo > 0 ? lo : 0, end = lo + grid->wo < cols ? lo + grid->wo : cols;
    if (end <= first) continue;
    const long shift = (row0 + s) * grid->wo - lo;
    vmask mask[NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) mask[v] = lanesBetween(first - VL * v, end - VL * v);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      if (i >= rows) break;
      float *row = c + i * ldc + shift;
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; v++) {
        if (!anyLane(mask[v])) continue;
        const int whole = first <= VL * v && end >= VL * (v + 1);
        vec r = acc[i][v];
        if (beta == 1) r = vadd(r, loadLanes(mask[v], whole, row + VL * v));
        if (ep) {
          r = vadd(r, vset1(ep->bias ? ep->bias[i] : 0.0f));
          if (ep->residual) r = vadd(r, loadLanes(mask[v], whole, ep->residual + i * ep->ldr + shift + VL * v));
          if (ep->relu) r = vrelu(r);
        }
        storeLanes(row + VL * v, mask[v], whole, r);
      }
    }
  }
}

/// Defines the products of one MR×NR tile over kc values of k into `out`, B row p at `ROW(p)`
/// given the parameters after AHEAD_ROW: NAME##Full for full tiles (unmasked loads; on the first
/// pass over a B tile, `prefetch`, it asks for the rows at `AHEAD_ROW(p)` too, and with `nextB`
/// for one line of each row of a later tile, `nextLdb` apart) and, for tiles of `cols` < NR
/// columns, the six variants NAME##Masked1 … NAME##MaskedHalfAll (see `variantFor`). Without PRODUCTS_INLINE (AVX2: 16 ymm registers for 12
/// accumulators) a function each: with all the loops in one, clang split the accumulators' live
/// ranges and stored them to the stack at every step. With it (AVX-512), inlined, with the tile's
/// store: passing the accumulators through memory once per tile cost ResNet's layers with short k
/// (the stem, 64-channel 1×1s and Winograd GEMMs) 3–9 %.
#if PRODUCTS_INLINE
#define PRODUCTS_FUNCTION ISA_TARGET static inline __attribute__((always_inline))
#else
#define PRODUCTS_FUNCTION ISA_TARGET __attribute__((noinline)) static
#endif
#define DEFINE_PRODUCTS(NAME, ROW, AHEAD_ROW, ...)                                                \
  PRODUCTS_FUNCTION void NAME##Full(                                                              \
      vec out[MR][NV], long kc, const float *restrict ap, __VA_ARGS__, int prefetchFirst,         \
      const nextTile *next, const float *nextB, long nextLdb) {                                   \
    vec acc[MR][NV];                                                                              \
    ZERO_TILE(acc);                                                                               \
    if (prefetchFirst) {                                                                          \
      const int prefetch = 1;                                                                     \
      TILE_LOOP(FULL_STEP, ROW, AHEAD_ROW)                                                        \
    } else {                                                                                      \
      const int prefetch = 0;                                                                     \
      TILE_LOOP(FULL_STEP, ROW, AHEAD_ROW)                                                        \
    }                                                                                             \
    COPY_TILE(out, acc);                                                                          \
  }                                                                                               \
  DEFINE_MASKED_PRODUCTS(NAME##Masked1, 1, 0, ROW, AHEAD_ROW, __VA_ARGS__)                       \
  DEFINE_MASKED_PRODUCTS(NAME##Masked2, 2, 0, ROW, AHEAD_ROW, __VA_ARGS__)                       \
  DEFINE_MASKED_PRODUCTS(NAME##MaskedAll, NV, 0, ROW, AHEAD_ROW, __VA_ARGS__)                    \
  DEFINE_MASKED_PRODUCTS(NAME##MaskedHalf1, 1, 1, ROW, AHEAD_ROW, __VA_ARGS__)                   \
  DEFINE_MASKED_PRODUCTS(NAME##MaskedHalf2, 2, 1, ROW, AHEAD_ROW, __VA_ARGS__)                   \
  DEFINE_MASKED_PRODUCTS(NAME##MaskedHalfAll, NV, 1, ROW, AHEAD_ROW, __VA_ARGS__)

/// Defines NAME: the products of one tile of `cols` < NR columns over kc values of k into `out`,
/// multiplying only its first VECTORS vectors of B (the others stay zero), the last of them on
/// half vectors when HALF (its high lanes then hold no columns and are never stored); B row p at
/// `ROW(p)`.
#define DEFINE_MASKED_PRODUCTS(NAME, VECTORS, HALF, ROW, AHEAD_ROW, ...)                          \
  PRODUCTS_FUNCTION void NAME(                                                                    \
      vec out[MR][NV], long kc, const float *restrict ap, __VA_ARGS__, long cols,                 \
      const nextTile *next) {                                                                     \
    enum { activeVectors = VECTORS };                                                             \
    const int prefetch = 0;                                                                       \
    const float *nextB = NULL;                                                                    \
    const long nextLdb = 0;                                                                       \
    vmask mask[NV];                                                                               \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) mask[v] = lanes(cols - VL * v); \
    vec acc[MR][NV];                                                                              \
    ZERO_TILE(acc);                                                                               \
    if (HALF) {                                                                                   \
      half low[MR];                                                                               \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) low[i] = hzero();           \
      TILE_LOOP(HALF_STEP, ROW, AHEAD_ROW)                                                        \
      _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) acc[i][VECTORS - 1] =       \
          widen(low[i]);                                                                          \
    } else {                                                                                      \
      TILE_LOOP(MASKED_STEP, ROW, AHEAD_ROW)                                                      \
    }                                                                                             \
    COPY_TILE(out, acc);                                                                          \
  }

/// Zeros every accumulator of tile `t`.
#define ZERO_TILE(t)                                                                              \
  _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                               \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) t[i][v] = vzero();            \
  }
/// Copies tile `from` into `to`, accumulator by accumulator.
#define COPY_TILE(to, from)                                                                       \
  _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                               \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) to[i][v] = from[i][v];        \
  }

/// B rows `ldb` apart from `b`.
#define STRIDED_ROW(q) (b + (q) * ldb)
#define STRIDED_AHEAD(q) prefetchRow(b + ((q) + PD) * ldb)
DEFINE_PRODUCTS(strided, STRIDED_ROW, STRIDED_AHEAD, const float *restrict b, long ldb)

#if !PACK_B
/// B row p at `bRows[p] + j` (rows anywhere in memory: the implicit GEMM of a strided convolution
/// reads them from phase planes).
#define POINTED_ROW(q) (bRows[q] + j)
#define POINTED_AHEAD(q) prefetchRow(bRows[(q) + PD < kc ? (q) + PD : kc - 1] + j)
DEFINE_PRODUCTS(pointed, POINTED_ROW, POINTED_AHEAD, const float *const *bRows, long j)
#endif

/// Stores a finished tile: into C (`storeTile`), or with `grid` into grid columns, the tile's first
/// column being grid column `j` (`storeTileGrid`).
#if PRODUCTS_INLINE
__attribute__((always_inline))
#endif
ISA_TARGET static inline void storeKernelTile(
    vec acc[MR][NV], float *c, long ldc, long rows, long cols, float beta, const ck_epilogue *ep,
    const gridMap *grid, long j) {
  if (grid) {
    storeTileGrid(acc, c, ldc, j, grid, rows, cols, beta, ep);
  } else {
    storeTile(acc, c, ldc, rows, cols, beta, ep);
  }
}

/// The variant of the masked products for a tile of `cols` < NR columns: the vectors that hold
/// its columns, the last on half vectors when it holds at most VL / 2 of them (HALF_VECTOR_FMA).
/// A 20-column tile, the last of a 500-column GEMM, then costs 1.5 vectors' products instead of 3;
/// a Winograd GEMM over 35 tiles, 2.5.
typedef enum { MASKED1, MASKED2, MASKED_ALL, MASKED_HALF1, MASKED_HALF2, MASKED_HALF_ALL } maskedVariant;

static inline maskedVariant variantFor(long cols) {
  const long vectors = (cols + VL - 1) / VL;
  const int half = HALF_VECTOR_FMA && cols - (vectors - 1) * VL <= VL / 2;
  if (vectors == 1 && NV > 1) return half ? MASKED_HALF1 : MASKED1;
  if (vectors == 2 && NV > 2) return half ? MASKED_HALF2 : MASKED2;
  return half ? MASKED_HALF_ALL : MASKED_ALL;
}

/// Defines NAME##VARIANT: `kernel` for a tile of `cols` < NR columns, with the products of
/// PRODUCTS##VARIANT, B's rows given by the parameters B_PARAMETERS() (passed on as B_ARGUMENTS()),
/// the tile's first grid column by `column`. Each variant is a function of its own: inlined
/// together (or into `kernel`), they made clang spill accumulators in every one, and cost full
/// tiles 3 % (114.5 → 111 GFLOP/s on 128 × 480 × 256).
#define DEFINE_MASKED_KERNEL(NAME, VARIANT, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                 \
  ISA_TARGET __attribute__((noinline)) static void NAME##VARIANT(                                 \
      long kc, const float *restrict ap, B_PARAMETERS(), float *c, long ldc, long rows, long cols, \
      float beta, const ck_epilogue *ep, const nextTile *next, const gridMap *grid, long column) { \
    vec acc[MR][NV];                                                                              \
    if (ep && ep->residual) prefetchTile(ep->residual, ep->ldr, rows);                            \
    PRODUCTS##VARIANT(acc, kc, ap, B_ARGUMENTS(), cols, next);                                    \
    storeKernelTile(acc, c, ldc, rows, cols, beta, ep, grid, column);                             \
  }

/// The six variants' kernels (`DEFINE_MASKED_KERNEL`), NAME##Masked1 … NAME##MaskedHalfAll.
#define DEFINE_MASKED_KERNELS(NAME, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                         \
  DEFINE_MASKED_KERNEL(NAME, Masked1, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                        \
  DEFINE_MASKED_KERNEL(NAME, Masked2, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                        \
  DEFINE_MASKED_KERNEL(NAME, MaskedAll, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                      \
  DEFINE_MASKED_KERNEL(NAME, MaskedHalf1, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                    \
  DEFINE_MASKED_KERNEL(NAME, MaskedHalf2, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)                    \
  DEFINE_MASKED_KERNEL(NAME, MaskedHalfAll, PRODUCTS, B_PARAMETERS, B_ARGUMENTS)

/// B's rows as `kernel` takes them (row p at `b + p · ldb`).
#define STRIDED_PARAMETERS() const float *restrict b, long ldb
#define STRIDED_ARGUMENTS() b, ldb
DEFINE_MASKED_KERNELS(maskedKernel, strided, STRIDED_PARAMETERS, STRIDED_ARGUMENTS)

/// Calls NAME##VARIANT(...) for the variant of a tile of `cols` columns (`variantFor`). A switch: a
/// table of the six functions instead let clang inline the dispatcher into `kernel`, and the full
/// tiles ran at 45–80 instead of 115 GFLOP/s (128 × 480 × 256).
#define CALL_MASKED_VARIANT(NAME, ...)                                                            \
  switch (variantFor(cols)) {                                                                     \
  case MASKED1: NAME##Masked1(__VA_ARGS__); break;                                                \
  case MASKED2: NAME##Masked2(__VA_ARGS__); break;                                                \
  case MASKED_ALL: NAME##MaskedAll(__VA_ARGS__); break;                                           \
  case MASKED_HALF1: NAME##MaskedHalf1(__VA_ARGS__); break;                                       \
  case MASKED_HALF2: NAME##MaskedHalf2(__VA_ARGS__); break;                                       \
  case MASKED_HALF_ALL: NAME##MaskedHalfAll(__VA_ARGS__); break;                                  \
  }

/// `kernel` for a tile of `cols` < NR columns whose B rows end with them (see `variantFor`).
ISA_TARGET static void maskedKernel(
    long kc, const float *restrict ap, const float *restrict b, long ldb, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, const nextTile *next, const gridMap *grid, long j) {
  CALL_MASKED_VARIANT(maskedKernel, kc, ap, b, ldb, c, ldc, rows, cols, beta, ep, next, grid, j)
}

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = Ap · B + beta · C over kc values of k,
/// B rows `ldb` apart (beta 0 never reads C); then the epilogue `ep` when not NULL; with `grid`, C's
/// columns are grid columns from `j` on. `wholeLoads`: B's rows hold NR readable floats even when
/// `cols` < NR (a packed tile), so only the stores are masked. With `nextB` (full tiles), L2 is
/// asked for the line at `nextB + p · ldb` of each of the kc rows.
ISA_TARGET __attribute__((noinline)) static void kernel(
    long kc, const float *restrict ap, const float *restrict b, long ldb, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, int prefetch, const nextTile *next, int wholeLoads,
    const gridMap *grid, long j, const float *nextB) {
  if (cols < NR && !wholeLoads) {
    maskedKernel(kc, ap, b, ldb, c, ldc, rows, cols, beta, ep, next, grid, j);
    return;
  }
  vec acc[MR][NV];
  if (ep && ep->residual) prefetchTile(ep->residual, ep->ldr, rows);
  stridedFull(acc, kc, ap, b, ldb, prefetch, next, nextB, ldb);
  storeKernelTile(acc, c, ldc, rows, cols, beta, ep, grid, j);
}

#if !PACK_B
/// B's rows as `kernelRows` takes them (row p at `bRows[p] + j`).
#define POINTED_PARAMETERS() const float *const *bRows, long j
#define POINTED_ARGUMENTS() bRows, j
DEFINE_MASKED_KERNELS(maskedKernelRows, pointed, POINTED_PARAMETERS, POINTED_ARGUMENTS)

/// `maskedKernel` with B row p at `bRows[p] + j`.
ISA_TARGET static void maskedKernelRows(
    long kc, const float *restrict ap, const float *const *bRows, long j, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, const nextTile *next, const gridMap *grid) {
  CALL_MASKED_VARIANT(maskedKernelRows, kc, ap, bRows, j, c, ldc, rows, cols, beta, ep, next, grid, j)
}

/// `kernel` with B row p at `bRows[p] + j` (rows anywhere in memory: the implicit GEMM of a
/// strided convolution reads them from phase planes).
ISA_TARGET __attribute__((noinline)) static void kernelRows(
    long kc, const float *restrict ap, const float *const *bRows, long j, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, int prefetch, const nextTile *next, const gridMap *grid) {
  if (cols < NR) {
    maskedKernelRows(kc, ap, bRows, j, c, ldc, rows, cols, beta, ep, next, grid);
    return;
  }
  vec acc[MR][NV];
  if (ep && ep->residual) prefetchTile(ep->residual, ep->ldr, rows);
  pointedFull(acc, kc, ap, bRows, j, prefetch, next, NULL, 0);
  storeKernelTile(acc, c, ldc, rows, cols, beta, ep, grid, j);
}
#endif

#if PACK_B
/// Copies the kc × nb block of B whose row p is at `b + p · ldb` (or, when `bRows` is not NULL, at
/// `bRows[p] + j`) into `to` tile by tile: tile t (columns t·NR…) at `to + t · kc · NR`, its row p
/// at `+ p · NR`, zeros past nb. Reads B a row at a time, asking for the row PD ahead.
ISA_TARGET static void packBlock(
    float *restrict to, long kc, long nb, const float *b, long ldb, const float *const *bRows, long j) {
  const long tiles = (nb + NR - 1) / NR;
  for (long p = 0; p < kc; p++) {
    const float *row = bRows ? bRows[p] + j : b + p * ldb;
    if (p + PD < kc) {
      const float *ahead = bRows ? bRows[p + PD] + j : b + (p + PD) * ldb;
      for (long e = 0; e < nb; e += 16) _mm_prefetch((const char *)(ahead + e), _MM_HINT_T0);
      _mm_prefetch((const char *)(ahead + nb - 1), _MM_HINT_T0);
    }
    for (long t = 0; t < tiles; t++) {
      const long cols = nb - t * NR < NR ? nb - t * NR : NR;
      float *out = to + (t * kc + p) * NR;
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; v++) {
        const float *in = row + t * NR + VL * v;
        vstore(out + VL * v, cols == NR ? vload(in) : vloadMasked(lanes(cols - VL * v), in));
      }
    }
  }
}
#endif

#if !PACK_B
/// With B tiles outer (`tileOuter`), the line of row 0 of the B tile after tile `jr` of block
/// (`jc`, `pc`) that row tile `pass` (counted from 0) asks L2 for, one line of every row, or NULL.
/// Pass 0 brings its own tile's rows from memory; passes 1 … ROW_LINES + 1 each ask for one of the
/// lines the next tile's rows span (NR floats at any alignment), so that tile's first pass finds
/// them in L2: single thread, B out of cache, 64×2000×512 ran at 110–112 against 94–101 GFLOP/s,
/// 128×500×1024 at 104–106 against 92 (B in cache: the same). The next tile is the block's next
/// one, else the first of the next block of k, else the first of the next block of columns.
static inline const float *laterTileLine(
    const float *b, long ldb, long n, long k, long jc, long nb, long pc, long jr, long pass) {
  if (pass < 1 || pass > ROW_LINES + 1) return NULL;
  const long line = (pass - 1) * 16;
  if (jr + NR < nb) return b + pc * ldb + jc + jr + NR + line;
  if (pc + KC < k) return b + (pc + KC) * ldb + jc + line;
  if (jc + nb < n) return b + jc + nb + line;
  return NULL;
}
#endif

ISA_TARGET void F32_DRIVE(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue, long gridWidth,
    long gridWo) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    emptyProduct(m, n, beta, c, ldc, epilogue);
    return;
  }
  const gridMap gridColumns = {.width = gridWidth, .wo = gridWo};
  const gridMap *grid = gridWidth > 0 ? &gridColumns : NULL;
  const long rowsPadded = f32PaddedRows(packed_rows);
#if PACK_B
  float *packedB = ck_thread_buffer(CK_BUFFER_F32_B, sizeof(float) * KC * ((NB + NR - 1) / NR * NR));
#endif
  for (long jc = 0; jc < n; jc += NB) {
    const long nb = n - jc < NB ? n - jc : NB;
    for (long pc = 0; pc < k; pc += KC) {
      const long kc = k - pc < KC ? k - pc : KC;
      // Earlier k blocks are all KC wide.
      const float *block = packed + (pc / KC) * rowsPadded * KC + row0 * kc;
      const float blockBeta = pc == 0 ? beta : 1;
      const int last = pc + kc >= k;
#if PACK_B
      packBlock(packedB, kc, nb, b ? b + pc * ldb + jc : NULL, ldb, bRows ? bRows + pc : NULL, jc);
#endif
      // Few rows (A's block up to TILE_OUTER_BYTES): each B tile (kc × NR) meets every row tile
      // while it is in L1. Many rows: each A tile meets every B tile of the block, which stays in
      // L2. Without PACK_B, the pass that brings a B tile from memory prefetches its rows ahead.
      // Without PACK_B, a block that adds a residual always takes the second order: its tiles
      // then walk along the rows of C and of the residual, streams the hardware prefetchers
      // follow, instead of down columns of 8-row steps (on an Emerald Rapids Xeon, ResNet's
      // residual 1×1s of layer 1 and 2 ran 8 % and 3 % faster in the trunk, 25 % with the
      // residual cold; the same bits). The AVX2 build (packed B tiles) ran them ~1 % slower so
      // on the same Xeon: it keeps the first order.
      const int addsResidual = RESIDUAL_ROWS_OUTER && last && epilogue && epilogue->residual;
      const int tileOuter = m * kc * (long)sizeof(float) <= TILE_OUTER_BYTES && !addsResidual;
      const long outer = tileOuter ? nb : m, outerStep = tileOuter ? NR : MR;
      const long inner = tileOuter ? m : nb, innerStep = tileOuter ? MR : NR;
      for (long o = 0; o < outer; o += outerStep) {
        for (long q = 0; q < inner; q += innerStep) {
          const long ir = tileOuter ? q : o, jr = tileOuter ? o : q;
          const long rows = m - ir < MR ? m - ir : MR;
          const long cols = nb - jr < NR ? nb - jr : NR;
          // Rows ir… of the block: their panel, at the tile's first row within it.
          const float *ap = block + ir / F32_PANEL * F32_PANEL * kc + ir % F32_PANEL;
          ck_epilogue tileEpilogue;
          if (last && epilogue) tileEpilogue = shiftedEpilogue(epilogue, ir, grid ? 0 : jc + jr);
          const ck_epilogue *ep = last && epilogue ? &tileEpilogue : NULL;
          // With a grid, the kernel finds the tile's place from its first grid column.
          float *tile = grid ? c + ir * ldc : c + ir * ldc + jc + jr;
          // The next tile of this block in the same order (none after the block's last; none
          // with a grid).
          long nir = tileOuter ? ir + MR : ir, njr = tileOuter ? jr : jr + NR;
          if (tileOuter && nir >= m) nir = 0, njr = jr + NR;
          if (!tileOuter && njr >= nb) njr = 0, nir = ir + MR;
          const nextTile ahead = {
              .c = c + nir * ldc + jc + njr,
              .residual = last && epilogue && epilogue->residual ? epilogue->residual + nir * epilogue->ldr + jc + njr : NULL,
              .ldc = ldc,
              .ldr = epilogue ? epilogue->ldr : 0};
          const nextTile *next = nir < m && njr < nb && !grid ? &ahead : NULL;
#if PACK_B
          kernel(kc, ap, packedB + jr / NR * kc * NR, NR, tile, ldc, rows, cols, blockBeta, ep, 0, next, 1, grid, jc + jr, NULL);
#else
          const int firstPass = ir == 0;
          if (bRows) {
            kernelRows(kc, ap, bRows + pc, jc + jr, tile, ldc, rows, cols, blockBeta, ep, firstPass, next, grid);
          } else {
            const float *later = tileOuter ? laterTileLine(b, ldb, n, k, jc, nb, pc, jr, ir / MR) : NULL;
            kernel(kc, ap, b + pc * ldb + jc + jr, ldb, tile, ldc, rows, cols, blockBeta, ep, firstPass, next, 0, NULL, 0, later);
          }
#endif
        }
      }
    }
  }
}
