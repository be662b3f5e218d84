// SPDX-License-Identifier: BSD-2-Clause
/*
 * FFA_MEM_RETRIEVE_REQ (32/64) and the FFA_MEM_RETRIEVE_RESP it produces.
 *
 * A borrower's request is copied out of its TX buffer and validated in the
 * order of ffa.md §3.3 (retrieve steps 1-7). The response is a fresh
 * descriptor in the caller's layout (ffa.md §4): header, one EMAD for the
 * caller with the granted permissions and the sender's impdef, the
 * composite, and as many constituents as fit the caller's RX buffer. When
 * they do not all fit, the borrower fetches the rest with FFA_MEM_FRAG_RX
 * (mem_frag.c); the retrieval counts as complete only after the last chunk.
 *
 * Per borrower there is one outstanding retrieval (Hafnium): retrieving
 * again before relinquishing is DENIED. A DONATE moves ownership to the
 * borrower when its retrieval completes and the share state is freed.
 *
 * The hypervisor retrieve request (EMAD count 0, ffa.md §6) returns the
 * whole transaction (all EMADs) to the configured hypervisor without
 * changing any state; one may be in flight per transaction.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

struct resp_layout {
	uint32_t version;
	uint32_t emad_size;
	uint32_t emad_offset;
	uint32_t emad_count;
};

/* What a validated request grants the caller. */
struct grant {
	struct spmc_mem_borrower *b;
	uint8_t perms; /* data | instruction access */
};

static void layout_for(struct resp_layout *l, uint32_t version,
		       uint32_t emad_size, uint32_t emad_count)
{
	l->version = version;
	if (ffa_version_uses_v1_0_mtd(version)) {
		l->emad_size = FFA_EMAD_V1_0_SIZE;
		l->emad_offset = FFA_MTD_V1_0_SIZE;
	} else {
		l->emad_size = emad_size;
		l->emad_offset = FFA_MTD_SIZE;
	}
	l->emad_count = emad_count;
}

/* Bytes before the first constituent of a response. */
static uint64_t resp_header_len(const struct resp_layout *l)
{
	return l->emad_offset + (uint64_t)l->emad_count * l->emad_size +
	       FFA_COMPOSITE_SIZE;
}

static void write_ranges(const struct spmc_mem_share *share, uint32_t first,
			 uint32_t n, uint8_t *dst)
{
	struct ffa_constituent c;
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		c.address = share->ranges[first + i].base;
		c.page_count = share->ranges[first + i].page_count;
		c.reserved = 0;
		ffa_constituent_encode(dst + (size_t)i * FFA_CONSTITUENT_SIZE,
				       FFA_CONSTITUENT_SIZE, &c);
	}
}

static void emad_fill(const struct spmc_mem_borrower *b, uint8_t perms,
		      uint32_t comp_offset, struct ffa_emad *e)
{
	tzs_memset(e, 0, sizeof(*e));
	e->receiver = b->id;
	e->perms = perms;
	e->flags = b->emad_flags;
	e->composite_offset = comp_offset;
	e->impdef[0] = b->impdef[0];
	e->impdef[1] = b->impdef[1];
}

/*
 * Write the first fragment of a response into @rx (@cap bytes): one EMAD for
 * @only with @perms, or every borrower's EMAD as sent when @only is NULL.
 * Returns FFA_NO_MEMORY when the header part does not fit @cap.
 */
static int resp_write_first(const struct spmc_mem_share *share,
			    const struct resp_layout *l,
			    const struct spmc_mem_borrower *only, uint8_t perms,
			    uint8_t *rx, uint32_t cap,
			    struct spmc_mem_resp *resp)
{
	uint64_t cons_off = resp_header_len(l);
	uint64_t comp_off = cons_off - FFA_COMPOSITE_SIZE;
	uint64_t total =
		cons_off + (uint64_t)share->range_count * FFA_CONSTITUENT_SIZE;
	struct ffa_composite comp;
	struct ffa_emad e;
	struct ffa_mtd mtd;
	uint32_t n = 0;
	uint32_t i = 0;

