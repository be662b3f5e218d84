// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: secure clients to normal-world listeners. The test process
 * is VM 1 with its vsock stack (tzs_nwd_vsock: sockets over the
 * virtio-vsock device of tzshare-sp); it listens on a port and runs a
 * threaded echo server, then asks the SP (VSOCK_CLIENT) to connect to it
 * from CID 2 with many connections at once. The SP runs only when called:
 * the server's threads, blocked in accept and recv, must be woken by the
 * device's notifications and answer, which is what moves the client.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <tzshare/nwd_vsock.h>
#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

#include "vmsg_sys.h"

__attribute__((constructor)) static void sc_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

#define SC_PORT 7000u
#define SC_CONNS 16u
#define SC_BYTES 65536u
#define SC_POLLS 6000u /* result queries, 10 ms apart: a minute at most */

struct server {
	struct tzs_nwd_vsock *n;
	int listener;
	uint32_t want; /* connections to accept */
	pthread_t acceptor;
	pthread_t echo[SC_CONNS];
	atomic_uint accepted;
	atomic_uint closed;
	atomic_ullong echoed;
	atomic_int error; /* first unexpected return value */
};

struct echo_arg {
	struct server *s;
	int sd;
};

static void note_error(struct server *s, long rc)
{
	int none = 0;

	atomic_compare_exchange_strong(&s->error, &none, (int)rc);
}

/* One connection: echo until end of stream, then close. */
static void *echo_main(void *p)
{
	struct echo_arg *a = p;
	struct server *s = a->s;
	uint8_t *buf = malloc(SC_BYTES);
	long rc = 0;

	while (buf) {
		rc = tzs_nwd_recv(s->n, a->sd, buf, SC_BYTES, 0);
		if (rc <= 0) {
			break;
		}
		if (tzs_nwd_send(s->n, a->sd, buf, (size_t)rc, 0) != rc) {
			note_error(s, -1000);
			break;
		}
		atomic_fetch_add(&s->echoed, (unsigned long long)rc);
	}
	if (rc < 0) {
		note_error(s, rc);
	}
	tzs_nwd_close(s->n, a->sd);
	atomic_fetch_add(&s->closed, 1);
	free(buf);
	free(a);
	return NULL;
}

/* Blocks in accept: only the device's notification wakes it. */
static void *accept_main(void *p)
{
	struct server *s = p;
	uint32_t cid = 0;
	uint32_t i = 0;

	for (i = 0; i < s->want; i++) {
		struct echo_arg *a = malloc(sizeof(*a));
		int sd = tzs_nwd_accept(s->n, s->listener, 0, &cid, NULL);

		if (!a || sd < 0 || cid != VSOCK_CID_HOST) {
			note_error(s, sd < 0 ? sd : -2000);
			free(a);
			return NULL;
		}
		a->s = s;
		a->sd = sd;
		if (pthread_create(&s->echo[i], NULL, echo_main, a)) {
			note_error(s, -3000);
			free(a);
			return NULL;
		}
		atomic_fetch_add(&s->accepted, 1);
	}
	return NULL;
}

static void server_start(struct server *s, struct tzs_nwd_vsock *n,
			 uint32_t want)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->want = want;
	s->listener = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(s->listener >= 0);
	ASSERT_EQ(tzs_nwd_bind(n, s->listener, VSK_CID_ANY, SC_PORT), 0);
	ASSERT_EQ(tzs_nwd_listen(n, s->listener, (int)want), 0);
	ASSERT_EQ(pthread_create(&s->acceptor, NULL, accept_main, s), 0);
}

static void server_join(struct server *s)
{
	uint32_t i = 0;

	ASSERT_EQ(pthread_join(s->acceptor, NULL), 0);
	ASSERT_EQ(atomic_load(&s->accepted), s->want);
	for (i = 0; i < s->want; i++) {
		ASSERT_EQ(pthread_join(s->echo[i], NULL), 0);
	}
	ASSERT_EQ(atomic_load(&s->error), 0);
	ASSERT_EQ(tzs_nwd_close(s->n, s->listener), 0);
}

