// Paired timing of two builds of the fp32 GEMM drive (f32kernels.h) that differ only in their
// blocking or prefetch constants, beside OpenBLAS sgemm, on ResNet-50's GEMM shapes at one thread.
// Built and run by tools/gemm_pair.sh, which compiles the drive twice (as drive_a and drive_b,
// each with its own flags) and links them here.
//
// Each run calls A and B (in turn first) and then sgemm on the same operands, so the three see the
// same host state: on the shared 2-vCPU hosts one library's time moves 20–40 % from minute to
// minute, far more than a blocking change moves it. Where the code lies matters too: of two
// identical builds, the one linked first ran 2–4 % faster on a Zen 3, so gemm_pair.sh links both
// orders and runs each. Prints per shape the medians and B's speed over A's, then the sums, the
// median of the runs' A/B ratios and a `summary` line for the script. The two builds must write
// the same bits (none of the constants changes a sum); a difference is reported and exits 1.
//
//   gemm_pair RUNS [M N K]      (RUNS per shape, default 9; one shape instead of the list)
#include "CKernelsBF16.h"
#include "f32drive.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// The two builds of the drive (gemm_pair_variant.c), with f32drive.h's signature.
__typeof__(ckf32_drive_avx2) drive_a, drive_b;
void openblas_set_num_threads(int threads);

/// Most runs per shape.
#define MAX_RUNS 101

/// Monotonic seconds.
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/// qsort order of doubles, smallest first.
static int ascending(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/// Median of `count` values (sorts them).
static double median(double *values, int count) {
  qsort(values, count, sizeof *values, ascending);
  return values[count / 2];
}

/// Floats in 0 … 0.99 from a fixed sequence.
static void fill(float *x, long count, unsigned *state) {
  for (long i = 0; i < count; i++) {
    *state = *state * 1664525u + 1013904223u;
    x[i] = (float)((*state >> 8) % 100) / 100.0f;
  }
}

/// Allocates `count` floats or exits with a message.
static float *floats(long count) {
  float *p = malloc(sizeof(float) * (size_t)count);
  if (!p) {
    fprintf(stderr, "gemm_pair: out of memory\n");
    exit(1);
  }
  return p;
}

int main(int argc, char **argv) {
  // ResNet-50 to layer3 at 320 × 400, one thread: the 1×1s (64→256, 256→64, 256→512 s2, 1024←256,
  // 256←1024, 512←128, 128←512) and the stride-2 3×3s as plain GEMMs.
  long shapes[][3] = {{256, 8000, 64},  {64, 8000, 256},  {512, 2000, 256},
                      {128, 2000, 1152}, {256, 500, 2304}, {1024, 500, 256},
                      {256, 500, 1024}, {512, 2000, 128},  {128, 2000, 512}};
  int count = sizeof shapes / sizeof shapes[0];
  const int runs = argc > 1 ? atoi(argv[1]) : 9;
  if (runs < 1 || runs > MAX_RUNS) {
    fprintf(stderr, "gemm_pair: RUNS must be 1 … %d\n", MAX_RUNS);
    return 1;
  }
  if (argc > 4) {
    shapes[0][0] = atol(argv[2]), shapes[0][1] = atol(argv[3]), shapes[0][2] = atol(argv[4]);
    count = 1;
    if (shapes[0][0] < 1 || shapes[0][1] < 1 || shapes[0][2] < 1) {
      fprintf(stderr, "gemm_pair: M, N and K must be positive\n");
      return 1;
    }
  }
  // With GEMM_PAIR_RESIDUAL set, A and B apply a bias, a residual and ReLU as ResNet's last 1×1
  // of a block does (sgemm stays a plain GEMM).
  const int residual = getenv("GEMM_PAIR_RESIDUAL") != NULL;
  openblas_set_num_threads(1);
  double sums[3] = {0, 0, 0}, pairRatios[MAX_RUNS * 16];
  int pairs = 0, differs = 0;
  unsigned state = 1;
  printf("    M     N     K      A ms    B ms  sgemm ms   B over A  A over sgemm\n");
  for (int s = 0; s < count; s++) {
    const long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
    float *a = floats(m * k), *b = floats(k * n);
    float *ca = floats(m * n), *cb = floats(m * n), *cs = floats(m * n);
    float *packed = floats((long)ckf32_packed_a_floats(m, k));
    float *bias = floats(m), *res = floats(m * n);
    fill(a, m * k, &state);
    fill(b, k * n, &state);
    fill(bias, m, &state);
    fill(res, m * n, &state);
    const ck_epilogue epilogue = {.bias = bias, .residual = res, .ldr = n, .relu = 1};
    const ck_epilogue *ep = residual ? &epilogue : NULL;
    ckf32_pack_a(m, k, a, k, packed);
    double times[3][MAX_RUNS];
    for (int r = 0; r < runs; r++) {
      // A then B on even runs, B then A on odd ones: the second of two identical builds ran
      // 2–4 % slower than the first.
      for (int turn = 0; turn < 2; turn++) {
        const int variant = turn ^ (r & 1);
        const double t0 = now();
        if (variant == 0) {
          drive_a(m, n, k, packed, m, 0, b, n, NULL, 0, ca, n, ep, 0, 0);
        } else {
          drive_b(m, n, k, packed, m, 0, b, n, NULL, 0, cb, n, ep, 0, 0);
        }
        times[variant][r] = now() - t0;
      }
      const double t0 = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, cs, n);
      times[2][r] = now() - t0;
      if (pairs < MAX_RUNS * 16) pairRatios[pairs++] = times[0][r] / times[1][r];
    }
    if (memcmp(ca, cb, sizeof(float) * (size_t)(m * n)) != 0) differs = 1;
    double med[3];
    for (int v = 0; v < 3; v++) sums[v] += med[v] = median(times[v], runs);
    printf("%5ld %5ld %5ld  %7.2f %7.2f   %7.2f     %.3f×      %.3f×\n", m, n, k, med[0] * 1e3,
           med[1] * 1e3, med[2] * 1e3, med[0] / med[1], med[2] / med[0]);
    free(a), free(b), free(ca), free(cb), free(cs), free(packed), free(bias), free(res);
  }
  printf("sums of medians: A %.2f ms, B %.2f ms, sgemm %.2f ms: B over A %.3f×, A over sgemm %.3f×; "
         "median of the runs' A/B ratios %.3f\n",
         sums[0] * 1e3, sums[1] * 1e3, sums[2] * 1e3, sums[0] / sums[1], sums[2] / sums[0],
         median(pairRatios, pairs));
  // For gemm_pair.sh, which combines the two link orders.
  printf("summary %.6f %.6f %.6f\n", sums[0] / sums[1], sums[2] / sums[0], median(pairRatios, pairs));
  if (differs) {
    printf("A and B wrote different bits: a constant changed the sums\n");
    return 1;
  }
  return 0;
}
