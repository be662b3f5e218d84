// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device: the secure side's service registry
 * (include/tzshare/vdev_vsock.h).
 *
 * Each service listens on (port, type); the device accepts for it (up to
 * max_conns at once) and records the owner per connection slot, so that
 * OP_SHMEM on a connection reaches the service that owns it. Connections
 * are polled, not notified: vdev_vsock_svc_run() runs after every packet
 * from the driver, rx refill, tick and reset (the secure socket tasks
 * run there too, after the services), and a connection the proto
 * closed under us (peer RST, reset, timeout) is ended there: its offers
 * revoked, the service told, the slot released. The proto keeps a closed
 * connection's slot until vsock_close(), so a slot never changes hands
 * before the service heard of it.
 */
#include <tzshare/lib.h>

#include "vsock_priv.h"

int vdev_vsock_service_add(struct vdev_vsock *v, struct vdev_vsock_service *s)
{
	uint32_t i = 0;
	int rc = 0;

	if (!s->ops || !s->ops->ready || !s->max_conns) {
		return VSOCK_EINVAL;
	}
	while (i < VDEV_VSOCK_SERVICES && v->services[i]) {
		i++;
	}
	if (i == VDEV_VSOCK_SERVICES) {
		return VSOCK_ENOBUFS;
	}
	s->listener = NULL;
	s->conns = 0;
	rc = vsock_listen(&v->proto, s->port, s->type, s->max_conns,
			  &s->listener);
	if (rc) {
		return rc;
	}
	v->services[i] = s;
	return VSOCK_OK;
}

/* @c leaves its service: offers first (they name the service), then it. */
static void conn_end(struct vdev_vsock *v, struct vsock_conn *c)
{
	struct vdev_vsock_service *s = vsock_owner(v, c);

	vdev_vsock_shm_revoke_all(v, c);
	v->owner[vsock_slot(v, c)] = 0;
	s->conns--;
	if (s->ops->closed) {
		s->ops->closed(v, s->ctx, c);
	}
	vsock_close(&v->proto, c, v->now_ms);
}

void vdev_vsock_conn_close(struct vdev_vsock *v, struct vsock_conn *c)
{
	if (vsock_owner(v, c)) {
		conn_end(v, c);
	}
}

static void svc_accept(struct vdev_vsock *v, uint32_t idx)
{
	struct vdev_vsock_service *s = v->services[idx];
	struct vsock_conn *c = NULL;

	while (s->conns < s->max_conns &&
	       vsock_accept(&v->proto, s->listener, &c) == VSOCK_OK) {
		v->owner[vsock_slot(v, c)] = (uint8_t)(idx + 1u);
		s->conns++;
		if (s->ops->accepted && s->ops->accepted(v, s->ctx, c) < 0) {
			v->owner[vsock_slot(v, c)] = 0;
			s->conns--;
			vsock_close(&v->proto, c, v->now_ms);
		}
	}
}

void vdev_vsock_svc_run(struct vdev_vsock *v)
{
	uint32_t i = 0;

	/* Ended connections first: they make room for the backlog. */
	for (i = 0; i < VDEV_VSOCK_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];

		if (vsock_owner(v, c) &&
		    vsock_conn_state(c) != VSOCK_ST_ESTABLISHED) {
			conn_end(v, c);
		}
	}
	for (i = 0; i < VDEV_VSOCK_SERVICES && v->services[i]; i++) {
		svc_accept(v, i);
	}
	for (i = 0; i < VDEV_VSOCK_CONNS; i++) {
		struct vsock_conn *c = &v->conns[i];
		struct vdev_vsock_service *s = vsock_owner(v, c);

		if (s) {
			s->ops->ready(v, s->ctx, c);
		}
	}
	/* Secure socket code after the services, at the same points. */
	vdev_vsock_tasks_run(v);
}
