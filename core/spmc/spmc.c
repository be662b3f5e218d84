// SPDX-License-Identifier: BSD-2-Clause
/*
 * SPMC creation, the partition table, and the FF-A call dispatcher.
 *
 * Lifecycle of a partition: added once from the platform description
 * (spmc_partition_add), lives until spmc_destroy(). When its process dies the
 * host calls spmc_partition_abort(): the partition's contexts become ABORTED,
 * its mailbox is unmapped and its version forgotten, so a new process may
 * attach under the same ID and start from FFA_VERSION again.
 *
 * Untrusted calls are dispatched with a switch on the function ID; SMC32
 * calls see only the lower 32 bits of every argument register (SMCCC).
 */
#include <tzshare/spmc.h>

#include "spmc_priv.h"

void spmc_log(const struct spmc *spmc, const char *msg)
{
	if (spmc->ops->log) {
		spmc->ops->log(spmc->ctx, msg);
	}
}

void *spmc_alloc(const struct spmc *spmc, size_t len)
{
	return spmc->ops->alloc(spmc->ctx, len);
}

void spmc_free(const struct spmc *spmc, void *ptr)
{
	if (ptr) {
		spmc->ops->free(spmc->ctx, ptr);
	}
}

static void config_defaults(struct spmc_config *cfg)
{
	if (!cfg->max_mem_shares) {
		cfg->max_mem_shares = SPMC_DEFAULT_MAX_SHARES;
	}
	if (!cfg->max_fragments) {
		cfg->max_fragments = SPMC_DEFAULT_MAX_FRAGMENTS;
	}
	if (!cfg->max_borrowers) {
		cfg->max_borrowers = SPMC_DEFAULT_MAX_BORROWERS;
	}
	if (!cfg->max_shares_per_sender) {
		cfg->max_shares_per_sender =
			cfg->max_mem_shares / 2 ? cfg->max_mem_shares / 2 : 1;
	}
	if (!cfg->max_partial_sends_per_sender) {
		cfg->max_partial_sends_per_sender = 4;
	}
	if (!cfg->rxtx_max_pages) {
		cfg->rxtx_max_pages = SPMC_DEFAULT_RXTX_MAX_PAGES;
	}
}

struct spmc *spmc_create(const struct spmc_ops *ops, void *ctx,
			 const struct spmc_config *cfg)
{
	struct spmc *spmc = NULL;

	if (!ops || !ops->alloc || !ops->free || !ops->phys_to_virt) {
		return NULL;
	}
	spmc = ops->alloc(ctx, sizeof(*spmc));
	if (!spmc) {
		return NULL;
	}
	tzs_memset(spmc, 0, sizeof(*spmc));
	spmc->ops = ops;
	spmc->ctx = ctx;
	if (cfg) {
		spmc->cfg = *cfg;
	}
	config_defaults(&spmc->cfg);
	if (spmc_mem_init(spmc) != FFA_OK) {
		ops->free(ctx, spmc);
		return NULL;
	}
	return spmc;
}

void spmc_destroy(struct spmc *spmc)
{
	if (!spmc) {
		return;
	}
	spmc_mem_fini(spmc);
	spmc->ops->free(spmc->ctx, spmc);
}

struct spmc_partition *spmc_partition_find(struct spmc *spmc, uint16_t id)
{
	uint32_t i = 0;

	for (i = 0; i < spmc->part_count; i++) {
		if (spmc->parts[i].id == id) {
			return &spmc->parts[i];
		}
	}
	return NULL;
}

/**
 * spmc_partition_add() - declare a partition.
 * Errors: 1. ID already used, SP bit disagreeing with the table (an SP ID
 * must have bit 15 set), the SPMC's own ID, no execution context or more
 * than SPMC_MAX_VCPUS, too many UUIDs, MBZ property bits ->
 * INVALID_PARAMETERS. 2. Table full -> NO_MEMORY.
 */
int spmc_partition_add(struct spmc *spmc,
		       const struct spmc_partition_config *cfg)
{
	struct spmc_partition *p = NULL;
	uint32_t i = 0;

	if (cfg->id == FFA_SPMC_ID || spmc_partition_find(spmc, cfg->id)) {
		return FFA_INVALID_PARAMETERS;
	}
	if (!cfg->exec_count || cfg->exec_count > SPMC_MAX_VCPUS) {
		return FFA_INVALID_PARAMETERS;
	}
	if (cfg->uuid_count > SPMC_MAX_UUIDS ||
	    (cfg->props & FFA_PART_PROP_MBZ_MASK)) {
		return FFA_INVALID_PARAMETERS;
	}
	if (spmc->part_count == SPMC_MAX_PARTITIONS) {
		return FFA_NO_MEMORY;
	}
	p = &spmc->parts[spmc->part_count++];
	tzs_memset(p, 0, sizeof(*p));
	p->used = true;
	p->id = cfg->id;
	p->secure = FFA_ID_IS_SECURE(cfg->id);
	p->exec_count = cfg->exec_count;
	p->props = cfg->props;
	p->uuid_count = cfg->uuid_count;
	for (i = 0; i < cfg->uuid_count; i++) {
		tzs_memcpy(p->uuids[i], cfg->uuids[i], FFA_UUID_SIZE);
	}
	/* SPs always have a notification bitmap; VMs create theirs. */
	p->notif.bitmap_created = p->secure;
	p->notif.bitmap_vcpu_count = p->exec_count;
	return FFA_OK;
}

