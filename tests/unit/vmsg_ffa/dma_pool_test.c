// SPDX-License-Identifier: BSD-2-Clause
/* core/vmsg_ffa/dma_pool.c: the static pool allocator and dynamic maps. */
#include "loop_fixture.h"

#define POOL_PAGES 4u
#define UNIT 64u
#define UNITS (POOL_PAGES * 4096u / UNIT)
/* The allocator's metadata: two bytes per unit (UNITS is a power of 2). */
#define MAP_BYTES (2u * UNITS)

struct pool_fx {
	struct loop *l;
	struct vmsg_ffa_dma_pool pool;
	uint8_t map[MAP_BYTES];
	uint64_t pa;
};

static struct pool_fx *pool_new(bool share)
{
	struct pool_fx *p = calloc(1, sizeof(*p));

	ASSERT_TRUE(p);
	p->l = lp_new(LP_BUS_FEATURES);
	lp_connect(p->l);
	p->pa = lp_pages_alloc(p->l, POOL_PAGES);
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&p->pool, lp_host(p->l, p->pa), p->pa,
					 POOL_PAGES, UNIT, p->map,
					 sizeof(p->map)),
		  VMSG_T_OK);
	if (share) {
		ASSERT_EQ(vmsg_ffa_dma_pool_share(&p->l->fe, &p->pool),
			  VMSG_T_OK);
	}
	return p;
}

static uint64_t alloc(struct pool_fx *p, uint32_t len, uint32_t align)
{
	uint8_t *host = NULL;
	uint64_t bus = 0;

	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, len, align, &host, &bus),
		  VMSG_T_OK);
	ASSERT_TRUE(host == p->pool.base + (bus - p->pool.bus_base));
	return bus - p->pool.bus_base;
}

TEST(pool_init_rejects_bad_arguments)
{
	struct vmsg_ffa_dma_pool pool;
	uint8_t map[MAP_BYTES];
	uint8_t mem[16];

	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, mem, 0x1000, 0, UNIT, map,
					 sizeof(map)),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, mem, 0x1000, POOL_PAGES, 48,
					 map, sizeof(map)),
		  VMSG_T_E_STATE); /* unit not a power of 2 */
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, mem, 0x1000, POOL_PAGES, 8192,
					 map, sizeof(map)),
		  VMSG_T_E_STATE); /* unit above a page */
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, mem, 0x1010, POOL_PAGES, UNIT,
					 map, sizeof(map)),
		  VMSG_T_E_STATE); /* pa not page aligned */
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, mem, 0x1000, POOL_PAGES, UNIT,
					 map, sizeof(map) - 1),
		  VMSG_T_E_STATE); /* map too small */
	ASSERT_EQ(vmsg_ffa_dma_pool_init(&pool, NULL, 0x1000, POOL_PAGES, UNIT,
					 map, sizeof(map)),
		  VMSG_T_E_STATE);
}

TEST(pool_shares_once_as_one_retained_area)
{
	struct pool_fx *p = pool_new(true);
	struct vmsg_ffa_frontend_area *a =
		vmsg_ffa_frontend_area(&p->l->fe, p->pool.area_id);

	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(a->page_count, POOL_PAGES);
	ASSERT_EQ(a->attrs & VMSG_AREA_ATTR_RETAIN, VMSG_AREA_ATTR_RETAIN);
	ASSERT_EQ(p->pool.bus_base, vmsg_bus_addr(p->pool.area_id, 0));
	ASSERT_EQ(vmsg_ffa_dma_pool_share(&p->l->fe, &p->pool), VMSG_T_E_STATE);
	ASSERT_EQ(p->l->shares_made, 1);
}

TEST(pool_alloc_before_share_is_refused)
{
	struct pool_fx *p = pool_new(false);
	uint8_t *host = NULL;
	uint64_t bus = 0;

	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, 16, 16, &host, &bus),
		  VMSG_T_E_STATE);
}

TEST(pool_map_bytes_is_two_per_unit_rounded_to_a_power_of_2)
{
	ASSERT_EQ(vmsg_ffa_dma_pool_map_bytes(POOL_PAGES, UNIT), MAP_BYTES);
	ASSERT_EQ(vmsg_ffa_dma_pool_map_bytes(3, 4096), 8);
	ASSERT_EQ(vmsg_ffa_dma_pool_map_bytes(0, UNIT), 0);
	ASSERT_EQ(vmsg_ffa_dma_pool_map_bytes(POOL_PAGES, 48), 0);
}

TEST(pool_alloc_takes_the_lowest_naturally_aligned_block_in_units)
{
	struct pool_fx *p = pool_new(true);

	ASSERT_EQ(alloc(p, 1, 16), 0);
	ASSERT_EQ(alloc(p, 65, 16), 128); /* two units: a 2-unit block */
	ASSERT_EQ(alloc(p, 64, 16), 64); /* the buddy of the first */
	ASSERT_EQ(p->pool.used_units, 4);
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, p->pool.bus_base + 128, 65),
		  VMSG_T_OK);
	ASSERT_EQ(alloc(p, 64, 16), 128); /* the hole is reused */
	ASSERT_EQ(alloc(p, 64, 16), 192);
	ASSERT_EQ(alloc(p, 64, 16), 256);
	ASSERT_EQ(alloc(p, 192, 16), 512); /* three units: no rounding */
	ASSERT_EQ(alloc(p, 64, 16), 320);
	ASSERT_EQ(p->pool.used_units, 9);
}

