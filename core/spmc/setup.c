// SPDX-License-Identifier: BSD-2-Clause
/*
 * Setup and discovery: FFA_VERSION and FFA_FEATURES (FF-A v1.2 ch. 13).
 * FFA_ID_GET and FFA_SPM_ID_GET are one-liners in the dispatcher.
 */
#include "spmc_priv.h"

/**
 * spmc_version() - FFA_VERSION(w1 = caller version) -> w0 = our version.
 * Errors (w0 = NOT_SUPPORTED, not an FFA_ERROR frame, per the spec):
 * 1. bit 31 set or a major version other than 1;
 * 2. the version is already locked by an earlier call and differs
 *    (Hafnium refuses renegotiation once other calls were made).
 * The caller's version (capped at ours) selects descriptor layouts.
 */
void spmc_version(struct spmc *spmc, struct spmc_partition *p,
		  const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t requested = (uint32_t)in->x[1];
	uint32_t effective = requested;

	ffa_regs_clear(out);
	out->x[0] = (uint32_t)FFA_NOT_SUPPORTED;
	if (requested & 0x80000000u) {
		spmc_log(spmc, "FFA_VERSION: bit 31 set");
		return;
	}
	if (FFA_VERSION_MAJOR(requested) !=
	    FFA_VERSION_MAJOR(FFA_VERSION_COMPILED)) {
		spmc_log(spmc, "FFA_VERSION: incompatible major");
		return;
	}
	if (effective > FFA_VERSION_COMPILED) {
		effective = FFA_VERSION_COMPILED;
	}
	if (p->version_locked && p->version_set && p->version != effective) {
		spmc_log(spmc, "FFA_VERSION: locked by an earlier call");
		return;
	}
	p->version = effective;
	p->version_set = true;
	out->x[0] = FFA_VERSION_COMPILED;
}

/* ABIs added in v1.1 and v1.2: not visible to callers of older versions. */
static uint32_t abi_min_version(uint32_t fid)
{
	switch (fid) {
	case FFA_MSG_SEND_DIRECT_REQ2:
	case FFA_MSG_SEND_DIRECT_RESP2:
	case FFA_PARTITION_INFO_GET_REGS:
	case FFA_CONSOLE_LOG_32:
	case FFA_CONSOLE_LOG_64:
		return FFA_VERSION_1_2;
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
	case FFA_NOTIFICATION_SET:
	case FFA_NOTIFICATION_GET:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
	case FFA_RX_ACQUIRE:
	case FFA_SPM_ID_GET:
	case FFA_MSG_SEND2:
		return FFA_VERSION_1_1;
	default:
		return FFA_VERSION_1_0;
	}
}

/* Is @fid implemented for this caller (world and role)? */
static bool abi_supported(const struct spmc *spmc,
			  const struct spmc_partition *p, uint32_t fid)
{
	bool hyp = spmc->cfg.has_hypervisor && p->id == spmc->cfg.hypervisor_id;

	if (spmc_caller_version(p) < abi_min_version(fid)) {
		return false;
	}
	switch (fid) {
	case FFA_ERROR:
	case FFA_SUCCESS_32:
	case FFA_SUCCESS_64:
	case FFA_VERSION:
	case FFA_FEATURES:
	case FFA_RX_RELEASE:
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
	case FFA_RXTX_UNMAP:
	case FFA_PARTITION_INFO_GET:
	case FFA_PARTITION_INFO_GET_REGS:
	case FFA_ID_GET:
	case FFA_SPM_ID_GET:
	case FFA_MSG_SEND_DIRECT_REQ_32:
	case FFA_MSG_SEND_DIRECT_REQ_64:
	case FFA_MSG_SEND_DIRECT_REQ2:
	case FFA_MSG_SEND2:
	case FFA_MEM_DONATE_32:
	case FFA_MEM_DONATE_64:
	case FFA_MEM_LEND_32:
	case FFA_MEM_LEND_64:
	case FFA_MEM_SHARE_32:
	case FFA_MEM_SHARE_64:
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
	case FFA_MEM_RELINQUISH:
	case FFA_MEM_RECLAIM:
	case FFA_MEM_FRAG_RX:
	case FFA_MEM_FRAG_TX:
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
	case FFA_NOTIFICATION_SET:
	case FFA_NOTIFICATION_GET:
		return true;
	case FFA_MSG_WAIT:
	case FFA_YIELD:
	case FFA_MSG_SEND_DIRECT_RESP_32:
	case FFA_MSG_SEND_DIRECT_RESP_64:
	case FFA_MSG_SEND_DIRECT_RESP2:
		return p->secure;
	case FFA_RUN:
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		return !p->secure;
	case FFA_RX_ACQUIRE:
		return hyp;
	default:
		return false;
	}
}

