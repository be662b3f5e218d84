/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A normal-world socket stack (<tzshare/vsock_socket.h> at VL_CID, no wait
 * op: everything non-blocking) on the test driver of vsock_loop.h, so the
 * device's secure sockets can talk to real sockets in one process. Its
 * packets go out as tx chains (kicked at once, so the device handles them
 * before send_pkt returns); vn_pump() hands what the device put into rx to
 * the stack. A full tx ring refuses a packet (counted in tx_full): an RW
 * send stops short, a lost control packet shows in the proto's tx_errors.
 *
 * vn_echo_*: a non-blocking echo server on the stack, one buffer per
 * connection, with knobs to misbehave (corrupt a byte, stop early, stay
 * silent).
 */
#ifndef TZS_VSOCK_NW_H
#define TZS_VSOCK_NW_H

#include "vsock_loop.h"

#define VN_SOCKS 40u
#define VN_CONNS 48u
#define VN_RX_LEN 65536u
#define VN_PKT_MAX 2048u /* what we send per tx chain */
#define VN_ECHO_CONNS 32u

struct vn_echo_conn {
	int sd; /* -1: free */
	uint32_t len, off; /* bytes to send back in buf */
	bool eof;
	uint32_t echoed;
	uint8_t buf[VN_RX_LEN];
};

struct vn {
	struct vl *t;
	struct vsk_stack st;
	struct vsk_sock socks[VN_SOCKS];
	struct vsock_conn conns[VN_CONNS];
	uint8_t *rx_mem;
	uint64_t now;
	uint32_t tx_full;
	uint64_t rx_pkts;
	/* The echo server. */
	int listener;
	uint32_t accepted;
	int corrupt_at; /* >= 0: flip the byte at this offset of a stream */
	uint32_t stop_after; /* > 0: echo this many bytes, then close */
	bool silent; /* accept, read, never answer */
	struct vn_echo_conn ec[VN_ECHO_CONNS];
};

static inline int vn_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct vn *n = ctx;
	struct vsock_hdr h = {
		.src_cid = pkt->src_cid,
		.dst_cid = pkt->dst_cid,
		.src_port = pkt->src_port,
		.dst_port = pkt->dst_port,
		.len = pkt->len,
		.type = pkt->type,
		.op = pkt->op,
		.flags = pkt->flags,
		.buf_alloc = pkt->buf_alloc,
		.fwd_cnt = pkt->fwd_cnt,
	};

	vl_reap_tx(n->t);
	if (!n->t->q[VSOCK_VQ_TX].vq.num_free) {
		n->tx_full++;
		return VSOCK_EAGAIN;
	}
	vl_send_hdr(n->t, &h, pkt->payload);
	return VSOCK_OK;
}

static inline uint64_t vn_now(void *ctx)
{
	struct vn *n = ctx;

	return n->now;
}

static const struct vsk_ops vn_ops = {
	.send_pkt = vn_send_pkt,
	.now_ms = vn_now,
};

/* The stack on @t's driver, rx buffers posted. */
static inline struct vn *vn_new(struct vl *t)
{
	struct vn *n = calloc(1, sizeof(*n));
	uint32_t i = 0;

	ASSERT_TRUE(n);
	n->t = t;
	n->rx_mem = calloc(VN_CONNS, VN_RX_LEN);
	ASSERT_TRUE(n->rx_mem);
	ASSERT_EQ(vsk_stack_init(&n->st, VL_CID, &vn_ops, n, n->socks, VN_SOCKS,
				 n->conns, VN_CONNS, n->rx_mem, VN_RX_LEN),
		  0);
	n->st.proto->max_pkt_len = VN_PKT_MAX;
	n->listener = -1;
	n->corrupt_at = -1;
	for (i = 0; i < VN_ECHO_CONNS; i++) {
		n->ec[i].sd = -1;
	}
	vl_post_rx(t, VL_RXBUFS);
	return n;
}

/* Everything the device put into rx, to the stack; the packet count. */
static inline uint32_t vn_pump(struct vn *n)
{
	static struct vl_pkt p;
	uint32_t count = 0;

	vl_reap_tx(n->t);
	while (vl_recv(n->t, &p)) {
		struct vsock_pkt pkt = {
			.src_cid = p.h.src_cid,
			.dst_cid = p.h.dst_cid,
			.src_port = p.h.src_port,
			.dst_port = p.h.dst_port,
			.len = p.h.len,
			.type = p.h.type,
			.op = p.h.op,
			.flags = p.h.flags,
			.buf_alloc = p.h.buf_alloc,
			.fwd_cnt = p.h.fwd_cnt,
			.payload = p.data,
			.payload_len = p.h.len,
		};

		vsk_stack_rx(&n->st, &pkt);
		count++;
	}
	vsk_stack_tick(&n->st);
	n->rx_pkts += count;
	return count;
}

