// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure service "shared-memory reader" (VDEV_VSOCK_PORT_READER): reads a
 * whole offered buffer, logs it and answers with its checksum record
 * (include/tzshare/vdev_vsock.h). It is done with the memory when the
 * offer callback returns, so a REVOKE needs nothing from it.
 */
#include <tzshare/lib.h>

#include "shm_svc.h"

static int reader_offer(struct vdev_vsock *v, void *ctx, struct vsock_conn *c,
			const struct vdev_vsock_offer *o)
{
	struct vdev_vsock_shm_svc *s = ctx;
	struct shm_scan sc;

	if (!shm_svc_room(s, c)) {
		return VSOCK_ENOBUFS;
	}
	shm_scan_init(&sc);
	/* Copied out chunk by chunk: the scan sees each byte exactly once. */
	shm_svc_walk(s, o, &sc, NULL);
	shm_svc_done(v, s, c, &o->desc, &sc);
	return VSOCK_OK;
}

static const struct vdev_vsock_service_ops reader_ops = {
	.accepted = shm_svc_accepted,
	.ready = shm_svc_ready,
	.offer = reader_offer,
	.closed = shm_svc_closed,
};

int vdev_vsock_reader_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
			     uint32_t port, vdev_vsock_log_fn log,
			     void *log_ctx)
{
	return shm_svc_attach(v, s, "reader", port, &reader_ops, log, log_ctx);
}
