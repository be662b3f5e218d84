// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sink services (core/vdev/vsock_sink.c): frames in, one record per
 * frame out, checksum or not, frames split across packets, a record that
 * waits for credit, end of stream.
 */
#include "vsock_loop.h"

#include <tzshare/lib.h>

static struct vl *sink_new(struct vdev_vsock_sink *plain,
			   struct vdev_vsock_sink *sum)
{
	struct vl *t = vl_new(VSOCK_TYPE_STREAM);

	ASSERT_EQ(vdev_vsock_sink_attach(t->v, plain, VDEV_VSOCK_PORT_SINK,
					 false),
		  VSOCK_OK);
	ASSERT_EQ(vdev_vsock_sink_attach(t->v, sum, VDEV_VSOCK_PORT_SINK_SUM,
					 true),
		  VSOCK_OK);
	vl_post_rx(t, 8);
	return t;
}

/* Send @len bytes of @data (a frame or part of one) in RW packets. */
static void send_bytes(struct vl *t, uint32_t port, const uint8_t *data,
		       uint32_t len)
{
	while (len) {
		uint32_t k = len < 1000 ? len : 1000;

		vl_send_to(t, port, VSOCK_OP_RW, 0, data, k);
		data += k;
		len -= k;
	}
}

/* The one RW packet carrying a record; other packets (credit) skipped. */
static bool take_record(struct vl *t, uint64_t *size, uint32_t *fnv)
{
	struct vl_pkt *p = calloc(VL_MAX_PKTS, sizeof(*p));
	uint32_t n = vl_drain(t, p), i = 0;
	bool found = false;

	for (i = 0; i < n; i++) {
		if (p[i].h.op == VSOCK_OP_RW) {
			ASSERT_FALSE(found);
			ASSERT_EQ(p[i].h.len, VDEV_VSOCK_SHM_RECORD);
			ASSERT_EQ(le64_get(p[i].data), 0);
			*size = le64_get(p[i].data + 8);
			*fnv = le32_get(p[i].data + 16);
			ASSERT_EQ(le32_get(p[i].data + 20),
				  VDEV_VSOCK_SINK_KIND);
			found = true;
		}
	}
	free(p);
	return found;
}

static void frame(struct vl *t, uint32_t port, const uint8_t *data,
		  uint32_t len)
{
	uint8_t hdr[8];

	le64_put(hdr, len);
	send_bytes(t, port, hdr, 8);
	send_bytes(t, port, data, len);
}

TEST(checksum_sink_answers_each_frame_with_its_length_and_fnv)
{
	static struct vdev_vsock_sink plain, sum;
	struct vl *t = sink_new(&plain, &sum);
	uint8_t data[3000];
	uint64_t size = 0;
	uint32_t fnv = 0, i = 0;

	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 13);
	}
	vl_connect_to(t, VDEV_VSOCK_PORT_SINK_SUM);
	frame(t, VDEV_VSOCK_PORT_SINK_SUM, data, sizeof(data));
	ASSERT_TRUE(take_record(t, &size, &fnv));
	ASSERT_EQ(size, sizeof(data));
	ASSERT_EQ(fnv,
		  vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, data, sizeof(data)));
	/* A second frame on the same connection, then an empty one. */
	frame(t, VDEV_VSOCK_PORT_SINK_SUM, data, 10);
	ASSERT_TRUE(take_record(t, &size, &fnv));
	ASSERT_EQ(size, 10);
	ASSERT_EQ(fnv, vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, data, 10));
	frame(t, VDEV_VSOCK_PORT_SINK_SUM, data, 0);
	ASSERT_TRUE(take_record(t, &size, &fnv));
	ASSERT_EQ(size, 0);
	ASSERT_EQ(fnv, VDEV_VSOCK_FNV32_INIT);
	ASSERT_EQ(sum.frames, 3);
	ASSERT_EQ(sum.bytes, sizeof(data) + 10);
}

