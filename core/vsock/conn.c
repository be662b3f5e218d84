// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock connection table and state machine (virtio v1.3 §5.10.6,
 * virtio-msg.md §4, Linux net/vmw_vsock/virtio_transport_common.c).
 *
 * Lifecycle of a slot (struct vsock_conn in caller storage):
 *   FREE -connect-> SYN_SENT -RESPONSE-> ESTABLISHED
 *   SYN_SENT -RST-> CLOSED (ECONNRESET); -timeout-> CLOSED (ETIMEDOUT) + RST
 *   FREE -listen-> LISTEN; a REQUEST creates a child slot ESTABLISHED with
 *     parent = listener until vsock_accept() hands it out (pending counts
 *     against the backlog; no listener, wrong type, backlog full -> RST).
 *   ESTABLISHED -RST-> CLOSED (ECONNRESET unless a side shut both ways);
 *     peer shut both ways and nothing left to read -> RST, CLOSED (0).
 *   vsock_close(): ESTABLISHED -> CLOSING (orphan, SHUTDOWN(both) sent)
 *     until the peer's RST or VSOCK_CLOSE_TIMEOUT_MS (then RST) -> FREE
 *     (RST and FREE at once when the peer had shut both ways already);
 *     any other state -> FREE at once (RST first when the peer knows us).
 * The user owns a slot from connect/listen/accept to vsock_close(); the core
 * frees orphans and unaccepted children itself. A protocol violation by the
 * peer (credit, unexpected op while connecting) resets the connection with
 * VSOCK_EPROTO. Packets for no slot, or for a CLOSED one, get an RST unless
 * they are RSTs themselves.
 */
#include <tzshare/lib.h>
#include <tzshare/vsock_conn.h>

#include "conn_priv.h"

static uint32_t slot_index(const struct vsock_proto *p,
			   const struct vsock_conn *c)
{
	return (uint32_t)(c - p->conns);
}

/* The socket layer knows @c: not orphaned, not waiting in a backlog. */
static bool user_visible(const struct vsock_conn *c)
{
	return !c->orphan && c->parent < 0;
}

static void notify(struct vsock_proto *p, struct vsock_conn *c,
		   enum vsock_event ev)
{
	if (user_visible(c) && p->ops->notify) {
		p->ops->notify(p->ctx, c, ev);
	}
}

static bool valid_type(uint32_t type)
{
	return type == VSOCK_TYPE_STREAM || type == VSOCK_TYPE_SEQPACKET;
}

/** Emit @op on @c's tuple; every packet carries our credit. */
int vsock_emit(struct vsock_proto *p, struct vsock_conn *c, uint16_t op,
	       uint32_t flags, const uint8_t *data, uint32_t len)
{
	struct vsock_pkt pkt = {
		.src_cid = p->cid,
		.dst_cid = c->peer_cid,
		.src_port = c->local_port,
		.dst_port = c->peer_port,
		.len = len,
		.type = c->type,
		.op = op,
		.flags = flags,
		.buf_alloc = c->buf_alloc,
		.fwd_cnt = c->fwd_cnt,
		.payload = data,
		.payload_len = len,
	};
	int rc = p->ops->send_pkt(p->ctx, &pkt);

	if (rc) {
		if (op != VSOCK_OP_RW) {
			p->stats.tx_errors++;
		}
		return rc;
	}
	c->last_fwd_cnt = c->fwd_cnt;
	c->last_buf_alloc = c->buf_alloc;
	if (c->buf_alloc > c->rx_limit) {
		c->rx_limit = c->buf_alloc;
	}
	if (op == VSOCK_OP_RW) {
		c->tx_cnt += len;
	}
	if (op == VSOCK_OP_RST) {
		p->stats.rst_sent++;
	}
	return VSOCK_OK;
}

/** RST for a packet no connection owns; never in reply to an RST. */
static void reset_no_sock(struct vsock_proto *p, const struct vsock_pkt *in)
{
	struct vsock_pkt pkt = {
		.src_cid = p->cid,
		.dst_cid = in->src_cid,
		.src_port = in->dst_port,
		.dst_port = in->src_port,
		.type = in->type,
		.op = VSOCK_OP_RST,
	};

	/* virtio v1.3 §5.10.6.5: do not answer an RST with an RST. */
	if (in->op == VSOCK_OP_RST) {
		return;
	}
	if (p->ops->send_pkt(p->ctx, &pkt)) {
		p->stats.tx_errors++;
		return;
	}
	p->stats.rst_sent++;
}

