// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: FFA_MEM_SHARE between a VM process and SP processes, with
 * the memory really mapped on both sides (memfd + mmap).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "sys.h"

#define TAG 0x5ade0001ull

/* FF-A v1.2 share: the owner keeps access (Owner-SA), so the VM sees the
 * SP's writes at once; reclaim after relinquish returns exclusive access. */
TEST(shared_page_written_by_sp_is_seen_by_vm_after_reclaim)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_host_stats st;
	uint64_t pa = SYS_VM1_BASE + 0x100000, handle = 0, ret[5];
	uint16_t sp = SYS_SP1;
	uint8_t *va = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	va = tzs_ep_pa(vm, pa, 4096);
	memset(va, 0, 4096);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_WRITE, handle, 42, 0, ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], 1);
	ASSERT_TRUE(sys_page_ok(va, 0, 42));
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_RELINQUISH, handle, 0, 0,
			  NULL),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_MAPPED, 0, 0, 0, ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], 0);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	ASSERT_TRUE(sys_page_ok(va, 0, 42));
	ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
	ASSERT_EQ(st.live_shares, 0);
	sys_stop(&l, vm);
}

/* ffa.md §3.3 retrieve step 5: the retriever must present the tag the
 * sender chose. */
TEST(retrieve_with_a_wrong_tag_is_invalid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t pa = SYS_VM1_BASE + 0x100000, handle = 0;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG + 1, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	sys_stop(&l, vm);
}

/*
 * 4096 single-page constituents (every other page): the send descriptor
 * (64 KiB of constituents) goes through a 4 KiB TX in 17 fragments and the
 * retrieve response through the SP's 4 KiB RX in as many. The SP writes
 * every page through its one contiguous window; the VM checks each page
 * landed where the constituent order says.
 */
TEST(fragmented_share_of_4096_scattered_pages_round_trips)
{
	const uint32_t n = 4096;
	struct tzs_mem_receiver rcv = { .id = SYS_SP1,
					.perms = FFA_PERM_DATA_RW };
	struct tzs_range *ranges = calloc(n, sizeof(*ranges));
	uint64_t base = SYS_VM1_BASE + 0x1000000, handle = 0, ret[5];
	struct tzs_mem_send_args a;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t i = 0;

	ASSERT_TRUE(ranges != NULL);
	for (i = 0; i < n; i++) {
		ranges[i].pa = base + (uint64_t)i * 2 * 4096;
		ranges[i].page_count = 1;
	}
	memset(&a, 0, sizeof(a));
	a.kind = FFA_MEM_KIND_SHARE;
	a.receiver_count = 1;
	a.receivers = &rcv;
	a.range_count = n;
	a.ranges = ranges;
	a.tag = TAG;
	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	/* The precondition that makes this a fragmentation test. */
	ASSERT_TRUE(n * FFA_CONSTITUENT_SIZE > 8 * tzs_ep_mailbox_size(vm));
	memset(tzs_ep_pa(vm, base, 2ull * n * 4096), 0, 2ull * n * 4096);
	ASSERT_EQ(tzs_ep_mem_send(sys_vcpu0(vm), &a, &handle), FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), SYS_SP1, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_WRITE, handle, 7, 0,
			  ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], n);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_RELINQUISH, handle, 0,
			  0, NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	for (i = 0; i < n; i++) {
		uint8_t *page = tzs_ep_pa(vm, ranges[i].pa, 4096);

		ASSERT_TRUE(sys_page_ok(page, i, 7));
		/* The page between two constituents was not shared. */
		ASSERT_TRUE(tzs_is_zero(page + 4096, 4096));
	}
	free(ranges);
	sys_stop(&l, vm);
}

/* FF-A v1.2 multi-borrower share: each SP retrieves with the bypass flag
 * (lists only itself, ffa.md §6) and reads what the VM wrote. */
TEST(share_to_two_sps_lets_both_read_the_data)
{
	uint16_t sps[2] = { SYS_SP1, SYS_SP2 };
	uint64_t pa = SYS_VM1_BASE + 0x200000, handle = 0, sum = 0, ret[5];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	unsigned int i = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	sys_fill(tzs_ep_pa(vm, pa, 4 * 4096), 4, 9);
	sum = tsp_checksum(tzs_ep_pa(vm, pa, 4 * 4096), 4 * 4096);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), sps, 2, FFA_PERM_DATA_RW, pa,
				   4, TAG, &handle),
		  FFA_OK);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sps[i], handle, TAG,
				       SYS_VM1, FFA_MEM_KIND_SHARE,
				       TSP_RF_BYPASS),
			  FFA_OK);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sps[i], TSP_CMD_CHECKSUM,
				  handle, 0, 0, ret),
			  FFA_OK);
		ASSERT_EQ(ret[1], sum);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sps[i], TSP_CMD_RELINQUISH,
				  handle, 0, 0, NULL),
			  FFA_OK);
	}
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	sys_stop(&l, vm);
}

