// SPDX-License-Identifier: BSD-2-Clause
/*
 * RX/TX pages and memory transactions (core/spmc/rxtx.c + mem_region.c):
 * a mapped mailbox page is the SPMC's to write, so it can never be shared,
 * lent or donated while mapped, and a mailbox must lie inside one region.
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

/* phys_to_virt() is promised a range inside one region: a buffer made of
 * SP 1's last page and a page SP 2 donated to SP 1 is refused. */
TEST(rxtx_map_across_two_regions_is_denied)
{
	struct ffa_regs r;
	uint64_t h = 0;

	mt_init();
	h = mt_donate(FX_SP2, FX_SP1, FX_SP2_BASE, 1);
	mt_retrieve_ok(FX_SP1, FX_SP2, h, FFA_MEM_KIND_DONATE);
	ASSERT_EQ(spmc_page_owner(fx.spmc, FX_SP2_BASE), FX_SP1);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, FX_SP2_BASE - MT_PAGE,
		    FX_SP1_BASE + 0x100000, 2, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	/* Each page alone is fine. */
	r = fx_call(&fx, FX_SP1, FFA_RXTX_MAP_64, FX_SP2_BASE,
		    FX_SP1_BASE + 0x100000, 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_fini();
}

static void send_of_mailbox_page_is_denied(uint32_t fid, uint64_t pa)
{
	struct mt_send s = mt_desc(fid, FX_VM1, FX_SP1, pa, 1);
	struct ffa_regs r;

	r = mt_send(fid, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	ASSERT_EQ(spmc_page_owner(fx.spmc, pa), FX_VM1);
}

/* A borrower of VM 1's RX page would read the messages sent to VM 1. */
TEST(lend_share_or_donate_of_own_rx_buffer_is_denied)
{
	mt_init();
	send_of_mailbox_page_is_denied(FFA_MEM_LEND_64, fx_rx_pa(FX_VM1));
	send_of_mailbox_page_is_denied(FFA_MEM_SHARE_64, fx_rx_pa(FX_VM1));
	send_of_mailbox_page_is_denied(FFA_MEM_DONATE_64, fx_rx_pa(FX_VM1));
	mt_fini();
}

TEST(send_of_own_tx_buffer_is_denied)
{
	mt_init();
	send_of_mailbox_page_is_denied(FFA_MEM_LEND_64, fx_tx_pa(FX_VM1));
	mt_fini();
}

/* A range that merely contains a mailbox page is refused as a whole. */
TEST(send_of_range_containing_rx_buffer_is_denied)
{
	struct mt_send s;
	struct ffa_regs r;

	mt_init();
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1,
		    fx_tx_pa(FX_VM1) - MT_PAGE, 3);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	ASSERT_EQ(mt_live(), 0);
	mt_fini();
}

/* After RXTX_UNMAP the pages are ordinary memory again. */
TEST(former_mailbox_page_can_be_sent_after_unmap)
{
	struct mt_send s =
		mt_desc(FFA_MEM_SHARE_64, FX_VM2, FX_SP1, fx_rx_pa(FX_VM2), 1);
	struct ffa_regs r;

	mt_init();
	r = fx_call(&fx, FX_VM2, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	/* Same TX as before, RX moved elsewhere: the old RX page is free. */
	r = fx_call(&fx, FX_VM2, FFA_RXTX_MAP_64, fx_tx_pa(FX_VM2), FX_VM2_BASE,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

/* An RX page cannot be mapped twice (as another buffer). */
TEST(rxtx_map_reusing_a_mapped_mailbox_page_is_denied)
{
	struct ffa_regs r;

	mt_init();
	r = fx_call(&fx, FX_VM2, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM2, FFA_RXTX_MAP_64, fx_rx_pa(FX_VM2),
		    fx_rx_pa(FX_VM2), 1, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	mt_fini();
}

/* A dead partition's mailbox pages are released with it. */
TEST(abort_releases_mailbox_pages)
{
	struct mt_send s =
		mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, fx_rx_pa(FX_VM1), 1);
	struct spmc_output out;
	struct ffa_regs r;

	mt_init();
	spmc_partition_abort(fx.spmc, FX_VM1, &out);
	r = fx_call(&fx, FX_VM1, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_MAP_64, fx_tx_pa(FX_VM1), FX_VM1_BASE,
		    1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}
