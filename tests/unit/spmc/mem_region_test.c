// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests of core/spmc/mem_region.c: region configuration, per-page
 * ownership, spmc_mem_access(), spmc_page_owner() and
 * spmc_mem_owned_exclusive() (through FFA_RXTX_MAP).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

static int add(uint64_t base, uint64_t pages, uint16_t owner)
{
	struct spmc_mem_region_config rc = {
		.base = base,
		.page_count = pages,
		.owner = owner,
	};

	return spmc_mem_region_add(fx.spmc, &rc);
}

TEST(region_add_with_unaligned_base_is_invalid)
{
	mt_init();
	ASSERT_EQ(add(0x20000800ull, 1, FX_VM1), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0x20000001ull, 1, FX_VM1), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0x20000000ull), 0xFFFF);
	ASSERT_EQ(add(0x20000000ull, 1, FX_VM1), FFA_OK);
	mt_fini();
}

TEST(region_add_with_zero_pages_or_wrapping_range_is_invalid)
{
	mt_init();
	ASSERT_EQ(add(0x20000000ull, 0, FX_VM1), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0xFFFFFFFFFFFFF000ull, 2, FX_VM1),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0x1000, 1ull << 60, FX_VM1), FFA_INVALID_PARAMETERS);
	mt_fini();
}

TEST(region_add_with_unknown_owner_is_invalid)
{
	mt_init();
	ASSERT_EQ(add(0x20000000ull, 1, 0x7777), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0x20000000ull), 0xFFFF);
	mt_fini();
}

/* Overlap with a neighbour below, above, inside or around. */
TEST(region_add_overlapping_a_region_is_invalid)
{
	mt_init();
	ASSERT_EQ(add(0x20000000ull, 4, FX_VM2), FFA_OK);
	ASSERT_EQ(add(0x1FFFF000ull, 2, FX_VM2), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0x20003000ull, 2, FX_VM2), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0x20001000ull, 1, FX_VM2), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(0x1FFF0000ull, 64, FX_VM2), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(add(FX_VM1_BASE + 0x1000, 1, FX_VM2), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_VM1_BASE + 0x1000), FX_VM1);
	mt_fini();
}

/* Adjacent regions are fine, and one range may span them. */
TEST(region_add_adjacent_regions_and_access_across_them)
{
	mt_init();
	ASSERT_EQ(add(0x20000000ull, 2, FX_VM2), FFA_OK);
	ASSERT_EQ(add(0x20002000ull, 2, FX_VM2), FFA_OK);
	ASSERT_EQ(add(0x1FFFE000ull, 2, FX_VM1), FFA_OK);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0x20001000ull), FX_VM2);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0x20002000ull), FX_VM2);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0x1FFFF000ull), FX_VM1);
	ASSERT_EQ(mt_access(FX_VM2, 0x20000000ull, 4 * MT_PAGE),
		  FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM2, 0x1FFFF000ull, 2 * MT_PAGE), 0);
	/* A share may span both regions. */
	mt_share(FX_VM2, FX_SP1, 0x20001000ull, 2);
	mt_fini();
}

TEST(region_table_full_is_no_memory)
{
	uint64_t base = 0x30000000ull;
	int rc = FFA_OK;
	unsigned int n = 0;

	mt_init();
	while (rc == FFA_OK && n < 100) {
		rc = add(base + (uint64_t)n * 0x10000, 1, FX_VM2);
		n++;
	}
	ASSERT_EQ(rc, FFA_NO_MEMORY);
	/* The fixture added 5; the table holds 64. */
	ASSERT_EQ(n, 64 - 5 + 1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, base + (uint64_t)(n - 1) * 0x10000),
		  0xFFFF);
	mt_fini();
}

TEST(page_owner_reports_boot_owner_or_none)
{
	mt_init();
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_VM1_BASE), FX_VM1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_VM1_BASE + FX_VM1_SIZE - 1),
		  FX_VM1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_VM2_BASE), FX_VM2);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_SP2_BASE + 0x123), FX_SP2);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_DEV_BASE), FX_VM1);
	ASSERT_EQ(spmc_page_owner(fx.spmc, 0), 0xFFFF);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_VM2_BASE + FX_VM2_SIZE), 0xFFFF);
	ASSERT_EQ(spmc_page_owner(fx.spmc, ~0ull), 0xFFFF);
	mt_fini();
}

