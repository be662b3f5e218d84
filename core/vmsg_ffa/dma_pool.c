// SPDX-License-Identifier: BSD-2-Clause
/*
 * Driver-side DMA for the FF-A bus (architecture.md §4): the STATIC pool
 * (shared once, carved by the core buddy allocator) and DYNAMIC per-buffer
 * areas.
 *
 * Pool: a tzs_buddy over the pool's units, metadata in the caller's map.
 * It replaced a first-fit bitmap that stepped unit by unit past used runs
 * (O(units in use) per allocation). Sizes stay exact in units (the buddy
 * returns the tail of a power-of-2 block), blocks are naturally aligned;
 * free checks the range is exactly one live allocation before touching
 * anything, so a double or foreign free is refused instead of corrupting
 * the pool. The pool area is shared with DRIVER_RETENTION_REQUESTED (the
 * "keep" hint for pool areas, §2.3).
 */
#include <tzshare/lib.h>

#include "frontend_priv.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static unsigned int unit_shift(uint32_t unit)
{
	unsigned int s = 0;

	while ((1u << s) < unit) {
		s++;
	}
	return s;
}

size_t vmsg_ffa_dma_pool_map_bytes(uint32_t page_count, uint32_t unit)
{
	if (!is_pow2(unit) || unit > VMSG_FFA_PAGE_SIZE) {
		return 0;
	}
	return tzs_buddy_meta_bytes((uint64_t)page_count * VMSG_FFA_PAGE_SIZE,
				    unit_shift(unit));
}

int vmsg_ffa_dma_pool_init(struct vmsg_ffa_dma_pool *pool, uint8_t *base,
			   uint64_t pa, uint32_t page_count, uint32_t unit,
			   uint8_t *map, size_t map_len)
{
	uint64_t bytes = (uint64_t)page_count * VMSG_FFA_PAGE_SIZE;

	if (!base || !map || page_count == 0 || !is_pow2(unit) ||
	    unit > VMSG_FFA_PAGE_SIZE || (pa & (VMSG_FFA_PAGE_SIZE - 1))) {
		return VMSG_T_E_STATE;
	}
	if (bytes / unit > UINT32_MAX) {
		return VMSG_T_E_STATE;
	}
	tzs_memset(pool, 0, sizeof(*pool));
	if (tzs_buddy_init(&pool->alloc, bytes, unit_shift(unit), map,
			   map_len) != TZS_BUDDY_OK) {
		return VMSG_T_E_STATE; /* map too small */
	}
	pool->base = base;
	pool->pa = pa;
	pool->page_count = page_count;
	pool->unit = unit;
	pool->units = (uint32_t)(bytes / unit);
	return VMSG_T_OK;
}

int vmsg_ffa_dma_pool_share(struct vmsg_ffa_frontend *fe,
			    struct vmsg_ffa_dma_pool *pool)
{
	uint64_t bus = 0;
	int rc = 0;

	if (pool->shared) {
		return VMSG_T_E_STATE;
	}
	rc = vmsg_ffa_frontend_area_share(
		fe, pool->pa, pool->page_count,
		VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_RETAIN, &bus);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	pool->bus_base = bus;
	pool->area_id = (uint16_t)(bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	pool->shared = true;
	return VMSG_T_OK;
}

int vmsg_ffa_dma_pool_unshare(struct vmsg_ffa_frontend *fe,
			      struct vmsg_ffa_dma_pool *pool)
{
	int rc = 0;

	if (!pool->shared) {
		return VMSG_T_E_STATE;
	}
	rc = vmsg_ffa_frontend_area_unshare(fe, pool->area_id);
	/* BUSY (STATE) still ends the pool's life: the release completes
	 * later through AREA_RELEASE. */
	if (rc == VMSG_T_OK || rc == VMSG_T_E_STATE) {
		pool->shared = false;
		pool->used_units = 0;
		tzs_buddy_reset(&pool->alloc);
	}
	return rc;
}

int vmsg_ffa_dma_pool_alloc(struct vmsg_ffa_dma_pool *pool, uint32_t len,
			    uint32_t align, uint8_t **host, uint64_t *bus_addr)
{
	uint64_t off = 0;
	int rc = 0;

	if (!pool->shared || len == 0 || !is_pow2(align) ||
	    align > VMSG_FFA_PAGE_SIZE) {
		return VMSG_T_E_STATE;
	}
	rc = tzs_buddy_alloc(&pool->alloc, len, align, &off);
	if (rc != TZS_BUDDY_OK) {
		return rc == TZS_BUDDY_E_NOMEM ? VMSG_T_E_NOMEM :
						 VMSG_T_E_STATE;
	}
	pool->used_units +=
		(uint32_t)(((uint64_t)len + pool->unit - 1) / pool->unit);
	*host = pool->base + off;
	*bus_addr = pool->bus_base + off;
	return VMSG_T_OK;
}

int vmsg_ffa_dma_pool_free(struct vmsg_ffa_dma_pool *pool, uint64_t bus_addr,
			   uint32_t len)
{
	uint64_t off = bus_addr - pool->bus_base;
	uint64_t bytes = (uint64_t)pool->units * pool->unit;
	uint64_t n = 0;

	if (!pool->shared || len == 0 || bus_addr < pool->bus_base ||
	    !tzs_range_ok(off, len, bytes) || off % pool->unit) {
		return VMSG_T_E_STATE;
	}
	if (tzs_buddy_free(&pool->alloc, off, len, &n) != TZS_BUDDY_OK) {
		return VMSG_T_E_STATE;
	}
	pool->used_units -= (uint32_t)n;
	return VMSG_T_OK;
}

int vmsg_ffa_dma_map(struct vmsg_ffa_frontend *fe, uint64_t pa, uint32_t len,
		     uint32_t attrs, uint64_t *bus_addr)
{
	uint64_t first = pa & ~(uint64_t)(VMSG_FFA_PAGE_SIZE - 1);
	uint64_t end = 0, pages = 0, bus = 0;
	int rc = 0;

	if (len == 0 || ovf_add(pa, len, &end)) {
		return VMSG_T_E_STATE;
	}
	pages = (end - first + VMSG_FFA_PAGE_SIZE - 1) / VMSG_FFA_PAGE_SIZE;
	if (pages > UINT32_MAX) {
		return VMSG_T_E_STATE;
	}
	rc = vmsg_ffa_frontend_area_share(fe, first, (uint32_t)pages, attrs,
					  &bus);
	if (rc != VMSG_T_OK) {
		return rc;
	}
	*bus_addr = bus | (pa - first);
	return VMSG_T_OK;
}

int vmsg_ffa_dma_unmap(struct vmsg_ffa_frontend *fe, uint64_t bus_addr)
{
	return vmsg_ffa_frontend_area_unshare(
		fe, (uint16_t)(bus_addr >> VMSG_BUS_ADDR_AREA_SHIFT));
}
