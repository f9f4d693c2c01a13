// The input transform of Winograd F(4×4, 3×3) (Tensor's Winograd.swift), one tile row of one
// channel plane at a time, written once over the vector operations of the ISA header included
// before this one; f32gemm_avx512.c and f32gemm_avx2.c each compile it once, defining
// WINOGRAD_INPUT_ROW as the name of their entry point.
//
// Lane t of a vector is tile t of a chunk of VL tiles. Each of the tile row's six input rows is
// read as six vectors (`rowPhases` of the ISA header), lane t holding element c (c = 0…5) of tile
// t's 6-wide window; then `V = Bᵀ d B` runs on whole vectors: the six rows combined first, then the
// six elements, with the operations in the order Winograd+InputTransform.swift's loops write them
// (no fused multiply-adds), so the result is the same bits on every ISA and in Swift.
#ifndef WINOGRAD_INPUT_ROW
#error "define WINOGRAD_INPUT_ROW (the entry point's name) and include an ISA header before winograd_input.h"
#endif

#pragma clang fp contract(off)

/// `Bᵀ` applied to six vectors (the 1-D input transform of F(4, 3)), into `o[0…5]` `stride` apart.
ISA_TARGET static inline void transformSix(
    vec d0, vec d1, vec d2, vec d3, vec d4, vec d5, vec *o, long stride) {
  const vec four = vset1(4), five = vset1(5), two = vset1(2), minusFour = vset1(-4);
  o[0] = vadd(vsub(vmul(four, d0), vmul(five, d2)), d4);
  o[stride] = vadd(vadd(vmul(minusFour, vadd(d1, d2)), d3), d4);
  o[2 * stride] = vadd(vsub(vmul(four, vsub(d1, d2)), d3), d4);
  o[3 * stride] = vadd(vsub(vmul(two, vsub(d3, d1)), d2), d4);
  o[4 * stride] = vadd(vsub(vmul(two, vsub(d1, d3)), d2), d4);
  o[5 * stride] = vadd(vsub(vmul(four, d1), vmul(five, d3)), d5);
}

ISA_TARGET void WINOGRAD_INPUT_ROW(
    const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv) {
  for (long t0 = 0; t0 < tw; t0 += VL) {
    const long count = tw - t0 < VL ? tw - t0 : VL;
    // rows[k][c]: element c of the window of tile t0 + t in input row y0 + k.
    vec rows[6][6];
    for (int k = 0; k < 6; k++) {
      const long y = y0 + k;
      if (y < 0 || y >= hi) {
        for (int c = 0; c < 6; c++) rows[k][c] = vzero();
      } else {
        rowPhases(plane + y * wi, x0 + 4 * t0, wi, rows[k]);
      }
    }
    // Vertical pass: t[i][c] = (Bᵀ d)[i] at window column c.
    vec t[6][6];
    for (int c = 0; c < 6; c++) {
      transformSix(rows[0][c], rows[1][c], rows[2][c], rows[3][c], rows[4][c], rows[5][c], &t[0][c], 6);
    }
    // Horizontal pass: element (i, j) of every tile of the chunk.
    const vmask store = lanes(count);
    for (int i = 0; i < 6; i++) {
      vec o[6];
      transformSix(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5], o, 1);
      for (int j = 0; j < 6; j++) {
        float *out = v + (i * 6 + j) * ldv + t0;
        if (count == VL) {
          vstore(out, o[j]);
        } else {
          vstoreMasked(out, store, o[j]);
        }
      }
    }
  }
}
