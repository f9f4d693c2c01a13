// Run-time detection of AVX-512F, AVX512_BF16, AVX2 and FMA (cpuid) and of the OS's ZMM and YMM state
// support (xgetbv), and the choice of OpenBLAS's kernel set where OpenBLAS did not know the CPU.
#include "CKernelsBF16.h"

#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Flags the AVX-512 and AVX2 paths need, with their cpuid bits.
typedef struct {
  int f, bw, vl, bf16, osZMM, avx2, fma, osYMM;
} Features;

/// XCR0 (the OS-enabled state components) when the CPU has OSXSAVE, else 0.
static unsigned long long xcr0(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static Features features(void) {
  Features f = {0, 0, 0, 0, 0, 0, 0, 0};
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid_max(0, NULL) < 7) return f;
  __cpuid(1, eax, ebx, ecx, edx);
  f.fma = (ecx >> 12) & 1;  // FMA
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  f.avx2 = (ebx >> 5) & 1;  // AVX2
  f.f = (ebx >> 16) & 1;   // AVX512F
  f.bw = (ebx >> 30) & 1;  // AVX512BW
  f.vl = (ebx >> 31) & 1;  // AVX512VL
  unsigned maxSub = eax;
  if (maxSub >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    f.bf16 = (eax >> 5) & 1;  // AVX512_BF16
  }
  // XCR0 bits 1, 2 (SSE, AVX) and 5, 6, 7 (opmask, ZMM_Hi256, Hi16_ZMM) must all be set.
  f.osZMM = (xcr0() & 0xE6) == 0xE6;
  // XCR0 bits 1 and 2 (SSE, AVX).
  f.osYMM = (xcr0() & 0x6) == 0x6;
  return f;
}

int ckbf16_cpu_supported(void) {
  Features f = features();
  return f.f && f.bw && f.vl && f.bf16 && f.osZMM;
}

int ckf32_cpu_runs(int level) {
  Features f = features();
  if (level == 2) return f.f && f.osZMM;
  if (level == 1) return f.avx2 && f.fma && f.osYMM;
  return 0;
}

/// The fp32 kernel build in use: AVX-512 where the CPU runs it, else AVX2 where the CPU has AVX2 and
/// FMA; TENSOR_F32_KERNEL=avx2 asks for the AVX2 build on AVX-512 CPUs too, and
/// TENSOR_F32_KERNEL=openblas (or its older spelling TENSOR_F32_GEMM=openblas) for none (OpenBLAS
/// `sgemm`, for A/B runs); else none.
static int chosenF32Level(void) {
  const char *choice = getenv("TENSOR_F32_KERNEL");
  if (choice && strcmp(choice, "openblas") == 0) return 0;
  const char *older = getenv("TENSOR_F32_GEMM");
  if (older && strcmp(older, "openblas") == 0) return 0;
  const int avx2 = choice && strcmp(choice, "avx2") == 0;
  if (!avx2 && ckf32_cpu_runs(2)) return 2;
  if (ckf32_cpu_runs(1)) return 1;
  return 0;
}

int ckf32_cpu_level(void) {
  // Read once: a call costs a cpuid and an xgetbv. Racing first calls compute the same value.
  static int level = -1;
  int seen = __atomic_load_n(&level, __ATOMIC_RELAXED);
  if (seen < 0) {
    seen = chosenF32Level();
    __atomic_store_n(&level, seen, __ATOMIC_RELAXED);
  }
  return seen;
}

int ckf32_cpu_supported(void) { return ckf32_cpu_level() > 0; }

void ckbf16_cpu_description(char *buffer, size_t size) {
  if (size == 0) return;
  char brand[49] = {0};
  unsigned regs[12] = {0};
  if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
    for (unsigned i = 0; i < 3; i++) {
      __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    }
    memcpy(brand, regs, 48);
  }
  const char *name = brand;
  while (*name == ' ') name++;
  size_t len = strlen(name);
  while (len > 0 && name[len - 1] == ' ') len--;
  Features f = features();
  snprintf(
      buffer, size, "%.*s (avx512f %s, avx512bw %s, avx512vl %s, avx512_bf16 %s, OS zmm state %s, avx2 %s, fma %s)",
      (int)len, len ? name : "unknown CPU", f.f ? "yes" : "no", f.bw ? "yes" : "no",
      f.vl ? "yes" : "no", f.bf16 ? "yes" : "no", f.osZMM ? "yes" : "no", f.avx2 ? "yes" : "no",
      f.fma ? "yes" : "no");
}

// OpenBLAS's run-time kernel choice (DYNAMIC_ARCH builds, as Debian's). Weak: a build without it
// leaves them NULL, and its kernel set is then fixed at its build.
extern char *openblas_get_corename(void) __attribute__((weak));
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

/// The richest OpenBLAS kernel set the CPU runs, by the features OpenBLAS itself checks for each:
/// Cooperlake (AVX-512 with AVX512_BF16), SkylakeX (AVX-512), Haswell (AVX2 and FMA); else NULL.
static const char *openBLASKernelSetForFeatures(void) {
  Features f = features();
  if (f.f && f.bw && f.vl && f.osZMM) return f.bf16 ? "Cooperlake" : "SkylakeX";
  if (f.avx2 && f.fma && f.osYMM) return "Haswell";
  return NULL;
}

const char *ck_openblas_replace_fallback(void) {
  if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return NULL;
  if (getenv("OPENBLAS_CORETYPE")) return NULL;  // the user's choice, kept
  const char *current = openblas_get_corename();
  if (!current || strcmp(current, "Prescott") != 0) return NULL;
  const char *set = openBLASKernelSetForFeatures();
  if (!set) return NULL;  // a CPU without AVX2: Prescott is right
  // OpenBLAS reads the variable only when it picks its kernels: pick again, then leave the
  // environment as it was, so child processes make their own choice.
  setenv("OPENBLAS_CORETYPE", set, 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
  return set;
}
