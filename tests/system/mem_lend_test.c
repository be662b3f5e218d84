// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: FFA_MEM_LEND and FFA_MEM_DONATE take the lender's access
 * away for real (its mapping becomes PROT_NONE), and DONATE moves
 * ownership in the SPMC's books.
 */
#include "sys.h"

#define TAG 0x1e4d0002ull

static bool died_of_segv(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/* ffa.md §3.1 LEND: the owner goes to Owner-NA until reclaim. A child of
 * the VM (sharing its mappings) touching the page must fault before the
 * reclaim, and read the SP's data after it. */
TEST(lent_page_faults_in_the_lender_until_reclaim)
{
	uint64_t pa = SYS_VM1_BASE + 0x100000, handle = 0;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;
	uint8_t *va = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	va = tzs_ep_pa(vm, pa, 4096);
	memset(va, 0, 4096);
	/* Sanity: before the lend, the child can touch the page. */
	ASSERT_EQ(sys_touch_in_child(va, false), 0);
	ASSERT_EQ(tzs_vm_mem_lend(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				  1, TAG, 0, &handle),
		  FFA_OK);
	ASSERT_TRUE(died_of_segv(sys_touch_in_child(va, false)));
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_WRITE, handle, 3, 0, NULL),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_RELINQUISH, handle, 0, 0,
			  NULL),
		  FFA_OK);
	/* Relinquished but not reclaimed: still not the lender's. */
	ASSERT_TRUE(died_of_segv(sys_touch_in_child(va, true)));
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	/* Read only: the child shares the page, a write would show here. */
	ASSERT_EQ(sys_touch_in_child(va, false), 0);
	ASSERT_TRUE(sys_page_ok(va, 0, 3));
	sys_stop(&l, vm);
}

/* ffa.md §3.2: LEND with the clear flag zeroes the memory before any
 * borrower maps it. */
TEST(lend_with_clear_flag_hands_the_sp_zeroed_memory)
{
	uint64_t pa = SYS_VM1_BASE + 0x200000, handle = 0, ret[5];
	static const uint8_t zero[4096];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	sys_fill(tzs_ep_pa(vm, pa, 4096), 1, 11);
	ASSERT_EQ(tzs_vm_mem_lend(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				  1, TAG, FFA_MEM_FLAG_CLEAR, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(
		sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_CHECKSUM, handle, 0, 0, ret),
		FFA_OK);
	ASSERT_EQ(ret[1], tsp_checksum(zero, sizeof(zero)));
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_RELINQUISH, handle, 0, 0,
			  NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	ASSERT_TRUE(tzs_is_zero(tzs_ep_pa(vm, pa, 4096), 4096));
	sys_stop(&l, vm);
}

/* ffa.md §3.1 DONATE: ownership moves at retrieve and the handle is gone,
 * so the donor can no longer reclaim (unknown handle -> INVALID_PARAMETERS)
 * and stays without access. */
TEST(donate_moves_ownership_to_the_sp)
{
	uint64_t pa = SYS_VM1_BASE + 0x300000, handle = 0;
	struct tzs_host_stats st;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t owner = 0;
	uint8_t *va = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	va = tzs_ep_pa(vm, pa, 4096);
	ASSERT_EQ(tzs_vcpu_page_owner(sys_vcpu0(vm), pa, &owner), 0);
	ASSERT_EQ(owner, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_donate(sys_vcpu0(vm), SYS_SP1, pa, 1, TAG, 0,
				    &handle),
		  FFA_OK);
	ASSERT_TRUE(died_of_segv(sys_touch_in_child(va, false)));
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), SYS_SP1, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_DONATE, 0),
		  FFA_OK);
	ASSERT_EQ(tzs_vcpu_page_owner(sys_vcpu0(vm), pa, &owner), 0);
	ASSERT_EQ(owner, SYS_SP1);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0),
		  FFA_INVALID_PARAMETERS);
	ASSERT_TRUE(died_of_segv(sys_touch_in_child(va, false)));
	ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
	ASSERT_EQ(st.live_shares, 0);
	/* The new owner keeps using it. */
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_WRITE, handle, 5, 0,
			  NULL),
		  FFA_OK);
	sys_stop(&l, vm);
}

/* ffa.md §3.1: a DONATE nobody retrieved can still be reclaimed, and the
 * donor gets its access back. */
TEST(donate_reclaimed_before_retrieval_returns_access)
{
	uint64_t pa = SYS_VM1_BASE + 0x400000, handle = 0;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t owner = 0;
	uint8_t *va = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	va = tzs_ep_pa(vm, pa, 4096);
	ASSERT_EQ(tzs_vm_mem_donate(sys_vcpu0(vm), SYS_SP1, pa, 1, TAG, 0,
				    &handle),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	ASSERT_EQ(sys_touch_in_child(va, true), 0);
	ASSERT_EQ(tzs_vcpu_page_owner(sys_vcpu0(vm), pa, &owner), 0);
	ASSERT_EQ(owner, SYS_VM1);
	sys_stop(&l, vm);
}

/* A page in a live transaction cannot be sent again (owner no longer
 * Owner-EA -> DENIED, ffa.md §3.1). */
TEST(lending_a_page_twice_is_denied)
{
	uint64_t pa = SYS_VM1_BASE + 0x500000, h1 = 0, h2 = 0;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_lend(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				  1, TAG, 0, &h1),
		  FFA_OK);
	ASSERT_EQ(tzs_vm_mem_lend(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				  1, TAG, 0, &h2),
		  FFA_DENIED);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), h1, 0), FFA_OK);
	sys_stop(&l, vm);
}
