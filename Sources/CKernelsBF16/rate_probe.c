// How many multiply-adds per second the CPU's bf16 dot product (VDPBF16PS, 32 per instruction)
// does against its fp32 FMA (VFMADD231PS, 16 per instruction), measured on the calling thread: the
// bf16 GEMMs gain only where the ratio is above 1. Zen 4 and Zen 5 issue both at the same rate
// (ratio ~2); an Emerald Rapids Xeon (Intel family 6 model 207) measured 0.5: bf16 runs slower
// than fp32 there (Sapphire Rapids has the same core).
#include "CKernelsBF16.h"

#include <immintrin.h>
#include <time.h>

/// Independent accumulators per loop: enough to cover either instruction's latency on both ports.
#define CHAINS 12
/// Instructions per chain in one timed loop (12 × 4000 instructions: 20–40 µs).
#define ITERATIONS 4000

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Seconds for CHAINS × ITERATIONS bf16 dot products; `sink` keeps the results alive.
__attribute__((target("avx512f,avx512bf16"))) static double timeDot(float *sink) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_setzero_ps();
  // 1.0 and ~2.5e-11: products and sums stay normal numbers.
  __m512bh a = (__m512bh)_mm512_set1_epi16(0x3F80), b = (__m512bh)_mm512_set1_epi16(0x2DDB);
  const double start = seconds();
  for (int r = 0; r < ITERATIONS; r++) {
#pragma clang loop unroll(full)
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  const double elapsed = seconds() - start;
  for (int i = 0; i < CHAINS; i++) *sink += _mm512_reduce_add_ps(acc[i]);
  return elapsed;
}

/// Seconds for CHAINS × ITERATIONS fp32 FMAs.
__attribute__((target("avx512f"))) static double timeFMA(float *sink) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_setzero_ps();
  // Products of 1e-20 and their sums stay normal numbers (denormal results are slow on Intel).
  __m512 a = _mm512_set1_ps(1e-10f), b = _mm512_set1_ps(1e-10f);
  const double start = seconds();
  for (int r = 0; r < ITERATIONS; r++) {
#pragma clang loop unroll(full)
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(a, b, acc[i]);
    __asm__ volatile("" : "+v"(a));
  }
  const double elapsed = seconds() - start;
  for (int i = 0; i < CHAINS; i++) *sink += _mm512_reduce_add_ps(acc[i]);
  return elapsed;
}

double ckbf16_dot_rate_over_fma(void) {
  if (!ckbf16_cpu_supported()) return 0;
  // Fastest of several alternating trials: a trial another process interrupts only runs slower.
  float sink = 0;
  double dot = 1e9, fma = 1e9;
  for (int trial = 0; trial < 7; trial++) {
    const double d = timeDot(&sink), f = timeFMA(&sink);
    if (d < dot) dot = d;
    if (f < fma) fma = f;
  }
  __asm__ volatile("" : : "r"(&sink) : "memory");
  // Multiply-adds per second: 32 per dot product, 16 per FMA.
  return (32.0 / dot) / (16.0 / fma);
}
