// SIMD GEMM kernels with run-time CPU checks: bf16 (AVX512_BF16) and fp32 with a pre-packed A
// (AVX-512F or AVX2 with FMA). Imported only by the Tensor module, which decides at run time
// whether to call them; nothing here runs on a CPU without the instructions unless the caller
// ignores `ckbf16_cpu_supported` / `ckf32_cpu_supported`.
#ifndef CKERNELSBF16_H
#define CKERNELSBF16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What a GEMM applies to each finished element of C, in this order: `+ bias[row]` (when `bias` is
/// not NULL), `+ residual[row · ldr + column]` (when `residual` is not NULL), `max(·, 0)` (when
/// `relu` is not 0). Rows and columns count from C's first element, so the caller offsets `bias` and
/// `residual` to the part of C it passes. Applied once, after the last block of k.
typedef struct {
  const float *bias;
  const float *residual;
  long ldr;
  int relu;
} ck_epilogue;

/// 1 when the CPU has AVX-512F/BW/VL and AVX512_BF16 and the OS saves ZMM state, else 0.
int ckbf16_cpu_supported(void);

/// The multiply-adds per second of the CPU's bf16 dot product (VDPBF16PS) over those of its fp32
/// FMA (VFMADD231PS), both on 512-bit vectors, measured on the calling thread in under a
/// millisecond: about 2 on Zen 4 and Zen 5, about 0.5 on Intel's Emerald Rapids (where bf16 GEMMs
/// are then slower than fp32 ones). 0 when `ckbf16_cpu_supported()` is 0.
double ckbf16_dot_rate_over_fma(void);

/// Writes the CPU's brand string (cpuid 0x80000002..4, trimmed) and its relevant feature flags
/// into `buffer` (at most `size` bytes, NUL-terminated), e.g. "AMD EPYC (avx512f yes, avx512bw yes,
/// avx512vl yes, avx512_bf16 yes, OS zmm state yes, avx2 yes, fma yes)".
void ckbf16_cpu_description(char *buffer, size_t size);

/// Row-major `C = A · B + beta · C`, `A` m×k (row stride `lda`), `B` k×n (row stride `ldb`), `C` m×n
/// (row stride `ldc`), with A and B rounded to bf16 (round to nearest even; denormals flushed to
/// zero) and products accumulated in fp32. beta 0 never reads C. Runs on the calling thread only,
/// packing into buffers of that thread (kept for its next call, freed when it exits).
/// Precondition: `ckbf16_cpu_supported()` returned 1.
void ckbf16_gemm(
    long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c,
    long ldc);

/// `ckbf16_gemm` with either operand transposed: `C = op(A) · op(B) + beta · C`, `op(A)` m×k and
/// `op(B)` k×n; a transposed A is stored k×m (row stride `lda`), a transposed B n×k (row stride
/// `ldb`). The transposes happen while packing, so the results equal, bit for bit, `ckbf16_gemm` on
/// materialised transposes. The backward passes' GEMMs (`dY · Xᵀ`, `Wᵀ · dY`) take this route.
/// Precondition: `ckbf16_cpu_supported()` returned 1.
void ckbf16_gemm_transposed(
    long m, long n, long k, const float *a, long lda, int transposeA, const float *b, long ldb,
    int transposeB, float beta, float *c, long ldc);

/// Words (32-bit) `ckbf16_pack_a` writes for an m×k A.
size_t ckbf16_packed_a_words(long m, long k);

/// Packs an m×k A (row stride `lda`) once, for any number of `ckbf16_gemm_packed_a` calls (bf16
/// pairs in 8-row panels per 256-wide block of k; the layout is private to this library).
/// Precondition: `ckbf16_cpu_supported()` returned 1; `out` holds `ckbf16_packed_a_words(m, k)` words.
void ckbf16_pack_a(long m, long k, const float *a, long lda, uint32_t *out);

/// `ckbf16_gemm` with A taken from `packed` (`ckbf16_pack_a` of a `packed_rows`×k matrix): rows
/// `row0` … `row0 + m − 1` of it, `row0` a multiple of 8. Same results, bit for bit, as
/// `ckbf16_gemm` on those rows.
void ckbf16_gemm_packed_a(
    long m, long n, long k, const uint32_t *packed, long packed_rows, long row0, const float *b,
    long ldb, float beta, float *c, long ldc);

