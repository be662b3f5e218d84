// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock driver over the hosted FF-A bus: the data path
 * (<tzshare/vsock_host.h>).
 *
 * tx: send() takes a free tx buffer, writes the header and the payload
 * into it and adds it as one readable descriptor; kick() publishes the
 * batch and sends EVENT_AVAIL only when the device asked (EVENT_IDX). The
 * device copies every tx chain out and returns it when the kick is
 * handled, so poll() finds the buffers used at once.
 *
 * rx: every rx buffer stays posted. poll() copies a used buffer's bytes
 * into a private buffer (the device could still write the shared one),
 * posts the buffer again, and only then decodes the copy: a packet that is
 * short, longer than the buffer, not a whole header + len bytes or of an
 * unknown op is dropped and counted.
 *
 * Cost: no FF-A memory call per packet (the block was shared at open), one
 * bus message per kick the device wants and per wait; no copy beyond the
 * one into tx buffers and the one out of rx buffers.
 */
#include "vm_vsock_priv.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Add one single-descriptor chain for buffer @i at block offset @off. */
static int post(struct tzs_vsock_drv *d, uint32_t q, uint64_t off, uint32_t len,
		bool writable, uint32_t i)
{
	struct virtq_buf buf = { .addr = d->bus + off, .len = len };
	int rc = writable ? virtq_drv_add(&d->q[q].vq, NULL, 0, &buf, 1,
					  vsock_drv_token(i)) :
			    virtq_drv_add(&d->q[q].vq, &buf, 1, NULL, 0,
					  vsock_drv_token(i));

	if (rc == VIRTQ_OK) {
		d->q[q].dirty = true;
	}
	return rc;
}

int vsock_drv_post_rx(struct tzs_vsock_drv *d, uint32_t i)
{
	return post(d, VSOCK_VQ_RX, vsock_drv_rx_off(d, i),
		    TZS_VSOCK_RX_BUF_SIZE, true, i);
}

int vsock_drv_post_ev(struct tzs_vsock_drv *d, uint32_t i)
{
	return post(d, VSOCK_VQ_EVENT, vsock_drv_ev_off(d, i), VSOCK_EVENT_SIZE,
		    true, i);
}

void vsock_drv_tx_reset(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;

	for (i = 0; i < d->tx_bufs; i++) {
		d->tx_free[i] = d->tx_bufs - 1 - i;
	}
	d->tx_nfree = d->tx_bufs;
}

/* Calls are refused once a bus RESET took the device or it needs a reset. */
static int usable(const struct tzs_vsock_drv *d)
{
	if (d->stale || (d->t.status & VIRTIO_STATUS_NEEDS_RESET)) {
		return VMSG_T_E_STATE;
	}
	return VMSG_T_OK;
}

/* The next free tx buffer (taken by tx_commit() once filled). */
static int tx_peek(struct tzs_vsock_drv *d, uint8_t **buf, uint32_t *idx)
{
	if (usable(d)) {
		return VMSG_T_E_STATE;
	}
	if (!d->tx_nfree || !d->q[VSOCK_VQ_TX].vq.num_free) {
		d->stats.tx_nobufs++;
		return VSOCK_ENOBUFS;
	}
	*idx = d->tx_free[d->tx_nfree - 1];
	*buf = d->mem.va + vsock_drv_tx_off(d, *idx);
	return VSOCK_OK;
}

static int tx_commit(struct tzs_vsock_drv *d, uint32_t idx, uint32_t len)
{
	if (post(d, VSOCK_VQ_TX, vsock_drv_tx_off(d, idx), len, false, idx) !=
	    VIRTQ_OK) {
		d->stats.tx_nobufs++;
		return VSOCK_ENOBUFS;
	}
	d->tx_nfree--;
	return VSOCK_OK;
}

