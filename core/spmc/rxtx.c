// SPDX-License-Identifier: BSD-2-Clause
/*
 * RX/TX mailboxes (FF-A v1.2 §7.2, §13.6-13.9).
 *
 * A partition registers one TX and one RX buffer of the same size, pages of
 * its own memory. The SPMC keeps host pointers to both: it copies out of TX
 * before validating anything and writes RX only while it owns it.
 *
 * RX ownership: EMPTY (the SPMC, as producer, may write) -> FULL after the
 * SPMC wrote a message or descriptor (the partition owns it) -> EMPTY again
 * on FFA_RX_RELEASE (or an FFA_MSG_WAIT that does not retain it). A
 * normal-world hypervisor may take an EMPTY buffer with FFA_RX_ACQUIRE
 * (ACQUIRED) and hands it back with FFA_RX_RELEASE naming the VM.
 */
#include "spmc_priv.h"

int spmc_rx_take(struct spmc_partition *p)
{
	if (!p->mb.mapped) {
		return FFA_DENIED;
	}
	if (p->mb.rx_state != SPMC_RX_EMPTY) {
		return FFA_BUSY;
	}
	p->mb.rx_state = SPMC_RX_FULL;
	return FFA_OK;
}

void spmc_rx_give_back(struct spmc_partition *p)
{
	p->mb.rx_state = SPMC_RX_EMPTY;
	p->notif.fw_pending_spm &= ~SPMC_FW_NOTIF_RX_FULL;
}

static bool is_hypervisor(const struct spmc *spmc,
			  const struct spmc_partition *p)
{
	return spmc->cfg.has_hypervisor && p->id == spmc->cfg.hypervisor_id;
}

static bool ranges_overlap(uint64_t a, uint64_t b, uint64_t len)
{
	return a < b + len && b < a + len;
}

/**
 * spmc_rxtx_map() - FFA_RXTX_MAP(x1 TX address, x2 RX address, w3 pages).
 * Errors, in order:
 * 1. a mailbox is already mapped -> DENIED (Hafnium);
 * 2. page count 0, above the configured maximum or w3[31:6] set ->
 *    INVALID_PARAMETERS;
 * 3. an address not 4 KiB aligned, or TX and RX overlap ->
 *    INVALID_PARAMETERS;
 * 4. pages not normal memory owned exclusively by the caller -> DENIED.
 */