TEST(access_of_owner_is_rw_and_of_others_denied)
{
	uint8_t perm = 0;

	mt_init();
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 5, 100), FFA_PERM_DATA_RW);
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_VM2, MT_VM1_PA, 1, &perm),
		  FFA_DENIED);
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_SP1, MT_VM1_PA, 1, &perm),
		  FFA_DENIED);
	mt_fini();
}

TEST(access_of_range_leaving_owned_memory_is_denied)
{
	uint8_t perm = 0;

	mt_init();
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_VM2,
				  FX_VM2_BASE + FX_VM2_SIZE - MT_PAGE,
				  2 * MT_PAGE, &perm),
		  FFA_DENIED);
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_VM1, FX_VM2_BASE - 8, 16, &perm),
		  FFA_DENIED);
	mt_fini();
}

TEST(access_with_zero_length_or_wrapping_range_is_denied)
{
	uint8_t perm = 0;

	mt_init();
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_VM1, MT_VM1_PA, 0, &perm),
		  FFA_DENIED);
	ASSERT_EQ(spmc_mem_access(fx.spmc, FX_VM1, MT_VM1_PA, ~0ull, &perm),
		  FFA_DENIED);
	mt_fini();
}

/* The access states of ffa.md §3.1 through a SHARE. */
TEST(access_follows_share_retrieve_relinquish)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA, 1);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	mt_retrieve_ok(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA, MT_PAGE), FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP2, MT_VM1_PA, MT_PAGE), 0);
	r = mt_relinquish(FX_SP1, h, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, MT_PAGE), 0);
	mt_fini();
}

/* A range that is partly shared read-only reports the least access. */
TEST(access_reports_least_permission_over_the_range)
{
	struct mt_send s;
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA, 1);
	s.emads[0].perms = FFA_PERM_DATA_RO;
	h = mt_send_ok(FFA_MEM_SHARE_64, &s);
	{
		struct mt_req q = mt_req(FX_VM1, FX_SP1, h, FFA_MEM_KIND_SHARE);

		q.emads[0].perms = FFA_PERM_DATA_RO;
		r = mt_retrieve_req(FX_SP1, &q);
		ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
		mt_rx_release(FX_SP1);
	}
	h = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + MT_PAGE, 1);
	r = mt_retrieve(FX_SP1, FX_VM1, h, FFA_MEM_KIND_SHARE);
	ASSERT_EQ(r.x[0], FFA_MEM_RETRIEVE_RESP);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA + MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	ASSERT_EQ(mt_access(FX_SP1, MT_VM1_PA, 2 * MT_PAGE), FFA_PERM_DATA_RO);
	mt_fini();
}

/* RXTX_MAP needs pages the caller owns exclusively (Owner-EA, normal). */
TEST(rxtx_map_of_lent_or_shared_pages_is_denied)
{
	struct fx_opts o = { .no_mailboxes = true };
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init_opts(&o);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, fx_tx_pa(FX_SP1),
		    fx_rx_pa(FX_SP1), 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	h = mt_lend(FX_SP1, FX_SP2, MT_SP1_PA, 1, 0);
	/* SP 2 cannot map its mailbox on memory it only borrows... */
	r = fx_call(&fx, FX_SP2, FFA_RXTX_MAP_64, MT_SP1_PA, fx_rx_pa(FX_SP2),
		    1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* ...nor SP 1 on memory it lent out. */
	r = fx_call(&fx, FX_SP1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, MT_SP1_PA, fx_rx_pa(FX_SP1),
		    1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* Device memory never holds a mailbox. */
	r = fx_call(&fx, FX_VM1, FFA_RXTX_MAP_64, FX_DEV_BASE, fx_rx_pa(FX_VM1),
		    1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = fx_call(&fx, FX_SP1, FFA_MEM_RECLAIM, (uint32_t)h,
		    (uint32_t)(h >> 32), 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, MT_SP1_PA, fx_rx_pa(FX_SP1),
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}