static void init_slot(struct vsock_proto *p, struct vsock_conn *c)
{
	uint32_t i = slot_index(p, c);

	tzs_memset(c, 0, sizeof(*c));
	c->parent = -1;
	vsock_credit_init(c, p->rx_mem + (uint64_t)i * p->rx_len, p->rx_len);
}

static void free_slot(struct vsock_proto *p, struct vsock_conn *c)
{
	if (c->parent >= 0) {
		struct vsock_conn *l = &p->conns[c->parent];

		if (!NEVER(l->pending == 0)) {
			l->pending--;
		}
	}
	init_slot(p, c);
}

static struct vsock_conn *alloc_slot(struct vsock_proto *p)
{
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		if (p->conns[i].state == VSOCK_ST_FREE) {
			init_slot(p, &p->conns[i]);
			return &p->conns[i];
		}
	}
	return NULL;
}

/** No more traffic on @c; frees it when no user holds it. */
static void do_close(struct vsock_proto *p, struct vsock_conn *c, int err)
{
	c->state = VSOCK_ST_CLOSED;
	c->error = err;
	c->has_deadline = false;
	if (!user_visible(c)) {
		free_slot(p, c);
		return;
	}
	notify(p, c, VSOCK_EV_RESET);
}

void vsock_reset_conn(struct vsock_proto *p, struct vsock_conn *c, int err)
{
	vsock_emit(p, c, VSOCK_OP_RST, 0, NULL, 0);
	do_close(p, c, err);
}

/* A peer that broke the credit or framing rules: drop, count, reset. */
static void hostile(struct vsock_proto *p, struct vsock_conn *c)
{
	p->stats.rx_hostile++;
	vsock_reset_conn(p, c, VSOCK_EPROTO);
}

bool vsock_has_readable(const struct vsock_conn *c)
{
	if (c->type == VSOCK_TYPE_SEQPACKET) {
		return c->msg_count > 0;
	}
	return vsock_credit_rx_used(c) > 0;
}

/*
 * Linux virtio_transport_recv_connected: once the peer shut both ways and
 * nothing is left to read, reset and close (a partial SEQPACKET message can
 * never complete, so it does not count).
 */
void vsock_check_passive_close(struct vsock_proto *p, struct vsock_conn *c)
{
	if (c->state != VSOCK_ST_ESTABLISHED) {
		return;
	}
	if (c->peer_shutdown != VSOCK_SHUTDOWN_BOTH || vsock_has_readable(c)) {
		return;
	}
	vsock_reset_conn(p, c, 0);
}

static struct vsock_conn *lookup(struct vsock_proto *p,
				 const struct vsock_pkt *pkt)
{
	struct vsock_conn *listener = NULL;
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		struct vsock_conn *c = &p->conns[i];

		if (c->state == VSOCK_ST_FREE || c->type != pkt->type ||
		    c->local_port != pkt->dst_port) {
			continue;
		}
		if (c->state == VSOCK_ST_LISTEN) {
			listener = c;
			continue;
		}
		if (c->peer_cid == pkt->src_cid &&
		    c->peer_port == pkt->src_port) {
			return c;
		}
	}
	return listener;
}

