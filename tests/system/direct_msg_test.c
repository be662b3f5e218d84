// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: a VM process and SP processes under tzshare-spmc exchange
 * direct messages; partition discovery by UUID; the default platform.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#include "sys.h"

/* Test SP only: one SP, so discovery by its UUID finds exactly it. */
#define ONE_SP_PLATFORM                                                \
	"vm 1 vcpus=2 mem=0x80000000:64M\n"                            \
	"sp 0x8001 vcpus=2 mem=0x10000000:16M program=tzshare-test-sp" \
	" uuid=" TSP_UUID_STR "\n"

/* FF-A v1.2 §15.2: the response names the SP as source, the VM as target. */
TEST(direct_req_is_answered_by_the_sp_with_swapped_endpoints)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	r = tzs_vcpu_call8(tzs_ep_vcpu(vm, 0), FFA_MSG_SEND_DIRECT_REQ_64,
			   (uint32_t)SYS_VM1 << 16 | SYS_SP1, 0, 0x11, 0x22,
			   0x33, 0x44, 0x55);
	ASSERT_EQ(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ASSERT_EQ(r.x[1], (uint32_t)SYS_SP1 << 16 | SYS_VM1);
	ASSERT_EQ(r.x[2], 0);
	ASSERT_EQ(r.x[3], 0x11);
	ASSERT_EQ(r.x[4], 0x22);
	ASSERT_EQ(r.x[5], 0x33);
	ASSERT_EQ(r.x[6], 0x44);
	ASSERT_EQ(r.x[7], 0x55);
	sys_stop(&l, vm);
}

TEST(direct_req_32_is_answered_with_direct_resp_32)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	r = tzs_vcpu_call8(tzs_ep_vcpu(vm, 0), FFA_MSG_SEND_DIRECT_REQ_32,
			   (uint32_t)SYS_VM1 << 16 | SYS_SP1, 0, 7, 0xFFFFFFFF,
			   0, 0, 9);
	ASSERT_EQ(r.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
	ASSERT_EQ(r.x[3], 7);
	ASSERT_EQ(r.x[4], 0xFFFFFFFF);
	ASSERT_EQ(r.x[7], 9);
	sys_stop(&l, vm);
}

TEST(direct_req2_with_the_sp_uuid_echoes_x4_to_x17)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t args[14], ret[14];
	unsigned int i = 0;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	for (i = 0; i < 14; i++) {
		args[i] = 0x1000000000000001ull * (i + 1);
	}
	ASSERT_EQ(tzs_vcpu_direct_req2(tzs_ep_vcpu(vm, 0), SYS_SP1, TSP_UUID,
				       args, ret),
		  FFA_OK);
	ASSERT_MEM_EQ(ret, args, sizeof(args));
	sys_stop(&l, vm);
}

/* FF-A v1.2 REQ2: a UUID the receiver does not offer is refused
 * (core/spmc/direct_msg.c rule 5). */
TEST(direct_req2_with_a_foreign_uuid_is_invalid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t args[14] = { 0 }, ret[14];

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vcpu_direct_req2(tzs_ep_vcpu(vm, 0), SYS_SP1,
				       TZS_UUID_ECHO, args, ret),
		  FFA_INVALID_PARAMETERS);
	sys_stop(&l, vm);
}

TEST(partition_info_by_uuid_finds_the_test_sp)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_partition_info info[4];
	uint32_t count = 0;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vcpu_partition_info(tzs_ep_vcpu(vm, 0), TSP_UUID, info, 4,
					  &count),
		  FFA_OK);
	ASSERT_EQ(count, 1);
	ASSERT_EQ(info[0].id, SYS_SP1);
	ASSERT_EQ(info[0].exec_count, 2);
	ASSERT_TRUE(info[0].props & FFA_PART_PROP_DIRECT_REQ2_RECV);
	ASSERT_MEM_EQ(info[0].uuid, TSP_UUID, 16);
	sys_stop(&l, vm);
}

/* Hafnium: no partition with the UUID -> INVALID_PARAMETERS. */
TEST(partition_info_for_an_unknown_uuid_is_invalid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_partition_info info[1];
	uint32_t count = 0;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vcpu_partition_info(tzs_ep_vcpu(vm, 0), TZS_UUID_ECHO,
					  info, 1, &count),
		  FFA_INVALID_PARAMETERS);
	sys_stop(&l, vm);
}

