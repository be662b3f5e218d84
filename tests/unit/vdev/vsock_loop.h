/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A virtio-vsock device (core/vdev/vsock_dev.c) behind the in-process FF-A
 * bus loopback (tests/unit/vmsg_ffa/loop_fixture.h), and a minimal
 * virtio-vsock driver in the test: real split virtqueues for rx, tx and
 * event in the static DMA pool, packets encoded and decoded with the
 * vsock codec. The device's secure side runs the echo service;
 * vl_new_shm() adds the shared-memory reader and transform services (their
 * log lines land in struct vl).
 */
#ifndef TZS_VSOCK_LOOP_H
#define TZS_VSOCK_LOOP_H

#include "../vmsg_ffa/loop_fixture.h"

#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock.h>

#define VL_DEV 1u
#define VL_QSIZE 32u
#define VL_RXBUFS 24u
#define VL_EVBUFS 2u
#define VL_CID 3u
#define VL_PORT 5000u /* the echo service */
#define VL_LPORT 1024u /* the driver's socket */
#define VL_MAX_PKTS 64u
#define VL_MAX_LOG 16u

struct vl_q {
	struct virtq_drv vq;
	void *tokens[VL_QSIZE];
	uint16_t chain_len[VL_QSIZE];
	uint8_t *ring;
	uint64_t bus;
	uint32_t len;
};

/* A packet the driver received. */
struct vl_pkt {
	struct vsock_hdr h;
	uint8_t data[VDEV_VSOCK_RX_PAYLOAD_MAX];
};

struct vl {
	struct loop *l;
	struct vdev_vsock *v;
	struct vdev_vsock_echo echo;
	struct vmsg_devt devt;
	struct vmsg_drvt drvt;
	struct vl_q q[VDEV_VSOCK_NUM_QUEUES];
	struct lp_buf rxb[VL_RXBUFS];
	bool rx_posted[VL_RXBUFS];
	struct lp_buf evb[VL_EVBUFS];
	/* The driver socket's credit state. */
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
	uint16_t type;
	uint64_t tx_reaped;
	/* vl_new_shm(): the shared-memory services and their log. */
	struct vdev_vsock_shm_svc reader;
	struct vdev_vsock_shm_svc transform;
	char log[VL_MAX_LOG][VDEV_VSOCK_SHM_LINE];
	uint32_t n_log;
};

static inline void vl_kick(struct vl *t, uint32_t vq)
{
	if (virtq_drv_publish(&t->q[vq].vq)) {
		ASSERT_EQ(vmsg_drvt_notify(&t->drvt, vq), VMSG_T_OK);
	}
	ASSERT_TRUE(lp_poll(t->l) >= 0);
}

static inline void vl_queue(struct vl *t, uint32_t i)
{
	struct vl_q *q = &t->q[i];
	uint32_t max = 0;

	ASSERT_EQ(vmsg_drvt_queue_max(&t->drvt, i, &max), VMSG_T_OK);
	ASSERT_EQ(max, VDEV_VSOCK_QUEUE_MAX);
	if (!q->ring) {
		q->len = lp_ring_len(VL_QSIZE);
		ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&t->l->pool, q->len, 16,
						  &q->ring, &q->bus),
			  VMSG_T_OK);
	}
	/* A fresh queue (after a reset the old rings are reused). */
	memset(q->ring, 0, q->len);
	ASSERT_EQ(virtq_drv_init(&q->vq, VL_QSIZE, q->ring, q->bus,
				 q->ring + lp_avail_off(VL_QSIZE),
				 q->bus + lp_avail_off(VL_QSIZE),
				 q->ring + lp_used_off(VL_QSIZE),
				 q->bus + lp_used_off(VL_QSIZE), true, false,
				 q->tokens, q->chain_len),
		  VIRTQ_OK);
	ASSERT_EQ(vmsg_drvt_queue_setup(&t->drvt, i, VL_QSIZE, q->bus,
					q->bus + lp_avail_off(VL_QSIZE),
					q->bus + lp_used_off(VL_QSIZE)),
		  VMSG_T_OK);
}

/* Negotiation, queues and DRIVER_OK (again, after a reset). */
static inline void vl_init_seq(struct vl *t)
{
	uint32_t i = 0;

	ASSERT_EQ(vmsg_drvt_negotiate(&t->drvt, VDEV_VSOCK_FEATURES),
		  VMSG_T_OK);
	for (i = 0; i < VDEV_VSOCK_NUM_QUEUES; i++) {
		vl_queue(t, i);
	}
	ASSERT_EQ(vmsg_drvt_driver_ok(&t->drvt), VMSG_T_OK);
}