static void rx_listen(struct vsock_proto *p, struct vsock_conn *l,
		      const struct vsock_pkt *pkt)
{
	struct vsock_conn *c = NULL;

	/* Linux virtio_transport_recv_listen: only REQUEST, else RST. */
	if (pkt->op != VSOCK_OP_REQUEST || l->pending >= l->backlog) {
		reset_no_sock(p, pkt);
		return;
	}
	c = alloc_slot(p);
	if (!c) {
		reset_no_sock(p, pkt);
		return;
	}
	c->state = VSOCK_ST_ESTABLISHED;
	c->type = l->type;
	c->local_port = l->local_port;
	c->peer_cid = pkt->src_cid;
	c->peer_port = pkt->src_port;
	c->parent = (int32_t)slot_index(p, l);
	/* SO_VM_SOCKETS_BUFFER_SIZE; the peer hears it in RESPONSE. */
	c->buf_alloc = l->buf_alloc;
	c->rx_limit = l->buf_alloc;
	c->accept_seq = p->accept_seq++;
	l->pending++;
	if (vsock_credit_peer_update(c, pkt->buf_alloc, pkt->fwd_cnt)) {
		hostile(p, c);
		return;
	}
	if (vsock_emit(p, c, VSOCK_OP_RESPONSE, 0, NULL, 0)) {
		free_slot(p, c);
		return;
	}
	notify(p, l, VSOCK_EV_ACCEPT);
}

