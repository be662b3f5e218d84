// SPDX-License-Identifier: BSD-2-Clause
/*
 * AF_VSOCK-like sockets on struct vsock_proto (include/tzshare/
 * vsock_socket.h): the socket table, addresses and connection setup,
 * following Linux net/vmw_vsock/af_vsock.c where it is sane and TCP where
 * it is not (docs/vsock.md lists the differences).
 *
 * A socket holds at most one proto slot (sk->conn): a listener, or a
 * connection from connect() or accept(). Its state follows the slot lazily
 * (vsk_sync() at the start of every call), except that the proto's
 * CONNECTED event is taken at once, since a connection may go from
 * established to closed before the user looks again.
 */
#include <tzshare/lib.h>

#include "socket_priv.h"

_Static_assert(VSK_EAGAIN == VSOCK_EAGAIN && VSK_EINVAL == VSOCK_EINVAL &&
		       VSK_EPIPE == VSOCK_EPIPE &&
		       VSK_EADDRINUSE == VSOCK_EADDRINUSE &&
		       VSK_ENOBUFS == VSOCK_ENOBUFS &&
		       VSK_EISCONN == VSOCK_EISCONN &&
		       VSK_ENOTCONN == VSOCK_ENOTCONN &&
		       VSK_ETIMEDOUT == VSOCK_ETIMEDOUT &&
		       VSK_ECONNRESET == VSOCK_ECONNRESET &&
		       VSK_EMSGSIZE == VSOCK_EMSGSIZE &&
		       VSK_EPROTO == VSOCK_EPROTO,
	       "the proto's errors pass through unchanged");

static struct vsk_stack *to_stack(void *ctx)
{
	return ctx;
}

static int sd_of(const struct vsk_stack *s, const struct vsk_sock *sk)
{
	return (int)(sk - s->socks);
}

/* The open socket whose connection is @c, NULL if none. */
static struct vsk_sock *sock_of_conn(struct vsk_stack *s,
				     const struct vsock_conn *c)
{
	uint32_t i = 0;

	for (i = 0; i < s->sock_count; i++) {
		if (s->socks[i].state != VSK_SS_FREE && s->socks[i].conn == c) {
			return &s->socks[i];
		}
	}
	return NULL;
}

static int stack_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct vsk_stack *s = to_stack(ctx);

	return s->ops->send_pkt(s->ctx, pkt);
}

void vsk_stack_notify(struct vsk_stack *s, struct vsock_conn *c,
		      enum vsock_event ev)
{
	struct vsk_sock *sk = NULL;

	if (ev != VSOCK_EV_CONNECTED) {
		return;
	}
	sk = sock_of_conn(s, c);
	if (sk && sk->state == VSK_SS_CONNECTING) {
		sk->state = VSK_SS_CONNECTED;
	}
}

bool vsk_stack_owns(struct vsk_stack *s, const struct vsock_conn *c)
{
	return c && sock_of_conn(s, c) != NULL;
}

static void stack_notify(void *ctx, struct vsock_conn *c, enum vsock_event ev)
{
	vsk_stack_notify(to_stack(ctx), c, ev);
}

static void stack_shmem(void *ctx, struct vsock_conn *c,
			const struct vsock_shmem *m)
{
	struct vsk_stack *s = to_stack(ctx);
	struct vsk_sock *sk = sock_of_conn(s, c);

	if (sk && s->ops->shmem) {
		s->ops->shmem(s->ctx, sd_of(s, sk), m);
	}
}

static const struct vsock_proto_ops stack_proto_ops = {
	.send_pkt = stack_send_pkt,
	.notify = stack_notify,
	.shmem = stack_shmem,
};

/* What init and wrap share, once s->proto is set. */
static void stack_setup(struct vsk_stack *s, const struct vsk_ops *ops,
			void *ctx, struct vsk_sock *socks, uint32_t sock_count)
{
	s->ops = ops;
	s->ctx = ctx;
	s->socks = socks;
	s->sock_count = sock_count;
	s->next_port = VSOCK_EPHEMERAL_FIRST;
	tzs_memset(socks, 0, sizeof(*socks) * sock_count);
}

static bool storage_ok(const struct vsk_ops *ops, const struct vsk_sock *socks,
		       uint32_t sock_count)
{
	return ops && ops->now_ms && socks && sock_count &&
	       sock_count <= VSK_INT_MAX;
}

