// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: processes die and nothing hangs. A dead SP fails its
 * clients with FFA_ERROR(ABORTED) and gives back what it borrowed; a VM
 * dying mid-transaction leaves no partial state; a dead SPMC turns every
 * call into FFA_ERROR(ABORTED).
 */
#include <stdlib.h>

#include "sys.h"

#define TAG 0xdead0003ull

/* spmc.h spmc_partition_abort(): pending callers get ABORTED and the dead
 * SP's retrieved memory is relinquished on its behalf. */
TEST(sp_crash_fails_the_pending_request_and_frees_its_memory)
{
	uint64_t pa = SYS_VM1_BASE + 0x100000, handle = 0, args[5], ret[5];
	struct tzs_host_stats st;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_lend(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				  1, TAG, 0, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm), sp, handle, TAG, SYS_VM1,
			       FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_DENIED);
	memset(args, 0, sizeof(args));
	args[0] = TSP_CMD_CRASH;
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), sp, args, ret),
		  FFA_ABORTED);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	ASSERT_EQ(sys_touch_in_child(tzs_ep_pa(vm, pa, 4096), true), 0);
	/* The dead SP stays dead; the other SP serves on. */
	args[0] = 1;
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), sp, args, ret),
		  FFA_ABORTED);
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP2, args, ret),
		  FFA_OK);
	ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
	ASSERT_EQ(st.live_shares, 0);
	ASSERT_EQ(st.partitions_alive, 3);
	sys_stop(&l, vm);
}

/* An SP killed while idle (SIGCHLD / closed sockets) is noticed: later
 * requests get ABORTED, never a hang. */
TEST(sp_killed_from_outside_is_noticed)
{
	uint64_t args[5] = { 1, 2, 3, 4, 5 }, ret[5];
	struct tzs_host_stats st;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	unsigned int i = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP2, TSP_CMD_GETPID, 0, 0, 0, ret),
		  FFA_OK);
	ASSERT_TRUE(ret[1] > 1);
	ASSERT_EQ(kill((pid_t)ret[1], SIGKILL), 0);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(tzs_vcpu_stats(sys_vcpu0(vm), &st), 0);
		if (st.partitions_alive == 3) {
			break;
		}
		sys_sleep_ms(5);
	}
	ASSERT_EQ(st.partitions_alive, 3);
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP2, args, ret),
		  FFA_ABORTED);
	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP1, args, ret),
		  FFA_OK);
	sys_stop(&l, vm);
}

/* Child: attach as VM 2, send the first fragment of a share and report. */
static void partial_send_child(int ctl, int report)
{
	const uint32_t n = 600; /* 3 fragments through a 4 KiB TX */
	struct ffa_constituent *cons = calloc(n, sizeof(*cons));
	struct ffa_emad emad;
	struct ffa_mem_send_desc d;
	struct tzs_host_stats st;
	struct tzs_ep *ep = NULL;
	struct tzs_vcpu *v = NULL;
	struct ffa_regs r;
	uint8_t *buf = NULL;
	size_t len = 0;
	char ok = 'F';
	uint32_t i = 0;

	if (!cons || tzs_vm_attach(ctl, NULL, &ep)) {
		goto out;
	}
	v = tzs_ep_vcpu(ep, 0);
	for (i = 0; i < n; i++) {
		cons[i].address = SYS_VM2_BASE + (uint64_t)i * 8192;
		cons[i].page_count = 1;
	}
	memset(&emad, 0, sizeof(emad));
	emad.receiver = SYS_SP1;
	emad.perms = FFA_PERM_DATA_RW;
	memset(&d, 0, sizeof(d));
	d.version = tzs_ep_version(ep);
	d.sender = SYS_VM2;
	d.attributes = FFA_MEM_ATTR_NORMAL_WB_IS;
	d.tag = TAG;
	d.emad_count = 1;
	d.emads = &emad;
	d.constituent_count = n;
	d.constituents = cons;
	len = ffa_mem_send_desc_len(&d);
	buf = malloc(len);
	if (!buf || ffa_mem_send_desc_encode(buf, len, &d) != len) {
		goto out;
	}
	memcpy(tzs_ep_tx(ep), buf, tzs_ep_mailbox_size(ep));
	r = tzs_vcpu_call8(v, FFA_MEM_SHARE_64, len, tzs_ep_mailbox_size(ep), 0,
			   0, 0, 0, 0);
	if ((uint32_t)r.x[0] == FFA_MEM_FRAG_RX &&
	    tzs_vcpu_stats(v, &st) == 0 && st.live_shares == 1) {
		ok = 'R';
	}
out:
	if (write(report, &ok, 1) != 1 || ok != 'R') {
		_exit(1);
	}
	for (;;) {
		pause(); /* until the parent kills us mid-transaction */
	}
}