static void rx_syn_sent(struct vsock_proto *p, struct vsock_conn *c,
			const struct vsock_pkt *pkt)
{
	switch (pkt->op) {
	case VSOCK_OP_RESPONSE:
		if (vsock_credit_peer_update(c, pkt->buf_alloc, pkt->fwd_cnt)) {
			hostile(p, c);
			return;
		}
		c->state = VSOCK_ST_ESTABLISHED;
		c->has_deadline = false;
		/* The size changed after REQUEST went out: tell the peer. */
		if (c->buf_alloc != c->last_buf_alloc) {
			vsock_emit(p, c, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
		}
		notify(p, c, VSOCK_EV_CONNECTED);
		return;
	case VSOCK_OP_RST:
		do_close(p, c, VSOCK_ECONNRESET);
		return;
	default:
		/* Linux: anything else while connecting is EPROTO + RST. */
		p->stats.rx_dropped++;
		vsock_reset_conn(p, c, VSOCK_EPROTO);
		return;
	}
}

static void rx_data(struct vsock_proto *p, struct vsock_conn *c,
		    const struct vsock_pkt *pkt)
{
	bool eom =
		c->type == VSOCK_TYPE_SEQPACKET && (pkt->flags & VSOCK_SEQ_EOM);
	uint32_t slot = 0;

	/* The peer may only send what we advertised (virtio v1.3 §5.10.6.3). */
	if (!vsock_credit_rx_fits(c, pkt->len)) {
		hostile(p, c);
		return;
	}
	if (eom && c->msg_count >= VSOCK_SEQ_MAX_MSGS) {
		hostile(p, c);
		return;
	}
	vsock_credit_rx_put(c, pkt->payload, pkt->len);
	if (eom) {
		slot = (c->msg_head + c->msg_count) % VSOCK_SEQ_MAX_MSGS;
		c->msg_end[slot] = c->rx_cnt;
		c->msg_eor[slot] = (pkt->flags & VSOCK_SEQ_EOR) ? 1 : 0;
		c->msg_count++;
	}
	if (eom || (c->type == VSOCK_TYPE_STREAM && pkt->len > 0)) {
		notify(p, c, VSOCK_EV_READABLE);
	}
}

static void rx_shutdown(struct vsock_proto *p, struct vsock_conn *c,
			const struct vsock_pkt *pkt)
{
	/* Shutdown bits are sticky: a later SHUTDOWN cannot clear one. */
	uint8_t added = (uint8_t)(pkt->flags & VSOCK_SHUTDOWN_BOTH &
				  ~(uint32_t)c->peer_shutdown);

	if (!added) {
		return;
	}
	c->peer_shutdown |= added;
	notify(p, c, VSOCK_EV_PEER_SHUTDOWN);
	vsock_check_passive_close(p, c);
}

/*
 * Our shared-memory extension: the payload is decoded here, once, so the
 * layers above only ever see a checked descriptor. A malformed one is
 * dropped without a reply: it names no offer we could reject.
 */
static void rx_shmem(struct vsock_proto *p, struct vsock_conn *c,
		     const struct vsock_pkt *pkt)
{
	struct vsock_shmem m;

	if (vsock_shmem_decode(pkt->payload, pkt->len, &m, NULL) != VSOCK_OK) {
		p->stats.shmem_bad++;
		return;
	}
	if (!p->ops->shmem || !user_visible(c)) {
		p->stats.rx_dropped++;
		return;
	}
	p->ops->shmem(p->ctx, c, &m);
}

static void rx_established(struct vsock_proto *p, struct vsock_conn *c,
			   const struct vsock_pkt *pkt)
{
	if (pkt->op == VSOCK_OP_RST) {
		/*
		 * Linux reports plain EOF here; we say ECONNRESET unless a
		 * side had shut both ways first (an orderly close), like TCP.
		 */
		bool orderly = c->peer_shutdown == VSOCK_SHUTDOWN_BOTH ||
			       c->local_shutdown == VSOCK_SHUTDOWN_BOTH;

		do_close(p, c, orderly ? 0 : VSOCK_ECONNRESET);
		return;
	}
	/* Every packet carries valid buf_alloc/fwd_cnt (virtio-msg.md §4). */
	if (vsock_credit_peer_update(c, pkt->buf_alloc, pkt->fwd_cnt)) {
		hostile(p, c);
		return;
	}
	if (c->want_writable && vsock_credit_tx_space(c) > 0) {
		c->want_writable = false;
		c->credit_req_sent = false;
		notify(p, c, VSOCK_EV_WRITABLE);
	}
	switch (pkt->op) {
	case VSOCK_OP_RW:
		rx_data(p, c, pkt);
		return;
	case VSOCK_OP_CREDIT_UPDATE:
		return;
	case VSOCK_OP_CREDIT_REQUEST:
		/*
		 * The peer is blocked: it may need more than half the buffer
		 * (a whole SEQPACKET message), so the next read updates it
		 * even below the usual threshold.
		 */
		c->peer_blocked = true;
		vsock_emit(p, c, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
		return;
	case VSOCK_OP_SHUTDOWN:
		rx_shutdown(p, c, pkt);
		return;
	case VSOCK_OP_SHMEM:
		rx_shmem(p, c, pkt);
		return;
	default:
		p->stats.rx_dropped++;
		return;
	}
}

struct vsock_pkt vsock_pkt_from_hdr(const struct vsock_hdr *h,
				    const uint8_t *payload)
{
	struct vsock_pkt p = {
		.src_cid = h->src_cid,
		.dst_cid = h->dst_cid,
		.src_port = h->src_port,
		.dst_port = h->dst_port,
		.len = h->len,
		.type = h->type,
		.op = h->op,
		.flags = h->flags,
		.buf_alloc = h->buf_alloc,
		.fwd_cnt = h->fwd_cnt,
		.payload = payload,
		.payload_len = h->len,
	};

	return p;
}

/** Handle one decoded packet addressed to this endpoint. */
void vsock_proto_rx(struct vsock_proto *p, const struct vsock_pkt *pkt,
		    uint64_t now_ms)
{
	struct vsock_conn *c = NULL;

	(void)now_ms;
	if (pkt->payload_len != pkt->len || (pkt->len && !pkt->payload) ||
	    pkt->dst_cid != p->cid) {
		p->stats.rx_dropped++;
		return;
	}
	/* Linux: an unknown socket type is answered with RST. */
	if (!valid_type(pkt->type)) {
		p->stats.rx_dropped++;
		reset_no_sock(p, pkt);
		return;
	}
	c = lookup(p, pkt);
	if (!c) {
		reset_no_sock(p, pkt);
		return;
	}
	switch (c->state) {
	case VSOCK_ST_LISTEN:
		rx_listen(p, c, pkt);
		return;
	case VSOCK_ST_SYN_SENT:
		rx_syn_sent(p, c, pkt);
		return;
	case VSOCK_ST_ESTABLISHED:
		rx_established(p, c, pkt);
		return;
	case VSOCK_ST_CLOSING:
		/* Linux recv_disconnecting: only the peer's RST matters. */
		if (pkt->op == VSOCK_OP_RST) {
			free_slot(p, c);
		}
		return;
	default:
		reset_no_sock(p, pkt);
		return;
	}
}

/** Expire connect and close timeouts. */
void vsock_proto_tick(struct vsock_proto *p, uint64_t now_ms)
{
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		struct vsock_conn *c = &p->conns[i];

		if (!c->has_deadline || now_ms < c->deadline_ms) {
			continue;
		}
		if (c->state == VSOCK_ST_SYN_SENT) {
			vsock_reset_conn(p, c, VSOCK_ETIMEDOUT);
		} else if (c->state == VSOCK_ST_CLOSING) {
			vsock_reset_conn(p, c, 0);
		} else {
			c->has_deadline = false;
		}
	}
}

bool vsock_proto_next_deadline(const struct vsock_proto *p, uint64_t *when_ms)
{
	bool any = false;
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		const struct vsock_conn *c = &p->conns[i];

		if (c->has_deadline && (!any || c->deadline_ms < *when_ms)) {
			*when_ms = c->deadline_ms;
			any = true;
		}
	}
	return any;
}

