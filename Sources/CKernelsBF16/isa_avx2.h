// The vector operations that tile.h, f32kernels.h and winograd_input.h are written in, for AVX2
// with FMA: 8-lane fp32 vectors, lane masks as integer vectors, tiles of 4 rows × 3 vectors (12 ymm
// accumulators, 3 B vectors and a broadcast: all 16 registers). Same operations, same rounding as
// isa_avx512.h, so a kernel gives the same bits on either. Include one ISA header before tile.h,
// f32kernels.h or winograd_input.h.
#ifndef CKERNELS_ISA_H
#define CKERNELS_ISA_H

#include <immintrin.h>

#define ISA_TARGET __attribute__((target("avx2,fma")))
/// Lanes of a vector.
#define VL 8
/// Rows of a micro-kernel's tile (broadcast A values).
#define MR 4
/// Vectors across a tile's row.
#define NV 3

/// Whether the fp32 GEMM packs each KC × NB block of B into a per-thread buffer, tile by tile,
/// before the tiles of A pass over it: yes: in place, a 256 × 24 tile spans 2–3 cache lines a
/// row, more than Zen 3's 32 KB L1, and the later row tiles waited on L2 (ResNet's layers 1.6×
/// slower).
#define PACK_B 1
/// Columns of B per block of the fp32 GEMM (f32kernels.h).
#ifndef NB  // tools/gemm_pair.sh may set it
#define NB 240
#endif
/// Largest A block (bytes) for which the fp32 GEMM runs each B tile past every row tile (else
/// each row tile past every B tile of the block): half of Zen 3's 512 KB L2. (With B unpacked, 1 MB
/// was faster: the B tiles were then read in place. Packed, both measure the same.)
#ifndef TILE_OUTER_BYTES  // tools/gemm_pair.sh may set it
#define TILE_OUTER_BYTES (256 << 10)
#endif
/// Whether the tile products and the tile store are inlined into the kernels: no, 12 accumulators
/// in 16 ymm registers spill when the loops share a function (f32kernels.h).
#define PRODUCTS_INLINE 0

typedef __m256 vec;
typedef __m256i vmask;

