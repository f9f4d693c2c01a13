// bf16 GEMM for AVX512_BF16 CPUs: A and B packed to bf16 pairs along k, `vdpbf16ps` micro-kernel
// with fp32 accumulators, C in fp32.
//
// Blocking (GotoBLAS/BLIS order): columns in blocks of NC, k in blocks of KC, rows in blocks of MC;
// B's KC×NC block is packed once and reused by every row block, A's MC×KC block once per column
// block. The micro-kernel computes an MR×NR tile of C: MR broadcast A pairs times NV 16-lane B
// vectors, MR·NV = 24 accumulators in registers.
//
// Packed layouts (32-bit words, each two bf16 numbers with the even k in the low half, as
// `vdpbf16ps` pairs them: lane j gets a[2p]·b[2p][j] + a[2p+1]·b[2p+1][j]):
//   A panel (MR rows):    word [p][i]   = (A[i][2p], A[i][2p+1])
//   B panel (NR columns): word [p][j]   = (B[2p][j], B[2p+1][j])
// Rows past m, columns past n and the odd k's missing partner are packed as zeros.
//
// Every function that uses AVX-512 carries the target attribute itself: the file is compiled for
// the package's baseline CPU, and the caller checks `ckbf16_cpu_supported()` before calling in.
#include "CKernelsBF16.h"
#include "isa_avx512.h"
#include "tile.h"
#include "threadbuffer.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KC 256
#define MC 192
#define NC 3072
// Pair rows ahead that packing B prefetches (B arrives from memory: the activations of a layer
// just written).
#define PREFETCH_PAIRS 2

#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

// ---- packing ------------------------------------------------------------------------------

/// Interleave of two converted rows: 16-bit lane 2i takes lane i (row 2p), 2i+1 lane 16+i (row 2p+1).
static const uint16_t interleave[32] = {
    0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
    8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};

/// Packs a kc×count block whose k runs down the rows (element (p, j) at src[p * ld + j]) into
/// W-wide panels of kp = ceil(kc/2) pair rows: word [panel][p][j % W] = (src[2p][j], src[2p+1][j]).
/// B as stored (W = NR) and a transposed A (stored k×m; W = MR) take this route. W is a multiple
/// of 8; columns past count (up to whole panels) are packed as zeros.
BF16_TARGET __attribute__((noinline)) static void packPairsDownRows(
    long kc, long count, const float *src, long ld, long W, uint32_t *out) {
  const __m512i index = _mm512_loadu_si512(interleave);
  const long kp = (kc + 1) / 2;
  const long padded = (count + W - 1) / W * W;
  uint32_t words[16] __attribute__((aligned(64)));
  for (long p = 0; p < kp; p++) {
    const float *r0 = src + 2 * p * ld;
    const float *r1 = r0 + ld;
    const int second = 2 * p + 1 < kc;
    for (long j0 = 0; j0 < padded; j0 += 16) {
      const __mmask16 mask = lanes(count - j0);
      if (p + PREFETCH_PAIRS < kp) {
        _mm_prefetch((const char *)(r0 + 2 * PREFETCH_PAIRS * ld + j0), _MM_HINT_T0);
        _mm_prefetch((const char *)(r1 + 2 * PREFETCH_PAIRS * ld + j0), _MM_HINT_T0);
      }
      const __m512 x0 = _mm512_maskz_loadu_ps(mask, r0 + j0);
      const __m512 x1 = second ? _mm512_maskz_loadu_ps(mask, r1 + j0) : _mm512_setzero_ps();
      const __m512i h = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
      const __m512i pairs = _mm512_permutexvar_epi16(index, h);
      if (W % 16 == 0) {
        // The 16 columns lie in one panel (B: W = NR).
        _mm512_storeu_si512(out + ((j0 / W) * kp + p) * W + j0 % W, pairs);
        continue;
      }
      _mm512_store_si512(words, pairs);
      // Eight columns at a time: a 16-column chunk may straddle two panels when W is 8.
      for (long half = 0; half < 2; half++) {
        const long j = j0 + 8 * half;
        if (j >= padded) break;
        memcpy(out + ((j / W) * kp + p) * W + j % W, words + 8 * half, 8 * sizeof(uint32_t));
      }
    }
  }
}