TEST(plain_sink_counts_without_a_checksum_and_header_may_be_split)
{
	static struct vdev_vsock_sink plain, sum;
	struct vl *t = sink_new(&plain, &sum);
	uint8_t data[100] = { 1, 2, 3 };
	uint8_t hdr[8];
	uint64_t size = 0;
	uint32_t fnv = 1;

	vl_connect_to(t, VDEV_VSOCK_PORT_SINK);
	le64_put(hdr, sizeof(data));
	send_bytes(t, VDEV_VSOCK_PORT_SINK, hdr, 3);
	send_bytes(t, VDEV_VSOCK_PORT_SINK, hdr + 3, 5);
	ASSERT_FALSE(take_record(t, &size, &fnv));
	send_bytes(t, VDEV_VSOCK_PORT_SINK, data, 60);
	ASSERT_FALSE(take_record(t, &size, &fnv));
	send_bytes(t, VDEV_VSOCK_PORT_SINK, data + 60, 40);
	ASSERT_TRUE(take_record(t, &size, &fnv));
	ASSERT_EQ(size, sizeof(data));
	ASSERT_EQ(fnv, 0);
}

/* RW payload bytes received now, appended at @out + *len. */
static void rw_bytes(struct vl *t, uint8_t *out, uint32_t *len)
{
	struct vl_pkt *p = calloc(VL_MAX_PKTS, sizeof(*p));
	uint32_t n = vl_drain(t, p), i = 0;

	for (i = 0; i < n; i++) {
		if (p[i].h.op == VSOCK_OP_RW) {
			memcpy(out + *len, p[i].data, p[i].h.len);
			*len += p[i].h.len;
		}
	}
	free(p);
}

TEST(record_waits_for_credit_and_leaves_when_the_driver_reads)
{
	static struct vdev_vsock_sink plain, sum;
	struct vl *t = sink_new(&plain, &sum);
	uint8_t data[16] = { 0 };
	uint8_t rec[64];
	uint32_t got = 0;

	/* We advertise room for 10 bytes: the record goes out in part. */
	t->buf_alloc = 10;
	vl_connect_to(t, VDEV_VSOCK_PORT_SINK_SUM);
	frame(t, VDEV_VSOCK_PORT_SINK_SUM, data, sizeof(data));
	rw_bytes(t, rec, &got);
	ASSERT_EQ(got, 10);
	/* We read it: more room, the rest follows. */
	t->fwd_cnt += 10;
	t->buf_alloc = 4096;
	vl_send_to(t, VDEV_VSOCK_PORT_SINK_SUM, VSOCK_OP_CREDIT_UPDATE, 0, NULL,
		   0);
	rw_bytes(t, rec, &got);
	ASSERT_EQ(got, VDEV_VSOCK_SHM_RECORD);
	ASSERT_EQ(le64_get(rec + 8), sizeof(data));
	ASSERT_EQ(le32_get(rec + 16),
		  vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, data, sizeof(data)));
}

TEST(sink_closes_at_end_of_stream)
{
	static struct vdev_vsock_sink plain, sum;
	struct vl *t = sink_new(&plain, &sum);
	struct vl_pkt *p = calloc(VL_MAX_PKTS, sizeof(*p));
	uint32_t n = 0, i = 0;
	bool shut = false;

	vl_connect_to(t, VDEV_VSOCK_PORT_SINK);
	vl_send_to(t, VDEV_VSOCK_PORT_SINK, VSOCK_OP_SHUTDOWN,
		   VSOCK_SHUTDOWN_SEND, NULL, 0);
	n = vl_drain(t, p);
	for (i = 0; i < n; i++) {
		shut = shut || p[i].h.op == VSOCK_OP_SHUTDOWN ||
		       p[i].h.op == VSOCK_OP_RST;
	}
	ASSERT_TRUE(shut);
	ASSERT_EQ(plain.svc.conns, 0);
	free(p);
}