int vsk_stack_init(struct vsk_stack *s, uint64_t cid, const struct vsk_ops *ops,
		   void *ctx, struct vsk_sock *socks, uint32_t sock_count,
		   struct vsock_conn *conns, uint32_t conn_count,
		   uint8_t *rx_mem, uint32_t rx_len)
{
	int rc = 0;

	if (!storage_ok(ops, socks, sock_count) || !ops->send_pkt) {
		return VSK_EINVAL;
	}
	tzs_memset(s, 0, sizeof(*s));
	rc = vsock_proto_init(&s->own, cid, &stack_proto_ops, s, conns,
			      conn_count, rx_mem, rx_len);
	if (rc) {
		return rc;
	}
	s->proto = &s->own;
	stack_setup(s, ops, ctx, socks, sock_count);
	return 0;
}

int vsk_stack_wrap(struct vsk_stack *s, struct vsock_proto *p,
		   const struct vsk_ops *ops, void *ctx, struct vsk_sock *socks,
		   uint32_t sock_count)
{
	if (!p || !storage_ok(ops, socks, sock_count)) {
		return VSK_EINVAL;
	}
	tzs_memset(s, 0, sizeof(*s));
	s->proto = p;
	stack_setup(s, ops, ctx, socks, sock_count);
	return 0;
}

uint64_t vsk_now(struct vsk_stack *s)
{
	return s->ops->now_ms(s->ctx);
}

void vsk_stack_rx(struct vsk_stack *s, const struct vsock_pkt *pkt)
{
	vsock_proto_rx(s->proto, pkt, vsk_now(s));
}

void vsk_stack_tick(struct vsk_stack *s)
{
	vsock_proto_tick(s->proto, vsk_now(s));
}

void vsk_stack_transport_reset(struct vsk_stack *s)
{
	vsock_proto_transport_reset(s->proto);
}

struct vsk_sock *vsk_get(struct vsk_stack *s, int sd)
{
	if (sd < 0 || (uint32_t)sd >= s->sock_count ||
	    s->socks[sd].state == VSK_SS_FREE) {
		return NULL;
	}
	return &s->socks[sd];
}

int vsk_take_error(struct vsk_sock *sk)
{
	int err = sk->so_error;

	sk->so_error = 0;
	return err;
}

static void wake(struct vsk_stack *s)
{
	if (s->ops->wake) {
		s->ops->wake(s->ctx);
	}
}

void vsk_sync(struct vsk_stack *s, struct vsk_sock *sk)
{
	struct vsock_conn *c = sk->conn;

	if (!c) {
		return;
	}
	if (vsock_conn_state(c) == VSOCK_ST_ESTABLISHED &&
	    sk->state == VSK_SS_CONNECTING) {
		sk->state = VSK_SS_CONNECTED;
	}
	if (vsock_conn_state(c) != VSOCK_ST_CLOSED) {
		return;
	}
	if (sk->state == VSK_SS_CONNECTING) {
		/* Refused, timed out or reset before RESPONSE. */
		sk->so_error = vsock_conn_error(c);
		if (!sk->so_error) {
			sk->so_error = VSK_ECONNRESET;
		}
		vsock_close(s->proto, c, vsk_now(s));
		sk->conn = NULL;
		sk->state = VSK_SS_UNCONNECTED;
		return;
	}
	if (sk->state == VSK_SS_CONNECTED && !sk->closed_seen) {
		sk->closed_seen = true;
		sk->so_error = vsock_conn_error(c);
	}
}

void vsk_apply_buf_size(struct vsk_stack *s, struct vsk_sock *sk)
{
	int rc = 0;

	/* No packet when nothing changed (the proto compares). */
	if (!sk->conn) {
		return;
	}
	rc = vsock_set_buf_size(s->proto, sk->conn, (uint32_t)sk->buf_size);
	if (rc > 0) {
		sk->buf_size = (uint32_t)rc;
	}
}