/// Eight rows' 16 pairs each (`w[r]`: row r's words for pairs p0 … p0+15) stored as pair-major
/// words `dst[q * stride + r]` (an 8×16 transpose of 32-bit words).
BF16_TARGET static inline void storeTransposed8x16(const __m512i w[8], uint32_t *dst, long stride) {
  __m512i t[8], u[8];
  for (int r = 0; r < 8; r += 2) {
    t[r] = _mm512_unpacklo_epi32(w[r], w[r + 1]);      // per 128-bit lane L: pairs 4L, 4L+1
    t[r + 1] = _mm512_unpackhi_epi32(w[r], w[r + 1]);  // pairs 4L+2, 4L+3
  }
  for (int h = 0; h < 8; h += 4) {  // rows h … h+3
    u[h + 0] = _mm512_unpacklo_epi64(t[h], t[h + 2]);      // pair 4L
    u[h + 1] = _mm512_unpackhi_epi64(t[h], t[h + 2]);      // pair 4L+1
    u[h + 2] = _mm512_unpacklo_epi64(t[h + 1], t[h + 3]);  // pair 4L+2
    u[h + 3] = _mm512_unpackhi_epi64(t[h + 1], t[h + 3]);  // pair 4L+3
  }
#define STORE_LANE(L)                                                                             \
  for (int i = 0; i < 4; i++) {                                                                   \
    _mm_storeu_si128((__m128i *)(dst + (4 * L + i) * stride), _mm512_extracti32x4_epi32(u[i], L));     \
    _mm_storeu_si128((__m128i *)(dst + (4 * L + i) * stride + 4), _mm512_extracti32x4_epi32(u[4 + i], L)); \
  }
  STORE_LANE(0)
  STORE_LANE(1)
  STORE_LANE(2)
  STORE_LANE(3)
#undef STORE_LANE
}

/// Packs a count×kc block whose k runs along the rows (element (i, p) at src[i * ld + p]) into
/// W-wide panels of kp = ceil(kc/2) pair columns: word [panel][p][i % W] = (src[i][2p], src[i][2p+1]).
/// A as stored (W = MR) and a transposed B (stored n×k; W = NR) take this route. W is a multiple
/// of 8. Whole groups of 8 rows and 16 whole pairs go through an 8×16 transpose; the edges word by
/// word; rows past count (up to whole panels) are packed as zeros.
BF16_TARGET __attribute__((noinline)) static void packPairsAlongRows(
    long count, long kc, const float *src, long ld, long W, uint32_t *out) {
  const long kp = (kc + 1) / 2;
  const long padded = (count + W - 1) / W * W;
  uint32_t words[16] __attribute__((aligned(64)));
  const long fullGroups = count / 8;
  const long fullPairs = kc / 32 * 16;  // pairs of blocks whose 32 elements all exist
  for (long group = 0; group < fullGroups; group++) {
    const long i0 = group * 8;
    uint32_t *dst = out + (i0 / W) * kp * W + i0 % W;
    const float *rows8 = src + i0 * ld;
    for (long p0 = 0; p0 < fullPairs; p0 += 16) {
      __m512i w[8];
      for (int r = 0; r < 8; r++) {
        const float *row = rows8 + r * ld + 2 * p0;
        w[r] = (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + 16), _mm512_loadu_ps(row));
      }
      storeTransposed8x16(w, dst + p0 * W, W);
    }
  }
  for (long i = 0; i < padded; i++) {
    uint32_t *dst = out + (i / W) * kp * W + (i % W);
    if (i >= count) {
      for (long p = 0; p < kp; p++) dst[p * W] = 0;
      continue;
    }
    const float *row = src + i * ld;
    for (long p0 = i < fullGroups * 8 ? fullPairs : 0; p0 < kp; p0 += 16) {
      const long e = 2 * p0;
      const __m512 x0 = _mm512_maskz_loadu_ps(lanes(kc - e), row + e);
      const __m512 x1 = _mm512_maskz_loadu_ps(lanes(kc - e - 16), row + e + 16);
      // Elements e..e+31 in order: word q holds elements e+2q (low half) and e+2q+1.
      _mm512_store_si512(words, (__m512i)_mm512_cvtne2ps_pbh(x1, x0));
      const long n = kp - p0 < 16 ? kp - p0 : 16;
      for (long q = 0; q < n; q++) dst[(p0 + q) * W] = words[q];
    }
  }
}

/// Packs A's mc×kc block at `a` (element (i, p) at a[i * lda + p], or at a[p * lda + i] when
/// transposed) into MR-row panels.
BF16_TARGET static void packA(long mc, long kc, const float *a, long lda, int transposed, uint32_t *out) {
  if (transposed) {
    packPairsDownRows(kc, mc, a, lda, MR, out);
  } else {
    packPairsAlongRows(mc, kc, a, lda, MR, out);
  }
}

/// Packs B's kc×nc block at `b` (element (p, j) at b[p * ldb + j], or at b[j * ldb + p] when
/// transposed) into NR-column panels.
BF16_TARGET static void packB(long kc, long nc, const float *b, long ldb, int transposed, uint32_t *out) {
  if (transposed) {
    packPairsAlongRows(nc, kc, b, ldb, NR, out);
  } else {
    packPairsDownRows(kc, nc, b, ldb, NR, out);
  }
}

// ---- micro-kernel -------------------------------------------------------------------------

/// C[rows × cols] (row stride ldc; rows ≤ MR, cols ≤ NR) = Ap · Bp + beta · C over kp pairs.
BF16_TARGET __attribute__((noinline)) static void kernel(
    long kp, const uint32_t *restrict ap, const uint32_t *restrict bp, float *c, long ldc, long rows,
    long cols, float beta, const ck_epilogue *ep) {
  __m512 acc[MR][NV];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) {
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  for (long p = 0; p < kp; p++) {
    __m512bh bv[NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) bv[v] = (__m512bh)_mm512_load_si512(bp + p * NR + 16 * v);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      const __m512bh av = (__m512bh)_mm512_set1_epi32((int)ap[p * MR + i]);
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], av, bv[v]);
    }
  }
  storeTile(acc, c, ldc, rows, cols, beta, ep);
}