/* A listener of @type on @port. */
static inline int vn_listen(struct vn *n, int type, uint32_t port)
{
	int l = vsk_socket(&n->st, type, VSK_NONBLOCK);

	ASSERT_TRUE(l >= 0);
	ASSERT_EQ(vsk_bind(&n->st, l, VSK_CID_ANY, port), 0);
	ASSERT_EQ(vsk_listen(&n->st, l, -1), 0);
	return l;
}

static inline void vn_echo_listen(struct vn *n, uint32_t port)
{
	n->listener = vn_listen(n, VSOCK_TYPE_STREAM, port);
}

static inline void vn_echo_accept(struct vn *n)
{
	uint32_t i = 0;

	for (i = 0; i < VN_ECHO_CONNS; i++) {
		struct vn_echo_conn *e = &n->ec[i];
		uint32_t cid = 0;
		int sd = 0;

		if (e->sd >= 0) {
			continue;
		}
		sd = vsk_accept(&n->st, n->listener, VSK_NONBLOCK, &cid, NULL);
		if (sd < 0) {
			ASSERT_EQ(sd, VSK_EAGAIN);
			return;
		}
		ASSERT_EQ(cid, VSOCK_CID_HOST);
		memset(e, 0, sizeof(*e) - sizeof(e->buf));
		e->sd = sd;
		n->accepted++;
	}
}

static inline void vn_echo_close(struct vn *n, struct vn_echo_conn *e)
{
	ASSERT_EQ(vsk_close(&n->st, e->sd), 0);
	e->sd = -1;
}

/* Send back what is pending; false while some is left. */
static inline bool vn_echo_flush(struct vn *n, struct vn_echo_conn *e)
{
	while (e->off < e->len) {
		int rc = vsk_send(&n->st, e->sd, e->buf + e->off,
				  e->len - e->off, 0);

		if (rc == VSK_EAGAIN) {
			return false;
		}
		ASSERT_TRUE(rc > 0);
		e->off += (uint32_t)rc;
		e->echoed += (uint32_t)rc;
	}
	e->len = e->off = 0;
	return true;
}

static inline void vn_echo_conn_step(struct vn *n, struct vn_echo_conn *e)
{
	int rc = 0;

	if (!vn_echo_flush(n, e)) {
		return;
	}
	if (n->stop_after && e->echoed >= n->stop_after) {
		vn_echo_close(n, e);
		return;
	}
	rc = vsk_recv(&n->st, e->sd, e->buf, sizeof(e->buf), 0);
	if (rc == VSK_EAGAIN) {
		return;
	}
	if (rc <= 0) {
		/* End of stream (or the peer's reset): done. */
		vn_echo_close(n, e);
		return;
	}
	if (n->silent) {
		return;
	}
	if (n->corrupt_at >= 0 && e->echoed <= (uint32_t)n->corrupt_at &&
	    (uint32_t)n->corrupt_at < e->echoed + (uint32_t)rc) {
		e->buf[(uint32_t)n->corrupt_at - e->echoed] ^= 0x01;
	}
	e->len = (uint32_t)rc;
	if (n->stop_after && e->echoed + e->len > n->stop_after) {
		e->len = n->stop_after - e->echoed;
	}
	vn_echo_flush(n, e);
}

/* One round of the server: accept, then every connection. */
static inline void vn_echo_step(struct vn *n)
{
	uint32_t i = 0;

	if (n->listener >= 0) {
		vn_echo_accept(n);
	}
	for (i = 0; i < VN_ECHO_CONNS; i++) {
		if (n->ec[i].sd >= 0) {
			vn_echo_conn_step(n, &n->ec[i]);
		}
	}
}

/* Open echo connections. */
static inline uint32_t vn_echo_open(const struct vn *n)
{
	uint32_t i = 0, c = 0;

	for (i = 0; i < VN_ECHO_CONNS; i++) {
		c += n->ec[i].sd >= 0;
	}
	return c;
}

#endif /* TZS_VSOCK_NW_H */