static void sock_init(struct vsk_stack *s, struct vsk_sock *sk, int type,
		      bool nonblock)
{
	uint32_t gen = sk->gen;

	tzs_memset(sk, 0, sizeof(*sk));
	sk->gen = gen;
	sk->state = VSK_SS_UNCONNECTED;
	sk->type = (uint8_t)type;
	sk->nonblock = nonblock;
	sk->local_cid = VSK_CID_ANY;
	sk->local_port = VSK_PORT_ANY;
	sk->rcvtimeo_us = VSK_TIMEO_INF;
	sk->sndtimeo_us = VSK_TIMEO_INF;
	sk->connect_timeout_us = (uint64_t)VSOCK_CONNECT_TIMEOUT_MS * 1000;
	sk->buf_min = VSK_DEFAULT_BUFFER_MIN_SIZE;
	sk->buf_max = VSK_DEFAULT_BUFFER_MAX_SIZE;
	sk->buf_size = VSK_DEFAULT_BUFFER_SIZE;
	if (sk->buf_size > s->proto->rx_len) {
		sk->buf_size = s->proto->rx_len;
	}
}

static struct vsk_sock *free_sock(struct vsk_stack *s)
{
	uint32_t i = 0;

	for (i = 0; i < s->sock_count; i++) {
		if (s->socks[i].state == VSK_SS_FREE) {
			return &s->socks[i];
		}
	}
	return NULL;
}

int vsk_socket(struct vsk_stack *s, int type, int flags)
{
	struct vsk_sock *sk = NULL;

	if (type != VSOCK_TYPE_STREAM && type != VSOCK_TYPE_SEQPACKET) {
		return VSK_ESOCKTNOSUPPORT;
	}
	if (flags & ~VSK_NONBLOCK) {
		return VSK_EINVAL;
	}
	sk = free_sock(s);
	if (!sk) {
		return VSK_EMFILE;
	}
	sock_init(s, sk, type, flags & VSK_NONBLOCK);
	return sd_of(s, sk);
}

int vsk_set_nonblock(struct vsk_stack *s, int sd, bool on)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	sk->nonblock = on;
	return 0;
}

/*
 * A socket owns @port (bind table), like Linux's, across types; on a
 * wrapped proto so does a listener of the proto's owner.
 */
static bool port_owned(struct vsk_stack *s, uint32_t port)
{
	uint32_t i = 0;

	for (i = 0; i < s->sock_count; i++) {
		const struct vsk_sock *o = &s->socks[i];

		if (o->state != VSK_SS_FREE && o->owns_port &&
		    o->local_port == port) {
			return true;
		}
	}
	for (i = 0; i < s->proto->conn_count; i++) {
		const struct vsock_conn *c = &s->proto->conns[i];

		if (vsock_conn_state(c) == VSOCK_ST_LISTEN &&
		    vsock_conn_local_port(c) == port && !sock_of_conn(s, c)) {
			return true;
		}
	}
	return false;
}

/* Free for an ephemeral pick: no socket and no lingering slot uses it. */
static bool port_free(const struct vsk_stack *s, uint32_t port)
{
	uint32_t i = 0;

	for (i = 0; i < s->sock_count; i++) {
		const struct vsk_sock *o = &s->socks[i];

		if (o->state != VSK_SS_FREE && o->bound &&
		    o->local_port == port) {
			return false;
		}
	}
	for (i = 0; i < s->proto->conn_count; i++) {
		const struct vsock_conn *c = &s->proto->conns[i];

		if (vsock_conn_state(c) != VSOCK_ST_FREE &&
		    vsock_conn_local_port(c) == port) {
			return false;
		}
	}
	return true;
}

/* An ephemeral port (VSOCK_EPHEMERAL_FIRST up), 0 when none is free. */
static uint32_t pick_port(struct vsk_stack *s)
{
	uint64_t tries = (uint64_t)s->sock_count + s->proto->conn_count + 1;

	while (tries--) {
		uint32_t port = s->next_port++;

		if (s->next_port >= VSK_PORT_ANY ||
		    s->next_port < VSOCK_EPHEMERAL_FIRST) {
			s->next_port = VSOCK_EPHEMERAL_FIRST;
		}
		if (port_free(s, port)) {
			return port;
		}
	}
	return 0;
}

static int do_bind(struct vsk_stack *s, struct vsk_sock *sk, uint32_t cid,
		   uint32_t port)
{
	if (sk->bound) {
		return VSK_EINVAL;
	}
	if (cid != VSK_CID_ANY && cid != s->proto->cid) {
		return VSK_EADDRNOTAVAIL;
	}
	if (port == VSK_PORT_ANY) {
		port = pick_port(s);
		if (!port) {
			return VSK_EADDRNOTAVAIL;
		}
	} else if (port_owned(s, port)) {
		return VSK_EADDRINUSE;
	}
	sk->bound = true;
	sk->owns_port = true;
	sk->local_cid = cid;
	sk->local_port = port;
	return 0;
}

