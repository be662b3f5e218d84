// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock device (include/tzshare/vdev_vsock.h, virtio-msg.md §4).
 *
 * Every chain is popped, used and pushed inside one call, so the device
 * keeps no pointer into queue memory across calls: what outlives a call
 * (side-queued packets, the tx copy) is device-private. Reset therefore
 * drops only device state, and revokes the OP_SHMEM offers (the only
 * driver memory kept, held on the bus: vsock_shm.c). Services live in
 * vsock_svc.c, secure sockets and their tasks in vsock_sock.c.
 */
#include <tzshare/lib.h>

#include "vsock_priv.h"

/* Chains handled per EVENT_AVAIL before giving the driver its turn. */
#define VSOCK_DEV_BUDGET 256u

static struct vdev_vsock *to_vsock(struct vmsg_device *dev)
{
	return dev->priv;
}

static struct virtq_dev *queue(struct vdev_vsock *v, uint32_t vq)
{
	if (!v->dev.t) {
		return NULL;
	}
	return vmsg_devt_queue(v->dev.t, vq);
}

/*
 * A queue violated the ring protocol (virtq_dev marked it broken): the
 * device cannot go on without a reset (virtio: DEVICE_NEEDS_RESET). The
 * other queues keep working until the driver resets.
 */
static void broken(struct vdev_vsock *v)
{
	v->stats.broken++;
	vmsg_devt_needs_reset(v->dev.t);
}

/* Copy @n bytes into the writable iovecs of @ch; caller checked in_len. */
static void chain_write(const struct virtq_chain *ch, const uint8_t *src,
			uint32_t n)
{
	uint16_t i = 0;

	for (i = ch->n_out; i < ch->n_out + ch->n_in && n; i++) {
		uint32_t k = ch->iov[i].len < n ? ch->iov[i].len : n;

		tzs_memcpy(ch->iov[i].ptr, src, k);
		src += k;
		n -= k;
	}
}

/* Copy the readable bytes of @ch into @dst (cap bytes); caller checked. */
static void chain_read(const struct virtq_chain *ch, uint8_t *dst)
{
	uint16_t i = 0;

	for (i = 0; i < ch->n_out; i++) {
		tzs_memcpy(dst, ch->iov[i].ptr, ch->iov[i].len);
		dst += ch->iov[i].len;
	}
}

/*
 * Put one encoded packet into the next rx chain. Returns true when it was
 * delivered, false when no rx chain is posted (or the queue is not live).
 * Chains too small for the packet are returned empty (a Linux driver drops
 * a short rx buffer) and the next one is tried.
 */
static bool rx_deliver(struct vdev_vsock *v, const uint8_t *pkt, uint32_t len)
{
	struct virtq_dev *q = queue(v, VSOCK_VQ_RX);
	struct virtq_chain ch;
	int rc = 0;

	if (!q) {
		return false;
	}
	for (;;) {
		rc = virtq_dev_pop(q, &ch);
		if (rc == VIRTQ_E_EMPTY && virtq_dev_enable_notify(q)) {
			continue;
		}
		if (rc != VIRTQ_OK) {
			if (rc == VIRTQ_E_BROKEN) {
				broken(v);
			}
			return false;
		}
		if (ch.in_len >= len) {
			break;
		}
		v->stats.rx_small++;
		if (virtq_dev_push(q, ch.head, 0) != VIRTQ_OK) {
			broken(v);
			return false;
		}
	}
	chain_write(&ch, pkt, len);
	if (virtq_dev_push(q, ch.head, len) != VIRTQ_OK) {
		broken(v);
		return false;
	}
	v->stats.rx_pkts++;
	vmsg_devt_used(v->dev.t, VSOCK_VQ_RX);
	return true;
}

void vdev_vsock_flush(struct vdev_vsock *v)
{
	while (v->sq_count) {
		struct vdev_vsock_sideq_ent *e = &v->sq[v->sq_head];

		if (!rx_deliver(v, e->pkt, e->len)) {
			return;
		}
		v->sq_head = (v->sq_head + 1) % VDEV_VSOCK_SIDEQ;
		v->sq_count--;
	}
}

static int encode_pkt(const struct vsock_pkt *p, uint8_t *buf)
{
	struct vsock_hdr h = {
		.src_cid = p->src_cid,
		.dst_cid = p->dst_cid,
		.src_port = p->src_port,
		.dst_port = p->dst_port,
		.len = p->len,
		.type = p->type,
		.op = p->op,
		.flags = p->flags,
		.buf_alloc = p->buf_alloc,
		.fwd_cnt = p->fwd_cnt,
	};

	if (p->payload_len != p->len || p->len > VDEV_VSOCK_RX_PAYLOAD_MAX) {
		return VSOCK_EMSGSIZE;
	}
	if (vsock_hdr_encode(&h, buf, VSOCK_HDR_SIZE) != VSOCK_HDR_SIZE) {
		return VSOCK_EINVAL;
	}
	if (p->len) {
		tzs_memcpy(buf + VSOCK_HDR_SIZE, p->payload, p->len);
	}
	return VSOCK_OK;
}

