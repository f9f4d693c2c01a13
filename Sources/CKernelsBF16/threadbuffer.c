// Per-thread scratch buffers (threadbuffer.h): a thread-local table, freed by a pthread key's
// destructor when the thread exits.
#include "threadbuffer.h"
#include "CKernelsBF16.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  void *base[CK_BUFFER_COUNT];
  size_t bytes[CK_BUFFER_COUNT];
} Buffers;

static _Thread_local Buffers buffers;
static pthread_key_t buffersKey;
static pthread_once_t buffersOnce = PTHREAD_ONCE_INIT;

static void freeBuffers(void *p) {
  Buffers *t = p;
  for (int i = 0; i < CK_BUFFER_COUNT; i++) free(t->base[i]);
  memset(t, 0, sizeof *t);
}

static void makeKey(void) { pthread_key_create(&buffersKey, freeBuffers); }

void *ck_thread_buffer(ck_buffer_slot slot, size_t bytes) {
  if (buffers.bytes[slot] >= bytes) return buffers.base[slot];
  pthread_once(&buffersOnce, makeKey);
  pthread_setspecific(buffersKey, &buffers);
  free(buffers.base[slot]);
  const size_t rounded = (bytes + 63) / 64 * 64;
  buffers.base[slot] = aligned_alloc(64, rounded);
  if (!buffers.base[slot]) abort();
  buffers.bytes[slot] = rounded;
  return buffers.base[slot];
}

float *ck_scratch(int index, size_t floats) {
  return ck_thread_buffer(index == 0 ? CK_BUFFER_SCRATCH_0 : CK_BUFFER_SCRATCH_1, floats * sizeof(float));
}