	if (cons_off > cap || total > UINT32_MAX) {
		return FFA_NO_MEMORY;
	}
	n = (uint32_t)((cap - cons_off) / FFA_CONSTITUENT_SIZE);
	if (n > share->range_count) {
		n = share->range_count;
	}
	tzs_memset(&mtd, 0, sizeof(mtd));
	mtd.sender = share->sender;
	/* The relayer sets the NS bit when the memory is non-secure. */
	mtd.attributes =
		share->attributes | (share->mem_secure ? 0 : FFA_MEM_ATTR_NS);
	/* Sender flags (bit0 now reads "memory was zeroed") + type bits. */
	mtd.flags = share->flags |
		    ((uint32_t)share->kind << FFA_MEM_FLAG_TYPE_SHIFT);
	mtd.handle = share->handle;
	/*
	 * Deliberate deviation: Hafnium writes tag 0 in every response; we
	 * echo the sender's tag as TF-A does, because borrowers such as
	 * OP-TEE use the tag as the use case of the memory (ffa.md §6).
	 */
	mtd.tag = share->tag;
	mtd.emad_size = l->emad_size;
	mtd.emad_count = l->emad_count;
	mtd.emad_offset = l->emad_offset;
	ffa_mtd_encode(rx, cap, l->version, &mtd);
	for (i = 0; i < l->emad_count; i++) {
		const struct spmc_mem_borrower *b =
			only ? only : &share->borrowers[i];
		uint64_t off = l->emad_offset + (uint64_t)i * l->emad_size;

		emad_fill(b, only ? perms : b->perms, (uint32_t)comp_off, &e);
		ffa_emad_encode(rx + off, cap - off, l->emad_size, &e);
	}
	comp.page_count = (uint32_t)share->page_count;
	comp.constituent_count = share->range_count;
	comp.reserved = 0;
	ffa_composite_encode(rx + comp_off, cap - comp_off, &comp);
	write_ranges(share, 0, n, rx + cons_off);
	resp->total_len = (uint32_t)total;
	resp->sent_len = (uint32_t)(cons_off + (uint64_t)n * 16);
	resp->next_range = n;
	resp->active = n < share->range_count;
	return FFA_OK;
}

uint32_t spmc_mem_resp_write_next(const struct spmc_mem_share *share,
				  struct spmc_mem_resp *resp, uint8_t *rx,
				  uint32_t cap)
{
	uint32_t left = share->range_count - resp->next_range;
	uint32_t n = cap / FFA_CONSTITUENT_SIZE;

	if (n > left) {
		n = left;
	}
	write_ranges(share, resp->next_range, n, rx);
	resp->next_range += n;
	resp->sent_len += n * FFA_CONSTITUENT_SIZE;
	resp->active = resp->next_range < share->range_count;
	return n * FFA_CONSTITUENT_SIZE;
}

/* A DONATE is finished: the borrower becomes Owner-EA of every page. */
static void donate_transfer(struct spmc *spmc, struct spmc_mem_share *share,
			    const struct spmc_mem_borrower *b)
{
	struct spmc_mem_page pg = { .owner = b->id,
				    .owner_perm =
					    b->granted & FFA_PERM_DATA_MASK };

	spmc_mem_share_mark(spmc, share, 0, &pg);
}

void spmc_mem_retrieve_done(struct spmc *spmc, struct spmc_mem_share *share,
			    struct spmc_mem_borrower *b)
{
	b->retrieved = true;
	b->retrieve_count++;
	if (share->kind == FFA_MEM_KIND_DONATE) {
		/* Donated memory cannot be relinquished: nothing to keep. */
		donate_transfer(spmc, share, b);
		spmc_mem_share_free(spmc, share);
	}
}

