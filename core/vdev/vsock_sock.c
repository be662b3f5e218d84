// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device: secure sockets (include/tzshare/vdev_vsock.h,
 * "Secure sockets"). The device's proto stays the device's: its services
 * own the connections of their listeners, and a struct vsk_stack wraps the
 * same proto for everything secure code opens with the socket calls. The
 * stack has no wait op (the device never sleeps) and reads the device's
 * clock; its packets leave through the device's send_pkt and side queue
 * like every other, with one extra rule (proto_tx_room): a socket's RW
 * data never takes the last VDEV_VSOCK_TX_RESERVE packets of room, which
 * stay for control packets (connect, close, credit) that would otherwise
 * be lost. Tasks are the secure code: they run after the services.
 */
#include <tzshare/lib.h>

#include "vsock_priv.h"

static uint64_t sock_now(void *ctx)
{
	struct vdev_vsock *v = ctx;

	return v->now_ms;
}

/* send_pkt and shmem stay the proto's (vsk_stack_wrap()). */
static const struct vsk_ops sock_ops = {
	.now_ms = sock_now,
};

void vdev_vsock_sock_init(struct vdev_vsock *v)
{
	CHECK(vsk_stack_wrap(&v->stack, &v->proto, &sock_ops, v, v->socks,
			     VDEV_VSOCK_SOCKS) == 0);
}

struct vsk_stack *vdev_vsock_stack(struct vdev_vsock *v)
{
	return &v->stack;
}

uint32_t vdev_vsock_tx_room(struct vdev_vsock *v)
{
	struct virtq_dev *q = NULL;
	uint32_t room = 0;

	vdev_vsock_flush(v);
	room = VDEV_VSOCK_SIDEQ - v->sq_count;
	/* Nothing waits: packets go straight into the posted chains. */
	if (!v->sq_count && v->dev.t) {
		q = vmsg_devt_queue(v->dev.t, VSOCK_VQ_RX);
		if (q) {
			room += virtq_dev_pending(q);
		}
	}
	return room;
}

uint32_t vdev_vsock_proto_tx_room(void *ctx, const struct vsock_conn *c)
{
	struct vdev_vsock *v = ctx;
	uint32_t room = 0;

	/* The services fill the side queue as they always did (the echo
	 * service holds a SEQPACKET message back itself). */
	if (vsock_owner(v, c)) {
		return UINT32_MAX;
	}
	room = vdev_vsock_tx_room(v);
	return room > VDEV_VSOCK_TX_RESERVE ? room - VDEV_VSOCK_TX_RESERVE : 0;
}

void vdev_vsock_proto_notify(void *ctx, struct vsock_conn *c,
			     enum vsock_event ev)
{
	struct vdev_vsock *v = ctx;

	/* Services poll their connections (vdev_vsock_svc_run); sockets
	 * must see CONNECTED at once (vsk_stack_wrap()). */
	vsk_stack_notify(&v->stack, c, ev);
}

int vdev_vsock_task_add(struct vdev_vsock *v, struct vdev_vsock_task *t)
{
	uint32_t i = 0;

	if (!t || !t->run) {
		return VSOCK_EINVAL;
	}
	while (i < VDEV_VSOCK_TASKS && v->tasks[i]) {
		i++;
	}
	if (i == VDEV_VSOCK_TASKS) {
		return VSOCK_ENOBUFS;
	}
	v->tasks[i] = t;
	return VSOCK_OK;
}

void vdev_vsock_tasks_run(struct vdev_vsock *v)
{
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_TASKS && v->tasks[i]; i++) {
		v->tasks[i]->run(v, v->tasks[i]->ctx);
	}
}