/* After a device reset: every chain the driver had posted is forgotten. */
static inline void vl_reinit(struct vl *t)
{
	memset(t->rx_posted, 0, sizeof(t->rx_posted));
	vmsg_drvt_init(&t->drvt, &t->l->fe.drv_bus, &t->l->fe, VL_DEV);
	ASSERT_EQ(vmsg_drvt_probe(&t->drvt), VMSG_T_OK);
	vl_init_seq(t);
}

/* Device with the echo service on (VL_PORT, @type), driver up to DRIVER_OK. */
static inline struct vl *vl_new(uint16_t type)
{
	struct vl *t = calloc(1, sizeof(*t));
	uint8_t cfg[VSOCK_CONFIG_SIZE];
	uint64_t cid = 0;
	uint32_t i = 0;

	ASSERT_TRUE(t);
	t->v = calloc(1, sizeof(*t->v));
	ASSERT_TRUE(t->v);
	t->type = type;
	t->buf_alloc = 65536;
	vdev_vsock_init(t->v, VL_CID);
	ASSERT_EQ(vdev_vsock_echo_attach(t->v, &t->echo, VL_PORT, type),
		  VSOCK_OK);
	t->l = lp_new(LP_BUS_FEATURES);
	ASSERT_EQ(vmsg_ffa_backend_add(&t->l->be, VL_DEV, &t->v->dev, &t->devt),
		  0);
	lp_connect(t->l);
	lp_pool_up(t->l);
	vmsg_drvt_init(&t->drvt, &t->l->fe.drv_bus, &t->l->fe, VL_DEV);
	ASSERT_EQ(vmsg_drvt_probe(&t->drvt), VMSG_T_OK);
	ASSERT_EQ(t->drvt.info.device_id, VSOCK_DEVICE_ID);
	ASSERT_EQ(t->drvt.device_features, VDEV_VSOCK_FEATURES);
	vl_init_seq(t);
	ASSERT_EQ(vmsg_drvt_config_read(&t->drvt, 0, cfg, sizeof(cfg)),
		  VMSG_T_OK);
	ASSERT_EQ(vsock_config_decode(cfg, sizeof(cfg), &cid, NULL), VSOCK_OK);
	ASSERT_EQ(cid, VL_CID);
	for (i = 0; i < VL_RXBUFS; i++) {
		lp_buf_get(t->l, LP_STATIC, VDEV_VSOCK_RX_PKT_MAX, true,
			   &t->rxb[i]);
	}
	return t;
}

/* Post up to @n rx buffers that are not posted yet. */
static inline void vl_post_rx(struct vl *t, uint32_t n)
{
	uint32_t i = 0;

	for (i = 0; i < VL_RXBUFS && n; i++) {
		struct virtq_buf b = { t->rxb[i].bus, t->rxb[i].len };

		if (t->rx_posted[i]) {
			continue;
		}
		ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_RX].vq, NULL, 0, &b, 1,
					&t->rxb[i]),
			  VIRTQ_OK);
		t->rx_posted[i] = true;
		n--;
	}
	vl_kick(t, VSOCK_VQ_RX);
}

/* Give back every completed tx chain's buffer. */
static inline void vl_reap_tx(struct vl *t)
{
	struct lp_buf *b = NULL;
	uint32_t len = 0;

	while ((b = virtq_drv_get_used(&t->q[VSOCK_VQ_TX].vq, &len))) {
		ASSERT_EQ(len, 0);
		lp_buf_put(t->l, LP_STATIC, b);
		free(b);
		t->tx_reaped++;
	}
}

/* Put raw bytes on tx (not reaped: see vl_reap_tx). */
static inline void vl_send_raw(struct vl *t, const uint8_t *bytes, uint32_t len)
{
	struct lp_buf *b = calloc(1, sizeof(*b));
	struct virtq_buf vb;

	ASSERT_TRUE(b);
	lp_buf_get(t->l, LP_STATIC, len, false, b);
	memcpy(b->host, bytes, len);
	vb.addr = b->bus;
	vb.len = len;
	ASSERT_EQ(virtq_drv_add(&t->q[VSOCK_VQ_TX].vq, &vb, 1, NULL, 0, b),
		  VIRTQ_OK);
	vl_kick(t, VSOCK_VQ_TX);
}