/* Step 3: sanity of the request's EMADs. */
static int req_check_emads(struct spmc *spmc, const uint8_t *buf, uint32_t len,
			   const struct ffa_mtd *mtd)
{
	struct ffa_emad e;
	uint32_t i = 0;

	for (i = 0; i < mtd->emad_count; i++) {
		if (NEVER(ffa_emad_decode(buf, len, mtd, i, &e) != FFA_OK)) {
			return FFA_INVALID_PARAMETERS;
		}
		if (e.reserved_nonzero ||
		    (e.flags & ~FFA_EMAD_FLAG_RETRIEVER)) {
			spmc_log(spmc, "mem_retrieve: EMAD reserved field set");
			return FFA_INVALID_PARAMETERS;
		}
		/* Retriever-chosen address ranges are not supported. */
		if (e.composite_offset != 0) {
			spmc_log(spmc, "mem_retrieve: composite offset not 0");
			return FFA_INVALID_PARAMETERS;
		}
		if ((e.perms & FFA_PERM_MBZ_MASK) ||
		    (e.perms & FFA_PERM_DATA_MASK) == FFA_PERM_DATA_RESERVED ||
		    (e.perms & FFA_PERM_INSTR_MASK) ==
			    FFA_PERM_INSTR_RESERVED) {
			spmc_log(spmc, "mem_retrieve: bad permission value");
			return FFA_INVALID_PARAMETERS;
		}
	}
	return FFA_OK;
}

/* Step 4: the handle must name a complete, live transaction. */
static int req_find_share(struct spmc *spmc, uint64_t handle,
			  struct spmc_mem_share **out)
{
	struct spmc_mem_share *share = spmc_mem_share_lookup(spmc, handle);

	if (!share) {
		spmc_log(spmc, "mem_retrieve: unknown handle");
		return FFA_INVALID_PARAMETERS;
	}
	if (!share->complete) {
		spmc_log(spmc, "mem_retrieve: send not complete");
		return FFA_INVALID_PARAMETERS;
	}
	if (share->pending_reclaim) {
		spmc_log(spmc, "mem_retrieve: owner gone, reclaim pending");
		return FFA_DENIED;
	}
	*out = share;
	return FFA_OK;
}

/* Step 5: header of the request against the stored transaction. */
static int req_check_header(struct spmc *spmc, const struct spmc_partition *p,
			    const struct ffa_mtd *mtd, uint32_t len,
			    uint32_t emad_end, struct spmc_mem_share *share)
{
	uint32_t version = spmc_caller_version(p);
	uint32_t type = mtd->flags & FFA_MEM_FLAG_TYPE_MASK;
	uint32_t mask = version >= FFA_VERSION_1_2 ?
				FFA_MEM_RETRIEVE_FLAGS_MASK_V1_2 :
				FFA_MEM_RETRIEVE_FLAGS_MASK_V1_1;
	const struct spmc_mem_borrower *b = NULL;
	uint32_t clear = FFA_MEM_FLAG_CLEAR | FFA_MEM_FLAG_CLEAR_RELINQUISH;

	if (len != emad_end) {
		spmc_log(spmc, "mem_retrieve: length is not header + EMADs");
		return FFA_INVALID_PARAMETERS;
	}
	if (mtd->sender != share->sender) {
		spmc_log(spmc, "mem_retrieve: sender is not the owner");
		return FFA_DENIED;
	}
	if (type && type >> FFA_MEM_FLAG_TYPE_SHIFT != (uint32_t)share->kind) {
		spmc_log(spmc, "mem_retrieve: wrong transaction type");
		return FFA_INVALID_PARAMETERS;
	}
	if (mtd->tag != share->tag) {
		spmc_log(spmc, "mem_retrieve: tag mismatch");
		return FFA_INVALID_PARAMETERS;
	}
	b = spmc_mem_borrower_find(share, p->id);
	if (!b) {
		spmc_log(spmc, "mem_retrieve: caller is not a borrower");
		return FFA_INVALID_PARAMETERS;
	}
	/* Address-range alignment hints are not supported (Hf, TF-A). */
	if (mtd->flags & (FFA_MEM_FLAG_HINT_VALID | FFA_MEM_FLAG_HINT_MASK)) {
		spmc_log(spmc, "mem_retrieve: alignment hint not supported");
		return FFA_INVALID_PARAMETERS;
	}
	if (mtd->flags & ~mask) {
		spmc_log(spmc, "mem_retrieve: flag MBZ bits set");
		return FFA_INVALID_PARAMETERS;
	}
	if (share->kind == FFA_MEM_KIND_SHARE && (mtd->flags & clear)) {
		spmc_log(spmc, "mem_retrieve: clear flags on a SHARE");
		return FFA_INVALID_PARAMETERS;
	}
	if ((mtd->flags & FFA_MEM_FLAG_CLEAR) &&
	    !(share->flags & FFA_MEM_FLAG_CLEAR)) {
		spmc_log(spmc, "mem_retrieve: clear not requested by sender");
		return FFA_DENIED;
	}
	/* Zero-before-retrieve is MBZ when retrieving again (ACS). */
	if ((mtd->flags & FFA_MEM_FLAG_CLEAR) && b->retrieve_count) {
		spmc_log(spmc, "mem_retrieve: clear on a repeated retrieve");
		return FFA_INVALID_PARAMETERS;
	}
	if (mtd->attributes & FFA_MEM_ATTR_NS) {
		spmc_log(spmc, "mem_retrieve: NS bit set");
		return FFA_INVALID_PARAMETERS;
	}
	/* Type "not specified": the borrower takes what the SPMC reports. */
	if (!(mtd->attributes & FFA_MEM_ATTR_TYPE_MASK)) {
		return FFA_OK;
	}
	return spmc_mem_attributes_validate(spmc, mtd->attributes);
}