/**
 * virtio event TRANSPORT_RESET (virtio-msg.md §4, event id 0): the device
 * forgot every connection, so Linux resets them all locally with
 * ECONNRESET and sends nothing. Listeners survive.
 */
void vsock_proto_transport_reset(struct vsock_proto *p)
{
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		struct vsock_conn *c = &p->conns[i];

		if (c->state == VSOCK_ST_FREE || c->state == VSOCK_ST_LISTEN ||
		    c->state == VSOCK_ST_CLOSED) {
			continue;
		}
		do_close(p, c, VSOCK_ECONNRESET);
	}
}

int vsock_proto_init(struct vsock_proto *p, uint64_t cid,
		     const struct vsock_proto_ops *ops, void *ctx,
		     struct vsock_conn *conns, uint32_t conn_count,
		     uint8_t *rx_mem, uint32_t rx_len)
{
	uint32_t i = 0;

	/* CIDs 1 and 0xFFFFFFFF are reserved; 0 is OP-TEE's NS endpoint. */
	if (cid == 1 || cid >= 0xffffffffu || !ops || !ops->send_pkt ||
	    !conns || !conn_count || !rx_mem || !rx_len ||
	    rx_len > VSOCK_INT_MAX) {
		return VSOCK_EINVAL;
	}
	tzs_memset(p, 0, sizeof(*p));
	p->cid = cid;
	p->ops = ops;
	p->ctx = ctx;
	p->conns = conns;
	p->conn_count = conn_count;
	p->rx_mem = rx_mem;
	p->rx_len = rx_len;
	p->max_pkt_len = VSOCK_MAX_PKT_LEN;
	p->connect_timeout_ms = VSOCK_CONNECT_TIMEOUT_MS;
	p->next_port = VSOCK_EPHEMERAL_FIRST;
	for (i = 0; i < conn_count; i++) {
		init_slot(p, &conns[i]);
	}
	return VSOCK_OK;
}

static bool port_used(const struct vsock_proto *p, uint32_t port)
{
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		if (p->conns[i].state != VSOCK_ST_FREE &&
		    p->conns[i].local_port == port) {
			return true;
		}
	}
	return false;
}

static bool tuple_used(const struct vsock_proto *p, uint32_t port,
		       uint64_t peer_cid, uint32_t peer_port, uint16_t type)
{
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		const struct vsock_conn *c = &p->conns[i];

		if (c->state == VSOCK_ST_FREE || c->local_port != port ||
		    c->type != type) {
			continue;
		}
		if (c->state == VSOCK_ST_LISTEN ||
		    (c->peer_cid == peer_cid && c->peer_port == peer_port)) {
			return true;
		}
	}
	return false;
}

/* Next ephemeral port no slot uses; 0 when every slot holds one. */
static uint32_t pick_port(struct vsock_proto *p)
{
	uint32_t tries = 0;

	for (tries = 0; tries <= p->conn_count; tries++) {
		uint32_t port = p->next_port++;

		if (p->next_port < VSOCK_EPHEMERAL_FIRST) {
			p->next_port = VSOCK_EPHEMERAL_FIRST;
		}
		if (!port_used(p, port)) {
			return port;
		}
	}
	return 0;
}

int vsock_connect(struct vsock_proto *p, uint32_t local_port, uint64_t peer_cid,
		  uint32_t peer_port, uint16_t type, uint64_t now_ms,
		  struct vsock_conn **out)
{
	struct vsock_conn *c = NULL;
	int rc = 0;

