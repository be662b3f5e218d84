/* SPDX-License-Identifier: BSD-2-Clause */
/* A tiny in-process SPMC platform shared by the SPMC fuzz targets and the
 * garbage-frame unit test: 2 VMs, 2 SPs, small memory. */
#ifndef TZS_MINI_PLATFORM_H
#define TZS_MINI_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#define MINI_PAGES 64u
#define MINI_VM1 0x0001
#define MINI_VM2 0x0002
#define MINI_SP1 0x8001
#define MINI_SP2 0x8002

struct mini {
	struct spmc *spmc;
	uint8_t *mem; /* PA 0 .. MINI_MEM_LEN */
	uint64_t mem_len;
};

/* Region of endpoint index i (0..3) starts at (i + 1) MiB. */
static inline uint64_t mini_base(unsigned int i)
{
	return (uint64_t)(i + 1) << 20;
}

int mini_init(struct mini *m, uint32_t max_shares);
void mini_fini(struct mini *m);
uint16_t mini_ep(unsigned int i);
/* TX buffer of endpoint index i (mapped at region base). */
uint8_t *mini_tx(struct mini *m, unsigned int i);
/* Invariant: every page of every region has a known owner. */
int mini_check_invariants(struct mini *m);
/* FF-A function IDs worth fuzzing (index modulo count). */
uint32_t mini_fid(unsigned int idx);

/* Byte source for mini_step(): a fuzzer input or a PRNG. */
struct mini_src {
	const uint8_t *data;
	size_t len;
	size_t pos;
	uint64_t rng; /* used when data is NULL */
};

/* Decode one call from @src (biased towards meaningful values: endpoint
 * pairs, region addresses, small counts), optionally scribble the caller's
 * TX, and run it. Returns false when @src is exhausted. */
bool mini_step(struct mini *m, struct mini_src *src);

#endif