/*
 * A control command on vCPU 1: vCPU 0 belongs to the bus, which the
 * server's threads use meanwhile (a vCPU serves one call at a time).
 */
static int ctl(struct tzs_ep *vm, uint32_t cmd, uint64_t a, uint64_t b,
	       uint64_t c, uint64_t d, uint64_t ret[5])
{
	uint64_t args[5] = { cmd, a, b, c, d };

	ASSERT_EQ(tzs_vcpu_direct_req(tzs_ep_vcpu(vm, 1), VS_SP, args, ret),
		  FFA_OK);
	return (int32_t)(uint32_t)ret[0];
}

static int client_start(struct tzs_ep *vm, uint32_t port, uint32_t conns,
			uint32_t bytes)
{
	uint64_t r[5];

	return ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT, port, conns, bytes, 0, r);
}

static void client_page(struct tzs_ep *vm, uint32_t page, uint64_t x[4])
{
	uint64_t r[5];

	ASSERT_EQ(ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT_RESULT, 0, page, 0, 0, r),
		  FFA_OK);
	memcpy(x, &r[1], 4 * sizeof(uint64_t));
}

/* Ask until the run is done (each question also ticks the device). */
static void client_wait(struct tzs_ep *vm, uint64_t sum[4])
{
	uint32_t i = 0;

	for (i = 0; i < SC_POLLS; i++) {
		client_page(vm, TZS_VMSG_CLIENT_SUMMARY, sum);
		if (sum[0] == VDEV_VSOCK_CLIENT_DONE) {
			return;
		}
		ASSERT_EQ(sum[0], VDEV_VSOCK_CLIENT_RUNNING);
		sys_sleep_ms(10);
	}
	test_fail(__FILE__, __LINE__, "the secure client did not finish");
}

/*
 * One wait of the stack with nothing to come (a listener nobody calls,
 * polled for 1 ms): it asks the device for notifications, and takes an
 * interrupt that is pending.
 */
static void quiet_wait(struct tzs_nwd_vsock *n)
{
	struct vsk_pollfd pfd = { .events = VSK_POLLIN };

	pfd.sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(pfd.sd >= 0);
	ASSERT_EQ(tzs_nwd_bind(n, pfd.sd, VSK_CID_ANY, SC_PORT + 2), 0);
	ASSERT_EQ(tzs_nwd_listen(n, pfd.sd, 1), 0);
	ASSERT_EQ(tzs_nwd_poll(n, &pfd, 1, 1), 0);
	ASSERT_EQ(tzs_nwd_close(n, pfd.sd), 0);
}

static struct tzs_nwd_vsock *open_stack(struct tzs_ep *vm, bool poll_events)
{
	struct tzs_nwd_vsock_opts o;
	struct tzs_nwd_vsock *n = NULL;

	memset(&o, 0, sizeof(o));
	o.poll_events = poll_events;
	ASSERT_EQ(tzs_nwd_vsock_open(vm, &o, &n), 0);
	return n;
}

/*
 * 16 connections of 64 KiB from CID 2 to a threaded echo server, every
 * byte checked by the client; the server's threads were blocked in accept
 * and recv when the traffic came.
 */