int vsk_bind(struct vsk_stack *s, int sd, uint32_t cid, uint32_t port)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	return do_bind(s, sk, cid, port);
}

int vsk_listen(struct vsk_stack *s, int sd, int backlog)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	uint32_t b = (uint32_t)backlog;
	int rc = 0;

	if (!sk) {
		return VSK_EBADF;
	}
	/* Linux clamps to somaxconn; our limit is the slot count. */
	if (backlog < 0 || b > s->proto->conn_count) {
		b = s->proto->conn_count;
	}
	if (b == 0) {
		b = 1;
	}
	if (sk->state == VSK_SS_LISTENING) {
		return vsock_set_backlog(sk->conn, b);
	}
	if (sk->state != VSK_SS_UNCONNECTED || !sk->bound) {
		return VSK_EINVAL;
	}
	rc = vsock_listen(s->proto, sk->local_port, sk->type, b, &sk->conn);
	if (rc) {
		return rc;
	}
	sk->state = VSK_SS_LISTENING;
	vsk_apply_buf_size(s, sk);
	return 0;
}

/* The child socket for accepted connection @c of listener @l. */
static int adopt_child(struct vsk_stack *s, struct vsk_sock *l,
		       struct vsk_sock *sk, struct vsock_conn *c, int flags)
{
	sock_init(s, sk, l->type, flags & VSK_NONBLOCK);
	sk->state = VSK_SS_CONNECTED;
	sk->conn = c;
	sk->bound = true;
	sk->local_cid = (uint32_t)s->proto->cid;
	sk->local_port = l->local_port;
	sk->peer_cid = (uint32_t)vsock_conn_peer_cid(c);
	sk->peer_port = vsock_conn_peer_port(c);
	/* Linux copies these from the listener (__vsock_create). */
	sk->buf_size = l->buf_size;
	sk->buf_min = l->buf_min;
	sk->buf_max = l->buf_max;
	sk->connect_timeout_us = l->connect_timeout_us;
	return sd_of(s, sk);
}

int vsk_accept(struct vsk_stack *s, int sd, int flags, uint32_t *peer_cid,
	       uint32_t *peer_port)
{
	struct vsk_sock *l = vsk_get(s, sd);
	struct vsk_wait w;
	int rc = 0;

	if (!l) {
		return VSK_EBADF;
	}
	if ((flags & ~VSK_NONBLOCK) || l->state != VSK_SS_LISTENING) {
		return VSK_EINVAL;
	}
	vsk_wait_begin(s, &w, sd, l->rcvtimeo_us, l->nonblock);
	for (;;) {
		/* A descriptor first (Linux: EMFILE before waiting). */
		struct vsk_sock *sk = free_sock(s);
		struct vsock_conn *c = NULL;

		if (!sk) {
			return VSK_EMFILE;
		}
		if (vsock_accept(s->proto, l->conn, &c) == VSOCK_OK) {
			rc = adopt_child(s, l, sk, c, flags);
			if (peer_cid) {
				*peer_cid = sk->peer_cid;
			}
			if (peer_port) {
				*peer_port = sk->peer_port;
			}
			return rc;
		}
		rc = vsk_wait_once(s, &w);
		if (rc) {
			return rc;
		}
	}
}

static int start_connect(struct vsk_stack *s, struct vsk_sock *sk, uint32_t cid,
			 uint32_t port)
{
	uint64_t ms = (sk->connect_timeout_us + 999) / 1000;
	int rc = 0;

	if (cid == VSK_CID_ANY || port == VSK_PORT_ANY) {
		return VSK_EINVAL;
	}
	if (!sk->bound) {
		rc = do_bind(s, sk, VSK_CID_ANY, VSK_PORT_ANY);
		if (rc) {
			return rc;
		}
	}
	s->proto->connect_timeout_ms =
		ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	rc = vsock_connect(s->proto, sk->local_port, cid, port, sk->type,
			   vsk_now(s), &sk->conn);
	s->proto->connect_timeout_ms = VSOCK_CONNECT_TIMEOUT_MS;
	if (rc) {
		sk->conn = NULL;
		return rc;
	}
	/* Bound to port 0: the proto picked one. */
	sk->local_port = vsock_conn_local_port(sk->conn);
	sk->peer_cid = cid;
	sk->peer_port = port;
	sk->closed_seen = false;
	sk->state = VSK_SS_CONNECTING;
	vsk_apply_buf_size(s, sk);
	return 0;
}

