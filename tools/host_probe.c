// The state of a shared 2-vCPU host, in well under a second: what each CPU's vector FMAs deliver
// while both run at once (a busy sibling hyperthread on the host halves it), the streaming read
// bandwidth of two threads, and a cache line's round trip between CPU 0 and CPU 1 (50–90 ns when
// the host has put the two vCPUs on nearby cores, 320–370 ns on far-apart ones). One line:
//
//   fma0 fma1 bandwidth round_trip      (GFLOP/s per CPU, GB/s, ns)
//
// Built and run by tools/host_monitor.py:  cc -O2 -pthread tools/host_probe.c -o host_probe
// Uses AVX2 FMA (every x86-64 CPU this project runs on); needs two CPUs.
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/// Monotonic seconds.
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/// Binds the calling thread to CPU `cpu`.
static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static double results[2];
static float *buffer;
static long floats;

/// 30 ms of independent FMA chains (12 accumulators hide the latency) on CPU `arg`: GFLOP/s.
__attribute__((target("avx2,fma"))) static void *fmaThroughput(void *arg) {
  const int cpu = (int)(long)arg;
  pin(cpu);
  __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  __m256 a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  const __m256 scale = _mm256_set1_ps(0.9999999f), shift = _mm256_set1_ps(1e-7f);
  long steps = 0;
  const double start = now();
  double end;
  do {
    for (int r = 0; r < 10000; r++) {
      a0 = _mm256_fmadd_ps(a0, scale, shift), a1 = _mm256_fmadd_ps(a1, scale, shift);
      a2 = _mm256_fmadd_ps(a2, scale, shift), a3 = _mm256_fmadd_ps(a3, scale, shift);
      a4 = _mm256_fmadd_ps(a4, scale, shift), a5 = _mm256_fmadd_ps(a5, scale, shift);
      a6 = _mm256_fmadd_ps(a6, scale, shift), a7 = _mm256_fmadd_ps(a7, scale, shift);
      a8 = _mm256_fmadd_ps(a8, scale, shift), a9 = _mm256_fmadd_ps(a9, scale, shift);
      a10 = _mm256_fmadd_ps(a10, scale, shift), a11 = _mm256_fmadd_ps(a11, scale, shift);
      // Every chain is computed step by step in a register (clang otherwise shortcuts them).
      __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5));
      __asm__ volatile("" : "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
    }
    steps += 10000;
  } while ((end = now()) - start < 0.03);
  results[cpu] = steps * 12.0 * 16 / (end - start) / 1e9;
  return NULL;
}

/// Reads its half of the buffer twice on CPU `arg`: GB/s.
__attribute__((target("avx2"))) static void *readBandwidth(void *arg) {
  const int cpu = (int)(long)arg;
  pin(cpu);
  const long half = floats / 2, first = cpu * half;
  __m256 sum = _mm256_setzero_ps();
  const double start = now();
  for (int pass = 0; pass < 2; pass++)
    for (long i = first; i < first + half; i += 8) sum = _mm256_add_ps(sum, _mm256_load_ps(buffer + i));
  results[cpu] = 2.0 * half * sizeof(float) / (now() - start) / 1e9;
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  if (lanes[0] == 1.0f) puts("");
  return NULL;
}

static _Alignas(64) atomic_long flag;
enum { BOUNCES = 100000 };

/// CPU 1's side of the ping-pong: answers each odd value with the next even one.
static void *answer(void *unused) {
  (void)unused;
  pin(1);
  for (long i = 0; i < BOUNCES; i++) {
    while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 1) {}
    atomic_store_explicit(&flag, 2 * i + 2, memory_order_release);
  }
  return NULL;
}

/// Mean round trip of one cache line between CPU 0 and CPU 1, ns.
static double roundTrip(void) {
  pthread_t other;
  pin(0);
  atomic_store(&flag, 0);
  if (pthread_create(&other, NULL, answer, NULL) != 0) return -1;
  const double start = now();
  for (long i = 0; i < BOUNCES; i++) {
    atomic_store_explicit(&flag, 2 * i + 1, memory_order_release);
    while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 2) {}
  }
  const double seconds = now() - start;
  pthread_join(other, NULL);
  return seconds / BOUNCES * 1e9;
}

/// Runs `body` on CPUs 0 and 1 at once.
static int onBoth(void *(*body)(void *)) {
  pthread_t threads[2];
  for (long i = 0; i < 2; i++)
    if (pthread_create(&threads[i], NULL, body, (void *)i) != 0) return 0;
  for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
  return 1;
}

int main(void) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    fprintf(stderr, "host_probe: needs two CPUs\n");
    return 1;
  }
  if (!onBoth(fmaThroughput)) return 1;
  const double fma0 = results[0], fma1 = results[1];
  floats = (256L << 20) / sizeof(float);
  buffer = aligned_alloc(64, floats * sizeof(float));
  if (!buffer) return 1;
  for (long i = 0; i < floats; i++) buffer[i] = 1.0f;
  if (!onBoth(readBandwidth)) return 1;
  const double bandwidth = results[0] + results[1];
  free(buffer);
  printf("%.0f %.0f %.1f %.0f\n", fma0, fma1, bandwidth, roundTrip());
  return 0;
}
