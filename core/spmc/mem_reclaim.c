// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MEM_RECLAIM: the owner takes its memory back once no borrower holds
 * it (ffa.md §3.1: every borrower !Owner-NA). The owner's original access
 * is restored (Hafnium's sender_orig_mode) and the handle dies.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

#define RECLAIM_FLAGS_MASK \
	(FFA_MEM_RECLAIM_FLAG_CLEAR | FFA_MEM_RECLAIM_FLAG_TIME_SLICE)

void spmc_mem_share_restore(struct spmc *spmc, struct spmc_mem_share *share)
{
	struct spmc_mem_page pg = { .owner = share->sender,
				    .owner_perm = share->orig_perm };

	spmc_mem_share_mark(spmc, share, 0, &pg);
	spmc_mem_share_free(spmc, share);
}

/**
 * spmc_mem_reclaim() - FFA_MEM_RECLAIM (w1/w2 handle, w3 flags). Errors
 * (ffa.md §3.3):
 *  1. INVALID_PARAMETERS: flags other than bit0 (zero) / bit1 (time
 *     slicing), unknown handle, send incomplete, caller is not the owner;
 *  2. DENIED: a borrower still holds (or is retrieving) the memory; zeroing
 *     asked for memory the owner only had read-only.
 */
void spmc_mem_reclaim(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	uint64_t handle =
		ffa_handle_make((uint32_t)in->x[1], (uint32_t)in->x[2]);
	uint32_t flags = (uint32_t)in->x[3];
	struct spmc_mem_share *share = NULL;
	int rc = FFA_INVALID_PARAMETERS;

	if (flags & ~RECLAIM_FLAGS_MASK) {
		spmc_log(spmc, "mem_reclaim: flag MBZ bits set");
		goto out;
	}
	share = spmc_mem_share_lookup(spmc, handle);
	if (!share || !share->complete) {
		spmc_log(spmc, "mem_reclaim: unknown or incomplete handle");
		goto out;
	}
	if (share->sender != p->id) {
		spmc_log(spmc, "mem_reclaim: caller is not the owner");
		goto out;
	}
	if (spmc_mem_share_held(share)) {
		spmc_log(spmc, "mem_reclaim: a borrower still holds it");
		rc = FFA_DENIED;
		goto out;
	}
	if ((flags & FFA_MEM_RECLAIM_FLAG_CLEAR) &&
	    share->orig_perm != FFA_PERM_DATA_RW) {
		spmc_log(spmc, "mem_reclaim: clear on read-only memory");
		rc = FFA_DENIED;
		goto out;
	}
	/* Zero before the owner regains access (ffa.md §3.2). */
	if (flags & FFA_MEM_RECLAIM_FLAG_CLEAR) {
		spmc_mem_share_zero(spmc, share);
	}
	spmc_mem_share_restore(spmc, share);
	ffa_regs_success(out, 0, 0);
	return;
out:
	ffa_regs_error(out, rc);
}
