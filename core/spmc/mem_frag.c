// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fragmented descriptors (ffa.md §4).
 *
 * FFA_MEM_FRAG_TX continues a send: the sender puts the next chunk (whole
 * 16-byte constituents) in TX. The constituents are copied into the share
 * state's range table; the last chunk completes the send (mem_send.c). A share state
 * that reaches cfg.max_fragments without completing is dropped (NO_MEMORY,
 * Hafnium's MAX_FRAGMENTS rule).
 *
 * FFA_MEM_FRAG_RX continues a retrieve response: the borrower released its
 * RX and names the offset it has received so far, which must be exactly the
 * number of bytes already delivered; the SPMC answers FFA_MEM_FRAG_TX with
 * the next chunk of constituents in RX.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

static uint32_t max_fragments(const struct spmc *spmc)
{
	return spmc->cfg.max_fragments ? spmc->cfg.max_fragments :
					 SPMC_DEFAULT_MAX_FRAGMENTS;
}

/**
 * spmc_mem_frag_tx() - FFA_MEM_FRAG_TX (w1/w2 handle, w3 fragment length,
 * w4 MBZ). Errors (ffa.md §3.3):
 *  1. INVALID_PARAMETERS: w4 not zero (sender ID only at a physical
 *     instance), no TX, fragment larger than TX, shorter than 16 bytes or
 *     not a multiple of 16, unknown handle, caller is not the sender, send
 *     already complete, fragment beyond the announced total length;
 *  2. NO_MEMORY: the transaction already holds cfg.max_fragments fragments
 *     (it is dropped), or no memory to store the fragment;
 *  3. completion errors of spmc_mem_send_complete().
 * Returns FFA_MEM_FRAG_RX(handle, bytes received) until the last fragment,
 * then FFA_SUCCESS(handle).
 */
void spmc_mem_frag_tx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	uint64_t handle =
		ffa_handle_make((uint32_t)in->x[1], (uint32_t)in->x[2]);
	uint32_t frag_len = (uint32_t)in->x[3];
	struct spmc_mem_share *share = NULL;
	int rc = FFA_INVALID_PARAMETERS;

	if ((uint32_t)in->x[4] != 0) {
		spmc_log(spmc, "mem_frag_tx: w4 must be zero");
		goto out;
	}
	if (!p->mb.mapped || !p->mb.tx || frag_len > spmc_mem_tx_limit(p)) {
		spmc_log(spmc, "mem_frag_tx: no TX or fragment too large");
		goto out;
	}
	if (frag_len < FFA_CONSTITUENT_SIZE ||
	    frag_len % FFA_CONSTITUENT_SIZE) {
		spmc_log(spmc, "mem_frag_tx: not whole constituents");
		goto out;
	}
	share = spmc_mem_share_lookup(spmc, handle);
	if (!share || share->sender != p->id) {
		spmc_log(spmc, "mem_frag_tx: unknown handle or not sender");
		goto out;
	}
	if (share->complete) {
		spmc_log(spmc, "mem_frag_tx: send already complete");
		goto out;
	}
	if (share->frag_count >= max_fragments(spmc)) {
		spmc_log(spmc, "mem_frag_tx: too many fragments, dropped");
		spmc_mem_share_free(spmc, share);
		rc = FFA_NO_MEMORY;
		goto out;
	}
	if (frag_len > share->total_len - share->recv_len) {
		spmc_log(spmc, "mem_frag_tx: fragment beyond total length");
		goto out;
	}
	/* Copy now (each constituent read once): TX may change later. */
	rc = spmc_mem_send_append(spmc, share, p->mb.tx, frag_len);
	if (rc != FFA_OK) {
		goto out;
	}
	share->recv_len += frag_len;
	share->frag_count++;
	if (share->recv_len < share->total_len) {
		ffa_regs_clear(out);
		out->x[0] = FFA_MEM_FRAG_RX;
		out->x[1] = (uint32_t)handle;
		out->x[2] = (uint32_t)(handle >> 32);
		out->x[3] = share->recv_len;
		return;
	}
	spmc_mem_send_complete(spmc, share, out);
	return;
out:
	ffa_regs_error(out, rc);
}

