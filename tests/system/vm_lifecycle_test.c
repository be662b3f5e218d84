// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: VM creation and destruction reach the SPs that asked for
 * them (partition property vm_created / vm_destroyed; FF-A v1.2 framework
 * messages, spmc.h spmc_vm_lifecycle()). A VM is created when its first
 * vCPU attaches and destroyed when it dies; SP 1 asked, SP 2 did not.
 */
#include "sys.h"

#define FW_VM_CREATED 0x4u
#define FW_VM_DESTROYED 0x6u

#define PLATFORM                                                       \
	"vm 1 vcpus=2 mem=0x80000000:512M\n"                           \
	"vm 2 vcpus=1 mem=0xA0000000:16M\n"                            \
	"sp 0x8001 vcpus=2 mem=0x10000000:16M program=tzshare-test-sp" \
	" props=req_recv,req_send,req2_recv,req2_send,indirect,notif," \
	"aarch64,vm_created,vm_destroyed\n"                            \
	"sp 0x8002 vcpus=1 mem=0x11000000:16M program=tzshare-test-sp\n"

struct fw_seen {
	uint64_t count;
	uint64_t type;
	uint64_t vm;
};

static int fw_last(struct tzs_vcpu *v, uint16_t sp, struct fw_seen *seen)
{
	uint64_t args[5] = { TSP_CMD_FW_LAST, 0, 0, 0, 0 }, ret[5];
	int rc = tzs_vcpu_direct_req(v, sp, args, ret);

	if (rc == FFA_OK) {
		seen->count = ret[1];
		seen->type = ret[2];
		seen->vm = ret[3];
	}
	return rc;
}

/* The SP handles a framework message on its own time: poll (bounded)
 * until it has seen @count, retrying while its context is busy. */
static struct fw_seen wait_fw(struct tzs_vcpu *v, uint16_t sp, uint64_t count)
{
	struct fw_seen seen = { 0 };
	unsigned int i = 0;
	int rc = 0;

	for (i = 0; i < 1000; i++) {
		rc = fw_last(v, sp, &seen);
		if (rc != FFA_BUSY) {
			ASSERT_EQ(rc, FFA_OK);
		}
		if (rc == FFA_OK && seen.count >= count) {
			break;
		}
		sys_sleep_ms(5);
	}
	ASSERT_EQ(seen.count, count);
	return seen;
}

TEST(sp_that_asked_is_told_of_vm_creation_and_destruction)
{
	struct fw_seen seen;
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;

	sys_start(&l, PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	seen = wait_fw(sys_vcpu0(vm1), SYS_SP1, 1);
	ASSERT_EQ(seen.type, FW_VM_CREATED);
	ASSERT_EQ(seen.vm, SYS_VM1);
	vm2 = sys_attach(&l, SYS_VM2);
	seen = wait_fw(sys_vcpu0(vm1), SYS_SP1, 2);
	ASSERT_EQ(seen.type, FW_VM_CREATED);
	ASSERT_EQ(seen.vm, SYS_VM2);
	/* A second vCPU attaching is no new VM. */
	ASSERT_TRUE(tzs_ep_vcpu(vm1, 1) != NULL);
	tzs_ep_detach(vm2);
	seen = wait_fw(sys_vcpu0(vm1), SYS_SP1, 3);
	ASSERT_EQ(seen.type, FW_VM_DESTROYED);
	ASSERT_EQ(seen.vm, SYS_VM2);
	/* SP 2 did not ask. */
	ASSERT_EQ(fw_last(sys_vcpu0(vm1), SYS_SP2, &seen), FFA_OK);
	ASSERT_EQ(seen.count, 0);
	sys_stop(&l, vm1);
}
