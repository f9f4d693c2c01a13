// The vector operations that tile.h, f32kernels.h and winograd_input.h are written in, for
// AVX-512F: 16-lane fp32 vectors, lane masks in mask registers, tiles of 8 rows × 3 vectors (24 zmm
// accumulators).
// Include one ISA header (this or isa_avx2.h) before those; every function using it carries
// ISA_TARGET itself, since the package is compiled for its baseline CPU.
#ifndef CKERNELS_ISA_H
#define CKERNELS_ISA_H

#include <immintrin.h>

#define ISA_TARGET __attribute__((target("avx512f")))
/// Lanes of a vector.
#define VL 16
/// Rows of a micro-kernel's tile (broadcast A values).
#define MR 8
/// Vectors across a tile's row.
#define NV 3

/// Whether the fp32 GEMM packs each KC × NB block of B into a per-thread buffer, tile by tile,
/// before the tiles of A pass over it: no: B is read in place, its rows prefetched on the first
/// pass over a tile (Zen 5's 48 KB L1 holds much of an 8 × 48 tile's B).
#define PACK_B 0
/// Columns of B per block of the fp32 GEMM (f32kernels.h).
#ifndef NB  // tools/gemm_pair.sh may set it
#define NB 480
#endif
/// Largest A block (bytes) for which the fp32 GEMM runs each B tile past every row tile (else
/// each row tile past every B tile of the block): a quarter of L2.
#ifndef TILE_OUTER_BYTES  // tools/gemm_pair.sh may set it
#define TILE_OUTER_BYTES (256 << 10)
#endif
/// Whether the tile products and the tile store are inlined into the kernels: 32 zmm registers
/// hold a tile's 24 accumulators through the kernel's whole body (f32kernels.h).
#define PRODUCTS_INLINE 1

typedef __m512 vec;
typedef __mmask16 vmask;

/// Mask of the first `count` lanes (0...16).
static inline vmask lanes(long count) {
  return count >= 16 ? (vmask)0xFFFF : count <= 0 ? (vmask)0 : (vmask)((1u << count) - 1);
}
/// Mask of lanes `first ..< end`.
static inline vmask lanesBetween(long first, long end) { return lanes(end) & (vmask)~lanes(first); }
static inline int anyLane(vmask m) { return m != 0; }

