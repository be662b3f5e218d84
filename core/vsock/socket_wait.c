// SPDX-License-Identifier: BSD-2-Clause
/*
 * Blocking and readiness for the socket layer: the one wait loop every
 * blocking call uses, and poll. A wait never outlasts the proto's next
 * timer, so connect and close timeouts fire while callers sleep.
 */
#include <tzshare/lib.h>

#include "socket_priv.h"

void vsk_wait_begin(struct vsk_stack *s, struct vsk_wait *w, int sd,
		    uint64_t timeo_us, bool nowait)
{
	uint64_t ms = 0;

	w->sd = sd;
	w->gen = sd >= 0 ? s->socks[sd].gen : 0;
	w->nowait = nowait || !s->ops->wait;
	w->forever = timeo_us == VSK_TIMEO_INF;
	w->deadline_ms = 0;
	if (!w->forever) {
		/* Round up: a timeout never ends early. */
		ms = timeo_us / 1000 + (timeo_us % 1000 != 0);
		if (ovf_add(vsk_now(s), ms, &w->deadline_ms)) {
			w->forever = true;
		}
	}
}

/* How long ops->wait may sleep: -1 for no limit. */
static int sleep_ms(struct vsk_stack *s, const struct vsk_wait *w, uint64_t now)
{
	uint64_t until = w->deadline_ms;
	bool limited = !w->forever;
	uint64_t timer = 0;

	if (vsock_proto_next_deadline(s->proto, &timer) &&
	    (!limited || timer < until)) {
		until = timer;
		limited = true;
	}
	if (!limited) {
		return -1;
	}
	if (until <= now) {
		return 0;
	}
	return until - now > VSK_INT_MAX ? VSK_INT_MAX : (int)(until - now);
}

int vsk_wait_once(struct vsk_stack *s, struct vsk_wait *w)
{
	uint64_t now = vsk_now(s);
	int rc = 0;

	if (w->nowait || (!w->forever && now >= w->deadline_ms)) {
		return VSK_EAGAIN;
	}
	rc = s->ops->wait(s->ctx, sleep_ms(s, w, now));
	vsk_stack_tick(s);
	if (rc < 0) {
		return rc;
	}
	if (w->sd >= 0 && (s->socks[w->sd].state == VSK_SS_FREE ||
			   s->socks[w->sd].gen != w->gen)) {
		return VSK_EBADF;
	}
	return 0;
}

/* What the peer shut: all of it once the connection is gone (Linux). */
static uint32_t peer_shut(const struct vsk_sock *sk)
{
	if (!sk->conn) {
		return 0;
	}
	if (vsock_conn_state(sk->conn) == VSOCK_ST_CLOSED) {
		return VSOCK_SHUTDOWN_BOTH;
	}
	return vsock_conn_peer_shutdown(sk->conn);
}

/* Readable and writable bits of a connected socket (Linux vsock_poll). */
static int connected_mask(const struct vsk_sock *sk)
{
	bool closed = vsock_conn_state(sk->conn) == VSOCK_ST_CLOSED;
	int mask = 0;

	if (!(sk->shut & VSOCK_SHUTDOWN_RCV) && vsock_conn_rx_avail(sk->conn)) {
		mask |= VSK_POLLIN;
	}
	if (sk->shut & VSOCK_SHUTDOWN_SEND) {
		return mask;
	}
	/* A closed connection is "writable": send fails at once. */
	if (closed || vsock_credit_tx_space(sk->conn) > 0) {
		mask |= VSK_POLLOUT;
	}
	return mask;
}

int vsk_poll_mask(struct vsk_stack *s, int sd)
{
	struct vsk_sock *sk = vsk_get(s, sd);
	uint32_t peer = 0;
	int mask = 0;

	if (!sk) {
		return VSK_POLLNVAL;
	}
	vsk_sync(s, sk);
	peer = peer_shut(sk);
	if (sk->so_error) {
		mask |= VSK_POLLERR;
	}
	if (sk->shut == VSOCK_SHUTDOWN_BOTH ||
	    ((sk->shut & VSOCK_SHUTDOWN_SEND) &&
	     (peer & VSOCK_SHUTDOWN_SEND))) {
		mask |= VSK_POLLHUP;
	}
	if ((sk->shut & VSOCK_SHUTDOWN_RCV) || (peer & VSOCK_SHUTDOWN_SEND)) {
		mask |= VSK_POLLRDHUP | VSK_POLLIN;
	}
	switch (sk->state) {
	case VSK_SS_LISTENING:
		if (vsock_conn_pending(sk->conn)) {
			mask |= VSK_POLLIN;
		}
		break;
	case VSK_SS_CONNECTED:
		mask |= connected_mask(sk);
		break;
	case VSK_SS_UNCONNECTED:
		/* Linux: a TCP_CLOSE socket polls writable. */
		mask |= VSK_POLLOUT;
		break;
	default:
		break;
	}
	return mask;
}

/* Fill revents; the number of entries with any. */
static int poll_scan(struct vsk_stack *s, struct vsk_pollfd *fds, uint32_t n)
{
	const int always = VSK_POLLERR | VSK_POLLHUP | VSK_POLLNVAL;
	uint32_t i = 0;
	int ready = 0;

	for (i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].sd < 0) {
			continue;
		}
		fds[i].revents = (int16_t)(vsk_poll_mask(s, fds[i].sd) &
					   (fds[i].events | always));
		if (fds[i].revents) {
			ready++;
		}
	}
	return ready;
}

int vsk_poll(struct vsk_stack *s, struct vsk_pollfd *fds, uint32_t n,
	     int timeout_ms)
{
	uint64_t timeo = VSK_TIMEO_INF;
	struct vsk_wait w;
	int rc = 0;

	if (n > VSK_INT_MAX) {
		return VSK_EINVAL;
	}
	if (timeout_ms >= 0) {
		timeo = (uint64_t)timeout_ms * 1000;
	}
	vsk_wait_begin(s, &w, -1, timeo, timeout_ms == 0);
	vsk_stack_tick(s);
	for (;;) {
		int ready = poll_scan(s, fds, n);

		if (ready) {
			return ready;
		}
		rc = vsk_wait_once(s, &w);
		if (rc == VSK_EAGAIN) {
			return 0;
		}
		if (rc) {
			return rc;
		}
	}
}
