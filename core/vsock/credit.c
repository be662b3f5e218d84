// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock credit flow control (virtio v1.3 §5.10.6.3, virtio-msg.md §4).
 *
 * Each side advertises buf_alloc (its receive space) and fwd_cnt (bytes its
 * socket consumed, free-running) on every packet. A sender may have
 * peer_buf_alloc - (tx_cnt - peer_fwd_cnt) bytes in flight. All counters are
 * u32 and wrap; only differences are compared, so wrapping is harmless as
 * long as a difference stays below 2^32, which buf_alloc guarantees for an
 * honest peer and the checks below enforce for a hostile one.
 *
 * The receive buffer is a byte ring of rx_size bytes (the whole slot
 * buffer, whatever buf_alloc says, so that resizing never moves data): the
 * byte numbered fwd_cnt sits at rx_off, and rx_cnt - fwd_cnt bytes follow.
 */
#include <tzshare/lib.h>
#include <tzshare/vsock_conn.h>

/** Reset both directions' counters and bind @c to its receive buffer. */
void vsock_credit_init(struct vsock_conn *c, uint8_t *rx_buf,
		       uint32_t buf_alloc)
{
	c->rx_buf = rx_buf;
	c->rx_size = buf_alloc;
	c->buf_alloc = buf_alloc;
	c->rx_limit = buf_alloc;
	c->last_buf_alloc = 0;
	c->rx_cnt = 0;
	c->fwd_cnt = 0;
	c->last_fwd_cnt = 0;
	c->rx_off = 0;
	c->msg_head = 0;
	c->msg_count = 0;
	c->peer_buf_alloc = 0;
	c->peer_fwd_cnt = 0;
	c->tx_cnt = 0;
	c->credit_req_sent = false;
	c->want_writable = false;
}

/** Bytes the peer still has room for; 0 when it shrank below in-flight. */
uint32_t vsock_credit_tx_space(const struct vsock_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	if (in_flight >= c->peer_buf_alloc) {
		return 0;
	}
	return c->peer_buf_alloc - in_flight;
}

/**
 * Take the credit fields of a packet from the peer.
 *
 * Errors (VSOCK_EPROTO, nothing changed):
 * 1. buf_alloc is 0: the peer could never receive (hostile or broken).
 * 2. fwd_cnt claims more consumed than we sent, or less than it claimed
 *    before: bytes in flight would grow without us sending.
 */
int vsock_credit_peer_update(struct vsock_conn *c, uint32_t buf_alloc,
			     uint32_t fwd_cnt)
{
	uint32_t old_in_flight = c->tx_cnt - c->peer_fwd_cnt;
	uint32_t new_in_flight = c->tx_cnt - fwd_cnt;

	if (buf_alloc == 0) {
		return VSOCK_EPROTO;
	}
	/* Covers both backwards and beyond tx_cnt (the difference wraps). */
	if (new_in_flight > old_in_flight) {
		return VSOCK_EPROTO;
	}
	c->peer_buf_alloc = buf_alloc;
	c->peer_fwd_cnt = fwd_cnt;
	return VSOCK_OK;
}

uint32_t vsock_credit_rx_used(const struct vsock_conn *c)
{
	return c->rx_cnt - c->fwd_cnt;
}

/**
 * Linux rule: a packet must fit in buf_alloc minus what is queued. The
 * buf_alloc is the largest we advertised: a peer that has not yet heard
 * of a shrink sends by the old one.
 */
bool vsock_credit_rx_fits(const struct vsock_conn *c, uint32_t len)
{
	uint32_t used = vsock_credit_rx_used(c);

	if (NEVER(used > c->rx_limit || c->rx_limit > c->rx_size)) {
		return false;
	}
	return len <= c->rx_limit - used;
}

void vsock_credit_rx_put(struct vsock_conn *c, const uint8_t *data,
			 uint32_t len)
{
	uint32_t used = vsock_credit_rx_used(c);
	uint64_t pos = (uint64_t)c->rx_off + used;
	uint32_t first = 0;

	CHECK(vsock_credit_rx_fits(c, len));
	if (len == 0) {
		return;
	}
	if (pos >= c->rx_size) {
		pos -= c->rx_size;
	}
	first = c->rx_size - (uint32_t)pos;
	if (first > len) {
		first = len;
	}
	tzs_memcpy(c->rx_buf + pos, data, first);
	tzs_memcpy(c->rx_buf, data + first, len - first);
	c->rx_cnt += len;
}

void vsock_credit_rx_peek(const struct vsock_conn *c, uint32_t off,
			  uint8_t *buf, uint32_t len)
{
	uint64_t pos = (uint64_t)c->rx_off + off;
	uint32_t first = 0;

	CHECK((uint64_t)off + len <= vsock_credit_rx_used(c));
	if (pos >= c->rx_size) {
		pos -= c->rx_size;
	}
	first = c->rx_size - (uint32_t)pos;
	if (first > len) {
		first = len;
	}
	tzs_memcpy(buf, c->rx_buf + pos, first);
	tzs_memcpy(buf + first, c->rx_buf, len - first);
}

void vsock_credit_rx_get(struct vsock_conn *c, uint8_t *buf, uint32_t len)
{
	uint32_t first = c->rx_size - c->rx_off;

	CHECK(len <= vsock_credit_rx_used(c));
	if (first > len) {
		first = len;
	}
	if (buf) {
		tzs_memcpy(buf, c->rx_buf + c->rx_off, first);
		tzs_memcpy(buf + first, c->rx_buf, len - first);
	}
	c->rx_off += len;
	if (c->rx_off >= c->rx_size) {
		c->rx_off -= c->rx_size;
	}
	c->fwd_cnt += len;
}

/**
 * Send a CREDIT_UPDATE once free space crosses half the buffer while the
 * peer still thinks less than half is free: a blocked sender recovers
 * without one update per read (Linux sends when free space drops below
 * its max packet size; half the buffer also works for small buffers).
 */
bool vsock_credit_update_due(const struct vsock_conn *c)
{
	uint32_t half = c->buf_alloc / 2 + (c->buf_alloc & 1);
	uint32_t seen_used = c->rx_cnt - c->last_fwd_cnt;
	uint32_t used = vsock_credit_rx_used(c);
	uint32_t seen_free = 0;
	uint32_t real_free = 0;

	if (c->last_fwd_cnt == c->fwd_cnt) {
		return false;
	}
	/* After a shrink more than buf_alloc may be queued. */
	if (used < c->buf_alloc) {
		real_free = c->buf_alloc - used;
	}
	if (seen_used < c->buf_alloc) {
		seen_free = c->buf_alloc - seen_used;
	}
	return seen_free < half && real_free >= half;
}