ISA_TARGET static inline vec vzero(void) { return _mm512_setzero_ps(); }
ISA_TARGET static inline vec vset1(float x) { return _mm512_set1_ps(x); }
ISA_TARGET static inline vec vload(const float *p) { return _mm512_loadu_ps(p); }
/// Loads the lanes of `m`, zeros elsewhere; lanes off the mask are never read.
ISA_TARGET static inline vec vloadMasked(vmask m, const float *p) { return _mm512_maskz_loadu_ps(m, p); }
ISA_TARGET static inline void vstoreMasked(float *p, vmask m, vec v) { _mm512_mask_storeu_ps(p, m, v); }
ISA_TARGET static inline void vstore(float *p, vec v) { _mm512_storeu_ps(p, v); }
/// a · b + c, rounded once.
ISA_TARGET static inline vec vfma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
ISA_TARGET static inline vec vadd(vec a, vec b) { return _mm512_add_ps(a, b); }
ISA_TARGET static inline vec vsub(vec a, vec b) { return _mm512_sub_ps(a, b); }
ISA_TARGET static inline vec vmul(vec a, vec b) { return _mm512_mul_ps(a, b); }
/// The six phases of a row window: `out[c]` lane t = `line[x + 4t + c]` (c = 0…5, t < 16), zero
/// where x + 4t + c is outside `0 ..< wi`. Four masked loads and eight two-source permutes.
ISA_TARGET static inline void rowPhases(const float *line, long x, long wi, vec out[6]) {
  vec a[4];
  for (int q = 0; q < 4; q++) {
    const long at = x + 16 * q;
    const vmask m = lanesBetween(-at, wi - at);
    a[q] = m ? _mm512_maskz_loadu_ps(m, line + at) : _mm512_setzero_ps();
  }
  // Phases c and c + 1 of tiles 0…7 (from a[0], a[1]) and 8…15 (from a[2], a[3]), then joined.
  const __m512i even = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(2));
  const __m512i low = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const __m512i high = _mm512_add_epi32(low, _mm512_set1_epi32(8));
  const vec x01 = _mm512_permutex2var_ps(a[0], even, a[1]), y01 = _mm512_permutex2var_ps(a[2], even, a[3]);
  const vec x23 = _mm512_permutex2var_ps(a[0], odd, a[1]), y23 = _mm512_permutex2var_ps(a[2], odd, a[3]);
  out[0] = _mm512_permutex2var_ps(x01, low, y01);
  out[1] = _mm512_permutex2var_ps(x01, high, y01);
  out[2] = _mm512_permutex2var_ps(x23, low, y23);
  out[3] = _mm512_permutex2var_ps(x23, high, y23);
  // Phases 4 and 5 are phases 0 and 1 one tile on: lane 15 takes element x + 64 (x + 65).
  const float e64 = x + 64 >= 0 && x + 64 < wi ? line[x + 64] : 0;
  const float e65 = x + 65 >= 0 && x + 65 < wi ? line[x + 65] : 0;
  out[4] = _mm512_castsi512_ps(
      _mm512_alignr_epi32(_mm512_castps_si512(_mm512_set1_ps(e64)), _mm512_castps_si512(out[0]), 1));
  out[5] = _mm512_castsi512_ps(
      _mm512_alignr_epi32(_mm512_castps_si512(_mm512_set1_ps(e65)), _mm512_castps_si512(out[1]), 1));
}

/// Interleaves four vectors lane by lane: `out` holds y0[0], y1[0], y2[0], y3[0], y0[1], … y3[15]
/// as four consecutive vectors (the Winograd output rows' x = 4t + j order). Eight permutes.
ISA_TARGET static inline void interleave4(vec y0, vec y1, vec y2, vec y3, vec out[4]) {
  const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i high = _mm512_add_epi32(low, _mm512_set1_epi32(8));
  const vec lo02 = _mm512_permutex2var_ps(y0, low, y2), hi02 = _mm512_permutex2var_ps(y0, high, y2);
  const vec lo13 = _mm512_permutex2var_ps(y1, low, y3), hi13 = _mm512_permutex2var_ps(y1, high, y3);
  out[0] = _mm512_permutex2var_ps(lo02, low, lo13);
  out[1] = _mm512_permutex2var_ps(lo02, high, lo13);
  out[2] = _mm512_permutex2var_ps(hi02, low, hi13);
  out[3] = _mm512_permutex2var_ps(hi02, high, hi13);
}

/// Whether a tile's last vector, when it holds at most VL / 2 columns, is computed on `half`
/// vectors: Zen 4 runs a 512-bit FMA as two 256-bit halves, so a 256-bit one costs half as much.
#define HALF_VECTOR_FMA 1
/// The low VL / 2 lanes of a vector.
typedef __m256 half;
ISA_TARGET static inline half hzero(void) { return _mm256_setzero_ps(); }
ISA_TARGET static inline half lowHalf(vec v) { return _mm512_castps512_ps256(v); }
/// `h` in the low lanes; the high lanes are not used.
ISA_TARGET static inline vec widen(half h) { return _mm512_castps256_ps512(h); }
ISA_TARGET static inline half hfma(half a, half b, half c) { return _mm256_fmadd_ps(a, b, c); }
/// max(v, 0) as MAXPS computes it (+0 for either zero and for NaN).
ISA_TARGET static inline vec vrelu(vec v) { return _mm512_max_ps(v, _mm512_setzero_ps()); }

#endif
