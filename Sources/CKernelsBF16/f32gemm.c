// fp32 GEMM for AVX-512 CPUs with A pre-packed once and B read where it lies: the forward
// convolutions' weights are constant, so packing them per call (and packing the activations at
// all) is work the kernel can skip; OpenBLAS spends 15–20 % of a ResNet-50 pass on those copies.
//
// Blocking: columns in blocks of NB, k in blocks of KC; within a block, either every row panel of
// A passes over the KC×NB block of B held in L2 (many rows), or every KC×NR tile of B meets all the
// row panels while it is in L1 (few rows: the A block stays in L2). The first pass over a B tile
// prefetches its rows a few ahead: they sit a whole image row or plane apart. The micro-kernel computes an MR×NR tile of C: MR broadcast A
// values times NV 16-lane B vectors, MR·NV = 24 accumulators in registers; each C element sums its
// products in k order within a KC block, then adds the blocks in order, whatever the split of rows
// or columns between callers.
//
// Packed A layout, per KC-wide block of k (every block KC wide but the last): MR-row panels over
// the rows padded to a multiple of MR, float [panel][p][i] = A[panel·MR + i][block start + p]; the
// padding rows are zeros.
//
// Every function that uses AVX-512 carries the target attribute itself: the file is compiled for
// the package's baseline CPU, and the caller checks `ckf32_cpu_supported()` before calling in.
#include "CKernelsBF16.h"
#include "tile.h"

#include <immintrin.h>
#include <stdint.h>

#define KC 256
#define NB 480

#define F32_TARGET __attribute__((target("avx512f")))

/// Rows of B ahead of the one in use that the first row panel's tiles prefetch (the later panels
/// find the block in L2).
#define PD 8

/// Floats of packed A ahead of the one in use that the tile loop prefetches (64 values of k, into
/// the next panel near a panel's end). Weights that come from memory (a layer's Winograd matrices
/// are used once per pass, on few columns) otherwise stall every panel: 19.3 → 12.8 µs per
/// 128 × 35 × 256 GEMM with A cold, the same with A in cache.
#define AHEAD_A 512

/// The tile of C a kernel call computes after this one (its residual only when that call applies
/// the epilogue): the call asks for its lines while it computes, so the next call finds the C
/// lines it writes and the residual it adds in cache (with the residual, 189 → 208 GFLOP/s on a
/// 256 × 4000 × 64 GEMM with C cold; 1×1 convolutions' outputs rarely fit the caches).
typedef struct {
  float *c;
  const float *residual;
  long ldc, ldr;
} nextTile;

/// Asks for line `line` (< MR · NV) of the next tile's C and residual, when there is a next tile.
static inline void prefetchNext(const nextTile *next, long line) {
  if (!next) return;
  const long row = line / NV, offset = row * next->ldc + 16 * (line % NV);
  _mm_prefetch((const char *)(next->c + offset), _MM_HINT_T0);
  if (next->residual) _mm_prefetch((const char *)(next->residual + row * next->ldr + 16 * (line % NV)), _MM_HINT_T0);
}

/// Asks for the NR floats of a B row ahead of their use.
static inline void prefetchRow(const float *row) {
#pragma clang loop unroll(full)
  for (int v = 0; v < NV; v++) _mm_prefetch((const char *)(row + 16 * v), _MM_HINT_T0);
}

/// Rows padded to whole panels.
static long paddedRows(long rows) { return (rows + MR - 1) / MR * MR; }

size_t ckf32_packed_a_floats(long m, long k) { return (size_t)paddedRows(m) * (size_t)k; }

void ckf32_pack_a(long m, long k, const float *a, long lda, float *out) {
  const long panels = paddedRows(m) / MR;
  for (long pc = 0; pc < k; pc += KC) {
    const long kc = k - pc < KC ? k - pc : KC;
    for (long q = 0; q < panels; q++) {
      for (long i = 0; i < MR; i++) {
        const long row = q * MR + i;
        float *dst = out + q * MR * kc + i;
        if (row >= m) {
          for (long p = 0; p < kc; p++) dst[p * MR] = 0;
          continue;
        }
        const float *src = a + row * lda + pc;
        for (long p = 0; p < kc; p++) dst[p * MR] = src[p];
      }
    }
    out += panels * MR * kc;
  }
}

/// The products of one MR×NR tile over kc values of k: A from a packed panel, B rows `ldb` apart;
/// `cols` ≤ NR columns are read (the others masked off). Loads of full tiles are unmasked.
#define TILE_LOOP(LOAD, PREFETCH)                                                                 \
  for (long p = 0; p < kc; p++) {                                                                 \
    PREFETCH;                                                                                     \
    if ((p & 1) == 0) {                                                                           \
      _mm_prefetch((const char *)(ap + p * MR + AHEAD_A), _MM_HINT_T0);                           \
      const long line = p >> 1;                                                                   \
      if (line < MR * NV) prefetchNext(next, line);                                               \
    }                                                                                             \
    __m512 bv[NV];                                                                                \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) bv[v] = LOAD;                 \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                             \
      const __m512 av = _mm512_set1_ps(ap[p * MR + i]);                                           \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] =                 \
          _mm512_fmadd_ps(av, bv[v], acc[i][v]);                                                  \
    }                                                                                             \
  }