// ---- driver -------------------------------------------------------------------------------

/// Words of one KC block of a packed A with `rows` rows (padded to MR) and kc columns.
static long blockWords(long rows, long kc) { return (rows + MR - 1) / MR * MR * ((kc + 1) / 2); }

/// The GEMM; A either packed here block by block from (a, lda), or taken from `packed` (laid out by
/// `ckbf16_pack_a` for `packedRows` rows, of which rows row0 … row0+m-1 are used).
BF16_TARGET static void drive(
    long m, long n, long k, const float *a, long lda, int transA, const uint32_t *packed, long packedRows,
    long row0, const float *b, long ldb, int transB, float beta, float *c, long ldc,
    const ck_epilogue *epilogue) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    emptyProduct(m, n, beta, c, ldc, epilogue);
    return;
  }
  const long kcMax = k < KC ? k : KC;
  const long kpMax = (kcMax + 1) / 2;
  const long ncMax = n < NC ? n : NC;
  const long mcMax = m < MC ? m : MC;
  uint32_t *bp = ck_thread_buffer(CK_BUFFER_BF16_B, 4 * (size_t)kpMax * ((ncMax + NR - 1) / NR * NR));
  uint32_t *ap =
      packed ? NULL : ck_thread_buffer(CK_BUFFER_BF16_A, 4 * (size_t)kpMax * ((mcMax + MR - 1) / MR * MR));
  for (long jc = 0; jc < n; jc += NC) {
    const long nc = n - jc < NC ? n - jc : NC;
    for (long pc = 0; pc < k; pc += KC) {
      const long kc = k - pc < KC ? k - pc : KC;
      const long kp = (kc + 1) / 2;
      packB(kc, nc, transB ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, transB, bp);
      const float blockBeta = pc == 0 ? beta : 1;
      const int last = pc + kc >= k;
      for (long ic = 0; ic < m; ic += MC) {
        const long mc = m - ic < MC ? m - ic : MC;
        const uint32_t *block;
        if (packed) {
          // Earlier k blocks are all KC wide.
          block = packed + (pc / KC) * blockWords(packedRows, KC) + (row0 + ic) * kp;
        } else {
          packA(mc, kc, transA ? a + pc * lda + ic : a + ic * lda + pc, lda, transA, ap);
          block = ap;
        }
        for (long jr = 0; jr < nc; jr += NR) {
          const long cols = nc - jr < NR ? nc - jr : NR;
          for (long ir = 0; ir < mc; ir += MR) {
            const long rows = mc - ir < MR ? mc - ir : MR;
            ck_epilogue tileEpilogue;
            if (last && epilogue) tileEpilogue = shiftedEpilogue(epilogue, ic + ir, jc + jr);
            kernel(
                kp, block + ir * kp, bp + jr * kp, c + (ic + ir) * ldc + jc + jr, ldc, rows, cols,
                blockBeta, last && epilogue ? &tileEpilogue : NULL);
          }
        }
      }
    }
  }
}

BF16_TARGET void ckbf16_gemm(
    long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c,
    long ldc) {
  drive(m, n, k, a, lda, 0, NULL, 0, 0, b, ldb, 0, beta, c, ldc, NULL);
}

size_t ckbf16_packed_a_words(long m, long k) {
  size_t words = 0;
  for (long pc = 0; pc < k; pc += KC) words += (size_t)blockWords(m, k - pc < KC ? k - pc : KC);
  return words;
}

BF16_TARGET void ckbf16_pack_a(long m, long k, const float *a, long lda, uint32_t *out) {
  for (long pc = 0; pc < k; pc += KC) {
    const long kc = k - pc < KC ? k - pc : KC;
    packA(m, kc, a + pc, lda, 0, out);
    out += blockWords(m, kc);
  }
}

BF16_TARGET void ckbf16_gemm_packed_a(
    long m, long n, long k, const uint32_t *packed, long packedRows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc) {
  drive(m, n, k, NULL, 0, 0, packed, packedRows, row0, b, ldb, 0, beta, c, ldc, NULL);
}

BF16_TARGET void ckbf16_gemm_packed_a_epilogue(
    long m, long n, long k, const uint32_t *packed, long packedRows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc, const ck_epilogue *epilogue) {
  drive(m, n, k, NULL, 0, 0, packed, packedRows, row0, b, ldb, 0, beta, c, ldc, epilogue);
}

BF16_TARGET void ckbf16_gemm_transposed(
    long m, long n, long k, const float *a, long lda, int transposeA, const float *b, long ldb,
    int transposeB, float beta, float *c, long ldc) {
  drive(m, n, k, a, lda, transposeA != 0, NULL, 0, 0, b, ldb, transposeB != 0, beta, c, ldc, NULL);
}