/*
 * Hafnium's ffa_memory_retrieve_is_memory_access_valid(): the data access
 * may only stay or shrink (DENIED); instruction access must be left
 * unspecified for SHARE and multi-borrower LEND and specified for single
 * LEND and DONATE (INVALID_PARAMETERS). Returns the granted permissions.
 */
static int access_check(struct spmc *spmc, const struct spmc_mem_share *share,
			uint8_t sent, uint8_t req, uint8_t *granted)
{
	uint8_t sd = sent & FFA_PERM_DATA_MASK;
	uint8_t rd = req & FFA_PERM_DATA_MASK;
	uint8_t ri = req & FFA_PERM_INSTR_MASK;
	bool x_allowed = share->kind == FFA_MEM_KIND_DONATE ||
			 (share->kind == FFA_MEM_KIND_LEND &&
			  share->borrower_count == 1);
	uint8_t data = 0;

	if (sd == FFA_PERM_DATA_RO) {
		if (rd != FFA_PERM_DATA_NOT_SPECIFIED &&
		    rd != FFA_PERM_DATA_RO) {
			spmc_log(spmc, "mem_retrieve: RW asked, RO was sent");
			return FFA_DENIED;
		}
		data = FFA_PERM_DATA_RO;
	} else {
		data = rd == FFA_PERM_DATA_RO ? FFA_PERM_DATA_RO :
						FFA_PERM_DATA_RW;
	}
	if (!x_allowed && ri != FFA_PERM_INSTR_NOT_SPECIFIED) {
		spmc_log(spmc, "mem_retrieve: instruction access given");
		return FFA_INVALID_PARAMETERS;
	}
	if (x_allowed && ri == FFA_PERM_INSTR_NOT_SPECIFIED) {
		spmc_log(spmc, "mem_retrieve: instruction access missing");
		return FFA_INVALID_PARAMETERS;
	}
	*granted = data | (ri == FFA_PERM_INSTR_X ? FFA_PERM_INSTR_X :
						    FFA_PERM_INSTR_NX);
	return FFA_OK;
}

/* Step 6: the EMAD list of the request against the stored borrowers. */
static int req_check_list(struct spmc *spmc, const struct spmc_partition *p,
			  const uint8_t *buf, uint32_t len,
			  const struct ffa_mtd *mtd,
			  struct spmc_mem_share *share, struct grant *g)
{
	bool bypass = mtd->flags & FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	uint32_t clear = FFA_MEM_FLAG_CLEAR | FFA_MEM_FLAG_CLEAR_RELINQUISH;
	struct spmc_mem_borrower *sb = NULL;
	struct ffa_emad e;
	uint8_t granted = 0;
	uint32_t i = 0;
	int rc = 0;