/// `ckbf16_gemm_packed_a`, then `epilogue` on every element of C (NULL: none) while its tile is
/// still in registers: the same bits as the GEMM followed by a separate pass.
void ckbf16_gemm_packed_a_epilogue(
    long m, long n, long k, const uint32_t *packed, long packed_rows, long row0, const float *b,
    long ldb, float beta, float *c, long ldc, const ck_epilogue *epilogue);

/// 1 when the CPU runs the fp32 kernel's build for `level` (2: AVX-512F with the OS saving ZMM
/// state; 1: AVX2 and FMA with YMM state), else 0.
int ckf32_cpu_runs(int level);

/// The build `ckf32_gemm_packed_a*` use, read once per process: 2 (AVX-512) where the CPU runs it,
/// else 1 (AVX2) where the CPU has AVX2 and FMA (`TENSOR_F32_KERNEL=avx2` asks for it on AVX-512
/// CPUs too); else, or with `TENSOR_F32_KERNEL=openblas` (or `TENSOR_F32_GEMM=openblas`), 0
/// (callers keep OpenBLAS). The two builds give the same bits, whatever the split of a GEMM between
/// threads; OpenBLAS rounds differently, and by the split.
int ckf32_cpu_level(void);

/// Where OpenBLAS did not know the CPU and fell back to its Prescott kernels (SSE3 only) although
/// the CPU has AVX2 or AVX-512, makes it pick again the richest set the CPU runs (Cooperlake,
/// SkylakeX or Haswell) and returns that set's name; else (another set, `OPENBLAS_CORETYPE` set by
/// the user, a build without run-time kernel choice) changes nothing and returns NULL. Debian 12's
/// OpenBLAS 0.3.21 falls back so on Intel's Emerald Rapids (family 6, model 207), where its
/// `sgemm` then runs at a quarter of Cooperlake's speed. Call it once, before any other thread
/// calls OpenBLAS (it sets and then unsets the environment variable).
const char *ck_openblas_replace_fallback(void);

/// The CPU the calling thread runs on (`sched_getcpu`), or -1 when unknown.
int ck_current_cpu(void);

/// Moves the calling thread off CPU `cpu` when its allowed set holds that CPU and at least one
/// other: the thread leaves the set for a moment, which migrates it at once, then gets the whole
/// set back (so a user's `taskset` stays in force). Returns 1 when it moved, else 0.
int ck_move_off_cpu(int cpu);

/// Bytes of the CPU sets `ck_allowed_cpus` and `ck_allow_cpus` take (a `cpu_set_t`).
#define CK_CPU_SET_BYTES 128

/// Copies the calling thread's allowed CPUs (bit c of byte c / 8 for CPU c) into `bits` (`bytes` ≥
/// CK_CPU_SET_BYTES) and returns how many there are, or -1.
int ck_allowed_cpus(unsigned char *bits, long bytes);

/// Sets the calling thread's allowed CPUs from `bits` (as `ck_allowed_cpus` writes them); 0 on
/// success, else -1.
int ck_allow_cpus(const unsigned char *bits, long bytes);

/// 1 when `ckf32_cpu_level()` > 0 (the process uses a build of the fp32 kernel), else 0.
int ckf32_cpu_supported(void);

/// The calling thread's scratch `index` (0 or 1) of at least `floats` floats, 64-byte aligned, kept
/// for its next call (contents lost when it grows) and freed when the thread exits. Data one thread
/// writes and only it reads stays in its core's caches: a buffer both threads had touched costs a
/// round trip between cores per line written.
float *ck_scratch(int index, size_t floats);

/// The Winograd F(4×4, 3×3) input transform `V = Bᵀ d B` of one tile row of one channel plane
/// (`hi` × `wi` floats at `plane`, zero outside): tile t's 6 × 6 window starts at input row `y0`,
/// column `x0 + 4t`, and its element e (row-major) goes to `v[e · ldv + t]`, for t < `tw`. The same
/// bits on every ISA. Precondition: `ckf32_cpu_supported()` returned 1.
void ckf32_winograd_input_row(
    const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv);