int tzs_vsock_drv_send(struct tzs_vsock_drv *d, const struct vsock_pkt *pkt)
{
	struct vsock_hdr h = {
		.src_cid = pkt->src_cid,
		.dst_cid = pkt->dst_cid,
		.src_port = pkt->src_port,
		.dst_port = pkt->dst_port,
		.len = pkt->len,
		.type = pkt->type,
		.op = pkt->op,
		.flags = pkt->flags,
		.buf_alloc = pkt->buf_alloc,
		.fwd_cnt = pkt->fwd_cnt,
	};
	uint8_t *buf = NULL;
	uint32_t idx = 0;
	int rc = 0;

	if (pkt->payload_len != pkt->len || (pkt->len && !pkt->payload)) {
		return VSOCK_EINVAL;
	}
	if (pkt->len > TZS_VSOCK_PAYLOAD_MAX) {
		return VSOCK_EMSGSIZE;
	}
	rc = tx_peek(d, &buf, &idx);
	if (rc) {
		return rc;
	}
	if (vsock_hdr_encode(&h, buf, VSOCK_HDR_SIZE) != VSOCK_HDR_SIZE) {
		return VSOCK_EINVAL; /* an op the codec refuses to emit */
	}
	if (pkt->len) {
		memcpy(buf + VSOCK_HDR_SIZE, pkt->payload, pkt->len);
	}
	rc = tx_commit(d, idx, VSOCK_HDR_SIZE + pkt->len);
	if (!rc) {
		d->stats.tx_pkts++;
		d->stats.tx_bytes += pkt->len;
	}
	return rc;
}

int tzs_vsock_drv_send_raw(struct tzs_vsock_drv *d, const uint8_t *bytes,
			   uint32_t len)
{
	uint8_t *buf = NULL;
	uint32_t idx = 0;
	int rc = 0;

	if (!len || len > TZS_VSOCK_TX_BUF_SIZE) {
		return VSOCK_EMSGSIZE;
	}
	rc = tx_peek(d, &buf, &idx);
	if (rc) {
		return rc;
	}
	memcpy(buf, bytes, len);
	return tx_commit(d, idx, len);
}

int tzs_vsock_drv_kick(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;
	int rc = usable(d);

	for (i = 0; !rc && i < VSOCK_DRV_NQ; i++) {
		struct vsock_drv_q *q = &d->q[i];

		if (!q->dirty) {
			continue;
		}
		q->dirty = false;
		if (!virtq_drv_publish(&q->vq)) {
			continue; /* the device is not waiting for one */
		}
		d->stats.notifies++;
		rc = vmsg_drvt_notify(&d->t, i);
	}
	return rc;
}

/* ---------------------------------------------------------------------- */
/* poll                                                                    */

static int reap_tx(struct tzs_vsock_drv *d)
{
	struct virtq_drv *vq = &d->q[VSOCK_VQ_TX].vq;
	uint32_t len = 0;
	void *tok = NULL;
	int n = 0;

	while ((tok = virtq_drv_get_used(vq, &len))) {
		d->tx_free[d->tx_nfree++] = vsock_drv_index(tok);
		n++;
	}
	return n;
}

/* Decode the private copy of an rx buffer and hand it over. */
static bool rx_deliver(struct tzs_vsock_drv *d, uint32_t len,
		       const struct tzs_vsock_drv_cb *cb)
{
	const uint8_t *payload = NULL;
	struct vsock_hdr h;
	struct vsock_pkt p;

	if (vsock_pkt_decode(d->rx_copy, len, &h, &payload, NULL) != VSOCK_OK) {
		d->stats.rx_bad++;
		return false;
	}
	p = vsock_pkt_from_hdr(&h, payload);
	d->stats.rx_pkts++;
	d->stats.rx_bytes += h.len;
	cb->rx(cb->ctx, &p);
	return true;
}

/*
 * Used rx buffers, at most one ring's worth per call (the device may be
 * refilling meanwhile). Each is copied out, posted again, then decoded.
 */
static int reap_rx(struct tzs_vsock_drv *d, const struct tzs_vsock_drv_cb *cb)
{
	struct vsock_drv_q *q = &d->q[VSOCK_VQ_RX];
	uint32_t budget = q->size, len = 0, idx = 0;
	void *tok = NULL;
	int n = 0;

	while (budget-- && (tok = virtq_drv_get_used(&q->vq, &len))) {
		idx = vsock_drv_index(tok);
		/* The device's claim: never past our buffer. */
		if (len > TZS_VSOCK_RX_BUF_SIZE) {
			len = 0;
		}
		memcpy(d->rx_copy, d->mem.va + vsock_drv_rx_off(d, idx), len);
		if (vsock_drv_post_rx(d, idx) != VIRTQ_OK) {
			return VMSG_T_E_PROTO;
		}
		n += rx_deliver(d, len, cb);
	}
	return n;
}