TEST(default_platform_sp_echoes_req2_on_the_echo_uuid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_partition_info info[4];
	uint64_t args[14], ret[14];
	uint32_t count = 0;
	unsigned int i = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_ep_exec_count(vm), 2);
	ASSERT_EQ(tzs_ep_mem_base(vm), 0x80000000ull);
	ASSERT_EQ(tzs_ep_mem_size(vm), 512ull << 20);
	ASSERT_EQ(tzs_vcpu_partition_info(tzs_ep_vcpu(vm, 0),
					  TZS_UUID_VIRTIO_MSG_BUS, info, 4,
					  &count),
		  FFA_OK);
	ASSERT_EQ(count, 1);
	ASSERT_EQ(info[0].id, SYS_SP1);
	for (i = 0; i < 14; i++) {
		args[i] = ~(uint64_t)i;
	}
	ASSERT_EQ(tzs_vcpu_direct_req2(tzs_ep_vcpu(vm, 0), SYS_SP1,
				       TZS_UUID_ECHO, args, ret),
		  FFA_OK);
	ASSERT_MEM_EQ(ret, args, sizeof(args));
	sys_stop(&l, vm);
}

struct echo_thread {
	struct tzs_ep *vm;
	unsigned int vcpu;
	unsigned int errors;
};

static void *echo_loop(void *arg)
{
	struct echo_thread *t = arg;
	struct tzs_vcpu *v = tzs_ep_vcpu(t->vm, t->vcpu);
	unsigned int i = 0;

	if (!v) {
		t->errors++;
		return NULL;
	}
	for (i = 0; i < 200; i++) {
		uint64_t args[5] = { t->vcpu, i, ~(uint64_t)i, 0, 0 }, ret[5];

		if (tzs_vcpu_direct_req(v, SYS_SP1, args, ret) != FFA_OK ||
		    memcmp(args, ret, sizeof(args))) {
			t->errors++;
		}
	}
	return NULL;
}

/* Each VM vCPU is its own connection; an MP SP serves vCPU n on context n
 * (docs/spmc.md), so two vCPUs run requests concurrently. */
TEST(two_vcpus_exchange_requests_concurrently)
{
	struct echo_thread t[2];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	pthread_t th[2];
	unsigned int i = 0;

	sys_start(&l, ONE_SP_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	for (i = 0; i < 2; i++) {
		t[i] = (struct echo_thread){ .vm = vm, .vcpu = i };
		ASSERT_EQ(pthread_create(&th[i], NULL, echo_loop, &t[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(t[i].errors, 0);
	}
	sys_stop(&l, vm);
}

/* The default SP's reader service retrieves a share and prints it. */
TEST(default_sp_reader_prints_the_shared_string)
{
	const char msg[] = "hello from the normal world";
	struct tzs_launch_opts o;
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t handle = 0, pa = SYS_VM1_BASE + 0x100000;
	uint64_t args[5], ret[5];
	uint16_t sp = SYS_SP1;
	char out[4096];
	ssize_t n = 0;
	int log = memfd_create("sp-stderr", MFD_CLOEXEC);

	ASSERT_TRUE(log > 0);
	memset(&o, 0, sizeof(o));
	o.stderr_fd = log;
	ASSERT_EQ(tzs_launch_start(&o, &l), 0);
	vm = sys_attach(&l, SYS_VM1);
	memcpy(tzs_ep_pa(vm, pa, 4096), msg, sizeof(msg));
	ASSERT_EQ(tzs_vm_mem_share(tzs_ep_vcpu(vm, 0), &sp, 1, FFA_PERM_DATA_RW,
				   pa, 1, 0x7a6, &handle),
		  FFA_OK);
	args[0] = TZS_SP_CMD_MEM_READ;
	args[1] = handle;
	args[2] = 0x7a6;
	args[3] = SYS_VM1;
	args[4] = 0;
	ASSERT_EQ(tzs_vcpu_direct_req(tzs_ep_vcpu(vm, 0), sp, args, ret),
		  FFA_OK);
	ASSERT_EQ(ret[0], FFA_OK);
	ASSERT_EQ(ret[1], strlen(msg));
	ASSERT_EQ(tzs_ep_mem_reclaim(tzs_ep_vcpu(vm, 0), handle, 0), FFA_OK);
	sys_stop(&l, vm);
	n = pread(log, out, sizeof(out) - 1, 0);
	ASSERT_TRUE(n > 0);
	out[n] = '\0';
	ASSERT_TRUE(strstr(out, "[sp 0x8001] hello from the normal world\n") !=
		    NULL);
	close(log);
}
