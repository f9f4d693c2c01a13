// The last step of Winograd F(4×4, 3×3)'s output transform (Tensor's Winograd.swift): one output
// row of one channel from the transformed tiles, plus bias, residual and ReLU, written once over
// the vector operations of the ISA header included before this one; f32gemm_avx512.c and
// f32gemm_avx2.c each compile it once, defining WINOGRAD_OUTPUT_ROW as the name of their entry
// point.
//
// Output x of the row is element j = x mod 4 of tile t = x / 4, found at `y[j · ldy + t]`: four
// vectors of VL tiles are interleaved into 4 · VL consecutive outputs (`interleave4`). Each output
// is (y + bias) + residual, then max(·, 0), as the scalar loop in Winograd.swift computes it: the
// same bits on every ISA and in Swift.
#ifndef WINOGRAD_OUTPUT_ROW
#error "define WINOGRAD_OUTPUT_ROW (the entry point's name) and include an ISA header before winograd_output.h"
#endif

#pragma clang fp contract(off)

ISA_TARGET void WINOGRAD_OUTPUT_ROW(
    const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out) {
  const vec b = vset1(bias);
  for (long x0 = 0; x0 < wo; x0 += 4 * VL) {
    // Tiles t0 … of this step that hold outputs.
    const long t0 = x0 / 4, tiles = (wo - x0 + 3) / 4;
    const vmask loadMask = lanes(tiles);
    vec o[4];
    interleave4(
        vloadMasked(loadMask, y + t0), vloadMasked(loadMask, y + ldy + t0),
        vloadMasked(loadMask, y + 2 * ldy + t0), vloadMasked(loadMask, y + 3 * ldy + t0), o);
    for (int q = 0; q < 4; q++) {
      const long at = x0 + q * VL;
      if (at >= wo) break;
      const int whole = wo - at >= VL;
      const vmask m = lanes(wo - at);
      vec r = vadd(o[q], b);
      if (residual) r = vadd(r, whole ? vload(residual + at) : vloadMasked(m, residual + at));
      if (relu) r = vrelu(r);
      if (whole) {
        vstore(out + at, r);
      } else {
        vstoreMasked(out + at, m, r);
      }
    }
  }
}