/// Where the columns of C go when they are grid columns (the implicit GEMM of a strided
/// convolution whose phase planes are wider than its output): column j is element
/// (j / width) · wo + j mod width of each row of C, and dropped when j mod width ≥ wo.
typedef struct {
  long width, wo;
} gridMap;

/// `storeTile` for a tile whose first column is grid column `j0` (see `gridMap`): the tile's lanes
/// fall into runs of one output row each, stored (and, with beta, read) under masks; the
/// epilogue's residual (`ep`, shifted to the tile's first row only) is addressed like C.
F32_TARGET static inline void storeTileGrid(
    __m512 acc[MR][NV], float *c, long ldc, long j0, const gridMap *grid, long rows, long cols, float beta,
    const ck_epilogue *ep) {
  const long row0 = j0 / grid->width, offset = j0 % grid->width;
  for (long s = 0; s * grid->width - offset < cols; s++) {
    // Lanes first ..< end of the tile are columns of output row row0 + s (those past wo dropped);
    // lane t is element shift + t of a row of C.
    const long lo = s * grid->width - offset;
    const long first = lo > 0 ? lo : 0, end = lo + grid->wo < cols ? lo + grid->wo : cols;
    if (end <= first) continue;
    const long shift = (row0 + s) * grid->wo - lo;
    __mmask16 mask[NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) mask[v] = lanes(end - 16 * v) & (__mmask16)~lanes(first - 16 * v);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      if (i >= rows) break;
      float *row = c + i * ldc + shift;
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; v++) {
        if (!mask[v]) continue;
        __m512 r = acc[i][v];
        if (beta == 1) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], row + 16 * v));
        if (ep) {
          r = _mm512_add_ps(r, _mm512_set1_ps(ep->bias ? ep->bias[i] : 0.0f));
          if (ep->residual) {
            r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], ep->residual + i * ep->ldr + shift + 16 * v));
          }
          if (ep->relu) r = _mm512_max_ps(r, _mm512_setzero_ps());
        }
        _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
      }
    }
  }
}

/// A kernel's body: zeroed accumulators, the epilogue's residual prefetched, the tile loop over
/// kc values of k with B row p at `ROW(p)` (unmasked loads for full tiles; the first pass over a
/// tile, `prefetch`, asks for row `AHEAD(p)` too), then `STORE` (with beta and the epilogue).
#define KERNEL_BODY(ROW, AHEAD, STORE)                                                            \
  __m512 acc[MR][NV];                                                                             \
  __mmask16 mask[NV];                                                                             \
  _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) mask[v] = lanes(cols - 16 * v); \
  _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                               \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps(); \
  }                                                                                               \
  if (ep && ep->residual) prefetchTile(ep->residual, ep->ldr, rows);                              \
  if (cols == NR && prefetch) {                                                                   \
    TILE_LOOP(_mm512_loadu_ps(ROW(p) + 16 * v), prefetchRow(AHEAD(p)))                            \
  } else if (cols == NR) {                                                                        \
    TILE_LOOP(_mm512_loadu_ps(ROW(p) + 16 * v), (void)0)                                          \
  } else {                                                                                        \
    TILE_LOOP(_mm512_maskz_loadu_ps(mask[v], ROW(p) + 16 * v), (void)0)                           \
  }                                                                                               \
  STORE;

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = Ap · B + beta · C over kc values of k,
/// B rows `ldb` apart (beta 0 never reads C); then the epilogue `ep` when not NULL.
F32_TARGET __attribute__((noinline)) static void kernel(
    long kc, const float *restrict ap, const float *restrict b, long ldb, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, int prefetch, const nextTile *next) {
#define STRIDED_ROW(q) (b + (q) * ldb)
#define STRIDED_AHEAD(q) (b + ((q) + PD) * ldb)
  KERNEL_BODY(STRIDED_ROW, STRIDED_AHEAD, storeTile(acc, c, ldc, rows, cols, beta, ep))
#undef STRIDED_ROW
#undef STRIDED_AHEAD
}

/// `kernel` with B row p at `bRows[p] + j` (rows anywhere in memory: the implicit GEMM of a
/// strided convolution reads them from phase planes).
F32_TARGET __attribute__((noinline)) static void kernelRows(
    long kc, const float *restrict ap, const float *const *bRows, long j, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, int prefetch, const nextTile *next) {
#define POINTED_ROW(q) (bRows[q] + j)
#define POINTED_AHEAD(q) (bRows[(q) + PD < kc ? (q) + PD : kc - 1] + j)
  KERNEL_BODY(POINTED_ROW, POINTED_AHEAD, storeTile(acc, c, ldc, rows, cols, beta, ep))
}