static void feature_id(const struct spmc_partition *p, uint32_t id, uint32_t w2,
		       struct ffa_regs *out)
{
	/* Feature IDs take no input properties (FF-A v1.2 §13.3). */
	if (w2) {
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	switch (id) {
	case FFA_FEATURE_NPI:
		if (p->secure) {
			ffa_regs_success(out, FFA_NPI_INTID, 0);
			return;
		}
		break;
	case FFA_FEATURE_SRI:
		if (!p->secure) {
			ffa_regs_success(out, FFA_SRI_INTID, 0);
			return;
		}
		break;
	case FFA_FEATURE_MEI:
		if (p->secure) {
			ffa_regs_success(out, FFA_MEI_INTID, 0);
			return;
		}
		break;
	default:
		break;
	}
	ffa_regs_error(out, FFA_NOT_SUPPORTED);
}

/**
 * spmc_features() - FFA_FEATURES(w1 = function ID or feature ID, w2 input
 * properties).
 * Errors: 1. unknown or unsupported ABI/feature for this caller ->
 * NOT_SUPPORTED; 2. MEM_RETRIEVE_REQ queried by a v1.1+ caller without the
 * NS-bit-handling input bit (w2 bit1) -> NOT_SUPPORTED (Hafnium);
 * 3. non-zero input properties for a feature ID -> INVALID_PARAMETERS.
 * Special outputs: RXTX_MAP w2 = 4K granule | max pages << 16 (v1.2);
 * MEM_RETRIEVE_REQ w2 bit0 = 0 (TX only), bit1 NS-bit handling, bit2
 * hypervisor retrieve; w3 = 0, i.e. one outstanding retrieval per borrower.
 */
void spmc_features(struct spmc *spmc, struct spmc_partition *p,
		   const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t id = (uint32_t)in->x[1];
	uint32_t w2 = (uint32_t)in->x[2];
	uint32_t props = 0;

	if (!(id & 0x80000000u)) {
		feature_id(p, id, w2, out);
		return;
	}
	if (!abi_supported(spmc, p, id)) {
		ffa_regs_error(out, FFA_NOT_SUPPORTED);
		return;
	}
	switch (id) {
	case FFA_RXTX_MAP_32:
	case FFA_RXTX_MAP_64:
		props = 0; /* minimum buffer size and alignment: 4 KiB */
		if (spmc_caller_version(p) >= FFA_VERSION_1_2) {
			props |= spmc->cfg.rxtx_max_pages << 16;
		}
		break;
	case FFA_MEM_RETRIEVE_REQ_32:
	case FFA_MEM_RETRIEVE_REQ_64:
		if (spmc_caller_version(p) >= FFA_VERSION_1_1 && !(w2 & 0x2u)) {
			ffa_regs_error(out, FFA_NOT_SUPPORTED);
			return;
		}
		props = 0x2u;
		if (spmc->cfg.has_hypervisor &&
		    spmc_caller_version(p) >= FFA_VERSION_1_2) {
			props |= 0x4u;
		}
		break;
	default:
		break;
	}
	ffa_regs_success(out, props, 0);
}