/// Mask of the first `count` lanes (any count; ≤ 0 none, ≥ 8 all).
ISA_TARGET static inline vmask lanes(long count) {
  const int n = count <= 0 ? 0 : count >= 8 ? 8 : (int)count;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/// Mask of lanes `first ..< end`.
ISA_TARGET static inline vmask lanesBetween(long first, long end) {
  return _mm256_andnot_si256(lanes(first), lanes(end));
}
ISA_TARGET static inline int anyLane(vmask m) { return !_mm256_testz_si256(m, m); }

ISA_TARGET static inline vec vzero(void) { return _mm256_setzero_ps(); }
ISA_TARGET static inline vec vset1(float x) { return _mm256_set1_ps(x); }
ISA_TARGET static inline vec vload(const float *p) { return _mm256_loadu_ps(p); }
/// Loads the lanes of `m`, zeros elsewhere; lanes off the mask are never read.
ISA_TARGET static inline vec vloadMasked(vmask m, const float *p) { return _mm256_maskload_ps(p, m); }
/// Stores the lanes of `m` only, one float at a time: VMASKMOVPS to memory is microcoded on AMD
/// CPUs (whole vectors take `vstore`).
ISA_TARGET static inline void vstoreMasked(float *p, vmask m, vec v) {
  float lanesOf[8];
  _mm256_storeu_ps(lanesOf, v);
  for (unsigned bits = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(m)); bits; bits &= bits - 1) {
    const int lane = __builtin_ctz(bits);
    p[lane] = lanesOf[lane];
  }
}
ISA_TARGET static inline void vstore(float *p, vec v) { _mm256_storeu_ps(p, v); }
/// a · b + c, rounded once.
ISA_TARGET static inline vec vfma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
ISA_TARGET static inline vec vadd(vec a, vec b) { return _mm256_add_ps(a, b); }
ISA_TARGET static inline vec vsub(vec a, vec b) { return _mm256_sub_ps(a, b); }
ISA_TARGET static inline vec vmul(vec a, vec b) { return _mm256_mul_ps(a, b); }
/// The six phases of a row window: `out[c]` lane t = `line[x + 4t + c]` (c = 0…5, t < 8), zero
/// where x + 4t + c is outside `0 ..< wi`. Four loads (masked at the row's ends), a 4 × 8
/// transpose of the 4-float groups (unpacks and shuffles within 128-bit halves, then a permute
/// into tile order) and two lane shifts. Masked gathers made a Zen 3's transform of an 80 × 100
/// plane 2.4× slower (27.4 against 11.4 µs per plane; 40 × 50: 2.2×).
ISA_TARGET static inline void rowPhases(const float *line, long x, long wi, vec out[6]) {
  vec a[4];
  for (int q = 0; q < 4; q++) {
    const long at = x + 8 * q;
    if (at >= 0 && at + 8 <= wi) {
      a[q] = _mm256_loadu_ps(line + at);
    } else {
      const vmask m = lanesBetween(-at, wi - at);
      a[q] = anyLane(m) ? _mm256_maskload_ps(line + at, m) : _mm256_setzero_ps();
    }
  }
  // Within each 128-bit half: element c of the groups of tiles 0, 2, 4, 6 (low) and 1, 3, 5, 7 (high).
  const vec u0 = _mm256_unpacklo_ps(a[0], a[1]), u1 = _mm256_unpackhi_ps(a[0], a[1]);
  const vec u2 = _mm256_unpacklo_ps(a[2], a[3]), u3 = _mm256_unpackhi_ps(a[2], a[3]);
  const __m256i tileOrder = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  out[0] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(u0, u2, _MM_SHUFFLE(1, 0, 1, 0)), tileOrder);
  out[1] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(u0, u2, _MM_SHUFFLE(3, 2, 3, 2)), tileOrder);
  out[2] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(u1, u3, _MM_SHUFFLE(1, 0, 1, 0)), tileOrder);
  out[3] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(u1, u3, _MM_SHUFFLE(3, 2, 3, 2)), tileOrder);
  // Phases 4 and 5 are phases 0 and 1 one tile on: lane 7 takes element x + 32 (x + 33).
  const float e32 = x + 32 >= 0 && x + 32 < wi ? line[x + 32] : 0;
  const float e33 = x + 33 >= 0 && x + 33 < wi ? line[x + 33] : 0;
  const __m256i next = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7);
  out[4] = _mm256_blend_ps(_mm256_permutevar8x32_ps(out[0], next), _mm256_set1_ps(e32), 0x80);
  out[5] = _mm256_blend_ps(_mm256_permutevar8x32_ps(out[1], next), _mm256_set1_ps(e33), 0x80);
}

/// Interleaves four vectors lane by lane: `out` holds y0[0], y1[0], y2[0], y3[0], y0[1], … y3[7] as
/// four consecutive vectors (the Winograd output rows' x = 4t + j order).
ISA_TARGET static inline void interleave4(vec y0, vec y1, vec y2, vec y3, vec out[4]) {
  // Within each 128-bit half: (y0, y2) and (y1, y3) pairs, then the four of a tile together.
  const vec a = _mm256_unpacklo_ps(y0, y2), b = _mm256_unpackhi_ps(y0, y2);
  const vec c = _mm256_unpacklo_ps(y1, y3), d = _mm256_unpackhi_ps(y1, y3);
  const vec t04 = _mm256_unpacklo_ps(a, c), t15 = _mm256_unpackhi_ps(a, c);
  const vec t26 = _mm256_unpacklo_ps(b, d), t37 = _mm256_unpackhi_ps(b, d);
  out[0] = _mm256_permute2f128_ps(t04, t15, 0x20);
  out[1] = _mm256_permute2f128_ps(t26, t37, 0x20);
  out[2] = _mm256_permute2f128_ps(t04, t15, 0x31);
  out[3] = _mm256_permute2f128_ps(t26, t37, 0x31);
}

