// SPDX-License-Identifier: BSD-2-Clause
/*
 * Share-state pool and memory handles.
 *
 * The pool is a fixed array of cfg.max_mem_shares slots allocated at init
 * (Hafnium's MAX_MEM_SHARES, default 100; ffa.md §6), with the borrower
 * entries of every slot in one second array. Free slots sit on a stack, so
 * allocation and free are O(1).
 *
 * A handle (ffa.md §2.7) is slot | tag << SPMC_MEM_SLOT_BITS with bit 63 = 0
 * (SPMC allocator). The tag is a keyed mix of cfg.handle_secret, the slot and
 * the slot's generation. Unlike Hafnium (handle = slot index) a handle is
 * therefore not predictable from the slot, and because the generation is
 * bumped on every free, a stale handle of a recycled slot no longer matches.
 * Lookup is the slot index plus one full 64-bit compare: O(1) whatever the
 * number of live transactions.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

#define SLOT_MASK ((uint64_t)SPMC_MEM_MAX_SLOTS - 1)
#define TAG_BITS (63 - SPMC_MEM_SLOT_BITS)
#define TAG_MASK ((1ull << TAG_BITS) - 1)

/*
 * SplitMix64's output function: a golden-ratio increment (so 0 is no fixed
 * point) followed by a bijective avalanche, so every input bit affects every
 * output bit and neighbouring slots/generations give unrelated tags.
 */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t handle_make(uint64_t secret, uint32_t slot, uint32_t gen)
{
	uint64_t tag = mix64(secret ^ mix64((uint64_t)slot << 32 | gen));

	tag &= TAG_MASK;
	/* Keep handles away from 0 (the "no handle" value in a send). */
	if (tag == 0) {
		tag = 1;
	}
	return tag << SPMC_MEM_SLOT_BITS | slot;
}

int spmc_mem_pool_init(struct spmc *spmc)
{
	struct spmc_mem *mem = spmc->mem;
	uint32_t n = spmc->cfg.max_mem_shares;
	uint32_t nb = spmc->cfg.max_borrowers;
	uint64_t len = 0;
	uint32_t i = 0;

	if (n == 0) {
		n = SPMC_DEFAULT_MAX_SHARES;
	}
	if (nb == 0) {
		nb = SPMC_DEFAULT_MAX_BORROWERS;
	}
	if (n > SPMC_MEM_MAX_SLOTS || nb > 0xFFFFu) {
		spmc_log(spmc,
			 "mem_init: max_mem_shares or max_borrowers too large");
		return FFA_INVALID_PARAMETERS;
	}
	mem->share_count = n;
	mem->max_borrowers = nb;
	mem->shares = spmc_alloc(spmc, (size_t)n * sizeof(*mem->shares));
	mem->free_slots = spmc_alloc(spmc, (size_t)n * sizeof(uint32_t));
	if (ovf_mul((uint64_t)n * nb, sizeof(*mem->borrower_pool), &len) ||
	    len > (uint64_t)SIZE_MAX) {
		len = 0;
	} else {
		mem->borrower_pool = spmc_alloc(spmc, (size_t)len);
	}
	if (!mem->shares || !mem->free_slots || !mem->borrower_pool) {
		spmc_mem_pool_fini(spmc);
		return FFA_NO_MEMORY;
	}
	/* Lowest slot on top of the stack: the first handle uses slot 0. */
	for (i = 0; i < n; i++) {
		mem->shares[i].borrowers = &mem->borrower_pool[(size_t)i * nb];
		mem->free_slots[i] = n - 1 - i;
	}
	mem->free_count = n;
	return FFA_OK;
}

static void share_release_buffers(struct spmc *spmc,
				  struct spmc_mem_share *share)
{
	spmc_free(spmc, share->ranges);
	share->ranges = NULL;
}

void spmc_mem_pool_fini(struct spmc *spmc)
{
	struct spmc_mem *mem = spmc->mem;
	uint32_t i = 0;

	if (mem->shares) {
		for (i = 0; i < mem->share_count; i++) {
			share_release_buffers(spmc, &mem->shares[i]);
		}
	}
	spmc_free(spmc, mem->shares);
	spmc_free(spmc, mem->borrower_pool);
	spmc_free(spmc, mem->free_slots);
	mem->shares = NULL;
	mem->borrower_pool = NULL;
	mem->free_slots = NULL;
	mem->free_count = 0;
	mem->share_count = 0;
}

uint32_t spmc_mem_share_index(const struct spmc *spmc,
			      const struct spmc_mem_share *share)
{
	return (uint32_t)(share - spmc->mem->shares);
}

struct spmc_mem_share *spmc_mem_share_alloc(struct spmc *spmc,
					    enum ffa_mem_kind kind)
{
	struct spmc_mem *mem = spmc->mem;
	struct spmc_mem_share *share = NULL;
	struct spmc_mem_borrower *borrowers = NULL;
	uint32_t generation = 0;
	uint32_t slot = 0;

	if (mem->free_count == 0) {
		return NULL;
	}
	slot = mem->free_slots[--mem->free_count];
	share = &mem->shares[slot];
	CHECK(!share->used);
	borrowers = share->borrowers;
	generation = share->generation;
	tzs_memset(share, 0, sizeof(*share));
	tzs_memset(borrowers, 0, mem->max_borrowers * sizeof(*borrowers));
	share->borrowers = borrowers;
	share->generation = generation;
	share->used = true;
	share->kind = kind;
	share->handle = handle_make(spmc->cfg.handle_secret, slot, generation);
	spmc->stats.live_shares++;
	return share;
}

void spmc_mem_share_free(struct spmc *spmc, struct spmc_mem_share *share)
{
	struct spmc_mem *mem = spmc->mem;

	CHECK(share->used);
	if (share->accounted) {
		struct spmc_partition *p =
			spmc_partition_find(spmc, share->sender);

		if (!NEVER(!p)) {
			p->mem_shares--;
			if (share->accounted_partial) {
				p->mem_partial_sends--;
			}
		}
		share->accounted = false;
		share->accounted_partial = false;
	}
	share_release_buffers(spmc, share);
	share->used = false;
	share->complete = false;
	share->pending_reclaim = false;
	share->handle = FFA_HANDLE_INVALID;
	share->generation++;
	CHECK(mem->free_count < mem->share_count);
	mem->free_slots[mem->free_count++] = spmc_mem_share_index(spmc, share);
	CHECK(spmc->stats.live_shares > 0);
	spmc->stats.live_shares--;
}

struct spmc_mem_share *spmc_mem_share_lookup(struct spmc *spmc, uint64_t handle)
{
	struct spmc_mem *mem = spmc->mem;
	struct spmc_mem_share *share = NULL;
	uint64_t slot = handle & SLOT_MASK;

	/* Hypervisor-allocated handles are never ours (ffa.md §2.7). */
	if (handle & FFA_HANDLE_ALLOCATOR_HYP) {
		return NULL;
	}
	if (slot >= mem->share_count) {
		return NULL;
	}
	share = &mem->shares[slot];
	if (!share->used || share->handle != handle) {
		return NULL;
	}
	return share;
}

struct spmc_mem_borrower *spmc_mem_borrower_find(struct spmc_mem_share *share,
						 uint16_t id)
{
	uint32_t i = 0;

	for (i = 0; i < share->borrower_count; i++) {
		if (share->borrowers[i].id == id) {
			return &share->borrowers[i];
		}
	}
	return NULL;
}
