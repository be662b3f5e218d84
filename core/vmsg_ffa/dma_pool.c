// SPDX-License-Identifier: BSD-2-Clause
/*
 * Driver-side DMA for the FF-A bus (architecture.md §4): the STATIC pool
 * (shared once, carved by a first-fit bitmap allocator) and DYNAMIC
 * per-buffer areas.
 *
 * Pool: one bit per unit (granule) of the pool; alloc scans for the first
 * run of free units whose start meets the alignment; free checks that the
 * whole range is allocated before clearing it, so a double or foreign free
 * is refused instead of corrupting the map. The pool area is shared with
 * DRIVER_RETENTION_REQUESTED (the "keep" hint for pool areas, §2.3).
 */
#include <tzshare/lib.h>

#include "frontend_priv.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool bit_get(const uint8_t *map, uint32_t i)
{
	return (map[i / 8] >> (i % 8)) & 1u;
}

static void bits_set(uint8_t *map, uint32_t i, uint32_t n, bool on)
{
	for (; n; n--, i++) {
		if (on) {
			map[i / 8] |= (uint8_t)(1u << (i % 8));
		} else {
			map[i / 8] &= (uint8_t) ~(1u << (i % 8));
		}
	}
}

int vmsg_ffa_dma_pool_init(struct vmsg_ffa_dma_pool *pool, uint8_t *base,
			   uint64_t pa, uint32_t page_count, uint32_t unit,
			   uint8_t *map, size_t map_len)
{
	uint64_t bytes = (uint64_t)page_count * VMSG_FFA_PAGE_SIZE;
	uint64_t units = 0;

	if (!base || !map || page_count == 0 || !is_pow2(unit) ||
	    unit > VMSG_FFA_PAGE_SIZE || (pa & (VMSG_FFA_PAGE_SIZE - 1))) {
		return VMSG_T_E_STATE;
	}
	units = bytes / unit;
	if (units > UINT32_MAX || (units + 7) / 8 > map_len) {
		return VMSG_T_E_STATE;
	}
	tzs_memset(pool, 0, sizeof(*pool));
	pool->base = base;
	pool->pa = pa;
	pool->page_count = page_count;
	pool->unit = unit;
	pool->units = (uint32_t)units;
	pool->map = map;
	tzs_memset(map, 0, (size_t)((units + 7) / 8));
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
		tzs_memset(pool->map, 0, (pool->units + 7) / 8);
	}
	return rc;
}

static bool run_free(const struct vmsg_ffa_dma_pool *pool, uint32_t start,
		     uint32_t n, uint32_t *blocker)
{
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		if (bit_get(pool->map, start + i)) {
			*blocker = start + i;
			return false;
		}
	}
	return true;
}

int vmsg_ffa_dma_pool_alloc(struct vmsg_ffa_dma_pool *pool, uint32_t len,
			    uint32_t align, uint8_t **host, uint64_t *bus_addr)
{
	uint32_t n = 0, step = 1, start = 0, blocker = 0;

	if (!pool->shared || len == 0 || !is_pow2(align) ||
	    align > VMSG_FFA_PAGE_SIZE) {
		return VMSG_T_E_STATE;
	}
	n = (uint32_t)(((uint64_t)len + pool->unit - 1) / pool->unit);
	if (align > pool->unit) {
		step = align / pool->unit;
	}
	while ((uint64_t)start + n <= pool->units) {
		if (run_free(pool, start, n, &blocker)) {
			bits_set(pool->map, start, n, true);
			pool->used_units += n;
			*host = pool->base + (uint64_t)start * pool->unit;
			*bus_addr =
				pool->bus_base + (uint64_t)start * pool->unit;
			return VMSG_T_OK;
		}
		/* Next aligned start past the unit that is in use. */
		start = (blocker / step + 1) * step;
	}
	return VMSG_T_E_NOMEM;
}

int vmsg_ffa_dma_pool_free(struct vmsg_ffa_dma_pool *pool, uint64_t bus_addr,
			   uint32_t len)
{
	uint64_t off = bus_addr - pool->bus_base;
	uint64_t bytes = (uint64_t)pool->units * pool->unit;
	uint32_t start = 0, n = 0, i = 0;

	if (!pool->shared || len == 0 || bus_addr < pool->bus_base ||
	    !tzs_range_ok(off, len, bytes) || off % pool->unit) {
		return VMSG_T_E_STATE;
	}
	start = (uint32_t)(off / pool->unit);
	n = (uint32_t)(((uint64_t)len + pool->unit - 1) / pool->unit);
	for (i = 0; i < n; i++) {
		if (!bit_get(pool->map, start + i)) {
			return VMSG_T_E_STATE;
		}
	}
	bits_set(pool->map, start, n, false);
	pool->used_units -= n;
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
