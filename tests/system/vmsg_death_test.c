// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: the SP serving the virtio-msg bus dies in the middle of
 * traffic. The driver must get errors (VMSG_T_E_BUS over FFA_ERROR(ABORTED)),
 * never hang, and get every share back: the SPMC relinquished what the dead
 * SP had retrieved, so closing the bus reclaims directly.
 */
#include <pthread.h>
#include <signal.h>

#include "vmsg_sys.h"

__attribute__((constructor)) static void vs_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

struct killer {
	pid_t pid;
	volatile int started; /* traffic is flowing */
};

static void *kill_later(void *arg)
{
	struct killer *k = arg;
	unsigned int i = 0;

	while (!k->started && i++ < 10000) {
		sys_sleep_ms(1);
	}
	sys_sleep_ms(20);
	kill(k->pid, SIGKILL);
	return NULL;
}

/* Run batches until one fails; returns the error (never 0). */
static int traffic_until_error(struct tzs_vmsg_echo *e,
			       const struct tzs_vmsg_dma *d, struct killer *k)
{
	uint32_t i = 0, n = 0, got = 0;
	unsigned int round = 0;
	void *tok = NULL;
	int rc = 0;

	/* Bounded: the SP is killed within ~20 ms of the first batch; a
	 * batch costs at least one round trip through two processes. */
	for (round = 0; round < 1000000; round++) {
		for (i = 0; i < 8; i++) {
			struct tzs_vmsg_echo_req r =
				vs_req(d, 8, VS_SLOT, i, 0, 256);

			rc = tzs_vmsg_echo_submit(e, &r);
			if (rc) {
				return rc;
			}
		}
		rc = tzs_vmsg_echo_kick(e);
		if (rc) {
			return rc;
		}
		k->started = 1;
		for (n = 0; n < 8; n++) {
			rc = tzs_vmsg_echo_reap(e, &tok, &got, 2000);
			if (rc != 1) {
				return rc ? rc : VMSG_T_E_TIMEOUT;
			}
		}
	}
	return 0;
}

static void sp_dies_mid_traffic(struct vs_mode m)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma d;
	struct killer k = { 0 };
	uint64_t ret[5];
	pthread_t t;
	int rc = 0;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_GETPID, 0, 0, ret), FFA_OK);
	k.pid = (pid_t)ret[1];
	ASSERT_TRUE(k.pid > 1);
	b = vs_bus(vm, m);
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vmsg_dma_alloc(b, 16 * VS_SLOT, &d), 0);
	ASSERT_EQ(pthread_create(&t, NULL, kill_later, &k), 0);
	rc = traffic_until_error(e, &d, &k);
	pthread_join(t, NULL);
	ASSERT_NE(rc, 0);
	/* From now on everything fails at once, nothing waits. */
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 1), VMSG_T_E_BUS);
	/* Direct requests to a dead SP are ABORTED; FFA_MSG_SEND2 finds no
	 * RX buffer to write to any more (DENIED, docs/spmc.md). */
	ASSERT_EQ(tzs_vmsg_bus_last_ffa_error(b),
		  m.indirect ? FFA_DENIED : FFA_ABORTED);
	ASSERT_EQ(tzs_vmsg_echo_reset(e), VMSG_T_E_BUS);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	/* The SPMC handles the death asynchronously; then all is back. */
	ASSERT_EQ(sys_wait_live_shares(tzs_ep_vcpu(vm, 0), 0), 0);
	sys_stop(&l, vm);
}

TEST(sp_killed_mid_traffic_direct_static_gives_errors)
{
	sp_dies_mid_traffic((struct vs_mode){ 0 });
}

TEST(sp_killed_mid_traffic_direct_dynamic_gives_errors)
{
	sp_dies_mid_traffic((struct vs_mode){ .dynamic = true });
}

TEST(sp_killed_mid_traffic_indirect_static_gives_errors)
{
	sp_dies_mid_traffic((struct vs_mode){ .indirect = true });
}

TEST(sp_killed_mid_traffic_indirect_dynamic_gives_errors)
{
	sp_dies_mid_traffic(
		(struct vs_mode){ .indirect = true, .dynamic = true });
}

/* The SP crashes on its own (abort) while the driver waits for nothing in
 * particular: the next bus call fails, the bus closes cleanly. */
TEST(sp_crash_between_calls_gives_errors_and_close_reclaims)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	uint64_t args[5] = { TZS_VMSG_CMD_CRASH, 0, 0, 0, 0 }, ret[5];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	b = vs_bus(vm, (struct vs_mode){ 0 });
	e = vs_echo(b, VS_ECHO);
	ASSERT_EQ(tzs_vcpu_direct_req(tzs_ep_vcpu(vm, 0), VS_SP, args, ret),
		  FFA_ABORTED);
	ASSERT_EQ(tzs_vmsg_bus_ping(b, 1), VMSG_T_E_BUS);
	ASSERT_EQ(tzs_vmsg_bus_events(b, 0), VMSG_T_E_BUS);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	ASSERT_EQ(sys_wait_live_shares(tzs_ep_vcpu(vm, 0), 0), 0);
	sys_stop(&l, vm);
}