/// `ckf32_winograd_input_row` on the build for `level` (1 AVX2, 2 AVX-512), for tests comparing the
/// builds. Precondition: `ckf32_cpu_runs(level)` returned 1.
void ckf32_winograd_input_row_on(
    int level, const float *plane, long hi, long wi, long y0, long x0, long tw, float *v, long ldv);

/// The last step of the Winograd F(4×4, 3×3) output transform for one output row of `wo` floats:
/// `out[x] = (y[(x mod 4) · ldy + x / 4] + bias) + residual[x]` (no residual when NULL), then
/// max(·, 0) as MAXPS computes it when `relu`. The same bits on every ISA. Precondition:
/// `ckf32_cpu_supported()` returned 1.
void ckf32_winograd_output_row(
    const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out);

/// `ckf32_winograd_output_row` on the build for `level` (1 AVX2, 2 AVX-512), for tests comparing
/// the builds. Precondition: `ckf32_cpu_runs(level)` returned 1.
void ckf32_winograd_output_row_on(
    int level, const float *y, long ldy, long wo, float bias, const float *residual, int relu, float *out);

/// Floats `ckf32_pack_a` writes for an m×k A.
size_t ckf32_packed_a_floats(long m, long k);

/// Packs an m×k A (row stride `lda`) once, for any number of `ckf32_gemm_packed_a` calls (8-row
/// panels per 256-wide block of k; the layout is private to this library). Plain C: runs anywhere.
void ckf32_pack_a(long m, long k, const float *a, long lda, float *out);

/// Row-major fp32 `C = A · B + beta · C` with A taken from `packed` (`ckf32_pack_a` of a
/// `packed_rows`×k matrix): rows `row0` … `row0 + m − 1` of it, `row0` a multiple of 8; `B` k×n read
/// in place (row stride `ldb`), `C` m×n (row stride `ldc`). beta 0 never reads C. Each element sums
/// its products in k order (fused multiply-adds, one 256-wide block of k after the other), so the
/// result does not depend on how callers split rows or columns. Runs on the calling thread only.
/// Precondition: `ckf32_cpu_supported()` returned 1.
void ckf32_gemm_packed_a(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc);

/// `ckf32_gemm_packed_a`, then `epilogue` on every element of C (NULL: none) while its tile is still
/// in registers: the same bits as the GEMM followed by a separate pass, without that pass's reads
/// and writes of C.
void ckf32_gemm_packed_a_epilogue(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b, long ldb,
    float beta, float *c, long ldc, const ck_epilogue *epilogue);

/// `ckf32_gemm_packed_a_epilogue` on the build for `level` (1 AVX2, 2 AVX-512) instead of the
/// process's: tests run the AVX2 build wherever the CPU can, and compare the two builds' bits on
/// CPUs that run both. Precondition: `ckf32_cpu_runs(level)` returned 1.
void ckf32_gemm_packed_a_epilogue_on(
    int level, long m, long n, long k, const float *packed, long packed_rows, long row0, const float *b,
    long ldb, float beta, float *c, long ldc, const ck_epilogue *epilogue);

/// `ckf32_gemm_packed_a_epilogue` with B's rows anywhere: row p of B (n floats) starts at
/// `b_rows[p]` (k pointers). The implicit GEMM of a strided convolution passes, for each (channel,
/// tap), a pointer into a phase plane of the input instead of copying an im2col matrix.
void ckf32_gemm_packed_a_rows(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float beta, float *c, long ldc, const ck_epilogue *epilogue);

/// `ckf32_gemm_packed_a_rows` with beta 0 whose columns are grid columns: column j of the GEMM
/// (`n` of them) is element (j / width) · wo + j mod width of each row of `out` (rows `ldo` apart),
/// and is not stored when j mod width ≥ wo (`wo` ≤ `width`). A strided convolution's phase planes
/// are `width` wide and its output rows `wo`: the GEMM writes the output rows directly, epilogue
/// fused (its residual addressed like `out`), with no grid to copy them out of.
/// Precondition: `ckf32_cpu_supported()` returned 1.
void ckf32_gemm_packed_a_rows_grid(
    long m, long n, long k, const float *packed, long packed_rows, long row0, const float *const *b_rows,
    float *out, long ldo, long width, long wo, const ck_epilogue *epilogue);

#ifdef __cplusplus
}
#endif

#endif