/// `kernelRows` storing into grid columns: the tile's first column is grid column `j` (`grid`).
F32_TARGET __attribute__((noinline)) static void kernelRowsGrid(
    long kc, const float *restrict ap, const float *const *bRows, long j, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep, int prefetch, const gridMap *grid) {
  const nextTile *next = NULL;
  KERNEL_BODY(POINTED_ROW, POINTED_AHEAD, storeTileGrid(acc, c, ldc, j, grid, rows, cols, beta, ep))
}
#undef POINTED_ROW
#undef POINTED_AHEAD

/// The blocked GEMM over either kind of B: rows `ldb` apart from `b`, or (when `bRows` is not
/// NULL) row p at `bRows[p]`; with `grid` (row pointers only), C's columns are grid columns.
F32_TARGET static void drive(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    const float *const *bRows, float beta, float *c, long ldc, const ck_epilogue *epilogue,
    const gridMap *grid) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (long i = 0; i < m; i++) {
      for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
    }
    applyEpilogue(m, n, c, ldc, epilogue);
    return;
  }
  const long rowsPadded = paddedRows(packed_rows);
  for (long jc = 0; jc < n; jc += NB) {
    const long nb = n - jc < NB ? n - jc : NB;
    for (long pc = 0; pc < k; pc += KC) {
      const long kc = k - pc < KC ? k - pc : KC;
      // Earlier k blocks are all KC wide.
      const float *block = packed + (pc / KC) * rowsPadded * KC + row0 * kc;
      const float blockBeta = pc == 0 ? beta : 1;
      const int last = pc + kc >= k;
      // Few rows (A's block fits a quarter of L2): each B tile (kc × NR) meets every row panel
      // while it is in L1. Many rows: each A panel meets every B tile of the block, which stays in
      // L2. Either way the pass that brings a B tile from memory prefetches its rows ahead.
      const int tileOuter = m * kc * (long)sizeof(float) <= (256 << 10);
      const long outer = tileOuter ? nb : m, outerStep = tileOuter ? NR : MR;
      const long inner = tileOuter ? m : nb, innerStep = tileOuter ? MR : NR;
      for (long o = 0; o < outer; o += outerStep) {
        for (long q = 0; q < inner; q += innerStep) {
          const long ir = tileOuter ? q : o, jr = tileOuter ? o : q;
          const long rows = m - ir < MR ? m - ir : MR;
          const long cols = nb - jr < NR ? nb - jr : NR;
          const int firstPass = ir == 0;
          ck_epilogue tileEpilogue;
          if (last && epilogue) tileEpilogue = shiftedEpilogue(epilogue, ir, grid ? 0 : jc + jr);
          const ck_epilogue *ep = last && epilogue ? &tileEpilogue : NULL;
          if (grid) {
            kernelRowsGrid(kc, block + ir * kc, bRows + pc, jc + jr, c + ir * ldc, ldc, rows, cols, blockBeta, ep, firstPass, grid);
            continue;
          }
          float *tile = c + ir * ldc + jc + jr;
          // The next tile of this block in the same order (none after the block's last).
          long nir = tileOuter ? ir + MR : ir, njr = tileOuter ? jr : jr + NR;
          if (tileOuter && nir >= m) nir = 0, njr = jr + NR;
          if (!tileOuter && njr >= nb) njr = 0, nir = ir + MR;
          const nextTile ahead = {
              .c = c + nir * ldc + jc + njr,
              .residual = last && epilogue && epilogue->residual ? epilogue->residual + nir * epilogue->ldr + jc + njr : NULL,
              .ldc = ldc,
              .ldr = epilogue ? epilogue->ldr : 0};
          const nextTile *next = nir < m && njr < nb ? &ahead : NULL;
          if (bRows) {
            kernelRows(kc, block + ir * kc, bRows + pc, jc + jr, tile, ldc, rows, cols, blockBeta, ep, firstPass, next);
          } else {
            kernel(kc, block + ir * kc, b + pc * ldb + jc + jr, ldb, tile, ldc, rows, cols, blockBeta, ep, firstPass, next);
          }
        }
      }
    }
  }
}

F32_TARGET void ckf32_gemm_packed_a(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc) {
  ckf32_gemm_packed_a_epilogue(m, n, k, packed, packed_rows, row0, b, ldb, beta, c, ldc, NULL);
}

F32_TARGET void ckf32_gemm_packed_a_epilogue(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  drive(m, n, k, packed, packed_rows, row0, b, ldb, NULL, beta, c, ldc, epilogue, NULL);
}

F32_TARGET void ckf32_gemm_packed_a_rows(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  drive(m, n, k, packed, packed_rows, row0, NULL, 0, b_rows, beta, c, ldc, epilogue, NULL);
}

F32_TARGET void ckf32_gemm_packed_a_rows_grid(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float *out, long ldo, long width, long wo, const ck_epilogue *epilogue) {
  const gridMap grid = {.width = width, .wo = wo};
  drive(m, n, k, packed, packed_rows, row0, NULL, 0, b_rows, 0, out, ldo, epilogue, &grid);
}