void spmc_rxtx_map(struct spmc *spmc, struct spmc_partition *p,
		   const struct ffa_regs *in, struct ffa_regs *out)
{
	uint64_t tx = in->x[1];
	uint64_t rx = in->x[2];
	uint32_t pages = (uint32_t)in->x[3];
	uint64_t len = 0;

	if (p->mb.mapped) {
		spmc_log(spmc, "RXTX_MAP: already mapped");
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	if (!pages || pages > 0x3Fu || pages > spmc->cfg.rxtx_max_pages) {
		spmc_log(spmc, "RXTX_MAP: bad page count");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	len = (uint64_t)pages * TZS_PAGE_SIZE;
	if ((tx | rx) & (TZS_PAGE_SIZE - 1) || ranges_overlap(tx, rx, len)) {
		spmc_log(spmc, "RXTX_MAP: unaligned or overlapping buffers");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (!spmc_mem_mailbox_claim(spmc, p->id, tx, pages)) {
		spmc_log(spmc, "RXTX_MAP: TX pages not owned by the caller");
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	if (!spmc_mem_mailbox_claim(spmc, p->id, rx, pages)) {
		spmc_mem_mailbox_release(spmc, tx, pages);
		spmc_log(spmc, "RXTX_MAP: RX pages not owned by the caller");
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	p->mb.tx_pa = tx;
	p->mb.rx_pa = rx;
	p->mb.page_count = pages;
	p->mb.size = (uint32_t)len;
	p->mb.tx = spmc->ops->phys_to_virt(spmc->ctx, tx, len);
	p->mb.rx = spmc->ops->phys_to_virt(spmc->ctx, rx, len);
	if (NEVER(!p->mb.tx || !p->mb.rx)) {
		spmc_mem_mailbox_release(spmc, tx, pages);
		spmc_mem_mailbox_release(spmc, rx, pages);
		tzs_memset(&p->mb, 0, sizeof(p->mb));
		ffa_regs_error(out, FFA_ABORTED);
		return;
	}
	p->mb.rx_state = SPMC_RX_EMPTY;
	p->mb.mapped = true;
	ffa_regs_success(out, 0, 0);
}

/**
 * spmc_rxtx_unmap() - FFA_RXTX_UNMAP(w1[31:16] endpoint, hypervisor only).
 * Errors: 1. w1 non-zero from anyone but the hypervisor, or an unknown
 * endpoint -> INVALID_PARAMETERS; 2. nothing mapped -> INVALID_PARAMETERS.
 */
void spmc_rxtx_unmap(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out)
{
	uint16_t target_id = (uint16_t)(in->x[1] >> 16);
	struct spmc_partition *t = p;

	if ((uint32_t)in->x[1] & 0xFFFFu) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (target_id) {
		t = is_hypervisor(spmc, p) ?
			    spmc_partition_find(spmc, target_id) :
			    NULL;
		/* The normal world never manages a secure partition's buffers. */
		if (t && t->secure) {
			t = NULL;
		}
	}
	if (!t || !t->mb.mapped) {
		spmc_log(spmc, "RXTX_UNMAP: nothing mapped");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	spmc_mailbox_unmap(spmc, t);
	ffa_regs_success(out, 0, 0);
}

void spmc_mailbox_unmap(struct spmc *spmc, struct spmc_partition *p)
{
	if (p->mb.mapped) {
		spmc_mem_mailbox_release(spmc, p->mb.tx_pa, p->mb.page_count);
		spmc_mem_mailbox_release(spmc, p->mb.rx_pa, p->mb.page_count);
	}
	tzs_memset(&p->mb, 0, sizeof(p->mb));
}

/**
 * spmc_rx_release() - FFA_RX_RELEASE(w1[15:0] VM ID, hypervisor only).
 * Errors: 1. w1 non-zero from anyone but the hypervisor or naming an unknown
 * VM -> INVALID_PARAMETERS; 2. no mailbox, or the buffer is not owned by
 * the caller (already released) -> DENIED.
 * Releasing also clears a pending "RX buffer full" framework notification.
 */
void spmc_rx_release(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out)
{
	uint16_t vm_id = (uint16_t)in->x[1];
	struct spmc_partition *t = p;

	if ((uint32_t)in->x[1] >> 16) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (vm_id && vm_id != p->id) {
		t = is_hypervisor(spmc, p) ? spmc_partition_find(spmc, vm_id) :
					     NULL;
		if (!t || t->secure) {
			ffa_regs_error(out, FFA_INVALID_PARAMETERS);
			return;
		}
	}
	if (!t->mb.mapped || t->mb.rx_state == SPMC_RX_EMPTY) {
		spmc_log(spmc, "RX_RELEASE: buffer not owned by the caller");
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	if (t->mb.rx_state == SPMC_RX_ACQUIRED && t == p) {
		/* Only the hypervisor that acquired it may give it back. */
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	spmc_rx_give_back(t);
	ffa_regs_success(out, 0, 0);
}

/**
 * spmc_rx_acquire() - FFA_RX_ACQUIRE(w1[15:0] VM ID), hypervisor only.
 * Errors: 1. caller is not the hypervisor -> NOT_SUPPORTED; 2. unknown VM
 * or an SP -> INVALID_PARAMETERS; 3. no mailbox, or the SPMC does not own
 * the buffer (the VM has not released it) -> DENIED (Hafnium).
 */
void spmc_rx_acquire(struct spmc *spmc, struct spmc_partition *p,
		     const struct ffa_regs *in, struct ffa_regs *out)
{
	struct spmc_partition *t = NULL;

	if (!is_hypervisor(spmc, p)) {
		ffa_regs_error(out, FFA_NOT_SUPPORTED);
		return;
	}
	t = spmc_partition_find(spmc, (uint16_t)in->x[1]);
	if (!t || t->secure || ((uint32_t)in->x[1] >> 16)) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (!t->mb.mapped || t->mb.rx_state != SPMC_RX_EMPTY) {
		ffa_regs_error(out, FFA_DENIED);
		return;
	}
	t->mb.rx_state = SPMC_RX_ACQUIRED;
	ffa_regs_success(out, 0, 0);
}
