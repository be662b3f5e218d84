/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the virtio-vsock system tests: the test process is a VM that
 * runs the vsock protocol core (struct vsock_proto at the driver's CID)
 * over the virtio-vsock driver (<tzshare/vsock_host.h>) against the device
 * of tzshare-sp, whose secure side echoes on TZS_VSOCK_PORT_ECHO.
 *
 * The protocol's send_pkt goes to tzs_vsock_drv_send(). When the tx ring
 * is full a control packet waits in a FIFO here (the protocol must not
 * lose it) and an RW packet is refused with EAGAIN (vsock_send() stops and
 * the flow retries after the next pump). Nothing overtakes the FIFO.
 *
 * Waits are bounded (VX_ROUNDS pumps of up to 100 ms); a test that runs out
 * fails instead of hanging.
 */
#ifndef TZS_VSOCK_SYS_H
#define TZS_VSOCK_SYS_H

#include <stdlib.h>

#include <tzshare/vsock_host.h>

#include "vmsg_sys.h"

#define VX_CONNS 72u
#define VX_RX_LEN 65536u
#define VX_FIFO 256u
#define VX_ROUNDS 2000u
#define VX_WAIT_MS 100

struct vx {
	struct tzs_ep *vm;
	struct tzs_vmsg_bus *b;
	struct tzs_vsock_drv *d;
	struct vsock_proto p;
	struct vsock_conn conns[VX_CONNS];
	uint8_t *rx_mem;
	struct tzs_vsock_drv_cb cb;
	/* Control packets the tx ring had no room for, oldest first. */
	struct vsock_pkt fifo[VX_FIFO];
	uint32_t fifo_head, fifo_count;
	uint64_t resets; /* TRANSPORT_RESETs seen */
};

static inline uint64_t vx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline int vx_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct vx *x = ctx;
	struct vsock_pkt *f = NULL;
	int rc = 0;

	if (!x->fifo_count) {
		rc = tzs_vsock_drv_send(x->d, pkt);
		if (rc != VSOCK_ENOBUFS) {
			return rc;
		}
	}
	if (pkt->op == VSOCK_OP_RW) {
		return VSOCK_EAGAIN;
	}
	if (x->fifo_count == VX_FIFO || pkt->len) {
		return VSOCK_ENOBUFS;
	}
	f = &x->fifo[(x->fifo_head + x->fifo_count) % VX_FIFO];
	*f = *pkt;
	f->payload = NULL;
	x->fifo_count++;
	return VSOCK_OK;
}

static inline void vx_flush(struct vx *x)
{
	while (x->fifo_count) {
		if (tzs_vsock_drv_send(x->d, &x->fifo[x->fifo_head]) ==
		    VSOCK_ENOBUFS) {
			return;
		}
		x->fifo_head = (x->fifo_head + 1) % VX_FIFO;
		x->fifo_count--;
	}
}

static inline void vx_rx(void *ctx, const struct vsock_pkt *pkt)
{
	struct vx *x = ctx;

	vsock_proto_rx(&x->p, pkt, vx_now());
}

static inline void vx_reset(void *ctx)
{
	struct vx *x = ctx;

	x->resets++;
	vsock_proto_transport_reset(&x->p);
}

static const struct vsock_proto_ops vx_ops = {
	.send_pkt = vx_send_pkt,
};

/* Kick, poll (waiting up to @timeout_ms), send what waited, kick again,
 * run the protocol's timeouts. Returns what poll() returned (>= 0). */
static inline int vx_pump(struct vx *x, int timeout_ms)
{
	int n = 0;

	vx_flush(x);
	ASSERT_EQ(tzs_vsock_drv_kick(x->d), 0);
	n = tzs_vsock_drv_poll(x->d, &x->cb, timeout_ms);
	ASSERT_TRUE(n >= 0);
	vx_flush(x);
	ASSERT_EQ(tzs_vsock_drv_kick(x->d), 0);
	vsock_proto_tick(&x->p, vx_now());
	return n;
}

/* The driver of @dev_num on bus @b, and a protocol endpoint at its CID. */
static inline struct vx *vx_open_dev(struct tzs_ep *vm, struct tzs_vmsg_bus *b,
				     uint16_t dev_num,
				     const struct tzs_vsock_drv_opts *o)
{
	struct vx *x = calloc(1, sizeof(*x));

	ASSERT_TRUE(x);
	x->vm = vm;
	x->b = b;
	x->rx_mem = calloc(VX_CONNS, VX_RX_LEN);
	ASSERT_TRUE(x->rx_mem);
	ASSERT_EQ(tzs_vsock_drv_open(b, dev_num, o, &x->d), 0);
	ASSERT_EQ(vsock_proto_init(&x->p, tzs_vsock_drv_cid(x->d), &vx_ops, x,
				   x->conns, VX_CONNS, x->rx_mem, VX_RX_LEN),
		  VSOCK_OK);
	x->cb.rx = vx_rx;
	x->cb.reset = vx_reset;
	x->cb.ctx = x;
	return x;
}

static inline struct vx *vx_open(struct tzs_ep *vm, struct vs_mode m)
{
	return vx_open_dev(vm, vs_bus(vm, m), TZS_VSOCK_DEV_NUM, NULL);
}

/* Close the driver (not the bus). */
static inline void vx_close_dev(struct vx *x)
{
	tzs_vsock_drv_close(x->d);
	free(x->rx_mem);
	free(x);
}

static inline void vx_close(struct vx *x)
{
	struct tzs_vmsg_bus *b = x->b;

	vx_close_dev(x);
	tzs_vmsg_bus_close(b);
}

/* Connect a STREAM socket to (CID 2, @port); returns it once the
 * handshake ended (ESTABLISHED, or CLOSED with the error). */
