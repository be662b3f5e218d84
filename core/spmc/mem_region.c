// SPDX-License-Identifier: BSD-2-Clause
/*
 * Physical memory regions and their per-page metadata.
 *
 * Regions are added at boot (spmc_mem_region_add) and never removed. They
 * are kept sorted by base address, so finding the region of an address is a
 * binary search (O(log regions)) and the metadata of a page is one index
 * into the region's page array: the cost per page does not depend on how
 * many pages or transactions exist.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_priv.h"
#include "spmc_priv.h"

/**
 * spmc_mem_init() - allocate the memory-transaction state: an empty region
 * table and the share-state pool of cfg.max_mem_shares slots.
 * Returns FFA_OK, FFA_NO_MEMORY or FFA_INVALID_PARAMETERS (limits too big).
 */
int spmc_mem_init(struct spmc *spmc)
{
	int rc = FFA_OK;

	spmc->mem = spmc_alloc(spmc, sizeof(*spmc->mem));
	if (!spmc->mem) {
		return FFA_NO_MEMORY;
	}
	rc = spmc_mem_pool_init(spmc);
	if (rc != FFA_OK) {
		spmc_free(spmc, spmc->mem);
		spmc->mem = NULL;
	}
	return rc;
}

/** spmc_mem_fini() - free every share state, region and the pool. */
void spmc_mem_fini(struct spmc *spmc)
{
	struct spmc_mem *mem = spmc->mem;
	uint32_t i = 0;

	if (!mem) {
		return;
	}
	spmc_mem_pool_fini(spmc);
	for (i = 0; i < mem->region_count; i++) {
		spmc_free(spmc, mem->regions[i].pages);
	}
	spmc_free(spmc, mem);
	spmc->mem = NULL;
}