	if (!valid_type(type)) {
		return VSOCK_EINVAL;
	}
	if (!local_port) {
		local_port = pick_port(p);
		if (!local_port) {
			return VSOCK_ENOBUFS;
		}
	}
	if (tuple_used(p, local_port, peer_cid, peer_port, type)) {
		return VSOCK_EADDRINUSE;
	}
	c = alloc_slot(p);
	if (!c) {
		return VSOCK_ENOBUFS;
	}
	c->state = VSOCK_ST_SYN_SENT;
	c->type = (uint8_t)type;
	c->local_port = local_port;
	c->peer_cid = peer_cid;
	c->peer_port = peer_port;
	c->has_deadline = true;
	c->deadline_ms = now_ms + p->connect_timeout_ms;
	rc = vsock_emit(p, c, VSOCK_OP_REQUEST, 0, NULL, 0);
	if (rc) {
		free_slot(p, c);
		return rc;
	}
	*out = c;
	return VSOCK_OK;
}

int vsock_listen(struct vsock_proto *p, uint32_t port, uint16_t type,
		 uint32_t backlog, struct vsock_conn **out)
{
	struct vsock_conn *l = NULL;
	uint32_t i = 0;

	if (!valid_type(type) || !backlog) {
		return VSOCK_EINVAL;
	}
	for (i = 0; i < p->conn_count; i++) {
		if (p->conns[i].state == VSOCK_ST_LISTEN &&
		    p->conns[i].local_port == port &&
		    p->conns[i].type == type) {
			return VSOCK_EADDRINUSE;
		}
	}
	l = alloc_slot(p);
	if (!l) {
		return VSOCK_ENOBUFS;
	}
	l->state = VSOCK_ST_LISTEN;
	l->type = (uint8_t)type;
	l->local_port = port;
	l->backlog = backlog;
	*out = l;
	return VSOCK_OK;
}

int vsock_set_backlog(struct vsock_conn *listener, uint32_t backlog)
{
	if (listener->state != VSOCK_ST_LISTEN || !backlog) {
		return VSOCK_EINVAL;
	}
	listener->backlog = backlog;
	return VSOCK_OK;
}

uint32_t vsock_conn_pending(const struct vsock_conn *listener)
{
	return listener->state == VSOCK_ST_LISTEN ? listener->pending : 0;
}

int vsock_accept(struct vsock_proto *p, struct vsock_conn *listener,
		 struct vsock_conn **out)
{
	int32_t idx = (int32_t)slot_index(p, listener);
	struct vsock_conn *best = NULL;
	uint32_t i = 0;

	if (listener->state != VSOCK_ST_LISTEN) {
		return VSOCK_EINVAL;
	}
	for (i = 0; i < p->conn_count; i++) {
		struct vsock_conn *c = &p->conns[i];

		if (c->state == VSOCK_ST_FREE || c->parent != idx) {
			continue;
		}
		/* Oldest first; accept_seq wraps, so compare differences. */
		if (!best || (int32_t)(c->accept_seq - best->accept_seq) < 0) {
			best = c;
		}
	}
	if (!best) {
		return VSOCK_EAGAIN;
	}
	listener->pending--;
	best->parent = -1;
	*out = best;
	return VSOCK_OK;
}

int vsock_send_shmem(struct vsock_proto *p, struct vsock_conn *c,
		     const struct vsock_shmem *m)
{
	uint8_t buf[VSOCK_SHMEM_SIZE];

	if (c->state != VSOCK_ST_ESTABLISHED) {
		return VSOCK_ENOTCONN;
	}
	if (vsock_shmem_encode(m, buf, sizeof(buf)) != VSOCK_SHMEM_SIZE) {
		return VSOCK_EINVAL;
	}
	return vsock_emit(p, c, VSOCK_OP_SHMEM, 0, buf, sizeof(buf));
}

