// fp32 GEMM for AVX-512 CPUs with A pre-packed once and B read where it lies: the forward
// convolutions' weights are constant, so packing them per call (and packing the activations at
// all) is work the kernel can skip; OpenBLAS spends 15–20 % of a ResNet-50 pass on those copies.
//
// Blocking: columns in blocks of NB (a KC×NB block of B stays in L2 while every row panel of A
// passes over it), k in blocks of KC. The micro-kernel computes an MR×NR tile of C: MR broadcast A
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
#define TILE_LOOP(LOAD)                                                                           \
  for (long p = 0; p < kc; p++) {                                                                 \
    __m512 bv[NV];                                                                                \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) bv[v] = LOAD;                 \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                             \
      const __m512 av = _mm512_set1_ps(ap[p * MR + i]);                                           \
      _Pragma("clang loop unroll(full)") for (int v = 0; v < NV; v++) acc[i][v] =                 \
          _mm512_fmadd_ps(av, bv[v], acc[i][v]);                                                  \
    }                                                                                             \
  }

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = Ap · B + beta · C over kc values of k
/// (beta 0 never reads C).
F32_TARGET __attribute__((noinline)) static void kernel(
    long kc, const float *restrict ap, const float *restrict b, long ldb, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep) {
  __m512 acc[MR][NV];
  __mmask16 mask[NV];
#pragma clang loop unroll(full)
  for (int v = 0; v < NV; v++) mask[v] = lanes(cols - 16 * v);
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) {
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  if (ep && ep->residual) prefetchTile(ep->residual, ep->ldr, rows);
  if (cols == NR) {
    TILE_LOOP(_mm512_loadu_ps(b + p * ldb + 16 * v))
  } else {
    TILE_LOOP(_mm512_maskz_loadu_ps(mask[v], b + p * ldb + 16 * v))
  }
  storeTile(acc, c, ldc, rows, cols, beta, ep);
}

F32_TARGET void ckf32_gemm_packed_a(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc) {
  ckf32_gemm_packed_a_epilogue(m, n, k, packed, packed_rows, row0, b, ldb, beta, c, ldc, NULL);
}

F32_TARGET void ckf32_gemm_packed_a_epilogue(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
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
      for (long ir = 0; ir < m; ir += MR) {
        const long rows = m - ir < MR ? m - ir : MR;
        for (long jr = 0; jr < nb; jr += NR) {
          const long cols = nb - jr < NR ? nb - jr : NR;
          ck_epilogue tileEpilogue;
          if (last && epilogue) tileEpilogue = shiftedEpilogue(epilogue, ir, jc + jr);
          kernel(
              kc, block + ir * kc, b + pc * ldb + jc + jr, ldb, c + ir * ldc + jc + jr, ldc, rows, cols,
              blockBeta, last && epilogue ? &tileEpilogue : NULL);
        }
      }
    }
  }
}