/*
 * proto -> driver. Order is kept: nothing bypasses the side queue. Refused
 * (EAGAIN) only when the side queue is full; the proto counts a refused
 * control packet and stops an RW send.
 */
static int send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct vdev_vsock *v = ctx;
	struct vdev_vsock_sideq_ent *e = NULL;
	int rc = 0;

	vdev_vsock_flush(v);
	if (v->sq_count == VDEV_VSOCK_SIDEQ) {
		v->stats.sideq_full++;
		return VSOCK_EAGAIN;
	}
	e = &v->sq[(v->sq_head + v->sq_count) % VDEV_VSOCK_SIDEQ];
	rc = encode_pkt(pkt, e->pkt);
	if (rc) {
		return rc;
	}
	e->len = VSOCK_HDR_SIZE + pkt->len;
	v->sq_count++;
	vdev_vsock_flush(v);
	return VSOCK_OK;
}

static const struct vsock_proto_ops proto_ops = {
	.send_pkt = send_pkt,
	.notify = vdev_vsock_proto_notify,
	.shmem = vdev_vsock_shm_rx,
	.tx_room = vdev_vsock_proto_tx_room,
};

/*
 * Decode a chain that is one readable buffer without copying its payload:
 * only the header is copied and checked; the payload is handed to the
 * proto in place. That is safe because nothing decides on payload bytes:
 * RW data is copied once into the connection's ring, an OP_SHMEM payload
 * is decoded once into a private struct. Whatever the driver writes
 * meanwhile only changes the data it sends. Returns false when malformed.
 */
static bool tx_decode_in_place(struct vdev_vsock *v,
			       const struct virtq_chain *ch,
			       struct vsock_hdr *h, const uint8_t **payload)
{
	uint32_t odd = 0;

	tzs_memcpy(v->tx_buf, ch->iov[0].ptr, VSOCK_HDR_SIZE);
	if (vsock_hdr_decode(v->tx_buf, VSOCK_HDR_SIZE, h, &odd) != VSOCK_OK ||
	    h->len != ch->out_len - VSOCK_HDR_SIZE) {
		return false;
	}
	*payload = ch->iov[0].ptr + VSOCK_HDR_SIZE;
	return true;
}

/* A chain of several buffers: copy it whole, then decode the copy. */
static bool tx_decode_copy(struct vdev_vsock *v, const struct virtq_chain *ch,
			   struct vsock_hdr *h, const uint8_t **payload)
{
	uint32_t odd = 0;

	chain_read(ch, v->tx_buf);
	return vsock_pkt_decode(v->tx_buf, ch->out_len, h, payload, &odd) ==
	       VSOCK_OK;
}

/* One tx chain, already popped: decode, hand to the proto. */
static void tx_one(struct vdev_vsock *v, const struct virtq_chain *ch)
{
	struct vsock_hdr h;
	struct vsock_pkt p;
	const uint8_t *payload = NULL;
	bool ok = false;

	if (ch->out_len < VSOCK_HDR_SIZE || ch->out_len > VDEV_VSOCK_PKT_MAX) {
		v->stats.tx_bad++;
		return;
	}
	ok = ch->n_out == 1 ? tx_decode_in_place(v, ch, &h, &payload) :
			      tx_decode_copy(v, ch, &h, &payload);
	if (!ok) {
		v->stats.tx_bad++;
		return;
	}
	/* virtio-msg.md §4: the source CID is the guest's. */
	if (h.src_cid != v->guest_cid) {
		v->stats.tx_bad_cid++;
		return;
	}
	p = vsock_pkt_from_hdr(&h, payload);
	v->stats.tx_pkts++;
	vsock_proto_rx(&v->proto, &p, v->now_ms);
}

static void run_service(struct vdev_vsock *v)
{
	vdev_vsock_svc_run(v);
}

/*
 * Drain tx while the side queue has room for what a packet may cause;
 * chains left in the ring are taken when rx buffers come back.
 */
static void tx_process(struct vdev_vsock *v)
{
	struct virtq_dev *q = queue(v, VSOCK_VQ_TX);
	struct virtq_chain ch;
	uint32_t budget = VSOCK_DEV_BUDGET;
	bool pushed = false;
	int rc = 0;

	if (!q) {
		return;
	}
	while (budget-- &&
	       VDEV_VSOCK_SIDEQ - v->sq_count >= VDEV_VSOCK_TX_RESERVE) {
		rc = virtq_dev_pop(q, &ch);
		if (rc == VIRTQ_E_EMPTY) {
			if (!virtq_dev_enable_notify(q)) {
				break;
			}
			continue;
		}
		if (rc != VIRTQ_OK) {
			broken(v);
			break;
		}
		tx_one(v, &ch);
		if (virtq_dev_push(q, ch.head, 0) != VIRTQ_OK) {
			broken(v);
			break;
		}
		pushed = true;
		run_service(v);
	}
	if (pushed) {
		vmsg_devt_used(v->dev.t, VSOCK_VQ_TX);
	}
}

/* Next event chain that can hold an event; false when there is none. */
static bool event_pop(struct vdev_vsock *v, struct virtq_dev *q,
		      struct virtq_chain *ch)
{
	int rc = 0;