/* ffa.md §3.3 reclaim: any borrower still holding the memory -> DENIED;
 * nothing changes, and reclaim succeeds once it relinquished. */
TEST(reclaim_while_retrieved_is_denied_until_relinquish)
{
	uint64_t pa = SYS_VM1_BASE + 0x300000, handle = 0, ret[5];
	struct tzs_host_stats st;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				   2, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_DENIED);
	ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
	ASSERT_EQ(st.live_shares, 1);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_MAPPED, 0, 0, 0, ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], 1);
	ASSERT_EQ(ret[2], 2);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), sp, TSP_CMD_RELINQUISH, handle, 0, 0,
			  NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
	ASSERT_EQ(st.live_shares, 0);
	sys_stop(&l, vm);
}

/* A read-only grant maps the memfd read-only: an SP writing to it faults,
 * which kills that SP only; its client gets FFA_ERROR(ABORTED). */
TEST(sp_writing_a_read_only_share_dies_and_its_client_gets_aborted)
{
	uint64_t pa = SYS_VM1_BASE + 0x400000, handle = 0, args[5], ret[5];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP2;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RO, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_SHARE, TSP_RF_RO),
		  FFA_OK);
	args[0] = TSP_CMD_WRITE;
	args[1] = handle;
	args[2] = 1;
	args[3] = 0;
	args[4] = 0;
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), sp, args, ret),
		  FFA_ABORTED);
	/* The dead SP's retrieval was relinquished on its behalf. */
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	/* The other SP is unaffected. */
	ASSERT_EQ(
		sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_MAPPED, 0, 0, 0, NULL),
		FFA_OK);
	sys_stop(&l, vm);
}

/* The SP asks for RW on a RO grant: permission escalation -> DENIED
 * (ffa.md §3.3 retrieve step 6). */
TEST(retrieve_asking_rw_of_a_read_only_share_is_denied)
{
	uint64_t pa = SYS_VM1_BASE + 0x400000, handle = 0;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RO, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_DENIED);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	sys_stop(&l, vm);
}

/* A read-only grant gets an O_RDONLY memfd: neither a new PROT_WRITE
 * mapping nor upgrading the runtime's mapping works. The memfd is handed
 * out only while the access lasts. */
TEST(read_only_grant_hands_out_a_read_only_memfd)
{
	uint16_t rcv[2] = { SYS_SP1, SYS_VM2 };
	uint64_t pa = SYS_VM1_BASE + 0x500000, handle = 0;
	struct tzs_mem_retrieve_args a;
	struct tzs_mem_map *m = NULL;
	struct tzs_mem_fd mfd;
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;
	void *p = NULL;

	sys_start(&l, SYS_PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	vm2 = sys_attach(&l, SYS_VM2);
	sys_fill(tzs_ep_pa(vm1, pa, 4096), 1, 4);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm1), rcv, 2, FFA_PERM_DATA_RO, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(tzs_vcpu_mem_fd(sys_vcpu0(vm2), pa, 4096, &mfd), FFA_DENIED);
	memset(&a, 0, sizeof(a));
	a.handle = handle;
	a.owner = SYS_VM1;
	a.tag = TAG;
	a.kind = FFA_MEM_KIND_SHARE;
	a.perms = FFA_PERM_DATA_RO;
	a.flags = FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	ASSERT_EQ(tzs_ep_mem_retrieve(sys_vcpu0(vm2), &a, &m), FFA_OK);
	ASSERT_EQ(m->perms & FFA_PERM_DATA_MASK, FFA_PERM_DATA_RO);
	ASSERT_TRUE(sys_page_ok(m->va, 0, 4));
	ASSERT_EQ(mprotect(m->va, 4096, PROT_READ | PROT_WRITE), -1);
	ASSERT_EQ(errno, EACCES);
	ASSERT_EQ(tzs_vcpu_mem_fd(sys_vcpu0(vm2), pa, 4096, &mfd), FFA_OK);
	ASSERT_EQ(mfd.perm, FFA_PERM_DATA_RO);
	ASSERT_EQ(mfd.base, SYS_VM1_BASE);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd.fd,
		 (off_t)(pa - mfd.base));
	ASSERT_TRUE(p == MAP_FAILED);
	ASSERT_EQ(errno, EACCES);
	close(mfd.fd);
	ASSERT_EQ(tzs_ep_mem_relinquish(sys_vcpu0(vm2), m, 0), FFA_OK);
	ASSERT_EQ(tzs_vcpu_mem_fd(sys_vcpu0(vm2), pa, 4096, &mfd), FFA_DENIED);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm1), handle, 0), FFA_OK);
	tzs_ep_detach(vm2);
	sys_stop(&l, vm1);
}