/// Whether a tile's last vector, when it holds at most VL / 2 columns, is computed on `half`
/// vectors: no (a 128-bit FMA costs what a 256-bit one does); the kernels never do here.
#define HALF_VECTOR_FMA 0
/// A whole vector (no narrower kind is used).
typedef __m256 half;
ISA_TARGET static inline half hzero(void) { return _mm256_setzero_ps(); }
ISA_TARGET static inline half lowHalf(vec v) { return v; }
ISA_TARGET static inline vec widen(half h) { return h; }
ISA_TARGET static inline half hfma(half a, half b, half c) { return vfma(a, b, c); }
/// max(v, 0) as MAXPS computes it (+0 for either zero and for NaN).
ISA_TARGET static inline vec vrelu(vec v) { return _mm256_max_ps(v, _mm256_setzero_ps()); }

/// One value of k of a full tile: `acc[i][v] += a[i] · b[8v…8v+7]` for the 4 rows and 3 vectors,
/// as `vfma` rounds (a · b + acc, once). In assembly because clang, given intrinsics, kept a
/// broadcast and three B vectors live beside the 12 accumulators and spilled one of them: its
/// chain through memory halved the kernel's speed. Here the B vectors and the broadcast live in
/// ymm12–15 and the accumulators in the 12 others.
#define FULL_STEP(acc, a, b)                                                                       \
  __asm__(                                                                                        \
      "vmovups (%[bp]), %%ymm12\n\t"                                                               \
      "vmovups 32(%[bp]), %%ymm13\n\t"                                                             \
      "vmovups 64(%[bp]), %%ymm14\n\t"                                                             \
      "vbroadcastss (%[ap]), %%ymm15\n\t"                                                          \
      "vfmadd231ps %%ymm12, %%ymm15, %[c00]\n\t"                                                   \
      "vfmadd231ps %%ymm13, %%ymm15, %[c01]\n\t"                                                   \
      "vfmadd231ps %%ymm14, %%ymm15, %[c02]\n\t"                                                   \
      "vbroadcastss 4(%[ap]), %%ymm15\n\t"                                                         \
      "vfmadd231ps %%ymm12, %%ymm15, %[c10]\n\t"                                                   \
      "vfmadd231ps %%ymm13, %%ymm15, %[c11]\n\t"                                                   \
      "vfmadd231ps %%ymm14, %%ymm15, %[c12]\n\t"                                                   \
      "vbroadcastss 8(%[ap]), %%ymm15\n\t"                                                         \
      "vfmadd231ps %%ymm12, %%ymm15, %[c20]\n\t"                                                   \
      "vfmadd231ps %%ymm13, %%ymm15, %[c21]\n\t"                                                   \
      "vfmadd231ps %%ymm14, %%ymm15, %[c22]\n\t"                                                   \
      "vbroadcastss 12(%[ap]), %%ymm15\n\t"                                                        \
      "vfmadd231ps %%ymm12, %%ymm15, %[c30]\n\t"                                                   \
      "vfmadd231ps %%ymm13, %%ymm15, %[c31]\n\t"                                                   \
      "vfmadd231ps %%ymm14, %%ymm15, %[c32]"                                                        \
      : [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c02] "+x"(acc[0][2]), [c10] "+x"(acc[1][0]), \
        [c11] "+x"(acc[1][1]), [c12] "+x"(acc[1][2]), [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]), \
        [c22] "+x"(acc[2][2]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1]), [c32] "+x"(acc[3][2])  \
      : [ap] "r"(a), [bp] "r"(b), "m"(*(const float(*)[NR])(b)), "m"(*(const float(*)[MR])(a))   \
      : "xmm12", "xmm13", "xmm14", "xmm15")

#endif