int vsk_connect(struct vsk_stack *s, int sd, uint32_t cid, uint32_t port)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	struct vsk_wait w;
	int rc = 0;

	if (!sk) {
		return VSK_EBADF;
	}
	vsk_sync(s, sk);
	switch (sk->state) {
	case VSK_SS_CONNECTED:
		return VSK_EISCONN;
	case VSK_SS_LISTENING:
		return VSK_EINVAL;
	case VSK_SS_CONNECTING:
		if (sk->nonblock || !s->ops->wait) {
			return VSK_EALREADY;
		}
		break;
	default:
		/* The failure of an earlier non-blocking attempt, once. */
		if (sk->so_error) {
			return vsk_take_error(sk);
		}
		rc = start_connect(s, sk, cid, port);
		if (rc) {
			return rc;
		}
		if (sk->nonblock || !s->ops->wait) {
			return VSK_EINPROGRESS;
		}
		break;
	}
	/* The proto's connect timer bounds this wait. */
	vsk_wait_begin(s, &w, sd, VSK_TIMEO_INF, false);
	for (;;) {
		vsk_sync(s, sk);
		if (sk->state == VSK_SS_CONNECTED) {
			return 0;
		}
		if (sk->state != VSK_SS_CONNECTING) {
			return vsk_take_error(sk);
		}
		rc = vsk_wait_once(s, &w);
		if (rc) {
			return rc;
		}
	}
}

int vsk_shutdown(struct vsk_stack *s, int sd, int how)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	uint32_t mode = 0;

	if (!sk) {
		return VSK_EBADF;
	}
	if (how < VSK_SHUT_RD || how > VSK_SHUT_RDWR) {
		return VSK_EINVAL;
	}
	/* SHUT_RD 0, WR 1, RDWR 2 -> RCV 1, SEND 2, both 3 (as Linux). */
	mode = (uint32_t)how + 1;
	vsk_sync(s, sk);
	if (sk->state != VSK_SS_CONNECTED) {
		return VSK_ENOTCONN;
	}
	sk->shut |= (uint8_t)mode;
	if (vsock_conn_state(sk->conn) == VSOCK_ST_ESTABLISHED) {
		vsock_shutdown(s->proto, sk->conn, mode);
	}
	wake(s);
	return 0;
}

int vsk_close(struct vsk_stack *s, int sd)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	/* The proto finishes the close (RST or timeout) and frees the slot. */
	if (sk->conn) {
		vsock_close(s->proto, sk->conn, vsk_now(s));
	}
	sk->conn = NULL;
	sk->state = VSK_SS_FREE;
	sk->gen++;
	wake(s);
	return 0;
}

int vsk_getsockname(struct vsk_stack *s, int sd, uint32_t *cid, uint32_t *port)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	*cid = sk->local_cid;
	if (sk->state == VSK_SS_CONNECTING || sk->state == VSK_SS_CONNECTED) {
		*cid = (uint32_t)s->proto->cid;
	}
	*port = sk->local_port;
	return 0;
}

int vsk_getpeername(struct vsk_stack *s, int sd, uint32_t *cid, uint32_t *port)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	vsk_sync(s, sk);
	if (sk->state != VSK_SS_CONNECTED) {
		return VSK_ENOTCONN;
	}
	*cid = sk->peer_cid;
	*port = sk->peer_port;
	return 0;
}

struct vsock_conn *vsk_conn(struct vsk_stack *s, int sd)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return NULL;
	}
	vsk_sync(s, sk);
	return sk->conn;
}

int vsk_send_shmem(struct vsk_stack *s, int sd, const struct vsock_shmem *m)
{
	struct vsk_sock *sk = vsk_get(s, sd);

	if (!sk) {
		return VSK_EBADF;
	}
	vsk_sync(s, sk);
	if (sk->state != VSK_SS_CONNECTED) {
		return VSK_ENOTCONN;
	}
	if (vsock_conn_state(sk->conn) != VSOCK_ST_ESTABLISHED) {
		return VSK_EPIPE;
	}
	return vsock_send_shmem(s->proto, sk->conn, m);
}