/* The response @p is fetching for @share: its own, or the hypervisor's. */
static struct spmc_mem_resp *frag_rx_resp(struct spmc *spmc,
					  const struct spmc_partition *p,
					  struct spmc_mem_share *share,
					  uint32_t w4,
					  struct spmc_mem_borrower **bp)
{
	struct spmc_mem_borrower *b = NULL;
	uint16_t sender = (uint16_t)(w4 >> 16);

	*bp = NULL;
	if (spmc->cfg.has_hypervisor && p->id == spmc->cfg.hypervisor_id &&
	    share->hyp_resp.active) {
		/* The hypervisor may name the sender in w4[31:16]. */
		if (sender != 0 && sender != share->sender) {
			return NULL;
		}
		return &share->hyp_resp;
	}
	if (sender != 0) {
		return NULL;
	}
	b = spmc_mem_borrower_find(share, p->id);
	if (!b || !b->resp.active) {
		return NULL;
	}
	*bp = b;
	return &b->resp;
}

/**
 * spmc_mem_frag_rx() - FFA_MEM_FRAG_RX (w1/w2 handle, w3 offset, w4 MBZ but
 * for the hypervisor's sender ID in [31:16]). Errors (ffa.md §3.3):
 *  1. INVALID_PARAMETERS: w4 bits set, unknown handle, send incomplete,
 *     caller not a borrower, no retrieval in progress, offset differs from
 *     the bytes delivered so far, no RX buffer;
 *  2. BUSY: the caller still owns its RX buffer.
 * Returns FFA_MEM_FRAG_TX(handle, fragment length) with the chunk in RX.
 */
void spmc_mem_frag_rx(struct spmc *spmc, struct spmc_partition *p,
		      const struct ffa_regs *in, struct ffa_regs *out)
{
	uint64_t handle =
		ffa_handle_make((uint32_t)in->x[1], (uint32_t)in->x[2]);
	uint32_t offset = (uint32_t)in->x[3];
	uint32_t w4 = (uint32_t)in->x[4];
	struct spmc_mem_share *share = NULL;
	struct spmc_mem_borrower *b = NULL;
	struct spmc_mem_resp *resp = NULL;
	uint32_t len = 0;
	int rc = FFA_INVALID_PARAMETERS;

	share = spmc_mem_share_lookup(spmc, handle);
	if (!share || !share->complete || (w4 & 0xFFFFu)) {
		spmc_log(spmc, "mem_frag_rx: unknown or incomplete handle");
		goto out;
	}
	resp = frag_rx_resp(spmc, p, share, w4, &b);
	if (!resp) {
		spmc_log(spmc, "mem_frag_rx: no retrieval in progress");
		goto out;
	}
	if (offset != resp->sent_len) {
		spmc_log(spmc, "mem_frag_rx: unexpected offset");
		goto out;
	}
	if (!p->mb.mapped || !p->mb.rx || p->mb.size < FFA_CONSTITUENT_SIZE) {
		spmc_log(spmc, "mem_frag_rx: no RX buffer");
		goto out;
	}
	if (spmc_rx_take(p) != FFA_OK) {
		spmc_log(spmc, "mem_frag_rx: RX buffer busy");
		rc = FFA_BUSY;
		goto out;
	}
	len = spmc_mem_resp_write_next(share, resp, p->mb.rx, p->mb.size);
	tzs_memset(p->mb.rx + len, 0, p->mb.size - len);
	ffa_regs_clear(out);
	out->x[0] = FFA_MEM_FRAG_TX;
	out->x[1] = (uint32_t)handle;
	out->x[2] = (uint32_t)(handle >> 32);
	out->x[3] = len;
	if (b && !resp->active) {
		/* Last chunk delivered: the retrieval is complete. */
		spmc_mem_retrieve_done(spmc, share, b);
	}
	return;
out:
	ffa_regs_error(out, rc);
}
