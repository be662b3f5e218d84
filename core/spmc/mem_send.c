// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MEM_SHARE / FFA_MEM_LEND / FFA_MEM_DONATE (32 and 64 bit).
 *
 * The first fragment is copied out of the caller's TX buffer, validated in
 * the order of ffa.md §3.3 (Hafnium's api_ffa_mem_send ->
 * ffa_memory_send_validate), and stored in a fresh share state. When the
 * descriptor is complete (one fragment, or the last FRAG_TX) the
 * constituents are validated and the pages are marked as part of the
 * transaction (spmc_mem_send_complete). A failure at completion frees the
 * share state: nothing of a rejected send survives.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

_Static_assert(FFA_CONSTITUENT_SIZE == 16,
	       "FF-A v1.2 constituent memory region descriptor");
_Static_assert(FFA_COMPOSITE_SIZE == 16,
	       "FF-A v1.2 composite memory region descriptor");
_Static_assert(FFA_MTD_SIZE == 48, "FF-A v1.1 memory transaction descriptor");

/* What the first fragment told us, once validated. */
struct send_desc {
	enum ffa_mem_kind kind;
	uint32_t version; /* caller's negotiated version */
	struct ffa_mtd mtd;
	uint32_t emad_end;
	uint32_t comp_offset;
	struct ffa_composite comp;
};

static void regs_frag_rx(struct ffa_regs *out, uint64_t handle, uint32_t offset)
{
	ffa_regs_clear(out);
	out->x[0] = FFA_MEM_FRAG_RX;
	out->x[1] = (uint32_t)handle;
	out->x[2] = (uint32_t)(handle >> 32);
	out->x[3] = offset;
}

uint32_t spmc_mem_tx_limit(const struct spmc_partition *p)
{
	/* A v1.0 caller's descriptor must fit one 4K page (ffa.md §3.3
	 * send step 2; Hafnium converts v1.0 input only within one page). */
	if (ffa_version_uses_v1_0_mtd(spmc_caller_version(p)) &&
	    p->mb.size > TZS_PAGE_SIZE) {
		return TZS_PAGE_SIZE;
	}
	return p->mb.size;
}

int spmc_mem_check_layout(struct spmc *spmc, uint32_t version,
			  const struct ffa_mtd *mtd, uint32_t frag_len,
			  uint32_t *emad_end)
{
	uint64_t arr_len = 0;
	uint64_t end = 0;

	/* FF-A v1.2 MTD: reserved fields MBZ (ffa.md §3.3 send step 4). */
	if (mtd->reserved_nonzero) {
		spmc_log(spmc, "mem: reserved header field not zero");
		return FFA_INVALID_PARAMETERS;
	}
	/* Attribute bits [15:7] are MBZ; enforced strictly (ffa.md §7.3). */
	if (mtd->attributes & FFA_MEM_ATTR_MBZ_MASK) {
		spmc_log(spmc, "mem: attribute MBZ bits set");
		return FFA_INVALID_PARAMETERS;
	}
	/*
	 * The EMAD size gives the descriptor version (16 -> v1.1, 32 -> v1.2)
	 * and it must not be newer than the caller's (ffa.md §2.1). v1.0
	 * layouts have an implicit size and offset.
	 */
	if (!ffa_version_uses_v1_0_mtd(version)) {
		if (mtd->emad_size != FFA_EMAD_V1_0_SIZE &&
		    mtd->emad_size != FFA_EMAD_V1_2_SIZE) {
			spmc_log(spmc, "mem: EMAD size is neither 16 nor 32");
			return FFA_INVALID_PARAMETERS;
		}
		if (mtd->emad_size == FFA_EMAD_V1_2_SIZE &&
		    version < FFA_VERSION_1_2) {
			spmc_log(spmc, "mem: v1.2 EMADs from an older caller");
			return FFA_INVALID_PARAMETERS;
		}
		if (mtd->emad_offset < FFA_MTD_SIZE) {
			spmc_log(spmc, "mem: EMAD offset inside the header");
			return FFA_INVALID_PARAMETERS;
		}
	}
	if (mtd->emad_count > spmc->mem->max_borrowers) {
		spmc_log(spmc, "mem: too many EMADs");
		return FFA_INVALID_PARAMETERS;
	}
	if (ovf_mul(mtd->emad_count, mtd->emad_size, &arr_len) ||
	    ovf_add(mtd->emad_offset, arr_len, &end) || end > frag_len) {
		spmc_log(spmc, "mem: EMAD array does not fit the fragment");
		return FFA_INVALID_PARAMETERS;
	}
	*emad_end = (uint32_t)end;
	return FFA_OK;
}

