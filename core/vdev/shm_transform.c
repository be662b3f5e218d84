// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure service "transform" (VDEV_VSOCK_PORT_TRANSFORM): uppercases the
 * ASCII letters of a writable offered buffer in place and answers with
 * the checksum record of the result (include/tzshare/vdev_vsock.h). Each
 * chunk is copied out, changed in the copy and written back whole, so the
 * record describes exactly the bytes written, whatever the driver does to
 * the buffer meanwhile.
 */
#include <tzshare/lib.h>

#include "shm_svc.h"

static void upper(uint8_t *p, uint32_t n)
{
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		if (p[i] >= 'a' && p[i] <= 'z') {
			p[i] = (uint8_t)(p[i] - ('a' - 'A'));
		}
	}
}

static int transform_offer(struct vdev_vsock *v, void *ctx,
			   struct vsock_conn *c,
			   const struct vdev_vsock_offer *o)
{
	struct vdev_vsock_shm_svc *s = ctx;
	struct shm_scan sc;

	/* In place needs write access; the device mapped it only for read. */
	if (!o->writable) {
		return VSOCK_EINVAL;
	}
	if (!shm_svc_room(s, c)) {
		return VSOCK_ENOBUFS;
	}
	shm_scan_init(&sc);
	shm_svc_walk(s, o, &sc, upper);
	shm_svc_done(v, s, c, &o->desc, &sc);
	return VSOCK_OK;
}

static const struct vdev_vsock_service_ops transform_ops = {
	.accepted = shm_svc_accepted,
	.ready = shm_svc_ready,
	.offer = transform_offer,
	.closed = shm_svc_closed,
};

int vdev_vsock_transform_attach(struct vdev_vsock *v,
				struct vdev_vsock_shm_svc *s, uint32_t port,
				vdev_vsock_log_fn log, void *log_ctx)
{
	return shm_svc_attach(v, s, "transform", port, &transform_ops, log,
			      log_ctx);
}