	if (!bypass && mtd->emad_count != share->borrower_count) {
		spmc_log(spmc, "mem_retrieve: borrower list differs");
		return FFA_INVALID_PARAMETERS;
	}
	/* v1.2 bypass: caller lists only itself, multi-borrower only. */
	if (bypass && (mtd->emad_count != 1 || share->borrower_count == 1)) {
		spmc_log(spmc, "mem_retrieve: bad use of the bypass flag");
		return FFA_INVALID_PARAMETERS;
	}
	g->b = NULL;
	for (i = 0; i < mtd->emad_count; i++) {
		ffa_emad_decode(buf, len, mtd, i, &e);
		if (bypass && e.receiver != p->id) {
			continue;
		}
		sb = spmc_mem_borrower_find(share, e.receiver);
		if (!sb) {
			spmc_log(spmc, "mem_retrieve: EMAD for a non-borrower");
			return FFA_DENIED;
		}
		rc = access_check(spmc, share, sb->perms, e.perms, &granted);
		if (rc != FFA_OK) {
			return rc;
		}
		if (e.receiver == p->id) {
			g->b = sb;
			g->perms = granted;
			/* A read-only borrower cannot have memory zeroed. */
			if ((granted & FFA_PERM_DATA_MASK) ==
				    FFA_PERM_DATA_RO &&
			    (mtd->flags & clear)) {
				spmc_log(spmc, "mem_retrieve: clear with RO");
				return FFA_DENIED;
			}
		}
		/* v1.2 impdef must round-trip when both sides carry it. */
		if (share->emad_size >= FFA_EMAD_V1_2_SIZE &&
		    mtd->emad_size >= FFA_EMAD_V1_2_SIZE &&
		    (e.impdef[0] != sb->impdef[0] ||
		     e.impdef[1] != sb->impdef[1])) {
			spmc_log(spmc, "mem_retrieve: impdef mismatch");
			return FFA_INVALID_PARAMETERS;
		}
	}
	if (!g->b) {
		spmc_log(spmc, "mem_retrieve: no EMAD for the caller");
		return FFA_INVALID_PARAMETERS;
	}
	/*
	 * Hafnium refuses X on non-secure memory it cannot move to the secure
	 * PAS (ffa.md §3.1); this model never moves memory between PAS.
	 */
	if ((g->perms & FFA_PERM_INSTR_MASK) == FFA_PERM_INSTR_X &&
	    !share->mem_secure && FFA_ID_IS_SECURE(p->id)) {
		spmc_log(spmc, "mem_retrieve: X on non-secure memory");
		return FFA_INVALID_PARAMETERS;
	}
	return FFA_OK;
}

/* Step 7: state of the memory and of the borrower. */
static int req_check_state(struct spmc *spmc, const struct ffa_mtd *mtd,
			   const struct spmc_mem_share *share,
			   const struct grant *g)
{
	if ((mtd->attributes & FFA_MEM_ATTR_TYPE_MASK) ==
		    FFA_MEM_ATTR_TYPE_NORMAL &&
	    share->mem_type == SPMC_MEM_DEVICE) {
		spmc_log(spmc, "mem_retrieve: device memory as Normal");
		return FFA_DENIED;
	}
	if (g->b->retrieved || g->b->resp.active) {
		spmc_log(spmc, "mem_retrieve: already retrieved");
		return FFA_DENIED;
	}
	return FFA_OK;
}

/* Step 8: write the response and commit the borrower's new state. */
static void req_respond(struct spmc *spmc, struct spmc_partition *p,
			const struct ffa_mtd *mtd, struct spmc_mem_share *share,
			const struct grant *g, struct ffa_regs *out)
{
	struct spmc_mem_borrower *b = g->b;
	struct spmc_mem_resp resp;
	struct resp_layout l;
	int rc = 0;

	tzs_memset(&resp, 0, sizeof(resp));
	layout_for(&l, spmc_caller_version(p), mtd->emad_size, 1);
	if (NEVER(resp_header_len(&l) > p->mb.size)) {
		ffa_regs_error(out, FFA_NO_MEMORY);
		return;
	}
	if (spmc_rx_take(p) != FFA_OK) {
		spmc_log(spmc, "mem_retrieve: RX buffer busy");
		ffa_regs_error(out, FFA_BUSY);
		return;
	}
	rc = resp_write_first(share, &l, b, g->perms, p->mb.rx, p->mb.size,
			      &resp);
	if (NEVER(rc != FFA_OK)) {
		ffa_regs_error(out, rc);
		return;
	}
	/* Zero the rest of RX: no stale data leaks (Hafnium fix). */
	tzs_memset(p->mb.rx + resp.sent_len, 0, p->mb.size - resp.sent_len);
	ffa_regs_clear(out);
	out->x[0] = FFA_MEM_RETRIEVE_RESP;
	out->x[1] = resp.total_len;
	out->x[2] = resp.sent_len;
	b->granted = g->perms;
	if (mtd->flags & FFA_MEM_FLAG_CLEAR_RELINQUISH) {
		b->clear_on_relinquish = true;
	}
	b->resp = resp;
	if (!resp.active) {
		spmc_mem_retrieve_done(spmc, share, b);
	}
}

