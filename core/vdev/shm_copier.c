// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure service "shared-memory copier" (VDEV_VSOCK_PORT_COPIER): takes a
 * private copy of a whole offered buffer, as a trusted application that
 * must not keep reading shared memory would, and answers with a record
 * whose fnv32 is 0 (no checksum: the benchmarks compare it with the plain
 * sink, so both sides pay for moving bytes only). Done with the memory
 * when the offer callback returns, like the reader.
 */
#include <tzshare/lib.h>

#include "shm_svc.h"

static int copier_offer(struct vdev_vsock *v, void *ctx, struct vsock_conn *c,
			const struct vdev_vsock_offer *o)
{
	struct vdev_vsock_shm_svc *s = ctx;
	struct shm_scan sc;

	if (!shm_svc_room(s, c)) {
		return VSOCK_ENOBUFS;
	}
	shm_scan_init(&sc);
	sc.fnv = 0; /* no checksum */
	shm_svc_walk(s, o, NULL, NULL);
	shm_svc_done(v, s, c, &o->desc, &sc);
	return VSOCK_OK;
}

static const struct vdev_vsock_service_ops copier_ops = {
	.accepted = shm_svc_accepted,
	.ready = shm_svc_ready,
	.offer = copier_offer,
	.closed = shm_svc_closed,
};

int vdev_vsock_copier_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
			     uint32_t port)
{
	return shm_svc_attach(v, s, "copier", port, &copier_ops, NULL, NULL);
}
