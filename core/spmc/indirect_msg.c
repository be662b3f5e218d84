// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MSG_SEND2: indirect messaging through the RX/TX mailboxes (FF-A v1.2
 * §"indirect messaging", header in ffa.md §2.10; Hafnium api_ffa_msg_send2
 * and src/ffa/spmc/indirect_messaging.c decide where the spec leaves room).
 *
 * A message lives in the receiver's RX buffer from a successful MSG_SEND2
 * until the receiver's FFA_RX_RELEASE: spmc_rx_take() hands the buffer to
 * the receiver (FULL) and records nothing else, so a second message before
 * the release gets BUSY. mb.rx_writer names the sender of what RX holds.
 * The receiver learns of the message through the SPMC framework
 * notification "RX buffer full" (spmc_notif_framework_pend()).
 *
 * The SPMC relays SP->SP, SP->VM and VM->SP; VM->VM is the hypervisor's
 * job (INVALID_PARAMETERS).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "spmc_priv.h"

#define SEND2_FLAG_DELAY_SRI (1u << 1)

static bool is_sp(const struct spmc_partition *p)
{
	return FFA_ID_IS_SECURE(p->id);
}

/*
 * Resolve the sender: the caller, or with a hypervisor the VM it names in
 * w1[31:16] (Hf: "only the hypervisor can set sender_vm_id"; an unknown
 * sender is DENIED). w1[15:0] MBZ.
 */
