// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MEM_RELINQUISH: a borrower gives back access to retrieved memory.
 *
 * The descriptor (ffa.md §2.8) is copied out of the caller's TX buffer.
 * After a successful relinquish the borrower is !Owner-NA again and may
 * retrieve once more. Zero-after-relinquish (retrieve flag bit2 or
 * relinquish flag bit0) is applied when the last borrower lets go: the spec
 * (as ACS reads it) clears if any borrower asked; Hafnium clears only for
 * the last relinquish that asks. A transaction whose owner died (pending
 * reclaim) returns to the owner and is freed at that point.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

#define RELINQUISH_FLAGS_MASK \
	(FFA_MEM_RELINQUISH_FLAG_CLEAR | FFA_MEM_FLAG_TIME_SLICE)

bool spmc_mem_share_held(const struct spmc_mem_share *share)
{
	uint32_t i = 0;

	for (i = 0; i < share->borrower_count; i++) {
		if (share->borrowers[i].retrieved ||
		    share->borrowers[i].resp.active) {
			return true;
		}
	}
	return false;
}

void spmc_mem_borrower_release(struct spmc *spmc, struct spmc_mem_share *share,
			       struct spmc_mem_borrower *b)
{
	bool clear = false;
	uint32_t i = 0;

	b->retrieved = false;
	b->resp.active = false;
	if (spmc_mem_share_held(share)) {
		return;
	}
	/* Nobody maps the pages any more: apply the zeroing requests. */
	for (i = 0; i < share->borrower_count; i++) {
		clear |= share->borrowers[i].clear_on_relinquish;
		share->borrowers[i].clear_on_relinquish = false;
	}
	if (clear) {
		spmc_mem_share_zero(spmc, share);
	}
	if (share->pending_reclaim) {
		spmc_mem_share_restore(spmc, share);
	}
}

/* Copy and decode the descriptor from TX (never read TX twice). */
static int relinquish_read(struct spmc *spmc, const struct spmc_partition *p,
			   struct ffa_relinquish *rel)
{
	uint8_t copy[FFA_RELINQUISH_HDR_SIZE + 2 * 8];
	uint32_t len = sizeof(copy);

	if (!p->mb.mapped || !p->mb.tx) {
		spmc_log(spmc, "mem_relinquish: no TX buffer");
		return FFA_INVALID_PARAMETERS;
	}
	if (len > p->mb.size) {
		len = p->mb.size;
	}
	tzs_memcpy(copy, p->mb.tx, len);
	/* The endpoint count is checked to be 1 before any ID is used. */
	if (len < FFA_RELINQUISH_HDR_SIZE) {
		return FFA_INVALID_PARAMETERS;
	}
	rel->handle = le64_get(copy);
	rel->flags = le32_get(copy + 8);
	rel->endpoint_count = le32_get(copy + 12);
	if (rel->endpoint_count != 1) {
		spmc_log(spmc, "mem_relinquish: endpoint count is not 1");
		return FFA_INVALID_PARAMETERS;
	}
	if (ffa_relinquish_decode(copy, len, rel) != FFA_OK) {
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/**
 * spmc_mem_relinquish() - FFA_MEM_RELINQUISH. Errors (ffa.md §3.3):
 *  1. INVALID_PARAMETERS: no TX, endpoint count not 1, endpoint is not the
 *     caller, unknown handle, send incomplete, caller not a borrower, not
 *     (fully) retrieved, flag MBZ bits, clear on a SHARE;
 *  2. DENIED: clear requested by a read-only borrower.
 */
void spmc_mem_relinquish(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_regs *in, struct ffa_regs *out)
{
	struct spmc_mem_share *share = NULL;
	struct spmc_mem_borrower *b = NULL;
	struct ffa_relinquish rel;
	int rc = 0;

	(void)in;
	tzs_memset(&rel, 0, sizeof(rel));
	rc = relinquish_read(spmc, p, &rel);
	if (rc != FFA_OK) {
		goto out;
	}
	rc = FFA_INVALID_PARAMETERS;
	if (rel.endpoints[0] != p->id) {
		spmc_log(spmc, "mem_relinquish: endpoint is not the caller");
		goto out;
	}
	share = spmc_mem_share_lookup(spmc, rel.handle);
	if (!share || !share->complete) {
		spmc_log(spmc, "mem_relinquish: unknown or incomplete handle");
		goto out;
	}
	b = spmc_mem_borrower_find(share, p->id);
	if (!b || !b->retrieved) {
		spmc_log(spmc, "mem_relinquish: caller holds no retrieval");
		goto out;
	}
	if (rel.flags & ~RELINQUISH_FLAGS_MASK) {
		spmc_log(spmc, "mem_relinquish: flag MBZ bits set");
		goto out;
	}
	if (rel.flags & FFA_MEM_RELINQUISH_FLAG_CLEAR) {
		if (share->kind == FFA_MEM_KIND_SHARE) {
			spmc_log(spmc, "mem_relinquish: clear on a SHARE");
			goto out;
		}
		if ((b->granted & FFA_PERM_DATA_MASK) != FFA_PERM_DATA_RW) {
			spmc_log(spmc, "mem_relinquish: clear with RO access");
			rc = FFA_DENIED;
			goto out;
		}
		b->clear_on_relinquish = true;
	}
	spmc_mem_borrower_release(spmc, share, b);
	ffa_regs_success(out, 0, 0);
	return;
out:
	ffa_regs_error(out, rc);
}
