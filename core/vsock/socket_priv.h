/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the socket layer's files: socket.c (table, connection setup),
 * socket_io.c (send/recv), socket_opt.c (options), socket_wait.c (blocking
 * and poll).
 */
#ifndef TZSHARE_CORE_VSOCK_SOCKET_PRIV_H
#define TZSHARE_CORE_VSOCK_SOCKET_PRIV_H

#include <tzshare/vsock_socket.h>

#define VSK_INT_MAX 0x7fffffff

/* The socket behind @sd, NULL when @sd is not an open descriptor. */
struct vsk_sock *vsk_get(struct vsk_stack *s, int sd);

uint64_t vsk_now(struct vsk_stack *s);

/*
 * Bring @sk up to date with its connection: a connect that failed turns
 * into the pending error (and an unconnected socket), a connection's end
 * into the pending error once.
 */
void vsk_sync(struct vsk_stack *s, struct vsk_sock *sk);

/* The pending error, cleared. */
int vsk_take_error(struct vsk_sock *sk);

/* Advertise sk->buf_size on @sk's connection if it differs. */
void vsk_apply_buf_size(struct vsk_stack *s, struct vsk_sock *sk);

/* One blocking call's waiting state. */
struct vsk_wait {
	int sd; /* revalidated after each sleep; -1 for none */
	uint32_t gen;
	bool nowait;
	bool forever;
	uint64_t deadline_ms;
};

/*
 * Start waiting for socket @sd (-1: none) for at most @timeo_us
 * (VSK_TIMEO_INF: no limit); @nowait: never sleep.
 */
void vsk_wait_begin(struct vsk_stack *s, struct vsk_wait *w, int sd,
		    uint64_t timeo_us, bool nowait);

/*
 * Sleep once in ops->wait, bounded by the deadline and the proto's next
 * timer, then run the proto's timers. 0: check again; VSK_EAGAIN: may not
 * or no longer sleep (non-blocking, no wait op, timed out); VSK_EBADF:
 * the socket was closed meanwhile; or the wait op's error.
 */
int vsk_wait_once(struct vsk_stack *s, struct vsk_wait *w);

#endif /* TZSHARE_CORE_VSOCK_SOCKET_PRIV_H */
