// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: repeated and concurrent memory transactions. The runtimes
 * must not leak mappings or descriptors, and two vCPUs (each served by its
 * own SP context) must not mix up their use of the shared RX/TX mailboxes.
 */
#include <dirent.h>
#include <pthread.h>

#include "sys.h"

#define TAG 0xc7c1e000ull
#define CYCLES 100

static unsigned int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	ASSERT_TRUE(d != NULL);
	while (readdir(d)) {
		n++;
	}
	closedir(d);
	return n;
}

static unsigned int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned int n = 0;
	int c = 0;

	ASSERT_TRUE(f != NULL);
	while ((c = fgetc(f)) != EOF) {
		n += c == '\n';
	}
	fclose(f);
	return n;
}

/* One full share cycle from @vcpu's point of view; returns 0 or the line
 * number of the step that failed (threads cannot use ASSERT_*). */
static int share_cycle(struct tzs_ep *vm, unsigned int vcpu, uint64_t pa,
		       uint64_t seed)
{
	struct tzs_vcpu *v = tzs_ep_vcpu(vm, vcpu);
	uint64_t args[5], ret[5], handle = 0;
	uint16_t sp = SYS_SP1;

	if (!v) {
		return __LINE__;
	}
	if (tzs_vm_mem_share(v, &sp, 1, FFA_PERM_DATA_RW, pa, 2, TAG + seed,
			     &handle) != FFA_OK) {
		return __LINE__;
	}
	args[0] = TSP_CMD_RETRIEVE;
	args[1] = handle;
	args[2] = TAG + seed;
	args[3] = SYS_VM1 | (uint64_t)FFA_MEM_KIND_SHARE << 16;
	args[4] = 0;
	if (tzs_vcpu_direct_req(v, sp, args, ret) || ret[0] != FFA_OK) {
		return __LINE__;
	}
	args[0] = TSP_CMD_WRITE;
	args[2] = seed;
	if (tzs_vcpu_direct_req(v, sp, args, ret) || ret[0] != FFA_OK) {
		return __LINE__;
	}
	args[0] = TSP_CMD_RELINQUISH;
	args[2] = 0;
	if (tzs_vcpu_direct_req(v, sp, args, ret) || ret[0] != FFA_OK) {
		return __LINE__;
	}
	if (tzs_ep_mem_reclaim(v, handle, 0) != FFA_OK) {
		return __LINE__;
	}
	if (!sys_page_ok(tzs_ep_pa(vm, pa, 4096), 0, seed) ||
	    !sys_page_ok(tzs_ep_pa(vm, pa + 4096, 4096), 1, seed)) {
		return __LINE__;
	}
	return 0;
}

TEST(repeated_share_cycles_leak_no_mappings_descriptors_or_shares)
{
	struct tzs_host_stats st;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	unsigned int i = 0, fds = 0, maps = 0;
	uint64_t ret[5];

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	/* Warm up: the first cycle may cache a memfd in the SP. */
	ASSERT_EQ(share_cycle(vm, 0, SYS_VM1_BASE + 0x100000, 1), 0);
	fds = count_fds();
	maps = count_maps();
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(share_cycle(vm, 0,
				      SYS_VM1_BASE + 0x100000 +
					      (uint64_t)(i % 16) * 0x2000,
				      i + 2),
			  0);
	}
	ASSERT_EQ(count_fds(), fds);
	ASSERT_EQ(count_maps(), maps);
	ASSERT_EQ(sys_cmd(tzs_ep_vcpu(vm, 0), SYS_SP1, TSP_CMD_MAPPED, 0, 0, 0,
			  ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], 0);
	ASSERT_EQ(tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &st), 0);
	ASSERT_EQ(st.live_shares, 0);
	sys_stop(&l, vm);
}

struct cycler {
	struct tzs_ep *vm;
	unsigned int vcpu;
	int failed_line;
};

static void *cycle_thread(void *arg)
{
	struct cycler *c = arg;
	uint64_t base = SYS_VM1_BASE + 0x1000000 + c->vcpu * 0x100000ull;
	unsigned int i = 0;

	for (i = 0; i < CYCLES && !c->failed_line; i++) {
		c->failed_line = share_cycle(c->vm, c->vcpu,
					     base + (uint64_t)(i % 8) * 0x2000,
					     (uint64_t)c->vcpu << 32 | i);
	}
	return NULL;
}

/* VM vCPU n talks to SP context n (docs/spmc.md); both sides serialise
 * their single RX/TX pair between the two threads. */
TEST(concurrent_transactions_on_two_vcpus_do_not_mix)
{
	struct cycler c[2];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	pthread_t th[2];
	unsigned int i = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	for (i = 0; i < 2; i++) {
		c[i] = (struct cycler){ .vm = vm, .vcpu = i };
		ASSERT_EQ(pthread_create(&th[i], NULL, cycle_thread, &c[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
	}
	ASSERT_EQ(c[0].failed_line, 0);
	ASSERT_EQ(c[1].failed_line, 0);
	sys_stop(&l, vm);
}
