// Which CPU a thread runs on, and moving it off one (CKernelsBF16.h): the worker pool's answer to
// schedulers that put its workers on their caller's CPU. Elsewhere than Linux the CPU is unknown
// and nothing moves.
#define _GNU_SOURCE
#include "CKernelsBF16.h"

#ifdef __linux__
#include <sched.h>
#include <string.h>

int ck_current_cpu(void) { return sched_getcpu(); }

int ck_move_off_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return 0;
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
  if (!CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2) return 0;
  cpu_set_t others = allowed;
  CPU_CLR(cpu, &others);
  // Leaving the set migrates the thread at once; it then gets its whole set back and stays where it
  // was moved until the scheduler has a reason to move it again.
  if (sched_setaffinity(0, sizeof others, &others) != 0) return 0;
  sched_setaffinity(0, sizeof allowed, &allowed);
  return 1;
}

_Static_assert(sizeof(cpu_set_t) == CK_CPU_SET_BYTES, "CK_CPU_SET_BYTES is not the size of cpu_set_t");

int ck_allowed_cpus(unsigned char *bits, long bytes) {
  cpu_set_t set;
  if (bytes < (long)sizeof set || sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  memcpy(bits, &set, sizeof set);
  return CPU_COUNT(&set);
}

int ck_allow_cpus(const unsigned char *bits, long bytes) {
  cpu_set_t set;
  if (bytes < (long)sizeof set) return -1;
  memcpy(&set, bits, sizeof set);
  return sched_setaffinity(0, sizeof set, &set);
}

#else

int ck_current_cpu(void) { return -1; }
int ck_move_off_cpu(int cpu) { return 0; }
int ck_allowed_cpus(unsigned char *bits, long bytes) { return -1; }
int ck_allow_cpus(const unsigned char *bits, long bytes) { return -1; }

#endif