static int send2_sender(struct spmc *spmc, struct spmc_partition *p,
			uint32_t w1, struct spmc_partition **sp)
{
	uint16_t id = (uint16_t)(w1 >> 16);

	*sp = p;
	if (w1 == 0) {
		return FFA_OK;
	}
	if (!spmc->cfg.has_hypervisor || p->id != spmc->cfg.hypervisor_id ||
	    (w1 & 0xFFFFu) != 0) {
		spmc_log(spmc, "msg send2: w1 MBZ unless hypervisor");
		return FFA_INVALID_PARAMETERS;
	}
	*sp = spmc_partition_find(spmc, id);
	if (!*sp || is_sp(*sp)) {
		spmc_log(spmc, "msg send2: hypervisor names no VM");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/**
 * send2_route() - checks on the copied header (ffa.md §2.10). Errors:
 *  1. INVALID_PARAMETERS: header sender is not the sender; receiver is the
 *     sender, unknown, or both are VMs;
 *  2. DENIED: an SP side without FFA_PART_PROP_INDIRECT_MSG, a v1.0
 *     receiver (Hf ffa_indirect_msg_is_supported), or a receiver without
 *     RX buffer. Hf answers BUSY for the latter (vm_is_mailbox_busy() counts
 *     a missing RX as busy); a retry cannot succeed, so we say DENIED as
 *     ffa.md §2.10 groups it with "indirect messaging not allowed".
 */
static int send2_route(struct spmc *spmc, const struct spmc_partition *s,
		       const struct ffa_msg_send2_hdr *hdr,
		       struct spmc_partition **rp)
{
	struct spmc_partition *r = NULL;

	*rp = NULL;
	if (hdr->sender != s->id) {
		spmc_log(spmc, "msg send2: header sender is not the sender");
		return FFA_INVALID_PARAMETERS;
	}
	if (hdr->receiver == hdr->sender) {
		spmc_log(spmc, "msg send2: receiver is the sender");
		return FFA_INVALID_PARAMETERS;
	}
	r = spmc_partition_find(spmc, hdr->receiver);
	if (!r) {
		spmc_log(spmc, "msg send2: unknown receiver");
		return FFA_INVALID_PARAMETERS;
	}
	if (!is_sp(s) && !is_sp(r)) {
		spmc_log(spmc, "msg send2: VM to VM is the hypervisor's");
		return FFA_INVALID_PARAMETERS;
	}
	/* The SPMC knows SPs' manifests only; VMs are not checked (Hf). */
	if ((is_sp(s) && !(s->props & FFA_PART_PROP_INDIRECT_MSG)) ||
	    (is_sp(r) && !(r->props & FFA_PART_PROP_INDIRECT_MSG))) {
		spmc_log(spmc, "msg send2: SP without indirect messaging");
		return FFA_DENIED;
	}
	if (spmc_caller_version(r) < FFA_VERSION_1_1) {
		spmc_log(spmc, "msg send2: v1.0 receiver");
		return FFA_DENIED;
	}
	if (!r->mb.mapped) {
		spmc_log(spmc, "msg send2: receiver has no RX buffer");
		return FFA_DENIED;
	}
	*rp = r;
	return FFA_OK;
}

/**
 * send2_size() - the message [0, offset + size) must start its payload
 * after the header the sender's version writes (v1.1: 20 bytes, v1.2: 40;
 * Hf) and fit both the sender's TX and the receiver's RX. Returns the
 * total length, or 0 (INVALID_PARAMETERS).
 */
static uint64_t send2_size(struct spmc *spmc, const struct spmc_partition *s,
			   const struct spmc_partition *r,
			   const struct ffa_msg_send2_hdr *hdr)
{
	uint32_t min_offset = spmc_caller_version(s) >= FFA_VERSION_1_2 ?
				      FFA_MSG_SEND2_HDR_V1_2_SIZE :
				      FFA_MSG_SEND2_HDR_V1_1_SIZE;
	uint64_t total = 0;

	if (hdr->payload_offset < min_offset) {
		spmc_log(spmc, "msg send2: payload overlaps the header");
		return 0;
	}
	if (ovf_add(hdr->payload_offset, hdr->payload_size, &total) ||
	    total > s->mb.size || total > r->mb.size) {
		spmc_log(spmc, "msg send2: message does not fit TX/RX");
		return 0;
	}
	return total;
}

/**
 * spmc_msg_send2() - FFA_MSG_SEND2(w1 sender VM ID from the hypervisor,
 * else MBZ; w2 flags: bit1 delay SRI). Errors, in order:
 *  1. NOT_SUPPORTED: v1.0 caller or sender (no MSG_SEND2 in v1.0, Hf);
 *  2. INVALID_PARAMETERS / DENIED: send2_sender();
 *  3. INVALID_PARAMETERS: flags other than bit1, or delay SRI from a VM
 *     sender (Hf: flags only at the secure virtual instance);
 *  4. DENIED: the sender has no TX buffer;
 *  5. INVALID_PARAMETERS: the header does not decode;
 *  6. send2_route(), then send2_size();
 *  7. BUSY: the receiver still owns its RX buffer. Hf checks this before
 *     the size; we check sizes first because taking RX changes state.
 * On success the message [0, offset + size) is copied verbatim into the
 * receiver's RX (as Hf does: the payload-offset field tells any receiver
 * version where the payload is, ffa.md §7 item 7), with the header bytes
 * taken from our validated copy rather than re-read from TX; the rest of
 * RX is zeroed (v1.3 rule adopted by Hf) and "RX buffer full" is pended.
 * Hf pends the hypervisor's RX-full bit when the sender is a VM; our SPMC
 * is the only relayer, so it is always the SPM framework bit.
 */
void spmc_msg_send2(struct spmc *spmc, struct spmc_partition *p,
		    const struct ffa_regs *in, struct ffa_regs *ret,
		    struct spmc_output *out)
{
	uint32_t flags = (uint32_t)in->x[2];
	bool delay = (flags & SEND2_FLAG_DELAY_SRI) != 0;
	uint8_t hdr_buf[FFA_MSG_SEND2_HDR_V1_2_SIZE] = { 0 };
	struct ffa_msg_send2_hdr hdr = { 0 };
	struct spmc_partition *s = NULL;
	struct spmc_partition *r = NULL;
	size_t hdr_len = 0;
	uint64_t total = 0;
	int rc = 0;

	if (spmc_caller_version(p) < FFA_VERSION_1_1) {
		spmc_log(spmc, "msg send2: v1.0 caller");
		ffa_regs_error(ret, FFA_NOT_SUPPORTED);
		return;
	}
	rc = send2_sender(spmc, p, (uint32_t)in->x[1], &s);
	if (rc) {
		ffa_regs_error(ret, rc);
		return;
	}
	if (spmc_caller_version(s) < FFA_VERSION_1_1) {
		spmc_log(spmc, "msg send2: v1.0 sender");
		ffa_regs_error(ret, FFA_NOT_SUPPORTED);
		return;
	}
	if ((flags & ~SEND2_FLAG_DELAY_SRI) || (delay && !is_sp(s))) {
		spmc_log(spmc, "msg send2: bad flags");
		ffa_regs_error(ret, FFA_INVALID_PARAMETERS);
		return;
	}
	if (!s->mb.mapped) {
		spmc_log(spmc, "msg send2: sender has no TX buffer");
		ffa_regs_error(ret, FFA_DENIED);
		return;
	}
	/* Copy the header out of shared memory once, then validate it. */
	hdr_len = s->mb.size < sizeof(hdr_buf) ? s->mb.size : sizeof(hdr_buf);
	tzs_memcpy(hdr_buf, s->mb.tx, hdr_len);
	if (ffa_msg_send2_hdr_decode(hdr_buf, hdr_len, &hdr) != FFA_OK) {
		spmc_log(spmc, "msg send2: header does not decode");
		ffa_regs_error(ret, FFA_INVALID_PARAMETERS);
		return;
	}
	rc = send2_route(spmc, s, &hdr, &r);
	if (rc) {
		ffa_regs_error(ret, rc);
		return;
	}
	total = send2_size(spmc, s, r, &hdr);
	if (total == 0) {
		ffa_regs_error(ret, FFA_INVALID_PARAMETERS);
		return;
	}
	if (spmc_rx_take(r) != FFA_OK) {
		spmc_log(spmc, "msg send2: receiver RX busy");
		ffa_regs_error(ret, FFA_BUSY);
		return;
	}
	tzs_memcpy(r->mb.rx, s->mb.tx, (size_t)total);
	/* What the receiver sees as header is what we validated. */
	hdr_len = hdr.has_uuid ? FFA_MSG_SEND2_HDR_V1_2_SIZE :
				 FFA_MSG_SEND2_HDR_V1_1_SIZE;
	tzs_memcpy(r->mb.rx, hdr_buf, hdr_len);
	tzs_memset(r->mb.rx + total, 0, r->mb.size - (size_t)total);
	r->mb.rx_writer = s->id;
	spmc_notif_framework_pend(spmc, r, SPMC_FW_NOTIF_RX_FULL, delay, out);
	/* The SRI is owed only if something was pended (Hf). */
	if (delay && (r->notif.fw_pending_spm & SPMC_FW_NOTIF_RX_FULL)) {
		s->notif.sri_delayed = true;
	}
	ffa_regs_success(ret, 0, 0);
}