	for (;;) {
		rc = virtq_dev_pop(q, ch);
		/* Empty: ask for the next kick (retry if one slipped in). */
		if (rc == VIRTQ_E_EMPTY && virtq_dev_enable_notify(q)) {
			continue;
		}
		if (rc != VIRTQ_OK) {
			if (rc == VIRTQ_E_BROKEN) {
				broken(v);
			}
			return false;
		}
		if (ch->in_len >= VSOCK_EVENT_SIZE) {
			return true;
		}
		/* Too small to hold an event: give it back empty. */
		if (virtq_dev_push(q, ch->head, 0) != VIRTQ_OK) {
			broken(v);
			return false;
		}
		vmsg_devt_used(v->dev.t, VSOCK_VQ_EVENT);
	}
}

static void event_process(struct vdev_vsock *v)
{
	struct virtq_dev *q = queue(v, VSOCK_VQ_EVENT);
	struct virtq_chain ch;
	uint8_t ev[VSOCK_EVENT_SIZE];

	if (!v->event_pending || !q || !event_pop(v, q, &ch)) {
		return;
	}
	vsock_event_encode(VSOCK_EVENT_TRANSPORT_RESET, ev, sizeof(ev));
	chain_write(&ch, ev, sizeof(ev));
	if (virtq_dev_push(q, ch.head, VSOCK_EVENT_SIZE) != VIRTQ_OK) {
		broken(v);
		return;
	}
	v->event_pending = false;
	v->stats.events++;
	vmsg_devt_used(v->dev.t, VSOCK_VQ_EVENT);
}

static void vsock_queue_notify(struct vmsg_device *dev, uint32_t vq)
{
	struct vdev_vsock *v = to_vsock(dev);

	switch (vq) {
	case VSOCK_VQ_RX:
		vdev_vsock_flush(v);
		run_service(v);
		tx_process(v); /* tx may have waited for side-queue room */
		return;
	case VSOCK_VQ_TX:
		tx_process(v);
		return;
	case VSOCK_VQ_EVENT:
		event_process(v);
		return;
	default:
		return;
	}
}

static void sideq_drop(struct vdev_vsock *v)
{
	v->sq_head = 0;
	v->sq_count = 0;
}

static void vsock_reset(struct vmsg_device *dev, int32_t vq)
{
	struct vdev_vsock *v = to_vsock(dev);

	if (vq >= 0) {
		/* Side-queued packets are device-private: they survive. */
		return;
	}
	/* The driver is gone with its sockets: reset ours, no RSTs. */
	v->stats.resets++;
	vsock_proto_transport_reset(&v->proto);
	sideq_drop(v);
	v->event_pending = false;
	run_service(v);
	/* Packets the service emitted at reset go nowhere. */
	sideq_drop(v);
}

static const struct vmsg_device_ops vsock_ops = {
	.queue_notify = vsock_queue_notify,
	.reset = vsock_reset,
};

void vdev_vsock_init(struct vdev_vsock *v, uint64_t guest_cid)
{
	static const uint8_t uuid[16] = { 't', 'z', 's', 'h', 'a', 'r', 'e',
					  '-', 'v', 's', 'o', 'c', 'k' };
	uint32_t i = 0;

	tzs_memset(v, 0, sizeof(*v));
	v->guest_cid = guest_cid;
	v->dev.device_id = VSOCK_DEVICE_ID;
	tzs_memcpy(v->dev.uuid, uuid, sizeof(uuid));
	v->dev.features = VDEV_VSOCK_FEATURES;
	v->dev.config_size = VSOCK_CONFIG_SIZE;
	CHECK(vsock_config_encode(guest_cid, v->dev.config,
				  VSOCK_CONFIG_SIZE) == VSOCK_CONFIG_SIZE);
	v->dev.num_queues = VDEV_VSOCK_NUM_QUEUES;
	for (i = 0; i < VDEV_VSOCK_NUM_QUEUES; i++) {
		v->dev.queue_max_size[i] = VDEV_VSOCK_QUEUE_MAX;
		v->dev.inflight[i] = v->inflight[i];
	}
	v->dev.ops = &vsock_ops;
	v->dev.priv = v;
	CHECK(vsock_proto_init(&v->proto, VSOCK_CID_HOST, &proto_ops, v,
			       v->conns, VDEV_VSOCK_CONNS, v->rx_mem,
			       VDEV_VSOCK_RX_LEN) == VSOCK_OK);
	/* Every packet we emit fits one rx buffer of the documented size. */
	v->proto.max_pkt_len = VDEV_VSOCK_RX_PAYLOAD_MAX;
	vdev_vsock_sock_init(v);
}

void vdev_vsock_tick(struct vdev_vsock *v, uint64_t now_ms)
{
	v->now_ms = now_ms;
	vsock_proto_tick(&v->proto, now_ms);
	run_service(v);
}

void vdev_vsock_transport_reset(struct vdev_vsock *v)
{
	vsock_proto_transport_reset(&v->proto);
	sideq_drop(v);
	run_service(v);
	v->event_pending = true;
	event_process(v);
}