int spmc_mem_attributes_validate(struct spmc *spmc, uint16_t attributes)
{
	uint16_t type = attributes & FFA_MEM_ATTR_TYPE_MASK;
	uint16_t cache = attributes & FFA_MEM_ATTR_CACHE_MASK;

	/* Reserved type 3: strictness beyond Hafnium, which lets it pass. */
	if (type == FFA_MEM_ATTR_TYPE_MASK) {
		spmc_log(spmc, "mem: reserved memory type");
		return FFA_INVALID_PARAMETERS;
	}
	/* Hafnium: Normal must be write-back, Device must be nGnRnE. */
	if (type == FFA_MEM_ATTR_TYPE_NORMAL &&
	    cache != FFA_MEM_ATTR_NORMAL_WB) {
		spmc_log(spmc, "mem: Normal memory must be write-back");
		return FFA_DENIED;
	}
	if (type == FFA_MEM_ATTR_TYPE_DEVICE &&
	    cache != FFA_MEM_ATTR_DEV_NGNRNE) {
		spmc_log(spmc, "mem: Device memory must be nGnRnE");
		return FFA_DENIED;
	}
	if ((attributes & FFA_MEM_ATTR_SHAREABILITY_MASK) !=
	    FFA_MEM_ATTR_INNER_SHAREABLE) {
		spmc_log(spmc, "mem: memory must be inner shareable");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/* Step 4: header, EMAD layout, composite offset, EMAD MBZ fields. */
static int send_check_header(struct spmc *spmc, const uint8_t *buf,
			     uint32_t frag_len, struct send_desc *d)
{
	struct ffa_emad emad;
	uint32_t i = 0;
	int rc = 0;

	if (ffa_mtd_decode(buf, frag_len, d->version, &d->mtd) != FFA_OK) {
		spmc_log(spmc, "mem_send: fragment shorter than the header");
		return FFA_INVALID_PARAMETERS;
	}
	rc = spmc_mem_check_layout(spmc, d->version, &d->mtd, frag_len,
				   &d->emad_end);
	if (rc != FFA_OK) {
		return rc;
	}
	if (d->mtd.emad_count == 0) {
		spmc_log(spmc, "mem_send: no EMAD");
		return FFA_INVALID_PARAMETERS;
	}
	for (i = 0; i < d->mtd.emad_count; i++) {
		if (ffa_emad_decode(buf, frag_len, &d->mtd, i, &emad) !=
		    FFA_OK) {
			return FFA_INVALID_PARAMETERS;
		}
		if (i == 0) {
			d->comp_offset = emad.composite_offset;
		}
		/* FF-A EMAD: reserved bytes and receiver flags MBZ on send. */
		if (emad.reserved_nonzero || emad.flags != 0) {
			spmc_log(spmc, "mem_send: EMAD reserved field set");
			return FFA_INVALID_PARAMETERS;
		}
		/* All EMADs must carry the same composite offset (§2.2). */
		if (emad.composite_offset != d->comp_offset) {
			spmc_log(spmc, "mem_send: composite offsets differ");
			return FFA_INVALID_PARAMETERS;
		}
	}
	/* Composite after the EMADs and its header inside the fragment. */
	if (d->comp_offset == 0 || d->comp_offset < d->emad_end ||
	    !tzs_range_ok(d->comp_offset, FFA_COMPOSITE_SIZE, frag_len)) {
		spmc_log(spmc, "mem_send: bad composite offset");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/* Step 5: transaction flags. */
static int send_check_flags(struct spmc *spmc, const struct send_desc *d)
{
	/* Zeroing is never allowed for SHARE: the owner keeps access. */
	if (d->kind == FFA_MEM_KIND_SHARE &&
	    (d->mtd.flags & FFA_MEM_FLAG_CLEAR)) {
		spmc_log(spmc, "mem_send: clear flag on SHARE");
		return FFA_INVALID_PARAMETERS;
	}
	if (d->mtd.flags & ~FFA_MEM_SEND_FLAGS_MASK) {
		spmc_log(spmc, "mem_send: flag MBZ bits set");
		return FFA_INVALID_PARAMETERS;
	}
	if (d->kind == FFA_MEM_KIND_DONATE && d->mtd.emad_count > 1) {
		spmc_log(spmc, "mem_send: DONATE to several borrowers");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/* Step 6: receivers known, not the sender, and allowed across worlds. */
static int send_check_receivers(struct spmc *spmc,
				const struct spmc_partition *p,
				const uint8_t *buf, uint32_t frag_len,
				const struct send_desc *d)
{
	struct ffa_emad emad;
	uint32_t nwd = 0;
	uint32_t swd = 0;
	uint32_t i = 0;

	for (i = 0; i < d->mtd.emad_count; i++) {
		ffa_emad_decode(buf, frag_len, &d->mtd, i, &emad);
		if (emad.receiver == d->mtd.sender ||
		    !spmc_partition_find(spmc, emad.receiver)) {
			spmc_log(spmc, "mem_send: unknown receiver or self");
			return FFA_INVALID_PARAMETERS;
		}
		if (FFA_ID_IS_SECURE(emad.receiver)) {
			swd++;
		} else {
			nwd++;
		}
	}
	/* Hafnium as SPMC: SP -> VM anything is denied (ffa.md §3.1). */
	if (FFA_ID_IS_SECURE(p->id)) {
		if (nwd) {
			spmc_log(spmc, "mem_send: SP may not send to a VM");
			return FFA_DENIED;
		}
		return FFA_OK;
	}
	/* VMs lend/donate only to SPs; VM-only sets are the hypervisor's. */
	if (d->kind != FFA_MEM_KIND_SHARE && nwd) {
		spmc_log(spmc, "mem_send: VM may lend/donate only to SPs");
		return FFA_DENIED;
	}
	if (swd == 0 || nwd > 1) {
		spmc_log(spmc, "mem_send: VM share needs an SP and <= 1 VM");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/* Steps 7-9: lengths, sender, composite and constituent array size. */
static int send_check_lengths(struct spmc *spmc, const struct spmc_partition *p,
			      const uint8_t *buf, uint32_t frag_len,
			      uint32_t total_len, struct send_desc *d)
{
	uint64_t min_len = 0;
	uint64_t cons_offset = 0;
	uint64_t cons_len = 0;

	/*
	 * First fragment: header + one EMAD + composite (step 7). Implied by
	 * the composite offset checks of step 4; kept as Hafnium has it.
	 */
	if (NEVER(ovf_add((uint64_t)d->mtd.emad_offset + d->mtd.emad_size,
			  FFA_COMPOSITE_SIZE, &min_len) ||
		  frag_len < min_len)) {
		spmc_log(spmc, "mem_send: first fragment too short");
		return FFA_INVALID_PARAMETERS;
	}
	if (frag_len % 16 || total_len % 16) {
		spmc_log(spmc, "mem_send: length not a multiple of 16");
		return FFA_INVALID_PARAMETERS;
	}
	/* Step 8: the descriptor's sender must be the caller. */
	if (d->mtd.sender != p->id) {
		spmc_log(spmc, "mem_send: sender is not the caller");
		return FFA_DENIED;
	}
	/* Step 9: room for the composite and at least one constituent. */
	if ((uint64_t)d->emad_end + FFA_COMPOSITE_SIZE + FFA_CONSTITUENT_SIZE >
	    total_len) {
		spmc_log(spmc, "mem_send: total length too short");
		return FFA_INVALID_PARAMETERS;
	}
	if (d->comp_offset % 16) {
		spmc_log(spmc, "mem_send: composite offset not 16-aligned");
		return FFA_INVALID_PARAMETERS;
	}
	if (ffa_composite_decode(buf, frag_len, d->comp_offset, &d->comp) !=
	    FFA_OK) {
		return FFA_INVALID_PARAMETERS;
	}
	if (d->comp.reserved != 0) {
		spmc_log(spmc, "mem_send: composite reserved field set");
		return FFA_INVALID_PARAMETERS;
	}
	cons_offset = (uint64_t)d->comp_offset + FFA_COMPOSITE_SIZE;
	cons_len = total_len - cons_offset; /* comp fits frag <= total */
	if (cons_len % FFA_CONSTITUENT_SIZE ||
	    cons_len / FFA_CONSTITUENT_SIZE != d->comp.constituent_count) {
		spmc_log(spmc, "mem_send: length does not match count");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/* Step 10: per-EMAD rules. */
static int send_check_emads(struct spmc *spmc, const uint8_t *buf,
			    uint32_t frag_len, const struct send_desc *d)
{
	struct ffa_emad emad;
	struct ffa_emad other;
	uint32_t i = 0;
	uint32_t j = 0;

	for (i = 0; i < d->mtd.emad_count; i++) {
		uint8_t data = 0;
		uint8_t instr = 0;

		ffa_emad_decode(buf, frag_len, &d->mtd, i, &emad);
		data = emad.perms & FFA_PERM_DATA_MASK;
		instr = emad.perms & FFA_PERM_INSTR_MASK;
		for (j = i + 1; j < d->mtd.emad_count; j++) {
			ffa_emad_decode(buf, frag_len, &d->mtd, j, &other);
			if (other.receiver == emad.receiver) {
				spmc_log(spmc, "mem_send: repeated receiver");
				return FFA_INVALID_PARAMETERS;
			}
		}
		/* Permission bits [7:4] MBZ: strict (ffa.md §7.3). */
		if (emad.perms & FFA_PERM_MBZ_MASK) {
			spmc_log(spmc, "mem_send: permission MBZ bits set");
			return FFA_INVALID_PARAMETERS;
		}
		if (data == FFA_PERM_DATA_RESERVED ||
		    instr == FFA_PERM_INSTR_RESERVED) {
			spmc_log(spmc, "mem_send: reserved permission value");
			return FFA_INVALID_PARAMETERS;
		}
		/* The sender never specifies instruction access (§3.1). */
		if (instr != FFA_PERM_INSTR_NOT_SPECIFIED) {
			spmc_log(spmc, "mem_send: instruction access given");
			return FFA_INVALID_PARAMETERS;
		}
		if (d->kind != FFA_MEM_KIND_DONATE &&
		    data == FFA_PERM_DATA_NOT_SPECIFIED) {
			spmc_log(spmc, "mem_send: data access not specified");
			return FFA_INVALID_PARAMETERS;
		}
		if (d->kind == FFA_MEM_KIND_DONATE &&
		    data != FFA_PERM_DATA_NOT_SPECIFIED) {
			spmc_log(spmc, "mem_send: DONATE with data access");
			return FFA_INVALID_PARAMETERS;
		}
	}
	return FFA_OK;
}

/* Step 11: memory region attributes. */
static int send_check_attributes(struct spmc *spmc, const struct send_desc *d)
{
	uint16_t attr = d->mtd.attributes;

	/* The NS bit is the relayer's to set (ffa.md §2.4). */
	if (attr & FFA_MEM_ATTR_NS) {
		spmc_log(spmc, "mem_send: NS bit set");
		return FFA_INVALID_PARAMETERS;
	}
	/*
	 * DONATE and single-borrower LEND leave the type to the borrower.
	 * Only the type field is checked, as Hafnium does: its own tests send
	 * 0x0F (ffa.md §7.1).
	 */
	if (d->kind == FFA_MEM_KIND_DONATE ||
	    (d->kind == FFA_MEM_KIND_LEND && d->mtd.emad_count == 1)) {
		if (attr & FFA_MEM_ATTR_TYPE_MASK) {
			spmc_log(spmc, "mem_send: memory type must be unset");
			return FFA_INVALID_PARAMETERS;
		}
		return FFA_OK;
	}
	return spmc_mem_attributes_validate(spmc, attr);
}

static int send_validate(struct spmc *spmc, const struct spmc_partition *p,
			 const uint8_t *buf, uint32_t frag_len,
			 uint32_t total_len, struct send_desc *d)
{
	int rc = 0;

	rc = send_check_header(spmc, buf, frag_len, d);
	if (rc == FFA_OK) {
		rc = send_check_flags(spmc, d);
	}
	if (rc == FFA_OK) {
		rc = send_check_receivers(spmc, p, buf, frag_len, d);
	}
	if (rc == FFA_OK) {
		rc = send_check_lengths(spmc, p, buf, frag_len, total_len, d);
	}
	if (rc == FFA_OK) {
		rc = send_check_emads(spmc, buf, frag_len, d);
	}
	if (rc == FFA_OK) {
		rc = send_check_attributes(spmc, d);
	}
	return rc;
}

/* Record the validated header fields in a freshly allocated share state. */
static void share_fill(struct spmc_mem_share *share, const uint8_t *buf,
		       uint32_t frag_len, const struct send_desc *d)
{
	struct ffa_emad emad;
	uint32_t i = 0;

	share->sender = d->mtd.sender;
	share->attributes = d->mtd.attributes;
	share->flags = d->mtd.flags;
	share->tag = d->mtd.tag;
	share->emad_size = d->mtd.emad_size;
	share->borrower_count = d->mtd.emad_count;
	for (i = 0; i < d->mtd.emad_count; i++) {
		struct spmc_mem_borrower *b = &share->borrowers[i];

		ffa_emad_decode(buf, frag_len, &d->mtd, i, &emad);
		b->id = emad.receiver;
		b->perms = emad.perms;
		/*
		 * SHARE and multi-borrower LEND are always NX (ffa.md §3.1):
		 * the relayer stores it, as Hafnium does, so that a hypervisor
		 * retrieve reports what borrowers will get.
		 */
		if (d->kind == FFA_MEM_KIND_SHARE ||
		    (d->kind == FFA_MEM_KIND_LEND && d->mtd.emad_count > 1)) {
			b->perms |= FFA_PERM_INSTR_NX;
		}
		b->emad_flags = emad.flags;
		b->impdef[0] = emad.impdef[0];
		b->impdef[1] = emad.impdef[1];
	}
	share->cons_count = d->comp.constituent_count;
	share->comp_page_count = d->comp.page_count;
}

static enum ffa_mem_kind kind_of(uint32_t fid)
{
	switch (FFA_FID_SMC32(fid)) {
	case FFA_MEM_DONATE_32:
		return FFA_MEM_KIND_DONATE;
	case FFA_MEM_LEND_32:
		return FFA_MEM_KIND_LEND;
	default:
		return FFA_MEM_KIND_SHARE;
	}
}

/**
 * spmc_mem_send() - FFA_MEM_SHARE/LEND/DONATE. Errors, in order (ffa.md
 * §3.3):
 *  1. INVALID_PARAMETERS: x3/w4 (dynamic buffer) not zero;
 *  2. INVALID_PARAMETERS: fragment > total, no TX, fragment > TX size;
 *  3. NO_MEMORY: no memory for the private copy;
 *  4. INVALID_PARAMETERS: header/EMAD MBZ, layout not valid for the caller's
 *     version, EMAD count 0 or too big, EMAD array or composite outside the
 *     fragment, composite offsets differ;
 *  5. INVALID_PARAMETERS: clear on SHARE, flag MBZ bits, DONATE to many;
 *  6. INVALID_PARAMETERS: unknown receiver or receiver == sender;
 *     DENIED: forbidden world combination;
 *  7. INVALID_PARAMETERS: first fragment too short, lengths not 16-aligned;
 *  8. DENIED: descriptor sender is not the caller;
 *  9. INVALID_PARAMETERS: total too short, composite misaligned, length does
 *     not match the constituent count;
 * 10. INVALID_PARAMETERS: repeated receiver, permission MBZ/reserved
 *     values, instruction access given, data access wrong for the kind;
 * 11. INVALID_PARAMETERS: NS bit, type set on DONATE/single LEND;
 *     DENIED: attributes other than Normal-WB-IS / Device-nGnRnE-IS;
 * 12. NO_MEMORY: share-state pool exhausted;
 * 13. completion errors, see spmc_mem_send_complete().
 */
void spmc_mem_send(struct spmc *spmc, struct spmc_partition *p, uint32_t fid,
		   const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t total_len = (uint32_t)in->x[1];
	uint32_t frag_len = (uint32_t)in->x[2];
	struct spmc_mem_share *share = NULL;
	struct send_desc d;
	uint32_t cons_offset = 0;
	uint8_t *buf = NULL;
	int rc = 0;

	tzs_memset(&d, 0, sizeof(d));
	d.kind = kind_of(fid);
	d.version = spmc_caller_version(p);
	/* Step 1: only the TX buffer is supported. */
	if (in->x[3] != 0 || (uint32_t)in->x[4] != 0) {
		spmc_log(spmc, "mem_send: dynamic buffers are not supported");
		rc = FFA_INVALID_PARAMETERS;
		goto out;
	}
	/* Step 2. */
	if (frag_len > total_len || !p->mb.mapped || !p->mb.tx ||
	    frag_len > spmc_mem_tx_limit(p)) {
		spmc_log(spmc, "mem_send: bad lengths or no TX buffer");
		rc = FFA_INVALID_PARAMETERS;
		goto out;
	}
	/* Step 3: copy first, then validate the copy only (no TOCTOU). */
	buf = spmc_alloc(spmc, frag_len ? frag_len : 1);
	if (!buf) {
		rc = FFA_NO_MEMORY;
		goto out;
	}
	tzs_memcpy(buf, p->mb.tx, frag_len);
	rc = send_validate(spmc, p, buf, frag_len, total_len, &d);
	if (rc != FFA_OK) {
		goto out_free_buf;
	}
	/* Per-sender quotas (tzshare: one partition must not be able to
	 * exhaust the pool every endpoint shares; Hafnium has no such limit). */
	if (p->mem_shares >= spmc->cfg.max_shares_per_sender ||
	    (frag_len < total_len &&
	     p->mem_partial_sends >= spmc->cfg.max_partial_sends_per_sender)) {
		spmc_log(spmc, "mem_send: sender quota exhausted");
		rc = FFA_NO_MEMORY;
		goto out_free_buf;
	}
	/* Step 12. */
	share = spmc_mem_share_alloc(spmc, d.kind);
	if (!share) {
		spmc_log(spmc, "mem_send: no free share state");
		rc = FFA_NO_MEMORY;
		goto out_free_buf;
	}
	share_fill(share, buf, frag_len, &d);
	share->accounted = true;
	p->mem_shares++;
	if (frag_len < total_len) {
		share->accounted_partial = true;
		p->mem_partial_sends++;
	}
	share->total_len = total_len;
	share->recv_len = frag_len;
	share->frag_count = 1;
	cons_offset = d.comp_offset + FFA_COMPOSITE_SIZE;
	rc = spmc_mem_send_append(spmc, share, buf + cons_offset,
				  frag_len - cons_offset);
	spmc_free(spmc, buf);
	if (rc != FFA_OK) {
		spmc_mem_share_free(spmc, share);
		goto out;
	}
	/* Step 13. */
	if (frag_len < total_len) {
		regs_frag_rx(out, share->handle, frag_len);
		return;
	}
	spmc_mem_send_complete(spmc, share, out);
	return;

out_free_buf:
	spmc_free(spmc, buf);
out:
	ffa_regs_error(out, rc);
}

/* ---- Completion ------------------------------------------------------ */

struct span_key {
	uint64_t base;
	uint64_t end;
};

/* Iterative heap sort by base address (no recursion on peer counts). */
static void sift_down(struct span_key *a, uint32_t root, uint32_t n)
{
	for (;;) {
		uint32_t child = 2 * root + 1;
		struct span_key tmp;

		if (child >= n) {
			return;
		}
		if (child + 1 < n && a[child + 1].base > a[child].base) {
			child++;
		}
		if (a[root].base >= a[child].base) {
			return;
		}
		tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
		root = child;
	}
}

static void heap_sort(struct span_key *a, uint32_t n)
{
	uint32_t i = 0;

	for (i = n / 2; i > 0; i--) {
		sift_down(a, i - 1, n);
	}
	for (i = n; i > 1; i--) {
		struct span_key tmp = a[0];

		a[0] = a[i - 1];
		a[i - 1] = tmp;
		sift_down(a, 0, i - 1);
	}
}

/* True when the ranges are in ascending order without overlap (the usual
 * case: then no sort is needed). */
static bool ranges_ascending(const struct spmc_mem_share *share)
{
	uint32_t i = 0;

	for (i = 1; i < share->range_count; i++) {
		const struct spmc_mem_range *a = &share->ranges[i - 1];

		if (a->base + ((uint64_t)a->page_count << TZS_PAGE_SHIFT) >
		    share->ranges[i].base) {
			return false;
		}
	}
	return true;
}

/* No two ranges may share a page, within one fragment or across
 * fragments (ffa.md §3.3 step 13; Hafnium fix "overlapping constituents"). */
static int check_overlap(struct spmc *spmc, const struct spmc_mem_share *share)
{
	struct span_key *keys = NULL;
	uint32_t n = share->range_count;
	uint32_t i = 0;
	int rc = FFA_OK;

	if (n < 2 || ranges_ascending(share)) {
		return FFA_OK;
	}
	keys = spmc_alloc(spmc, (size_t)n * sizeof(*keys));
	if (!keys) {
		return FFA_NO_MEMORY;
	}
	for (i = 0; i < n; i++) {
		keys[i].base = share->ranges[i].base;
		keys[i].end = share->ranges[i].base +
			      ((uint64_t)share->ranges[i].page_count
			       << TZS_PAGE_SHIFT);
	}
	heap_sort(keys, n);
	for (i = 1; i < n; i++) {
		if (keys[i].base < keys[i - 1].end) {
			spmc_log(spmc, "mem_send: overlapping constituents");
			rc = FFA_INVALID_PARAMETERS;
			break;
		}
	}
	spmc_free(spmc, keys);
	return rc;
}

/* Room for @more ranges (geometric growth, never beyond cons_count). */
static int ranges_reserve(struct spmc *spmc, struct spmc_mem_share *share,
			  uint32_t more)
{
	uint64_t need = (uint64_t)share->range_count + more;
	uint64_t cap = share->range_cap ? share->range_cap : 16;
	struct spmc_mem_range *nr = NULL;

	if (need <= share->range_cap) {
		return FFA_OK;
	}
	while (cap < need) {
		cap *= 2;
	}
	if (cap > share->cons_count) {
		cap = share->cons_count; /* >= need: bytes <= total_len */
	}
	if (NEVER(cap < need) || cap * sizeof(*nr) > SIZE_MAX) {
		return FFA_NO_MEMORY;
	}
	nr = spmc_alloc(spmc, (size_t)cap * sizeof(*nr));
	if (!nr) {
		spmc_log(spmc, "mem_send: no memory for the range table");
		return FFA_NO_MEMORY;
	}
	if (share->range_count) {
		tzs_memcpy(nr, share->ranges,
			   (size_t)share->range_count * sizeof(*nr));
	}
	spmc_free(spmc, share->ranges);
	share->ranges = nr;
	share->range_cap = (uint32_t)cap;
	return FFA_OK;
}

/* Structural rules of one constituent (ffa.md §3.3 step 13). */
static int check_constituent(struct spmc *spmc, const struct ffa_constituent *c)
{
	uint64_t end = 0;

	if (c->reserved != 0) {
		spmc_log(spmc, "mem_send: constituent reserved set");
		return FFA_INVALID_PARAMETERS;
	}
	if (c->page_count == 0) {
		spmc_log(spmc, "mem_send: constituent of zero pages");
		return FFA_INVALID_PARAMETERS;
	}
	if (c->address & (TZS_PAGE_SIZE - 1)) {
		spmc_log(spmc, "mem_send: address not 4K aligned");
		return FFA_INVALID_PARAMETERS;
	}
	if (ovf_add(c->address, (uint64_t)c->page_count << TZS_PAGE_SHIFT,
		    &end)) {
		spmc_log(spmc, "mem_send: constituent wraps");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/* Append one checked constituent, merging it into the previous range when
 * it continues it. Order is kept: borrowers map the ranges in order. */
static void range_push(struct spmc_mem_share *share,
		       const struct ffa_constituent *c)
{
	struct spmc_mem_range *r = NULL;

	share->page_count += c->page_count;
	if (share->range_count) {
		r = &share->ranges[share->range_count - 1];
		if (r->base + ((uint64_t)r->page_count << TZS_PAGE_SHIFT) ==
			    c->address &&
		    (uint64_t)r->page_count + c->page_count <= UINT32_MAX) {
			r->page_count += c->page_count;
			return;
		}
	}
	share->ranges[share->range_count].base = c->address;
	share->ranges[share->range_count].page_count = c->page_count;
	share->range_count++;
}

int spmc_mem_send_append(struct spmc *spmc, struct spmc_mem_share *share,
			 const uint8_t *src, uint32_t len)
{
	uint32_t n = len / FFA_CONSTITUENT_SIZE;
	struct ffa_constituent c;
	uint32_t i = 0;
	int rc = 0;

	CHECK(len % FFA_CONSTITUENT_SIZE == 0);
	rc = ranges_reserve(spmc, share, n);
	if (rc != FFA_OK) {
		return rc;
	}
	for (i = 0; i < n; i++) {
		/* One read of the constituent into @c, then only @c is used. */
		ffa_constituent_decode(src, len, (uint64_t)i * 16, &c);
		rc = check_constituent(spmc, &c);
		if (rc != FFA_OK) {
			if (share->deferred_rc == FFA_OK) {
				share->deferred_rc = rc;
			}
			continue;
		}
		range_push(share, &c);
	}
	return FFA_OK;
}

/* Mode of the first page: every other page must match it. */
struct page_mode {
	bool set;
	uint8_t perm;
	enum spmc_mem_type type;
	bool secure;
};

static int check_span(struct spmc *spmc, const struct spmc_mem_share *share,
		      const struct spmc_mem_span *span, struct page_mode *m)
{
	uint64_t i = 0;

	if (!m->set) {
		m->set = true;
		m->perm = span->pages[0].owner_perm;
		m->type = span->region->type;
		m->secure = span->region->secure;
	}
	if (span->region->type != m->type ||
	    span->region->secure != m->secure) {
		spmc_log(spmc, "mem_send: pages of mixed memory types");
		return FFA_DENIED;
	}
	for (i = 0; i < span->page_count; i++) {
		const struct spmc_mem_page *pg = &span->pages[i];

		/* The sender must be Owner-EA of every page (§3.1). */
		if (pg->owner != share->sender || pg->share != 0) {
			spmc_log(spmc, "mem_send: page not owned exclusively");
			return FFA_DENIED;
		}
		/* A mapped RX/TX page is written by the SPMC: never give it
		 * away (tzshare rule; a borrower would read the owner's
		 * messages, or own a page the SPMC keeps writing). */
		if (pg->flags & SPMC_PAGE_MAILBOX) {
			spmc_log(spmc, "mem_send: page is an RX/TX buffer");
			return FFA_DENIED;
		}
		if (pg->owner_perm != m->perm) {
			spmc_log(spmc, "mem_send: pages of mixed access");
			return FFA_DENIED;
		}
	}
	return FFA_OK;
}

/* Ownership and state of every page: the DENIED checks of step 13. */
static int check_pages(struct spmc *spmc, struct spmc_mem_share *share,
		       struct page_mode *m)
{
	struct spmc_mem_span span;
	uint32_t i = 0;
	int rc = 0;

	for (i = 0; i < share->range_count; i++) {
		uint64_t pa = share->ranges[i].base;
		uint64_t left = share->ranges[i].page_count;

		while (left) {
			if (!spmc_mem_span_get(spmc->mem, pa, left, &span)) {
				spmc_log(spmc, "mem_send: page not in memory");
				return FFA_DENIED;
			}
			rc = check_span(spmc, share, &span, m);
			if (rc != FFA_OK) {
				return rc;
			}
			left -= span.page_count;
			pa += span.page_count << TZS_PAGE_SHIFT;
		}
	}
	return FFA_OK;
}

/* Rules that depend on what the pages are (ffa.md §3.1, §3.2). */
static int check_mode(struct spmc *spmc, const struct spmc_mem_share *share,
		      const struct page_mode *m)
{
	uint32_t i = 0;

	for (i = 0; i < share->borrower_count; i++) {
		const struct spmc_mem_borrower *b = &share->borrowers[i];

		/* Secure memory never goes to the normal world. */
		if (m->secure && !FFA_ID_IS_SECURE(b->id)) {
			spmc_log(spmc, "mem_send: secure memory to a VM");
			return FFA_DENIED;
		}
		/* No borrower gets more than the owner has. */
		if (m->perm == FFA_PERM_DATA_RO &&
		    (b->perms & FFA_PERM_DATA_MASK) == FFA_PERM_DATA_RW) {
			spmc_log(spmc, "mem_send: RW from a read-only owner");
			return FFA_DENIED;
		}
	}
	/* Device memory: never as Normal, only LEND to a single borrower. */
	if (m->type == SPMC_MEM_DEVICE &&
	    (share->attributes & FFA_MEM_ATTR_TYPE_MASK) ==
		    FFA_MEM_ATTR_TYPE_NORMAL) {
		spmc_log(spmc, "mem_send: device memory sent as Normal");
		return FFA_DENIED;
	}
	if (m->type == SPMC_MEM_DEVICE &&
	    (share->kind != FFA_MEM_KIND_LEND || share->borrower_count != 1)) {
		spmc_log(spmc, "mem_send: device memory only lent to one");
		return FFA_DENIED;
	}
	/* Zeroing needs the owner's write access (Hafnium). */
	if ((share->flags & FFA_MEM_FLAG_CLEAR) &&
	    m->perm != FFA_PERM_DATA_RW) {
		spmc_log(spmc, "mem_send: clear on read-only memory");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/**
 * spmc_mem_send_complete() - step 13 of ffa.md §3.3 once every fragment is
 * in. Errors:
 *  1. INVALID_PARAMETERS: no constituents, constituent reserved field set,
 *     zero pages, unaligned address, range wraps, page count differs from
 *     the composite, overlapping ranges;
 *  2. DENIED: a page outside memory, not owned by the sender in Owner-EA,
 *     pages of mixed type/security/access, secure memory to a VM, device
 *     memory not lent to one borrower or sent as Normal, clear or RW on
 *     read-only memory;
 *  3. NO_MEMORY: no memory for the range table.
 * Any error frees the share state.
 */
void spmc_mem_send_complete(struct spmc *spmc, struct spmc_mem_share *share,
			    struct ffa_regs *out)
{
	struct page_mode m;
	int rc = 0;

	tzs_memset(&m, 0, sizeof(m));
	CHECK(share->recv_len == share->total_len);
	rc = share->deferred_rc;
	if (rc == FFA_OK && share->cons_count == 0) {
		spmc_log(spmc, "mem_send: no constituents");
		rc = FFA_INVALID_PARAMETERS;
	}
	if (rc == FFA_OK && share->page_count != share->comp_page_count) {
		spmc_log(spmc, "mem_send: page count does not match composite");
		rc = FFA_INVALID_PARAMETERS;
	}
	if (rc == FFA_OK) {
		rc = check_overlap(spmc, share);
	}
	if (rc == FFA_OK) {
		rc = check_pages(spmc, share, &m);
	}
	if (rc == FFA_OK) {
		rc = check_mode(spmc, share, &m);
	}
	if (rc != FFA_OK) {
		spmc_mem_share_free(spmc, share);
		ffa_regs_error(out, rc);
		return;
	}
	share->orig_perm = m.perm;
	share->mem_type = m.type;
	share->mem_secure = m.secure;
	spmc_mem_share_mark(spmc, share, spmc_mem_share_index(spmc, share) + 1,
			    NULL);
	/* Zero-before-retrieve: cleared now, before any borrower maps it
	 * (ffa.md §3.2, Hafnium clears at send completion). */
	if (share->flags & FFA_MEM_FLAG_CLEAR) {
		spmc_mem_share_zero(spmc, share);
	}
	if (share->accounted_partial) {
		struct spmc_partition *p =
			spmc_partition_find(spmc, share->sender);

		if (!NEVER(!p)) {
			p->mem_partial_sends--;
		}
		share->accounted_partial = false;
	}
	share->complete = true;
	ffa_regs_success(out, (uint32_t)share->handle,
			 (uint32_t)(share->handle >> 32));
}
