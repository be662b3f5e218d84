// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: the interrupt channel. An SP's FFA_NOTIFICATION_SET to a VM
 * raises the schedule-receiver and notification-pending interrupts, which
 * reach the VM process on its control socket.
 */
#include "sys.h"

/* FF-A v1.2 §10: a VM that created its bitmap and bound a bit to an SP
 * gets the SRI and "notification pending" when the SP sets it, and
 * FFA_NOTIFICATION_GET returns the bit. */
TEST(sp_notification_reaches_the_vm_as_interrupts)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct pollfd pfd;
	struct ffa_regs r;
	uint32_t irq = 0, seen = 0;
	unsigned int i = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	r = tzs_vcpu_call8(sys_vcpu0(vm), FFA_NOTIFICATION_BITMAP_CREATE,
			   SYS_VM1, 2, 0, 0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	r = tzs_vcpu_call8(sys_vcpu0(vm), FFA_NOTIFICATION_BIND,
			   (uint32_t)SYS_SP1 << 16 | SYS_VM1, 0, 0x4, 0, 0, 0,
			   0);
	ASSERT_FFA_SUCCESS(&r);
	/* Nothing pending yet. */
	ASSERT_EQ(tzs_vm_irq_wait(vm, 0, &irq), -ETIMEDOUT);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_NOTIFY, SYS_VM1, 0x4,
			  0, NULL),
		  FFA_OK);
	pfd = (struct pollfd){ .fd = tzs_vm_irq_fd(vm), .events = POLLIN };
	ASSERT_EQ(poll(&pfd, 1, 5000), 1);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(tzs_vm_irq_wait(vm, 5000, &irq), 0);
		seen |= 1u << irq;
	}
	ASSERT_EQ(seen, 1u << SPMC_IRQ_SRI | 1u << SPMC_IRQ_NOTIF_PENDING);
	/* w1 = vCPU 0 << 16 | receiver; w2 bit 0 = SP bitmap. */
	r = tzs_vcpu_call8(sys_vcpu0(vm), FFA_NOTIFICATION_GET, SYS_VM1, 1, 0,
			   0, 0, 0, 0);
	ASSERT_FFA_SUCCESS(&r);
	ASSERT_EQ(r.x[2], 0x4);
	sys_stop(&l, vm);
}

/* Without a bitmap the VM is not a receiver: SET is DENIED and no
 * interrupt is raised (docs/spmc.md: no bitmap, no SRI). */
TEST(notification_to_a_vm_without_bitmap_is_denied_and_silent)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t irq = 0;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_NOTIFY, SYS_VM1, 0x1,
			  0, NULL),
		  FFA_DENIED);
	/* An interrupt of the SET would be queued before the SP's response
	 * reached us (the SPMC sends both in order): no wait needed. */
	ASSERT_EQ(tzs_vm_irq_wait(vm, 0, &irq), -ETIMEDOUT);
	sys_stop(&l, vm);
}