/* Index of the first region whose base is > @pa (binary search). */
static uint32_t region_upper_bound(const struct spmc_mem *mem, uint64_t pa)
{
	uint32_t lo = 0;
	uint32_t hi = mem->region_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (mem->regions[mid].base <= pa) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/** The region containing @pa, or NULL. */
struct spmc_mem_region *spmc_mem_region_find(struct spmc_mem *mem, uint64_t pa)
{
	uint32_t idx = region_upper_bound(mem, pa);
	struct spmc_mem_region *r = NULL;

	if (idx == 0) {
		return NULL;
	}
	r = &mem->regions[idx - 1];
	/* Regions never wrap (checked at add), so base + size is exact. */
	if (pa - r->base >= r->page_count << TZS_PAGE_SHIFT) {
		return NULL;
	}
	return r;
}

bool spmc_mem_span_get(struct spmc_mem *mem, uint64_t pa, uint64_t page_count,
		       struct spmc_mem_span *span)
{
	struct spmc_mem_region *r = spmc_mem_region_find(mem, pa);
	uint64_t idx = 0;
	uint64_t left = 0;

	if (!r) {
		return false;
	}
	idx = (pa - r->base) >> TZS_PAGE_SHIFT;
	left = r->page_count - idx;
	span->region = r;
	span->pages = &r->pages[idx];
	span->pa = pa;
	span->page_count = page_count < left ? page_count : left;
	return true;
}

/* Validation of a region configuration, one rule per check. */
static int region_validate(struct spmc *spmc,
			   const struct spmc_mem_region_config *cfg,
			   uint64_t *size)
{
	struct spmc_mem *mem = spmc->mem;
	uint32_t idx = 0;
	uint64_t end = 0;

	if (cfg->base & (TZS_PAGE_SIZE - 1)) {
		spmc_log(spmc, "mem_region_add: base not 4K aligned");
		return FFA_INVALID_PARAMETERS;
	}
	if (cfg->page_count == 0) {
		spmc_log(spmc, "mem_region_add: zero pages");
		return FFA_INVALID_PARAMETERS;
	}
	if (ovf_mul(cfg->page_count, TZS_PAGE_SIZE, size) ||
	    ovf_add(cfg->base, *size, &end)) {
		spmc_log(spmc, "mem_region_add: region wraps");
		return FFA_INVALID_PARAMETERS;
	}
	if (cfg->type != SPMC_MEM_NORMAL && cfg->type != SPMC_MEM_DEVICE) {
		spmc_log(spmc, "mem_region_add: unknown memory type");
		return FFA_INVALID_PARAMETERS;
	}
	if (!spmc_partition_find(spmc, cfg->owner)) {
		spmc_log(spmc, "mem_region_add: owner is not a partition");
		return FFA_INVALID_PARAMETERS;
	}
	/* Overlap: the neighbours in base order are the only candidates. */
	idx = region_upper_bound(mem, cfg->base);
	if (idx > 0) {
		const struct spmc_mem_region *prev = &mem->regions[idx - 1];

		if (cfg->base - prev->base < prev->page_count
						     << TZS_PAGE_SHIFT) {
			spmc_log(spmc, "mem_region_add: overlaps a region");
			return FFA_INVALID_PARAMETERS;
		}
	}
	if (idx < mem->region_count && mem->regions[idx].base < end) {
		spmc_log(spmc, "mem_region_add: overlaps a region");
		return FFA_INVALID_PARAMETERS;
	}
	if (mem->region_count == SPMC_MEM_MAX_REGIONS) {
		spmc_log(spmc, "mem_region_add: region table full");
		return FFA_NO_MEMORY;
	}
	return FFA_OK;
}

/**
 * spmc_mem_region_add() - declare [base, base + page_count * 4K) owned by
 * cfg->owner (Owner-EA, read-write).
 * Returns:
 *  1. FFA_INVALID_PARAMETERS: base not 4K aligned, zero pages, the range
 *     wraps, unknown type, owner is not a known partition, or it overlaps a
 *     region;
 *  2. FFA_NO_MEMORY: region table full or no memory for the page metadata.
 */
int spmc_mem_region_add(struct spmc *spmc,
			const struct spmc_mem_region_config *cfg)
{
	struct spmc_mem *mem = spmc->mem;
	struct spmc_mem_region *r = NULL;
	struct spmc_mem_page *pages = NULL;
	uint64_t size = 0;
	uint64_t meta_len = 0;
	uint64_t i = 0;
	uint32_t idx = 0;
	uint32_t j = 0;
	int rc = 0;

	if (NEVER(!mem)) {
		return FFA_NO_MEMORY;
	}
	rc = region_validate(spmc, cfg, &size);
	if (rc != FFA_OK) {
		return rc;
	}
	if (ovf_mul(cfg->page_count, sizeof(*pages), &meta_len) ||
	    meta_len > (uint64_t)SIZE_MAX) {
		return FFA_NO_MEMORY;
	}
	pages = spmc_alloc(spmc, (size_t)meta_len);
	if (!pages) {
		spmc_log(spmc, "mem_region_add: no memory for page metadata");
		return FFA_NO_MEMORY;
	}
	for (i = 0; i < cfg->page_count; i++) {
		pages[i].owner = cfg->owner;
		pages[i].owner_perm = FFA_PERM_DATA_RW;
	}
	idx = region_upper_bound(mem, cfg->base);
	for (j = mem->region_count; j > idx; j--) {
		mem->regions[j] = mem->regions[j - 1];
	}
	r = &mem->regions[idx];
	r->base = cfg->base;
	r->page_count = cfg->page_count;
	r->type = cfg->type;
	r->secure = cfg->secure;
	r->pages = pages;
	mem->region_count++;
	return FFA_OK;
}

/* Data access @ep has to one page right now (0 = none). */
static uint8_t page_access(struct spmc *spmc, const struct spmc_mem_page *pg,
			   uint16_t ep)
{
	struct spmc_mem_share *share = NULL;
	struct spmc_mem_borrower *b = NULL;

	if (pg->share == 0) {
		return pg->owner == ep ? pg->owner_perm : 0;
	}
	share = &spmc->mem->shares[pg->share - 1];
	if (pg->owner == ep) {
		/* Owner-SA keeps its access; Owner-NA has none. */
		return share->kind == FFA_MEM_KIND_SHARE ? pg->owner_perm : 0;
	}
	b = spmc_mem_borrower_find(share, ep);
	if (!b || !b->retrieved) {
		return 0;
	}
	return b->granted & FFA_PERM_DATA_MASK;
}

/**
 * spmc_mem_access() - the access @ep has to every page touched by
 * [pa, pa + len): the owner in Owner-EA/Owner-SA gets its own access (RW
 * unless it received the pages read-only through a DONATE), a borrower that
 * completed a retrieve and did not relinquish gets its granted data access.
 * Returns FFA_OK with *perm = FFA_PERM_DATA_RO or _RW (the least over the
 * range), or FFA_DENIED (no access to some page, len 0, range wraps).
 */
int spmc_mem_access(struct spmc *spmc, uint16_t ep, uint64_t pa, uint64_t len,
		    uint8_t *perm)
{
	struct spmc_mem_span span;
	uint64_t first = pa & ~(uint64_t)(TZS_PAGE_SIZE - 1);
	uint64_t last = 0;
	uint64_t left = 0;
	uint64_t i = 0;
	uint8_t best = FFA_PERM_DATA_RW;

	if (len == 0 || ovf_add(pa, len - 1, &last)) {
		return FFA_DENIED;
	}
	left = ((last - first) >> TZS_PAGE_SHIFT) + 1;
	while (left) {
		if (!spmc_mem_span_get(spmc->mem, first, left, &span)) {
			return FFA_DENIED;
		}
		for (i = 0; i < span.page_count; i++) {
			uint8_t a = page_access(spmc, &span.pages[i], ep);

			if (a == 0) {
				return FFA_DENIED;
			}
			if (a == FFA_PERM_DATA_RO) {
				best = FFA_PERM_DATA_RO;
			}
		}
		left -= span.page_count;
		first += span.page_count << TZS_PAGE_SHIFT;
	}
	*perm = best;
	return FFA_OK;
}

/** spmc_page_owner() - owner of the page at @pa, or 0xFFFF. */
uint16_t spmc_page_owner(const struct spmc *spmc, uint64_t pa)
{
	struct spmc_mem_region *r = NULL;

	if (!spmc->mem) {
		return 0xFFFF;
	}
	r = spmc_mem_region_find(spmc->mem, pa);
	if (!r) {
		return 0xFFFF;
	}
	return r->pages[(pa - r->base) >> TZS_PAGE_SHIFT].owner;
}

bool spmc_mem_owned_exclusive(struct spmc *spmc, uint16_t ep, uint64_t pa,
			      uint64_t page_count)
{
	struct spmc_mem_span span;
	uint64_t i = 0;

	if (page_count == 0 || (pa & (TZS_PAGE_SIZE - 1))) {
		return false;
	}
	while (page_count) {
		if (!spmc_mem_span_get(spmc->mem, pa, page_count, &span) ||
		    span.region->type != SPMC_MEM_NORMAL) {
			return false;
		}
		for (i = 0; i < span.page_count; i++) {
			const struct spmc_mem_page *pg = &span.pages[i];

			if (pg->owner != ep || pg->share != 0 ||
			    pg->owner_perm != FFA_PERM_DATA_RW) {
				return false;
			}
		}
		page_count -= span.page_count;
		pa += span.page_count << TZS_PAGE_SHIFT;
	}
	return true;
}

/**
 * spmc_mem_mailbox_claim() - RXTX_MAP: the @page_count pages at @pa must be
 * normal memory owned read-write by @ep, in no transaction, not already an
 * RX/TX buffer, and inside one region (the host maps each region as one
 * object: phys_to_virt() is promised a range inside one). Marks them as
 * a mailbox, so they cannot be sent while mapped. False when refused.
 */
bool spmc_mem_mailbox_claim(struct spmc *spmc, uint16_t ep, uint64_t pa,
			    uint64_t page_count)
{
	struct spmc_mem_span span;
	uint64_t i = 0;

	if (page_count == 0 || (pa & (TZS_PAGE_SIZE - 1)) ||
	    !spmc_mem_span_get(spmc->mem, pa, page_count, &span) ||
	    span.page_count != page_count ||
	    span.region->type != SPMC_MEM_NORMAL) {
		return false;
	}
	for (i = 0; i < page_count; i++) {
		const struct spmc_mem_page *pg = &span.pages[i];

		if (pg->owner != ep || pg->share != 0 ||
		    pg->owner_perm != FFA_PERM_DATA_RW ||
		    (pg->flags & SPMC_PAGE_MAILBOX)) {
			return false;
		}
	}
	for (i = 0; i < page_count; i++) {
		span.pages[i].flags |= SPMC_PAGE_MAILBOX;
	}
	return true;
}

void spmc_mem_mailbox_release(struct spmc *spmc, uint64_t pa,
			      uint64_t page_count)
{
	struct spmc_mem_span span;
	uint64_t i = 0;

	if (!spmc_mem_span_get(spmc->mem, pa, page_count, &span)) {
		return;
	}
	for (i = 0; i < span.page_count; i++) {
		span.pages[i].flags &= (uint8_t)~SPMC_PAGE_MAILBOX;
	}
}

void spmc_mem_share_mark(struct spmc *spmc, const struct spmc_mem_share *share,
			 uint32_t slot, const struct spmc_mem_page *owner)
{
	struct spmc_mem_span span;
	uint64_t j = 0;
	uint32_t i = 0;

	for (i = 0; i < share->range_count; i++) {
		uint64_t pa = share->ranges[i].base;
		uint64_t left = share->ranges[i].page_count;

		while (left) {
			if (NEVER(!spmc_mem_span_get(spmc->mem, pa, left,
						     &span))) {
				return;
			}
			for (j = 0; j < span.page_count; j++) {
				span.pages[j].share = slot;
				if (owner) {
					span.pages[j].owner = owner->owner;
					span.pages[j].owner_perm =
						owner->owner_perm;
				}
			}
			left -= span.page_count;
			pa += span.page_count << TZS_PAGE_SHIFT;
		}
	}
}

void spmc_mem_share_zero(struct spmc *spmc, struct spmc_mem_share *share)
{
	struct spmc_mem_span span;
	uint32_t i = 0;

	for (i = 0; i < share->range_count; i++) {
		uint64_t pa = share->ranges[i].base;
		uint64_t left = share->ranges[i].page_count;

		while (left) {
			uint64_t len = 0;
			uint8_t *va = NULL;

			if (NEVER(!spmc_mem_span_get(spmc->mem, pa, left,
						     &span))) {
				return;
			}
			len = span.page_count << TZS_PAGE_SHIFT;
			va = spmc->ops->phys_to_virt(spmc->ctx, pa, len);
			if (NEVER(!va)) {
				return;
			}
			tzs_memset(va, 0, (size_t)len);
			left -= span.page_count;
			pa += len;
		}
	}
}
