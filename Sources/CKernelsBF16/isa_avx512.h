// The vector operations that tile.h and f32kernels.h are written in, for AVX-512F: 16-lane fp32
// vectors, lane masks in mask registers, tiles of 8 rows × 3 vectors (24 zmm accumulators).
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
#define NB 480
/// Largest A block (bytes) for which the fp32 GEMM runs each B tile past every row tile (else
/// each row tile past every B tile of the block): a quarter of L2.
#define TILE_OUTER_BYTES (256 << 10)
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
