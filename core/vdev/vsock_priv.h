/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio-vsock device internals: the device (vsock_dev.c), its service
 * registry (vsock_svc.c), OP_SHMEM handling (vsock_shm.c) and secure
 * sockets (vsock_sock.c). Everything runs in the device's context, one
 * call at a time.
 */
#ifndef TZSHARE_VDEV_VSOCK_PRIV_H
#define TZSHARE_VDEV_VSOCK_PRIV_H

#include <tzshare/vdev_vsock.h>

static inline uint32_t vsock_slot(const struct vdev_vsock *v,
				  const struct vsock_conn *c)
{
	return (uint32_t)(c - v->conns);
}

/* The service that owns @c, or NULL. */
static inline struct vdev_vsock_service *vsock_owner(const struct vdev_vsock *v,
						     const struct vsock_conn *c)
{
	uint8_t o = v->owner[vsock_slot(v, c)];

	return o ? v->services[o - 1u] : NULL;
}

/* vsock_svc.c: accept for each service, end closed connections, ready. */
void vdev_vsock_svc_run(struct vdev_vsock *v);

/* vsock_shm.c: the proto's ops->shmem. */
void vdev_vsock_shm_rx(void *ctx, struct vsock_conn *c,
		       const struct vsock_shmem *m);
/* Revoke every live offer of @c: service callback, release, no reply. */
void vdev_vsock_shm_revoke_all(struct vdev_vsock *v, struct vsock_conn *c);

/* vsock_sock.c: secure sockets on the device's proto. */
void vdev_vsock_sock_init(struct vdev_vsock *v);
/* The proto's ops->tx_room and ops->notify. */
uint32_t vdev_vsock_proto_tx_room(void *ctx, const struct vsock_conn *c);
void vdev_vsock_proto_notify(void *ctx, struct vsock_conn *c,
			     enum vsock_event ev);
/* Every registered task, in order. */
void vdev_vsock_tasks_run(struct vdev_vsock *v);

#endif /* TZSHARE_VDEV_VSOCK_PRIV_H */