static inline struct vsock_hdr vl_hdr(struct vl *t, uint16_t op,
				      uint32_t dst_port, uint32_t flags,
				      uint32_t len)
{
	struct vsock_hdr h = {
		.src_cid = VL_CID,
		.dst_cid = VSOCK_CID_HOST,
		.src_port = VL_LPORT,
		.dst_port = dst_port,
		.len = len,
		.type = t->type,
		.op = op,
		.flags = flags,
		.buf_alloc = t->buf_alloc,
		.fwd_cnt = t->fwd_cnt,
	};

	return h;
}

static inline void vl_send_hdr(struct vl *t, const struct vsock_hdr *h,
			       const void *data)
{
	uint8_t buf[VDEV_VSOCK_PKT_MAX];

	ASSERT_TRUE(h->len <= VDEV_VSOCK_PAYLOAD_MAX);
	ASSERT_EQ(vsock_hdr_encode(h, buf, sizeof(buf)), VSOCK_HDR_SIZE);
	if (h->len && data) {
		memcpy(buf + VSOCK_HDR_SIZE, data, h->len);
	}
	vl_send_raw(t, buf, VSOCK_HDR_SIZE + h->len);
}

static inline void vl_send_to(struct vl *t, uint32_t port, uint16_t op,
			      uint32_t flags, const void *data, uint32_t len)
{
	struct vsock_hdr h = vl_hdr(t, op, port, flags, len);

	vl_send_hdr(t, &h, data);
	vl_reap_tx(t);
}

static inline void vl_send(struct vl *t, uint16_t op, uint32_t flags,
			   const void *data, uint32_t len)
{
	vl_send_to(t, VL_PORT, op, flags, data, len);
}

/* Next received packet (its rx buffer goes back to the device), or false. */
static inline bool vl_recv(struct vl *t, struct vl_pkt *p)
{
	struct lp_buf *b = NULL;
	const uint8_t *payload = NULL;
	uint32_t len = 0;
	uint32_t i = 0;

	b = virtq_drv_get_used(&t->q[VSOCK_VQ_RX].vq, &len);
	if (!b) {
		return false;
	}
	ASSERT_TRUE(len <= b->len);
	ASSERT_EQ(vsock_pkt_decode(b->host, len, &p->h, &payload, NULL),
		  VSOCK_OK);
	memcpy(p->data, payload, p->h.len);
	i = (uint32_t)(b - t->rxb);
	t->rx_posted[i] = false;
	vl_post_rx(t, 1);
	return true;
}

/* Everything received now, into @p (VL_MAX_PKTS); returns the count. */
static inline uint32_t vl_drain(struct vl *t, struct vl_pkt *p)
{
	uint32_t n = 0;

	while (n < VL_MAX_PKTS && vl_recv(t, &p[n])) {
		n++;
	}
	return n;
}

static inline void vl_expect(const struct vl_pkt *p, uint16_t op,
			     uint32_t src_port, uint32_t dst_port)
{
	ASSERT_EQ(p->h.op, op);
	ASSERT_EQ(p->h.src_cid, VSOCK_CID_HOST);
	ASSERT_EQ(p->h.dst_cid, VL_CID);
	ASSERT_EQ(p->h.src_port, src_port);
	ASSERT_EQ(p->h.dst_port, dst_port);
}

/* REQUEST to @port -> RESPONSE with rx buffers posted. */
static inline void vl_connect_to(struct vl *t, uint32_t port)
{
	struct vl_pkt *p = calloc(VL_MAX_PKTS, sizeof(*p));

	ASSERT_TRUE(p);
	vl_send_to(t, port, VSOCK_OP_REQUEST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, p), 1);
	vl_expect(&p[0], VSOCK_OP_RESPONSE, port, VL_LPORT);
	ASSERT_EQ(p[0].h.type, t->type);
	free(p);
}

static inline void vl_connect(struct vl *t)
{
	vl_connect_to(t, VL_PORT);
}

static inline void vl_log(void *ctx, const char *line)
{
	struct vl *t = ctx;

	ASSERT_TRUE(t->n_log < VL_MAX_LOG);
	ASSERT_TRUE(strlen(line) < VDEV_VSOCK_SHM_LINE);
	strcpy(t->log[t->n_log++], line);
}

/* vl_new(STREAM) plus the reader and transform on their ports. */
static inline struct vl *vl_new_shm(void)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	ASSERT_EQ(vdev_vsock_reader_attach(t->v, &t->reader,
					   VDEV_VSOCK_PORT_READER, vl_log, t),
		  VSOCK_OK);
	ASSERT_EQ(vdev_vsock_transform_attach(t->v, &t->transform,
					      VDEV_VSOCK_PORT_TRANSFORM, vl_log,
					      t),
		  VSOCK_OK);
	return t;
}

#endif /* TZS_VSOCK_LOOP_H */