static void sixteen_by_64k(bool poll_events)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_nwd_vsock *n = NULL;
	struct tzs_vmsg_bus_stats bs;
	static struct server s;
	uint64_t x[4];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	n = open_stack(vm, poll_events);
	/* From here on the VM wants notifications (the threads would ask
	 * too; this makes it certain before the client starts). */
	quiet_wait(n);
	server_start(&s, n, SC_CONNS);
	ASSERT_EQ(client_start(vm, SC_PORT, SC_CONNS, SC_BYTES), FFA_OK);
	client_wait(vm, x);
	ASSERT_EQ(x[1], SC_CONNS); /* ok */
	ASSERT_EQ(x[2], 0); /* failed */
	ASSERT_EQ(x[3], 0); /* first error */
	client_page(vm, TZS_VMSG_CLIENT_ERRORS, x);
	ASSERT_EQ(x[0] + x[1] + x[2] + x[3], 0);
	client_page(vm, TZS_VMSG_CLIENT_TOTALS, x);
	ASSERT_EQ(x[0], 0);
	ASSERT_EQ(x[1], (uint64_t)SC_CONNS * SC_BYTES);
	ASSERT_EQ(x[2], SC_CONNS);
	ASSERT_EQ(x[3], SC_BYTES);
	server_join(&s);
	ASSERT_EQ(atomic_load(&s.echoed), (uint64_t)SC_CONNS * SC_BYTES);
	ASSERT_EQ(atomic_load(&s.closed), SC_CONNS);
	quiet_wait(n);
	tzs_vmsg_bus_get_stats(tzs_nwd_vsock_bus(n), &bs);
	if (!poll_events) {
		/* The secure side's traffic raised notifications and the
		 * stack's waits took them (the fix of the wake path). */
		ASSERT_TRUE(bs.irqs > 0);
	}
	tzs_nwd_vsock_close(n);
	sys_stop(&l, vm);
}

TEST(sixteen_secure_connections_of_64k_echoed_by_a_threaded_server)
{
	sixteen_by_64k(false);
}

TEST(the_same_with_polled_events)
{
	sixteen_by_64k(true);
}

/*
 * Nobody listens on the port: the VM answers every REQUEST with RST and the
 * client reports ECONNRESET for each. Meanwhile no thread of the VM runs
 * its stack, so the run waits in the VM's rx ring: a second start is BUSY
 * until a call pumps the stack.
 */
TEST(secure_connect_to_a_port_nobody_listens_on_is_econnreset)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct tzs_nwd_vsock *n = NULL;
	uint64_t x[4];
	int sd = -1;

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	n = open_stack(vm, false);
	ASSERT_EQ(client_start(vm, SC_PORT + 1, 3, 4096), FFA_OK);
	ASSERT_EQ(client_start(vm, SC_PORT + 1, 3, 4096), FFA_BUSY);
	client_page(vm, TZS_VMSG_CLIENT_SUMMARY, x);
	ASSERT_EQ(x[0], VDEV_VSOCK_CLIENT_RUNNING);
	/* Any call pumps: the REQUESTs meet no listener. */
	sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(sd >= 0);
	client_wait(vm, x);
	ASSERT_EQ(x[1], 0);
	ASSERT_EQ(x[2], 3);
	ASSERT_EQ(x[3], ECONNRESET);
	client_page(vm, TZS_VMSG_CLIENT_ERRORS, x);
	ASSERT_EQ(x[0], 3);
	ASSERT_EQ(x[1] + x[2] + x[3], 0);
	tzs_nwd_close(n, sd);
	tzs_nwd_vsock_close(n);
	sys_stop(&l, vm);
}

TEST(client_requests_out_of_range_are_refused)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t r[5];

	sys_start(&l, NULL);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(client_start(vm, SC_PORT, 0, 1), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(client_start(vm, SC_PORT, VDEV_VSOCK_CLIENT_CONNS + 1, 1),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(client_start(vm, SC_PORT, 1, VDEV_VSOCK_CLIENT_BYTES_MAX + 1),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(client_start(vm, VSK_PORT_ANY, 1, 1), FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT, 1ull << 32, 1, 1, 0, r),
		  FFA_INVALID_PARAMETERS);
	/* The echo device at dev_num 1 is no vsock device. */
	ASSERT_EQ(ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT, SC_PORT, 1, 1, 1, r),
		  FFA_DENIED);
	ASSERT_EQ(ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT_RESULT, 0, 3, 0, 0, r),
		  FFA_INVALID_PARAMETERS);
	ASSERT_EQ(ctl(vm, TZS_VMSG_CMD_VSOCK_CLIENT_RESULT, 0, 0, 0, 0, r),
		  FFA_OK);
	ASSERT_EQ(r[1], VDEV_VSOCK_CLIENT_IDLE);
	sys_stop(&l, vm);
}