/*
 * Hypervisor retrieve request (ffa.md §3.3 retrieve step 2, §7.6): every
 * field but the handle is zero; only the configured hypervisor may ask, for
 * an SPMC-allocated handle, one request in flight per transaction.
 */
static void hyp_retrieve(struct spmc *spmc, struct spmc_partition *p,
			 const struct ffa_mtd *mtd, struct ffa_regs *out)
{
	uint32_t version = spmc_caller_version(p);
	struct spmc_mem_share *share = NULL;
	struct resp_layout l;
	int rc = FFA_OK;

	if (mtd->sender || mtd->attributes || mtd->flags || mtd->tag ||
	    mtd->reserved_nonzero ||
	    (!ffa_version_uses_v1_0_mtd(version) &&
	     (mtd->emad_size || mtd->emad_offset))) {
		spmc_log(spmc, "mem_retrieve: hypervisor request field set");
		rc = FFA_INVALID_PARAMETERS;
		goto out;
	}
	if (mtd->handle & FFA_HANDLE_ALLOCATOR_HYP) {
		spmc_log(spmc, "mem_retrieve: hypervisor-allocated handle");
		rc = FFA_INVALID_PARAMETERS;
		goto out;
	}
	if (!spmc->cfg.has_hypervisor || p->id != spmc->cfg.hypervisor_id) {
		spmc_log(spmc, "mem_retrieve: caller is not the hypervisor");
		rc = FFA_DENIED;
		goto out;
	}
	rc = req_find_share(spmc, mtd->handle, &share);
	if (rc != FFA_OK) {
		goto out;
	}
	if (share->hyp_resp.active) {
		spmc_log(spmc, "mem_retrieve: hypervisor retrieve in flight");
		rc = FFA_DENIED;
		goto out;
	}
	layout_for(&l, version,
		   version >= FFA_VERSION_1_2 ? FFA_EMAD_V1_2_SIZE :
						FFA_EMAD_V1_0_SIZE,
		   share->borrower_count);
	if (resp_header_len(&l) > p->mb.size) {
		spmc_log(spmc, "mem_retrieve: EMADs do not fit the RX buffer");
		rc = FFA_NO_MEMORY;
		goto out;
	}
	if (spmc_rx_take(p) != FFA_OK) {
		rc = FFA_BUSY;
		goto out;
	}
	rc = resp_write_first(share, &l, NULL, 0, p->mb.rx, p->mb.size,
			      &share->hyp_resp);
	if (NEVER(rc != FFA_OK)) {
		goto out;
	}
	tzs_memset(p->mb.rx + share->hyp_resp.sent_len, 0,
		   p->mb.size - share->hyp_resp.sent_len);
	ffa_regs_clear(out);
	out->x[0] = FFA_MEM_RETRIEVE_RESP;
	out->x[1] = share->hyp_resp.total_len;
	out->x[2] = share->hyp_resp.sent_len;
	return;
out:
	ffa_regs_error(out, rc);
}