static int reap_ev(struct tzs_vsock_drv *d, const struct tzs_vsock_drv_cb *cb)
{
	struct virtq_drv *vq = &d->q[VSOCK_VQ_EVENT].vq;
	uint8_t ev[VSOCK_EVENT_SIZE];
	uint32_t len = 0, idx = 0, id = 0;
	void *tok = NULL;
	int n = 0;

	while ((tok = virtq_drv_get_used(vq, &len))) {
		idx = vsock_drv_index(tok);
		if (len <= sizeof(ev)) {
			memcpy(ev, d->mem.va + vsock_drv_ev_off(d, idx), len);
		}
		if (vsock_drv_post_ev(d, idx) != VIRTQ_OK) {
			return VMSG_T_E_PROTO;
		}
		if (len > sizeof(ev) ||
		    vsock_event_decode(ev, len, &id) != VSOCK_OK) {
			d->stats.events_bad++;
			continue;
		}
		d->stats.events++;
		if (cb->reset) {
			cb->reset(cb->ctx);
		}
		n++;
	}
	return n;
}

static int broken(const struct tzs_vsock_drv *d)
{
	uint32_t i = 0;

	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		if (d->q[i].vq.broken) {
			return VMSG_T_E_PROTO;
		}
	}
	return VMSG_T_OK;
}

/* One pass over the three used rings, then publish what was posted. */
static int reap(struct tzs_vsock_drv *d, const struct tzs_vsock_drv_cb *cb)
{
	int n = 0, rc = 0;

	n += reap_tx(d);
	rc = reap_rx(d, cb);
	if (rc < 0) {
		return rc;
	}
	n += rc;
	rc = reap_ev(d, cb);
	if (rc < 0) {
		return rc;
	}
	n += rc;
	rc = broken(d);
	if (!rc) {
		rc = tzs_vsock_drv_kick(d);
	}
	return rc ? rc : n;
}

static void cb_off(struct tzs_vsock_drv *d)
{
	uint32_t i = 0;

	for (i = 0; i < VSOCK_DRV_NQ; i++) {
		virtq_drv_disable_cb(&d->q[i].vq);
	}
}

/* Ask for EVENT_USED on rx, event and (with buffers out) tx; false when
 * entries arrived meanwhile. */
static bool cb_on(struct tzs_vsock_drv *d)
{
	bool quiet = virtq_drv_enable_cb(&d->q[VSOCK_VQ_RX].vq) &&
		     virtq_drv_enable_cb(&d->q[VSOCK_VQ_EVENT].vq);

	if (quiet && d->tx_nfree < d->tx_bufs) {
		quiet = virtq_drv_enable_cb(&d->q[VSOCK_VQ_TX].vq);
	}
	if (!quiet) {
		cb_off(d);
	}
	return quiet;
}

bool tzs_vsock_drv_arm(struct tzs_vsock_drv *d)
{
	return cb_on(d);
}

int tzs_vsock_drv_poll(struct tzs_vsock_drv *d,
		       const struct tzs_vsock_drv_cb *cb, int timeout_ms)
{
	uint64_t deadline = 0, t = 0;
	int rc = 0;

	if (!cb || !cb->rx) {
		return -EINVAL;
	}
	if (timeout_ms < 0) {
		timeout_ms = d->b->o.event_timeout_ms;
	}
	deadline = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		rc = usable(d);
		if (!rc) {
			rc = reap(d, cb);
		}
		if (rc) {
			return rc; /* work done (> 0) or an error */
		}
		t = now_ms();
		if (t >= deadline) {
			return 0;
		}
		if (!cb_on(d)) {
			continue;
		}
		d->stats.waits++;
		rc = tzs_vmsg_bus_events(d->b, (int)(deadline - t));
		cb_off(d);
		if (rc < 0) {
			return rc;
		}
		if (!tzs_vmsg_bus_present(d->b, d->dev_num)) {
			return -ENODEV;
		}
	}
}