void spmc_out_frame(struct spmc_output *out, uint16_t ep, uint16_t vcpu,
		    const struct ffa_regs *regs)
{
	struct spmc_frame *f = NULL;

	CHECK(out->frame_count < SPMC_OUT_MAX_FRAMES);
	f = &out->frames[out->frame_count++];
	f->ep = ep;
	f->vcpu = vcpu;
	f->regs = *regs;
}

void spmc_out_error(struct spmc_output *out, uint16_t ep, uint16_t vcpu,
		    int err)
{
	struct ffa_regs r;

	ffa_regs_error(&r, err);
	spmc_out_frame(out, ep, vcpu, &r);
}

void spmc_out_irq(struct spmc_output *out, uint16_t vm, uint16_t irq)
{
	unsigned int i = 0;

	for (i = 0; i < out->irq_count; i++) {
		if (out->irqs[i].vm == vm && out->irqs[i].irq == irq) {
			return;
		}
	}
	CHECK(out->irq_count < SPMC_OUT_MAX_IRQS);
	out->irqs[out->irq_count].vm = vm;
	out->irqs[out->irq_count].irq = irq;
	out->irq_count++;
}

void spmc_stats_get(const struct spmc *spmc, struct spmc_stats *st)
{
	*st = spmc->stats;
}

