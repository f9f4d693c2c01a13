// Per-thread scratch buffers of the kernels (packed operands), kept for the thread's next call and
// freed when the thread exits.
#ifndef CKERNELS_THREADBUFFER_H
#define CKERNELS_THREADBUFFER_H

#include <stddef.h>

/// The kernels' buffers, one of each per thread.
typedef enum {
  CK_BUFFER_BF16_A,  ///< bf16: A packed per block
  CK_BUFFER_BF16_B,  ///< bf16: B packed per block
  CK_BUFFER_F32_B,   ///< fp32 (AVX2): B packed per block
  CK_BUFFER_SCRATCH_0,  ///< the Swift side's first scratch (`ck_scratch`)
  CK_BUFFER_SCRATCH_1,  ///< the Swift side's second scratch
  CK_BUFFER_COUNT
} ck_buffer_slot;

/// The calling thread's buffer `slot`, 64-byte aligned, of at least `bytes` bytes (grown as
/// needed, its contents then lost; aborts when the allocation fails, as any Swift allocation would).
void *ck_thread_buffer(ck_buffer_slot slot, size_t bytes);

#endif
