// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-sender quotas (core/spmc/mem_send.c): one partition cannot exhaust
 * the share-state pool that every endpoint uses, neither with complete
 * transactions nor with incomplete fragmented sends (which own no page, so
 * the same page could be announced again and again).
 */
#include <tzshare/ffa.h>
#include <tzshare/lib.h>
#include <tzshare/spmc.h>

#include "mem_util.h"
#include "spmc_fixture.h"
#include "test.h"

/* Announce two constituents and send only the first: FRAG_RX. */
static struct ffa_regs partial_send(uint16_t sender, uint64_t pa)
{
	struct mt_send s = mt_desc(FFA_MEM_SHARE_64, sender, FX_SP1, pa, 1);
	uint32_t len = 0;

	s.cons_count = 2;
	s.cons[1] = mt_cons(pa + 2 * MT_PAGE, 1);
	len = mt_put(&s);
	return mt_call_send(sender, FFA_MEM_SHARE_64, len, len - 16);
}

TEST(incomplete_sends_per_sender_are_limited)
{
	struct ffa_regs r;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < 4; i++) {
		r = partial_send(FX_VM1, MT_VM1_PA);
		ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	}
	r = partial_send(FX_VM1, MT_VM1_PA);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	ASSERT_EQ(mt_live(), 4);
	/* Another partition is not affected. */
	mt_share(FX_VM2, FX_SP1, MT_VM2_PA, 1);
	r = partial_send(FX_VM2, MT_VM2_PA + 8 * MT_PAGE);
	ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	mt_fini();
}

TEST(live_shares_per_sender_are_limited_and_others_still_share)
{
	struct fx_opts o = { .cfg = { .max_mem_shares = 8 } };
	struct ffa_regs r;
	struct mt_send s;
	uint64_t h[4];
	unsigned int i = 0;

	mt_init_opts(&o); /* per-sender default: 8 / 2 = 4 */
	for (i = 0; i < 4; i++) {
		h[i] = mt_share(FX_VM1, FX_SP1, MT_VM1_PA + i * MT_PAGE, 1);
	}
	s = mt_desc(FFA_MEM_SHARE_64, FX_VM1, FX_SP1, MT_VM1_PA + 4 * MT_PAGE,
		    1);
	r = mt_send(FFA_MEM_SHARE_64, &s);
	ASSERT_FFA_ERROR(&r, FFA_NO_MEMORY);
	ASSERT_EQ(mt_access(FX_VM1, MT_VM1_PA + 4 * MT_PAGE, MT_PAGE),
		  FFA_PERM_DATA_RW);
	mt_share(FX_VM2, FX_SP1, MT_VM2_PA, 1);
	/* Reclaiming one gives the sender its quota back. */
	r = mt_reclaim(FX_VM1, h[0], 0);
	ASSERT_FFA_SUCCESS(&r);
	mt_send_ok(FFA_MEM_SHARE_64, &s);
	mt_fini();
}

/* The quota is released when a partial send is dropped or completes. */
TEST(quota_is_released_by_completion_and_by_abort)
{
	struct spmc_output out;
	struct ffa_regs r;
	unsigned int i = 0;

	mt_init();
	for (i = 0; i < 4; i++) {
		r = partial_send(FX_VM2, MT_VM2_PA);
		ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	}
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	ASSERT_EQ(mt_live(), 0);
	r = fx_call(&fx, FX_VM2, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0,
		    0);
	r = fx_call(&fx, FX_VM2, FFA_RXTX_MAP_64, fx_tx_pa(FX_VM2),
		    fx_rx_pa(FX_VM2), 1, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	for (i = 0; i < 4; i++) {
		r = partial_send(FX_VM2, MT_VM2_PA);
		ASSERT_EQ(r.x[0], FFA_MEM_FRAG_RX);
	}
	mt_fini();
}
