// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: device hotplug on the virtio-msg FF-A bus. The SP adds and
 * removes devices at run time (control commands); the driver learns it from
 * EVENT_DEVICE (delivered through an FF-A notification and an EVENT_POLL
 * drain, or by polling) while traffic keeps running on another device.
 */
#include <pthread.h>

#include "vmsg_sys.h"

__attribute__((constructor)) static void vs_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

/* Wait (bounded) for the hotplug event (@dev_num, @state); events of other
 * devices are skipped. */
static void wait_hotplug(struct tzs_vmsg_bus *b, uint16_t dev_num,
			 uint16_t state)
{
	uint16_t dn = 0, st = 0;
	unsigned int i = 0;

	for (i = 0; i < 50; i++) {
		while (tzs_vmsg_bus_hotplug(b, &dn, &st) == 0) {
			if (dn == dev_num && st == state) {
				return;
			}
		}
		ASSERT_TRUE(tzs_vmsg_bus_events(b, 1000) >= 0);
	}
	test_fail(__FILE__, __LINE__, "no EVENT_DEVICE %u state %u", dev_num,
		  state);
}

/* Traffic on device 1 from its own thread until told to stop. */
struct traffic {
	struct tzs_vmsg_echo *e;
	struct tzs_vmsg_dma *d;
	volatile int stop;
	unsigned int batches;
};

static void *traffic_main(void *arg)
{
	struct traffic *t = arg;
	uint32_t len = 1;

	while (!t->stop || t->batches < 4) {
		ASSERT_EQ(vs_batch(t->e, t->d, 8, VS_SLOT, 8, len, t->batches),
			  8);
		t->batches++;
		len = len * 7 % VS_SLOT + 1;
	}
	return NULL;
}

/*
 * Device 1 runs traffic on its own thread (the bus on vCPU 1) while the
 * main thread adds device 3 (control command on vCPU 0), waits for
 * EVENT_DEVICE READY, uses it, removes it with its driver still bound, waits
 * for REMOVED, and adds it again. The SP serves both vCPUs on two contexts
 * behind one lock; the bus serialises the two threads.
 */
static void hotplug_during_traffic(struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e2 = NULL;
	struct tzs_vmsg_dma d1, d2;
	struct traffic t = { 0 };
	pthread_t th;
	uint32_t base = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	m.vcpu = 1;
	b = vs_bus(vm, m);
	t.e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d1), 0);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d2), 0);
	t.d = &d1;
	ASSERT_FALSE(tzs_vmsg_bus_present(b, 3));
	base = vs_live_shares(vm);
	ASSERT_EQ(pthread_create(&th, NULL, traffic_main, &t), 0);

	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 3, TZS_VMSG_DEV_ECHO, NULL),
		  FFA_OK);
	wait_hotplug(b, 3, VMSG_DEVICE_READY);
	ASSERT_TRUE(tzs_vmsg_bus_present(b, 3));
	e2 = vs_echo(b, 3);
	ASSERT_EQ(vs_batch(e2, &d2, 8, VS_SLOT, 8, 100, 3), 8);

	/* Remove device 3 while its driver is still bound: the SP resets it
	 * (its queue lets go of the ring area). */
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_REMOVE, 3, 0, NULL), FFA_OK);
	wait_hotplug(b, 3, VMSG_DEVICE_REMOVED);
	ASSERT_FALSE(tzs_vmsg_bus_present(b, 3));
	tzs_vmsg_echo_close(e2);

	/* The same number can come back. */
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 3, TZS_VMSG_DEV_ECHO, NULL),
		  FFA_OK);
	wait_hotplug(b, 3, VMSG_DEVICE_READY);
	e2 = vs_echo(b, 3);
	ASSERT_EQ(vs_batch(e2, &d2, 8, VS_SLOT, 8, 33, 7), 8);
	tzs_vmsg_echo_close(e2);

	t.stop = 1;
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_TRUE(t.batches >= 4);
	ASSERT_EQ(vs_live_shares(vm), base);
	tzs_vmsg_echo_close(t.e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(vs_live_shares(vm), 0);
	sys_stop(&l, vm);
}

TEST(hotplug_add_remove_while_another_device_runs_notif)
{
	hotplug_during_traffic((struct vs_mode){ 0 });
}

TEST(hotplug_add_remove_while_another_device_runs_poll_indirect)
{
	hotplug_during_traffic((struct vs_mode){
		.indirect = true, .dynamic = true, .poll_events = true });
}

/* After an unplug, GET_DEVICES no longer lists the device either. */
TEST(enumeration_follows_hotplug)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 40, TZS_VMSG_DEV_ECHO, NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_vmsg_bus_enumerate(b), 0);
	ASSERT_TRUE(tzs_vmsg_bus_present(b, 40));
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_REMOVE, VS_ECHO, 0, NULL), FFA_OK);
	ASSERT_EQ(tzs_vmsg_bus_enumerate(b), 0);
	ASSERT_FALSE(tzs_vmsg_bus_present(b, VS_ECHO));
	ASSERT_TRUE(tzs_vmsg_bus_present(b, 40));
	tzs_vmsg_bus_close(b);
	sys_stop(&l, vm);
}

/* Control command rejections (<tzshare/vmsg_host.h>). */
TEST(adding_a_taken_device_number_is_denied)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(
		vs_cmd(vm, TZS_VMSG_CMD_ADD, VS_ECHO, TZS_VMSG_DEV_ECHO, NULL),
		FFA_DENIED);
	sys_stop(&l, vm);
}

TEST(removing_an_absent_device_is_denied)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_REMOVE, 7, 0, NULL), FFA_DENIED);
	sys_stop(&l, vm);
}

TEST(device_number_zero_or_beyond_the_bus_is_invalid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 0, TZS_VMSG_DEV_ECHO, NULL),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, VMSG_FFA_MAX_DEVICES,
			 TZS_VMSG_DEV_ECHO, NULL),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_REMOVE, 0, 0, NULL),
		  FFA_INVALID_PARAMETERS);
	sys_stop(&l, vm);
}

TEST(unknown_device_kind_is_invalid)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_ADD, 3, 99, NULL),
		  FFA_INVALID_PARAMETERS);
	sys_stop(&l, vm);
}