/* Calls that only complete the caller: handler fills one result frame. */
static bool dispatch_simple(struct spmc *spmc, struct spmc_partition *p,
			    uint32_t fid, const struct ffa_regs *in,
			    struct ffa_regs *ret)
{
	switch (fid) {
	case FFA_VERSION:
		spmc_version(spmc, p, in, ret);
		return true;
	case FFA_FEATURES:
		spmc_features(spmc, p, in, ret);
		return true;
	case FFA_ID_GET:
		ffa_regs_success(ret, p->id, 0);
		return true;
	case FFA_SPM_ID_GET:
		if (spmc_caller_version(p) < FFA_VERSION_1_1) {
			ffa_regs_error(ret, FFA_NOT_SUPPORTED);
			return true;
		}
		ffa_regs_success(ret, FFA_SPMC_ID, 0);
		return true;
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		spmc_rxtx_map(spmc, p, in, ret);
		return true;
	case FFA_RXTX_UNMAP:
		spmc_rxtx_unmap(spmc, p, in, ret);
		return true;
	case FFA_RX_RELEASE:
		spmc_rx_release(spmc, p, in, ret);
		return true;
	case FFA_RX_ACQUIRE:
		spmc_rx_acquire(spmc, p, in, ret);
		return true;
	case FFA_PARTITION_INFO_GET:
		spmc_partition_info_get(spmc, p, in, ret);
		return true;
	case FFA_PARTITION_INFO_GET_REGS:
		spmc_partition_info_get_regs(spmc, p, in, ret);
		return true;
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
		spmc_mem_send(spmc, p, fid, in, ret);
		return true;
	case FFA_MEM_FRAG_TX:
		spmc_mem_frag_tx(spmc, p, in, ret);
		return true;
	case FFA_MEM_FRAG_RX:
		spmc_mem_frag_rx(spmc, p, in, ret);
		return true;
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
		spmc_mem_retrieve_req(spmc, p, in, ret);
		return true;
	case FFA_MEM_RELINQUISH:
		spmc_mem_relinquish(spmc, p, in, ret);
		return true;
	case FFA_MEM_RECLAIM:
		spmc_mem_reclaim(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_BITMAP_CREATE:
		spmc_notif_bitmap_create(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_BITMAP_DESTROY:
		spmc_notif_bitmap_destroy(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_BIND:
		spmc_notif_bind(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_UNBIND:
		spmc_notif_unbind(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_GET:
		spmc_notif_get(spmc, p, in, ret);
		return true;
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		spmc_notif_info_get(spmc, p, in, ret);
		return true;
	default:
		return false;
	}
}

/* Calls that may complete other contexts or none: they write @out. */
static bool dispatch_scheduling(struct spmc *spmc, struct spmc_partition *p,
				uint16_t vcpu, uint32_t fid,
				const struct ffa_regs *in,
				struct spmc_output *out)
{
	switch (fid) {
	case FFA_MSG_SEND_DIRECT_REQ_32:
	case FFA_MSG_SEND_DIRECT_REQ_64:
	case FFA_MSG_SEND_DIRECT_REQ2:
		spmc_direct_req(spmc, p, vcpu, in, out);
		return true;
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
	case FFA_MSG_SEND_DIRECT_RESP2:
		spmc_direct_resp(spmc, p, vcpu, in, out);
		return true;
	case FFA_MSG_WAIT:
		spmc_msg_wait(spmc, p, vcpu, in, out);
		return true;
	case FFA_RUN:
		spmc_run(spmc, p, vcpu, in, out);
		return true;
	case FFA_YIELD:
		spmc_yield(spmc, p, vcpu, in, out);
		return true;
	default:
		return false;
	}
}

/* Calls that complete the caller and may also raise interrupts. */
static bool dispatch_with_irqs(struct spmc *spmc, struct spmc_partition *p,
			       uint32_t fid, const struct ffa_regs *in,
			       struct ffa_regs *ret, struct spmc_output *out)
{
	switch (fid) {
	case FFA_MSG_SEND2:
		spmc_msg_send2(spmc, p, in, ret, out);
		return true;
	case FFA_NOTIFICATION_SET:
		spmc_notif_set(spmc, p, in, ret, out);
		return true;
	default:
		return false;
	}
}

/* Framework messages left queued because an output was full. */
static void framework_flush_all(struct spmc *spmc, struct spmc_output *out)
{
	uint32_t i = 0;

	for (i = 0; i < spmc->part_count; i++) {
		if (spmc->parts[i].fw_pending_count) {
			spmc_framework_flush(spmc, &spmc->parts[i], out);
		}
	}
}

static void mask_smc32(uint32_t fid, const struct ffa_regs *in,
		       struct ffa_regs *regs)
{
	unsigned int i = 0;

	*regs = *in;
	regs->x[0] = fid;
	if (FFA_FID_IS_SMC64(fid)) {
		return;
	}
	for (i = 1; i < FFA_REG_COUNT; i++) {
		regs->x[i] = (uint32_t)regs->x[i];
	}
}

void spmc_call(struct spmc *spmc, uint16_t caller, uint16_t vcpu,
	       const struct ffa_regs *in, struct spmc_output *out)
{
	struct spmc_partition *p = spmc_partition_find(spmc, caller);
	uint32_t fid = (uint32_t)in->x[0];
	struct ffa_regs regs;
	struct ffa_regs ret;

	spmc_out_reset(out);
	spmc->stats.calls++;
	if (!p || vcpu >= p->exec_count) {
		spmc_log(spmc, "call from unknown endpoint or vCPU");
		spmc->stats.rejected++;
		spmc_out_error(out, caller, vcpu, FFA_INVALID_PARAMETERS);
		return;
	}
	/* A new process attached under this ID: it starts afresh. */
	if (p->vcpu[vcpu].state == SPMC_VCPU_OFF ||
	    p->vcpu[vcpu].state == SPMC_VCPU_ABORTED) {
		p->vcpu[vcpu].state = SPMC_VCPU_RUNNING;
		p->vcpu[vcpu].serve = SPMC_SERVE_NONE;
	}
	mask_smc32(fid, in, &regs);
	/* Hafnium: the version is fixed by the first call other than it. */
	if (fid != FFA_VERSION) {
		p->version_locked = true;
	}
	ffa_regs_clear(&ret);
	if (dispatch_scheduling(spmc, p, vcpu, fid, &regs, out)) {
		goto count;
	}
	if (!dispatch_simple(spmc, p, fid, &regs, &ret) &&
	    !dispatch_with_irqs(spmc, p, fid, &regs, &ret, out)) {
		spmc_log(spmc, "unsupported function ID");
		ffa_regs_error(&ret, FFA_NOT_SUPPORTED);
	}
	spmc_out_frame(out, caller, vcpu, &ret);
count:
	framework_flush_all(spmc, out);
	if (out->frame_count && out->frames[0].ep == caller &&
	    (uint32_t)out->frames[0].regs.x[0] == FFA_ERROR) {
		spmc->stats.rejected++;
	}
}

void spmc_partition_abort(struct spmc *spmc, uint16_t id,
			  struct spmc_output *out)
{
	struct spmc_partition *p = spmc_partition_find(spmc, id);
	uint16_t v = 0;

	spmc_out_reset(out);
	if (!p) {
		return;
	}
	spmc_direct_abort(spmc, p, out);
	spmc_mem_partition_abort(spmc, p);
	for (v = 0; v < p->exec_count; v++) {
		p->vcpu[v].state = SPMC_VCPU_ABORTED;
		p->vcpu[v].serve = SPMC_SERVE_NONE;
	}
	spmc_mailbox_unmap(spmc, p);
	p->version = 0;
	p->version_set = false;
	p->version_locked = false;
	p->fw_pending_count = 0;
	/* The next process starts with fresh notification state: a VM creates
	 * its bitmap again, every binding it made is gone (as after
	 * FFA_NOTIFICATION_BITMAP_DESTROY); an SP keeps its bitmap. */
	tzs_memset(&p->notif, 0, sizeof(p->notif));
	p->notif.bitmap_created = p->secure;
	p->notif.bitmap_vcpu_count = p->exec_count;
	if (!p->secure) {
		spmc_framework_vm_event(spmc, p->id, false, out);
	}
}