int vsock_set_buf_size(struct vsock_proto *p, struct vsock_conn *c,
		       uint32_t size)
{
	if (size == 0) {
		return VSOCK_EINVAL;
	}
	if (size > c->rx_size) {
		size = c->rx_size;
	}
	/* Queued data stays put: the ring is rx_size, not buf_alloc. */
	c->buf_alloc = size;
	if (c->state == VSOCK_ST_ESTABLISHED && size != c->last_buf_alloc) {
		vsock_emit(p, c, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	}
	return (int)size;
}

int vsock_shutdown(struct vsock_proto *p, struct vsock_conn *c, uint32_t how)
{
	how &= VSOCK_SHUTDOWN_BOTH;
	if (!how) {
		return VSOCK_EINVAL;
	}
	if (c->state != VSOCK_ST_ESTABLISHED) {
		return VSOCK_ENOTCONN;
	}
	if (!(how & ~(uint32_t)c->local_shutdown)) {
		return VSOCK_OK;
	}
	c->local_shutdown |= (uint8_t)how;
	/* Sticky: every SHUTDOWN repeats all bits sent before. */
	vsock_emit(p, c, VSOCK_OP_SHUTDOWN, c->local_shutdown, NULL, 0);
	return VSOCK_OK;
}

static void close_listener(struct vsock_proto *p, struct vsock_conn *l)
{
	int32_t idx = (int32_t)slot_index(p, l);
	uint32_t i = 0;

	for (i = 0; i < p->conn_count; i++) {
		struct vsock_conn *c = &p->conns[i];

		if (c->state != VSOCK_ST_FREE && c->parent == idx) {
			vsock_emit(p, c, VSOCK_OP_RST, 0, NULL, 0);
			free_slot(p, c);
		}
	}
	free_slot(p, l);
}

void vsock_close(struct vsock_proto *p, struct vsock_conn *c, uint64_t now_ms)
{
	switch (c->state) {
	case VSOCK_ST_LISTEN:
		close_listener(p, c);
		return;
	case VSOCK_ST_SYN_SENT:
		vsock_emit(p, c, VSOCK_OP_RST, 0, NULL, 0);
		free_slot(p, c);
		return;
	case VSOCK_ST_ESTABLISHED:
		c->orphan = true;
		/*
		 * The peer already shut both ways: it sends nothing more and
		 * waits only for our RST (Linux would wait out the timeout).
		 */
		if (c->peer_shutdown == VSOCK_SHUTDOWN_BOTH) {
			vsock_reset_conn(p, c, 0);
			return;
		}
		/* Linux virtio_transport_close: SHUTDOWN(both), wait for RST. */
		if (c->local_shutdown != VSOCK_SHUTDOWN_BOTH) {
			c->local_shutdown = VSOCK_SHUTDOWN_BOTH;
			vsock_emit(p, c, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_BOTH,
				   NULL, 0);
		}
		c->state = VSOCK_ST_CLOSING;
		c->has_deadline = true;
		c->deadline_ms = now_ms + VSOCK_CLOSE_TIMEOUT_MS;
		return;
	case VSOCK_ST_CLOSED:
		free_slot(p, c);
		return;
	default:
		return;
	}
}

enum vsock_state vsock_conn_state(const struct vsock_conn *c)
{
	return (enum vsock_state)c->state;
}

int vsock_conn_error(const struct vsock_conn *c)
{
	return c->error;
}

uint32_t vsock_conn_rx_avail(const struct vsock_conn *c)
{
	if (c->type == VSOCK_TYPE_SEQPACKET) {
		return c->msg_count;
	}
	return vsock_credit_rx_used(c);
}

uint32_t vsock_conn_next_len(const struct vsock_conn *c)
{
	if (c->type != VSOCK_TYPE_SEQPACKET) {
		return vsock_credit_rx_used(c);
	}
	if (!c->msg_count) {
		return 0;
	}
	return c->msg_end[c->msg_head] - c->fwd_cnt;
}

uint32_t vsock_conn_local_port(const struct vsock_conn *c)
{
	return c->local_port;
}

uint64_t vsock_conn_peer_cid(const struct vsock_conn *c)
{
	return c->peer_cid;
}

uint32_t vsock_conn_peer_port(const struct vsock_conn *c)
{
	return c->peer_port;
}

uint32_t vsock_conn_peer_shutdown(const struct vsock_conn *c)
{
	return c->peer_shutdown;
}
