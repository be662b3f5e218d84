// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device: the echo service (include/tzshare/vdev_vsock.h).
 * Each connection it owns sends back what it receives; a SEQPACKET
 * message goes back whole, with its EOR.
 */
#include <tzshare/lib.h>
#include <tzshare/vdev_vsock.h>

static struct vdev_vsock_echo_child *child_of(struct vdev_vsock_echo *e,
					      const struct vsock_conn *c)
{
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_ECHO_CHILDREN; i++) {
		if (e->child[i].c == c) {
			return &e->child[i];
		}
	}
	return NULL;
}

static int echo_accepted(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_echo_child *ch = child_of(ctx, NULL);

	(void)v;
	/* The device never gives us more than VDEV_VSOCK_ECHO_CHILDREN. */
	if (NEVER(!ch)) {
		return VSOCK_ENOBUFS;
	}
	ch->c = c;
	ch->len = 0;
	ch->off = 0;
	return VSOCK_OK;
}

static void echo_closed(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_echo_child *ch = child_of(ctx, c);

	(void)v;
	if (ch) {
		ch->c = NULL;
	}
}

/* Send what is pending; true when nothing is left. */
static bool echo_flush(struct vdev_vsock *v, struct vdev_vsock_echo *e,
		       struct vdev_vsock_echo_child *ch)
{
	int rc = 0;

	/*
	 * A SEQPACKET message goes out whole or the proto resets the
	 * connection (a half-sent message), so wait until the side queue can
	 * take all of its packets.
	 */
	if (ch->len && e->type == VSOCK_TYPE_SEQPACKET &&
	    VDEV_VSOCK_SIDEQ - v->sq_count <
		    (ch->len + VDEV_VSOCK_RX_PAYLOAD_MAX - 1) /
			    VDEV_VSOCK_RX_PAYLOAD_MAX) {
		return false;
	}
	while (ch->off < ch->len) {
		rc = vsock_send(&v->proto, ch->c, ch->buf + ch->off,
				ch->len - ch->off);
		if (rc == VSOCK_EAGAIN) {
			return false;
		}
		if (rc < 0) {
			/* EPIPE, EMSGSIZE: the echo cannot go back; drop. */
			break;
		}
		ch->off += (uint32_t)rc;
		e->echoed += (uint32_t)rc;
	}
	ch->len = 0;
	ch->off = 0;
	return true;
}

static void echo_ready(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_echo *e = ctx;
	struct vdev_vsock_echo_child *ch = child_of(e, c);
	int rc = 0;

	if (NEVER(!ch)) {
		return;
	}
	for (;;) {
		if (!echo_flush(v, e, ch)) {
			return;
		}
		rc = vsock_recv(&v->proto, c, ch->buf, sizeof(ch->buf),
				&ch->flags);
		if (rc > 0) {
			ch->len = (uint32_t)rc;
			continue;
		}
		if (rc == VSOCK_EAGAIN || rc == VSOCK_ENOTCONN) {
			return;
		}
		/* End of stream or closed: release the slot. */
		vdev_vsock_conn_close(v, c);
		return;
	}
}

static const struct vdev_vsock_service_ops echo_ops = {
	.accepted = echo_accepted,
	.ready = echo_ready,
	.closed = echo_closed,
};

int vdev_vsock_echo_attach(struct vdev_vsock *v, struct vdev_vsock_echo *e,
			   uint32_t port, uint16_t type)
{
	int rc = 0;

	tzs_memset(e, 0, sizeof(*e));
	e->type = type;
	e->svc.port = port;
	e->svc.type = type;
	e->svc.max_conns = VDEV_VSOCK_ECHO_CHILDREN;
	e->svc.ops = &echo_ops;
	e->svc.ctx = e;
	rc = vdev_vsock_service_add(v, &e->svc);
	if (rc) {
		return rc;
	}
	e->listener = e->svc.listener;
	return VSOCK_OK;
}