TEST(pool_alloc_honours_alignment)
{
	struct pool_fx *p = pool_new(true);

	ASSERT_EQ(alloc(p, 10, 16), 0);
	ASSERT_EQ(alloc(p, 10, 4096), 4096);
	ASSERT_EQ(alloc(p, 10, 256), 256);
	ASSERT_EQ(alloc(p, 10, 1), 64);
}

TEST(pool_alloc_rejects_bad_requests_and_reports_exhaustion)
{
	struct pool_fx *p = pool_new(true);
	uint8_t *host = NULL;
	uint64_t bus = 0;

	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, 0, 16, &host, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, 8, 24, &host, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, 8, 8192, &host, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, POOL_PAGES * 4096u + 1, 16,
					  &host, &bus),
		  VMSG_T_E_NOMEM);
	ASSERT_EQ(alloc(p, POOL_PAGES * 4096u - UNIT, 16), 0);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, UNIT + 1, 16, &host, &bus),
		  VMSG_T_E_NOMEM);
	ASSERT_EQ(alloc(p, UNIT, 16), POOL_PAGES * 4096u - UNIT);
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&p->pool, 1, 1, &host, &bus),
		  VMSG_T_E_NOMEM);
	ASSERT_EQ(p->pool.used_units, UNITS);
}

TEST(pool_free_refuses_double_foreign_and_misaligned_frees)
{
	struct pool_fx *p = pool_new(true);
	uint64_t base = p->pool.bus_base;

	ASSERT_EQ(alloc(p, 128, 16), 0);
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base + 8, 64),
		  VMSG_T_E_STATE); /* inside a unit */
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base + 64, 128),
		  VMSG_T_E_STATE); /* runs into a free unit */
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base - 64, 64),
		  VMSG_T_E_STATE); /* before the pool */
	ASSERT_EQ(
		vmsg_ffa_dma_pool_free(&p->pool, base + POOL_PAGES * 4096u, 64),
		VMSG_T_E_STATE); /* past the pool */
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base, 0), VMSG_T_E_STATE);
	ASSERT_EQ(p->pool.used_units, 2);
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base, 128), VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_dma_pool_free(&p->pool, base, 128), VMSG_T_E_STATE);
	ASSERT_EQ(p->pool.used_units, 0);
}

TEST(pool_unshare_when_idle_reclaims_and_forgets_allocations)
{
	struct pool_fx *p = pool_new(true);

	ASSERT_EQ(alloc(p, 128, 16), 0);
	ASSERT_EQ(vmsg_ffa_dma_pool_unshare(&p->l->fe, &p->pool), VMSG_T_OK);
	ASSERT_FALSE(p->pool.shared);
	ASSERT_EQ(p->pool.used_units, 0);
	ASSERT_EQ(lp_live_shares(p->l), 0);
	ASSERT_EQ(vmsg_ffa_dma_pool_unshare(&p->l->fe, &p->pool),
		  VMSG_T_E_STATE);
}

TEST(dynamic_map_covers_the_pages_and_keeps_the_page_offset)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t pa = 0, bus = 0;
	struct vmsg_ffa_frontend_area *a = NULL;

	lp_connect(l);
	pa = lp_pages_alloc(l, 3);
	ASSERT_EQ(vmsg_ffa_dma_map(&l->fe, pa + 4000, 200,
				   VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_OK);
	ASSERT_EQ(bus & VMSG_BUS_ADDR_OFFSET_MASK, 4000);
	a = vmsg_ffa_frontend_area(&l->fe, (uint16_t)(bus >> 48));
	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(a->pa, pa);
	ASSERT_EQ(a->page_count, 2); /* 4000..4200 crosses a page */
	ASSERT_TRUE(vmsg_ffa_backend_translate(&l->be, bus, 200, true) ==
		    lp_host(l, pa) + 4000);
	ASSERT_EQ(vmsg_ffa_dma_unmap(&l->fe, bus + 100), VMSG_T_OK);
	ASSERT_EQ(lp_live_shares(l), 0);
}

TEST(dynamic_map_rejects_empty_and_wrapping_ranges)
{
	struct loop *l = lp_new(LP_BUS_FEATURES);
	uint64_t bus = 0;

	lp_connect(l);
	ASSERT_EQ(vmsg_ffa_dma_map(&l->fe, LP_PA_BASE, 0,
				   VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(vmsg_ffa_dma_map(&l->fe, UINT64_MAX - 10, 100,
				   VMSG_FFA_AREA_ATTRS_RW, &bus),
		  VMSG_T_E_STATE);
	ASSERT_EQ(l->shares_made, 0);
}
