// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory cleanup when a partition dies (spmc_partition_abort).
 *
 * Hafnium relinquishes on the aborted borrower's behalf and reclaims the
 * regions it owns, deferring the reclaim while borrowers still hold them
 * (ffa.md §3.3). The invariant kept here: no page ever refers to a freed
 * share state, and no share state outlives both its sender and borrowers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

/* @id's transaction as sender: free, reclaim, or defer the reclaim. */
static void abort_sender(struct spmc *spmc, struct spmc_mem_share *share)
{
	if (!share->complete) {
		/* Partial fragmented send: no page was marked yet. */
		spmc_mem_share_free(spmc, share);
		return;
	}
	/* A hypervisor retrieve in flight only reads the descriptor. */
	share->hyp_resp.active = false;
	if (!spmc_mem_share_held(share)) {
		spmc_mem_share_restore(spmc, share);
		return;
	}
	/* Borrowers still map it: the last relinquish gives it back. */
	share->pending_reclaim = true;
}

/**
 * spmc_mem_partition_abort() - @p died: every retrieval it holds or has in
 * progress is relinquished on its behalf, every complete transaction it
 * sent is reclaimed (or marked pending reclaim while borrowers hold it),
 * every partial send is freed, and a hypervisor retrieve it had in flight is
 * dropped.
 */
void spmc_mem_partition_abort(struct spmc *spmc, struct spmc_partition *p)
{
	struct spmc_mem *mem = spmc->mem;
	uint32_t i = 0;

	if (!mem) {
		return;
	}
	for (i = 0; i < mem->share_count; i++) {
		struct spmc_mem_share *share = &mem->shares[i];
		struct spmc_mem_borrower *b = NULL;

		if (!share->used) {
			continue;
		}
		if (share->sender == p->id) {
			abort_sender(spmc, share);
			continue;
		}
		if (spmc->cfg.has_hypervisor &&
		    p->id == spmc->cfg.hypervisor_id) {
			share->hyp_resp.active = false;
		}
		if (!share->complete) {
			continue;
		}
		b = spmc_mem_borrower_find(share, p->id);
		if (b && (b->retrieved || b->resp.active)) {
			/* May free the share state (pending reclaim). */
			spmc_mem_borrower_release(spmc, share, b);
		}
	}
}