/* Steps 2-8 on the private copy @buf of @len bytes. */
static void retrieve(struct spmc *spmc, struct spmc_partition *p,
		     const uint8_t *buf, uint32_t len, struct ffa_regs *out)
{
	struct spmc_mem_share *share = NULL;
	struct ffa_mtd mtd;
	struct grant g;
	uint32_t emad_end = 0;
	int rc = 0;

	tzs_memset(&g, 0, sizeof(g));
	if (ffa_mtd_decode(buf, len, spmc_caller_version(p), &mtd) != FFA_OK) {
		spmc_log(spmc, "mem_retrieve: request shorter than header");
		rc = FFA_INVALID_PARAMETERS;
		goto out;
	}
	if (mtd.emad_count == 0) {
		hyp_retrieve(spmc, p, &mtd, out);
		return;
	}
	rc = spmc_mem_check_layout(spmc, spmc_caller_version(p), &mtd, len,
				   &emad_end);
	if (rc == FFA_OK) {
		rc = req_check_emads(spmc, buf, len, &mtd);
	}
	if (rc == FFA_OK) {
		rc = req_find_share(spmc, mtd.handle, &share);
	}
	if (rc == FFA_OK) {
		rc = req_check_header(spmc, p, &mtd, len, emad_end, share);
	}
	if (rc == FFA_OK) {
		rc = req_check_list(spmc, p, buf, len, &mtd, share, &g);
	}
	if (rc == FFA_OK) {
		rc = req_check_state(spmc, &mtd, share, &g);
	}
	if (rc == FFA_OK) {
		req_respond(spmc, p, &mtd, share, &g, out);
		return;
	}
out:
	ffa_regs_error(out, rc);
}

/**
 * spmc_mem_retrieve_req() - FFA_MEM_RETRIEVE_REQ. Errors, in order (ffa.md
 * §3.3 retrieve steps):
 *  1. INVALID_PARAMETERS: dynamic buffer, fragmented request, request
 *     larger than TX, no TX; BUSY: caller RX not free; NO_MEMORY: no copy;
 *  2. hypervisor request (EMAD count 0): INVALID_PARAMETERS when any other
 *     field is set or the handle is not SPMC-allocated; DENIED when the
 *     caller is not the hypervisor or a hypervisor retrieve is in flight;
 *  3. INVALID_PARAMETERS: header/EMAD MBZ, layout, composite offset not 0,
 *     reserved permission values;
 *  4. INVALID_PARAMETERS: unknown handle, send incomplete; DENIED: reclaim
 *     pending;
 *  5. INVALID_PARAMETERS: length, type, tag, caller not a borrower, hint
 *     or MBZ flags, clear on SHARE, NS bit, clear on a repeated retrieve;
 *     DENIED: wrong owner, clear not allowed by the sender, attributes;
 *  6. INVALID_PARAMETERS: EMAD count, bypass misuse, caller's EMAD missing,
 *     instruction access rules, impdef mismatch, X on non-secure memory;
 *     DENIED: EMAD for a non-borrower, permission escalation, clear with RO;
 *  7. DENIED: device memory as Normal, already retrieved.
 */
void spmc_mem_retrieve_req(struct spmc *spmc, struct spmc_partition *p,
			   const struct ffa_regs *in, struct ffa_regs *out)
{
	uint32_t total_len = (uint32_t)in->x[1];
	uint32_t frag_len = (uint32_t)in->x[2];
	uint8_t *buf = NULL;

	if (in->x[3] != 0 || (uint32_t)in->x[4] != 0) {
		spmc_log(spmc, "mem_retrieve: dynamic buffers not supported");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	/* Retrieve requests are never fragmented (Hafnium, TF-A). */
	if (frag_len != total_len || !p->mb.mapped || !p->mb.tx ||
	    total_len > spmc_mem_tx_limit(p)) {
		spmc_log(spmc, "mem_retrieve: bad lengths or no TX buffer");
		ffa_regs_error(out, FFA_INVALID_PARAMETERS);
		return;
	}
	if (p->mb.rx_state != SPMC_RX_EMPTY) {
		spmc_log(spmc, "mem_retrieve: RX buffer busy");
		ffa_regs_error(out, FFA_BUSY);
		return;
	}
	buf = spmc_alloc(spmc, total_len ? total_len : 1);
	if (!buf) {
		ffa_regs_error(out, FFA_NO_MEMORY);
		return;
	}
	tzs_memcpy(buf, p->mb.tx, total_len);
	retrieve(spmc, p, buf, total_len, out);
	spmc_free(spmc, buf);
}