static inline struct vsock_conn *vx_connect(struct vx *x, uint32_t port)
{
	struct vsock_conn *c = NULL;
	unsigned int i = 0;

	ASSERT_EQ(vsock_connect(&x->p, 0, VSOCK_CID_HOST, port,
				VSOCK_TYPE_STREAM, vx_now(), &c),
		  VSOCK_OK);
	for (i = 0; i < VX_ROUNDS; i++) {
		if (vsock_conn_state(c) != VSOCK_ST_SYN_SENT) {
			return c;
		}
		vx_pump(x, VX_WAIT_MS);
	}
	test_fail(__FILE__, __LINE__, "connect to port %u never ended", port);
}

/* Pattern byte @i of flow @seed. */
static inline uint8_t vx_byte(uint32_t seed, uint32_t i)
{
	return (uint8_t)(((i + seed) * 2654435761u) >> 24 ^ (i >> 12));
}

static inline uint32_t vx_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One echo flow: what was sent and what came back (checked). */
struct vx_flow {
	struct vsock_conn *c;
	uint32_t len, sent, got;
	uint32_t seed;
	uint32_t rng;
	bool bad; /* a byte came back wrong */
};

static inline bool vx_flow_send(struct vx *x, struct vx_flow *f, uint8_t *buf)
{
	uint32_t chunk = 0, i = 0;
	int rc = 0;

	if (f->sent == f->len) {
		return false;
	}
	chunk = vx_rand(&f->rng) % TZS_VSOCK_PAYLOAD_MAX + 1;
	if (chunk > f->len - f->sent) {
		chunk = f->len - f->sent;
	}
	for (i = 0; i < chunk; i++) {
		buf[i] = vx_byte(f->seed, f->sent + i);
	}
	rc = vsock_send(&x->p, f->c, buf, chunk);
	if (rc == VSOCK_EAGAIN) {
		return false;
	}
	ASSERT_TRUE(rc > 0);
	f->sent += (uint32_t)rc;
	return true;
}

static inline bool vx_flow_recv(struct vx *x, struct vx_flow *f, uint8_t *buf)
{
	bool any = false;
	int rc = 0, i = 0;

	while ((rc = vsock_recv(&x->p, f->c, buf, TZS_VSOCK_PAYLOAD_MAX,
				NULL)) > 0) {
		for (i = 0; i < rc; i++) {
			f->bad |= buf[i] != vx_byte(f->seed, f->got + i);
		}
		f->got += (uint32_t)rc;
		any = true;
	}
	ASSERT_EQ(rc, VSOCK_EAGAIN);
	return any;
}

/*
 * Run @n flows of @len bytes each in random-size chunks (1..64 KiB) to the
 * echo service until every byte came back; asserts they are intact.
 */
static inline void vx_echo_flows(struct vx *x, struct vx_flow *f, uint32_t n)
{
	uint8_t *buf = malloc(TZS_VSOCK_PAYLOAD_MAX);
	unsigned int idle = 0;
	uint32_t i = 0, done = 0;
	bool moved = false;

	ASSERT_TRUE(buf);
	while (done < n) {
		moved = false;
		for (i = 0; i < n; i++) {
			moved |= vx_flow_send(x, &f[i], buf);
		}
		moved |= vx_pump(x, moved ? 0 : VX_WAIT_MS) > 0;
		done = 0;
		for (i = 0; i < n; i++) {
			moved |= vx_flow_recv(x, &f[i], buf);
			ASSERT_FALSE(f[i].bad);
			ASSERT_TRUE(f[i].got <= f[i].sent);
			done += f[i].got == f[i].len;
		}
		idle = moved ? 0 : idle + 1;
		ASSERT_TRUE(idle < VX_ROUNDS);
	}
	free(buf);
}

/* Connect @n flows of @len bytes to the echo service and run them. */
static inline void vx_echo(struct vx *x, uint32_t n, uint32_t len,
			   uint32_t seed)
{
	struct vx_flow *f = calloc(n, sizeof(*f));
	uint32_t i = 0;

	ASSERT_TRUE(f);
	for (i = 0; i < n; i++) {
		f[i].c = vx_connect(x, TZS_VSOCK_PORT_ECHO);
		ASSERT_EQ(vsock_conn_state(f[i].c), VSOCK_ST_ESTABLISHED);
		f[i].len = len;
		f[i].seed = seed + i;
		f[i].rng = 0x9e3779b9u ^ (seed + i);
	}
	vx_echo_flows(x, f, n);
	for (i = 0; i < n; i++) {
		vsock_close(&x->p, f[i].c, vx_now());
	}
	free(f);
}

/* Pump until no connection slot is in use (closes finished). */
static inline void vx_wait_idle(struct vx *x)
{
	unsigned int i = 0, j = 0, used = 0;

	for (i = 0; i < VX_ROUNDS; i++) {
		used = 0;
		for (j = 0; j < VX_CONNS; j++) {
			used += vsock_conn_state(&x->conns[j]) != VSOCK_ST_FREE;
		}
		if (!used) {
			return;
		}
		vx_pump(x, VX_WAIT_MS);
	}
	test_fail(__FILE__, __LINE__, "%u connections never closed", used);
}

/* STATS page @page of vsock device @dev_num: x4..x7 into @v. */
static inline void vx_dev_stats(struct tzs_ep *vm, uint16_t dev_num,
				uint32_t page, uint64_t v[4])
{
	uint64_t r[5];

	ASSERT_EQ(vs_cmd(vm, TZS_VMSG_CMD_STATS, dev_num, page, r), FFA_OK);
	memcpy(v, &r[1], 4 * sizeof(uint64_t));
}

#endif /* TZS_VSOCK_SYS_H */