/* spmc.h: partial fragmented sends of a dead partition are freed. */
TEST(vm_killed_mid_fragmented_send_leaves_no_transaction)
{
	struct pollfd pfd;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t pa = SYS_VM1_BASE, handle = 0;
	uint16_t sp = SYS_SP1;
	int p[2], status = 0;
	char c = 0;
	pid_t pid = 0;

	sys_start(&l, SYS_PLATFORM);
	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		close(tzs_launch_take_vm(&l, SYS_VM1));
		partial_send_child(tzs_launch_take_vm(&l, SYS_VM2), p[1]);
	}
	close(p[1]);
	/* The child owns VM 2's control socket now: drop our copy, so its
	 * death is the socket's close. */
	close(tzs_launch_take_vm(&l, SYS_VM2));
	vm = sys_attach(&l, SYS_VM1);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ASSERT_EQ(poll(&pfd, 1, 10000), 1);
	ASSERT_EQ(read(p[0], &c, 1), 1);
	ASSERT_EQ(c, 'R');
	ASSERT_EQ(sys_wait_live_shares(sys_vcpu0(vm), 1), 1);
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_EQ(sys_wait_live_shares(sys_vcpu0(vm), 0), 0);
	/* And the SPMC serves on. */
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm), &sp, 1, FFA_PERM_DATA_RW, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm), handle, 0), FFA_OK);
	close(p[0]);
	sys_stop(&l, vm);
}

/* The VM dies while an SP holds its memory: the SP keeps a working
 * mapping until it relinquishes, then the transaction disappears. */
TEST(vm_death_while_sp_holds_its_share_is_cleaned_up_after_relinquish)
{
	uint64_t pa = SYS_VM2_BASE + 0x10000, handle = 0, ret[5];
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;
	uint16_t sp = SYS_SP1;

	sys_start(&l, SYS_PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	vm2 = sys_attach(&l, SYS_VM2);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm2), &sp, 1, FFA_PERM_DATA_RW, pa,
				   1, TAG, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(sys_vcpu0(vm2), sp, handle, TAG, SYS_VM2,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_OK);
	tzs_ep_detach(vm2);
	ASSERT_EQ(sys_wait_live_shares(sys_vcpu0(vm1), 1), 1);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm1), sp, TSP_CMD_WRITE, handle, 1, 0, ret),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm1), sp, TSP_CMD_RELINQUISH, handle, 0, 0,
			  NULL),
		  FFA_OK);
	ASSERT_EQ(sys_wait_live_shares(sys_vcpu0(vm1), 0), 0);
	sys_stop(&l, vm1);
}

/* The SPMC dies: calls return FFA_ERROR(ABORTED), the interrupt channel
 * reports EOF, and the SPs (PR_SET_PDEATHSIG) go with it. */
TEST(spmc_death_turns_calls_into_aborted)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;
	uint32_t irq = 0;
	int status = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(kill(l.spmc_pid, SIGKILL), 0);
	ASSERT_EQ(waitpid(l.spmc_pid, &status, 0), l.spmc_pid);
	l.spmc_pid = -1;
	r = tzs_vcpu_call8(sys_vcpu0(vm), FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_ABORTED);
	r = tzs_vcpu_call8(sys_vcpu0(vm), FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0,
			   0, 0, 0);
	ASSERT_FFA_ERROR(&r, FFA_ABORTED);
	ASSERT_EQ(tzs_vm_irq_wait(vm, 5000, &irq), -EPIPE);
	tzs_ep_detach(vm);
	tzs_launch_stop(&l, 1000);
}
