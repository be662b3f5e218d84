// SPDX-License-Identifier: BSD-2-Clause
/* Tests of core/spmc/rxtx.c: mailbox mapping and RX ownership. */
#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "spmc_fixture.h"
#include "test.h"

static struct fx fx;

static void setup(void)
{
	struct fx_opts o = { .no_mailboxes = true };

	fx_init(&fx, &o);
}

static struct ffa_regs map(uint16_t ep, uint64_t tx, uint64_t rx,
			   uint32_t pages)
{
	return fx_call(&fx, ep, FFA_RXTX_MAP_64, tx, rx, pages, 0, 0, 0, 0);
}

TEST(rxtx_map_of_own_pages_succeeds)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Hafnium: a second RXTX_MAP without unmap is DENIED. */
TEST(rxtx_map_twice_is_denied)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x1000, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(rxtx_map_with_zero_or_too_many_pages_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x100000, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x100000, 17);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x100000, 16);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

TEST(rxtx_map_unaligned_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, FX_VM1_BASE + 8, FX_VM1_BASE + 0x2000, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x2800, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(rxtx_map_overlapping_buffers_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE + 0x1000, 2);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = map(FX_VM1, FX_VM1_BASE, FX_VM1_BASE, 1);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

/* The mailbox must be the caller's own memory: never another's. */
TEST(rxtx_map_of_foreign_memory_is_denied)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, FX_SP1_BASE, FX_SP1_BASE + 0x1000, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = map(FX_VM1, FX_VM2_BASE, FX_VM1_BASE, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = map(FX_VM1, 0x40000000ull, 0x40001000ull, 1); /* unmapped PA */
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(rxtx_map_of_device_memory_is_denied)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, FX_DEV_BASE, FX_DEV_BASE + 0x1000, 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* A buffer that runs past the end of the caller's region is refused. */
TEST(rxtx_map_straddling_region_end_is_denied)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM2, FX_VM2_BASE + FX_VM2_SIZE - 0x1000, FX_VM2_BASE, 2);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

TEST(rxtx_unmap_without_mapping_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = fx_call(&fx, FX_VM1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(rxtx_unmap_then_map_again_succeeds)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* Without a hypervisor, nobody may unmap another endpoint's mailbox. */
TEST(rxtx_unmap_of_other_endpoint_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM2, fx_tx_pa(FX_VM2), fx_rx_pa(FX_VM2), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_UNMAP, (uint32_t)FX_VM2 << 16, 0, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	/* VM2's mailbox still works. */
	r = map(FX_VM2, fx_tx_pa(FX_VM2), fx_rx_pa(FX_VM2), 1);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* RX is the SPMC's after mapping: releasing it is DENIED. */
TEST(rx_release_of_empty_buffer_is_denied)
{
	struct ffa_regs r;

	setup();
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED); /* no mailbox */
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	fx_fini(&fx);
}

/* After the SPMC wrote RX, the next producer write waits for release. */
TEST(rx_full_until_released)
{
	struct ffa_regs r;

	setup();
	r = map(FX_VM1, fx_tx_pa(FX_VM1), fx_rx_pa(FX_VM1), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = fx_call(&fx, FX_VM1, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

TEST(rx_release_naming_another_vm_without_hypervisor_is_invalid)
{
	struct ffa_regs r;

	setup();
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	fx_fini(&fx);
}

TEST(rx_acquire_without_hypervisor_is_not_supported)
{
	struct ffa_regs r;

	setup();
	r = fx_call(&fx, FX_VM1, FFA_RX_ACQUIRE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	r = fx_call(&fx, FX_SP1, FFA_RX_ACQUIRE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_NOT_SUPPORTED);
	fx_fini(&fx);
}

/* With a hypervisor (VM 1 here): acquire an EMPTY buffer, release it. */
TEST(rx_acquire_by_hypervisor_takes_and_gives_back)
{
	struct fx_opts o = { .no_mailboxes = true };
	struct ffa_regs r;

	o.cfg.has_hypervisor = true;
	o.cfg.hypervisor_id = FX_VM1;
	fx_init(&fx, &o);
	r = fx_call(&fx, FX_VM1, FFA_RX_ACQUIRE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED); /* VM2 has no mailbox yet */
	r = map(FX_VM2, fx_tx_pa(FX_VM2), fx_rx_pa(FX_VM2), 1);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RX_ACQUIRE, FX_SP1, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_VM1, FFA_RX_ACQUIRE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	/* The SPMC cannot produce into an acquired buffer. */
	r = fx_call(&fx, FX_VM2, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_BUSY);
	/* The VM itself cannot release what the hypervisor holds. */
	r = fx_call(&fx, FX_VM2, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_DENIED);
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, FX_VM2, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM2, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* An abort forgets the mailbox: the next process maps afresh. */
TEST(abort_unmaps_mailbox_and_forgets_version)
{
	struct spmc_output out;
	struct ffa_regs r;

	setup();
	r = map(FX_VM2, fx_tx_pa(FX_VM2), fx_rx_pa(FX_VM2), 1);
	ASSERT_FFA_SUCCESS(&r);
	spmc_partition_abort(fx.spmc, FX_VM2, &out);
	r = fx_call(&fx, FX_VM2, FFA_VERSION, FFA_VERSION_1_1, 0, 0, 0, 0, 0,
		    0);
	ASSERT_EQ(r.x[0], FFA_VERSION_1_2);
	r = map(FX_VM2, fx_tx_pa(FX_VM2), fx_rx_pa(FX_VM2), 1);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}

/* The normal-world hypervisor never manages an SP's buffers. */
TEST(hypervisor_cannot_unmap_or_release_sp_mailbox)
{
	struct fx_opts o = { 0 };
	struct ffa_regs r;

	o.cfg.has_hypervisor = true;
	o.cfg.hypervisor_id = FX_VM1;
	fx_init(&fx, &o);
	r = fx_call(&fx, FX_VM1, FFA_RXTX_UNMAP, (uint32_t)FX_SP1 << 16, 0, 0,
		    0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	r = fx_call(&fx, FX_SP1, FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = fx_call(&fx, FX_VM1, FFA_RX_RELEASE, FX_SP1, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_INVALID_PARAMETERS);
	/* SP 1 still owns its full RX. */
	r = fx_call(&fx, FX_SP1, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	fx_fini(&fx);
}
