// SPDX-License-Identifier: BSD-2-Clause
/*
 * Our vsock codec against a real Linux 6.1 kernel: the vsockmon capture of
 * the kernel's own vsock_test over vsock_loopback (ecosystem.md §4a),
 * shared/testdata/vsock/linux-6.1-vsock_test-loopback.pcap, read in place.
 *
 * Each record is a 32-byte struct af_vsockmon_hdr, the 44-byte
 * struct virtio_vsock_hdr, then the payload (cut at the capture's snaplen
 * of 160). Every header is decoded by our codec and, independently, by
 * memcpy at the kernel structs' offsetof() positions; both must agree,
 * and our encoder must give back the captured bytes.
 */
#include "test.h"

#include <endian.h>
#include <stddef.h>

#include <linux/virtio_vsock.h>
#include <linux/vsockmon.h>

#include <tzshare/vsock.h>

#include "pcap.h"

#define CAPTURE "vsock/linux-6.1-vsock_test-loopback.pcap"
#define MON_SIZE sizeof(struct af_vsockmon_hdr)
#define PKT_OFF MON_SIZE
#define PAYLOAD_OFF (MON_SIZE + sizeof(struct virtio_vsock_hdr))
#define NREC 894
#define MAX_REC 1024

_Static_assert(sizeof(struct af_vsockmon_hdr) == 32, "vsockmon header");

struct capture {
	struct pcap_file f;
	size_t n;
	struct pcap_rec r[MAX_REC];
};

/* Load every record, or skip when the test data is absent. */
static void load(struct capture *c)
{
	const char *dir = test_testdata_dir();
	char path[512];
	FILE *fp = NULL;
	int ret = 0;

	if (!dir) {
		test_skip("../shared/testdata absent");
	}
	snprintf(path, sizeof(path), "%s/%s", dir, CAPTURE);
	fp = fopen(path, "rb");
	if (!fp) {
		test_skip(CAPTURE " absent");
	}
	fclose(fp);
	if (pcap_open(&c->f, path, PCAP_LINKTYPE_VSOCK)) {
		test_fail(__FILE__, __LINE__, "%s: %s", path, c->f.err);
	}
	c->n = 0;
	while ((ret = pcap_next(&c->f, &c->r[c->n])) == 1) {
		c->n++;
		ASSERT_TRUE(c->n < MAX_REC);
	}
	if (ret) {
		test_fail(__FILE__, __LINE__, "%s: %s", path, c->f.err);
	}
}

static struct capture *cap_new(void)
{
	struct capture *c = calloc(1, sizeof(*c));

	ASSERT_TRUE(c != NULL);
	load(c);
	return c;
}

static void cap_free(struct capture *c)
{
	pcap_close(&c->f);
	free(c);
}

/* Independent reads: kernel struct offsets, memcpy, le*toh. */
#define KFIELD(rec, base, type, field) \
	kread((rec), (base) + offsetof(type, field), sizeof(((type *)0)->field))

static uint64_t kread(const struct pcap_rec *r, size_t off, size_t size)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	uint16_t v16 = 0;

	ASSERT_TRUE(off + size <= r->incl_len);
	switch (size) {
	case 8:
		memcpy(&v64, r->data + off, 8);
		return le64toh(v64);
	case 4:
		memcpy(&v32, r->data + off, 4);
		return le32toh(v32);
	case 2:
		memcpy(&v16, r->data + off, 2);
		return le16toh(v16);
	default:
		test_fail(__FILE__, __LINE__, "field size %zu", size);
	}
}

#define KHDR(r, f) KFIELD(r, PKT_OFF, struct virtio_vsock_hdr, f)
#define KMON(r, f) KFIELD(r, 0, struct af_vsockmon_hdr, f)

/* Our decode of record @i's virtio header (must succeed, nothing odd). */
static struct vsock_hdr our_hdr(const struct capture *c, size_t i)
{
	struct vsock_hdr h;
	uint32_t odd = 0xff;
	int ret = vsock_hdr_decode(c->r[i].data + PKT_OFF,
				   c->r[i].incl_len - PKT_OFF, &h, &odd);

	if (ret != VSOCK_OK || odd != 0) {
		test_fail(__FILE__, __LINE__, "record %zu: ret %d odd 0x%x", i,
			  ret, odd);
	}
	return h;
}

TEST(capture_holds_894_records_each_with_both_headers)
{
	struct capture *c = cap_new();
	size_t cut = 0;

	ASSERT_EQ(c->n, NREC);
	for (size_t i = 0; i < c->n; i++) {
		ASSERT_TRUE(c->r[i].incl_len >= PAYLOAD_OFF);
		cut += c->r[i].incl_len < c->r[i].orig_len;
	}
	/* Two 12 KiB RW frames were cut at snaplen 160. */
	ASSERT_EQ(c->f.snaplen, 160);
	ASSERT_EQ(cut, 2);
	cap_free(c);
}

TEST(every_header_decodes_like_the_kernel_struct_field_by_field)
{
	struct capture *c = cap_new();

	for (size_t i = 0; i < c->n; i++) {
		const struct pcap_rec *r = &c->r[i];
		struct vsock_hdr h = our_hdr(c, i);

		ASSERT_EQ(h.src_cid, KHDR(r, src_cid));
		ASSERT_EQ(h.dst_cid, KHDR(r, dst_cid));
		ASSERT_EQ(h.src_port, KHDR(r, src_port));
		ASSERT_EQ(h.dst_port, KHDR(r, dst_port));
		ASSERT_EQ(h.len, KHDR(r, len));
		ASSERT_EQ(h.type, KHDR(r, type));
		ASSERT_EQ(h.op, KHDR(r, op));
		ASSERT_EQ(h.flags, KHDR(r, flags));
		ASSERT_EQ(h.buf_alloc, KHDR(r, buf_alloc));
		ASSERT_EQ(h.fwd_cnt, KHDR(r, fwd_cnt));
		/* Loopback: everything is CID 1 (VMADDR_CID_LOCAL). */
		ASSERT_EQ(h.src_cid, VSOCK_CID_LOCAL);
		ASSERT_EQ(h.dst_cid, VSOCK_CID_LOCAL);
	}
	cap_free(c);
}

/* The vsockmon op the kernel assigns to a virtio op (vsock_loopback). */
static uint16_t mon_op_of(uint16_t op)
{
	switch (op) {
	case VSOCK_OP_REQUEST:
	case VSOCK_OP_RESPONSE:
		return AF_VSOCK_OP_CONNECT;
	case VSOCK_OP_RST:
	case VSOCK_OP_SHUTDOWN:
		return AF_VSOCK_OP_DISCONNECT;
	case VSOCK_OP_RW:
		return AF_VSOCK_OP_PAYLOAD;
	case VSOCK_OP_CREDIT_UPDATE:
	case VSOCK_OP_CREDIT_REQUEST:
		return AF_VSOCK_OP_CONTROL;
	default:
		return AF_VSOCK_OP_UNKNOWN;
	}
}

TEST(vsockmon_header_agrees_with_the_virtio_header)
{
	struct capture *c = cap_new();

	for (size_t i = 0; i < c->n; i++) {
		const struct pcap_rec *r = &c->r[i];
		struct vsock_hdr h = our_hdr(c, i);

		ASSERT_EQ(KMON(r, transport), AF_VSOCK_TRANSPORT_VIRTIO);
		ASSERT_EQ(KMON(r, len), VSOCK_HDR_SIZE);
		ASSERT_EQ(r->data[offsetof(struct af_vsockmon_hdr, reserved)],
			  0);
		ASSERT_EQ(
			r->data[offsetof(struct af_vsockmon_hdr, reserved) + 1],
			0);
		ASSERT_EQ(KMON(r, src_cid), h.src_cid);
		ASSERT_EQ(KMON(r, dst_cid), h.dst_cid);
		ASSERT_EQ(KMON(r, src_port), h.src_port);
		ASSERT_EQ(KMON(r, dst_port), h.dst_port);
		ASSERT_EQ(KMON(r, op), mon_op_of(h.op));
	}
	cap_free(c);
}

TEST(len_equals_the_payload_bytes_on_the_wire)
{
	struct capture *c = cap_new();

	for (size_t i = 0; i < c->n; i++) {
		const struct pcap_rec *r = &c->r[i];
		struct vsock_hdr h = our_hdr(c, i);
		const uint8_t *payload = NULL;
		struct vsock_hdr p;
		int ret = vsock_pkt_decode(r->data + PKT_OFF,
					   r->incl_len - PKT_OFF, &p, &payload,
					   NULL);

		ASSERT_EQ(h.len, r->orig_len - PAYLOAD_OFF);
		if (r->incl_len == r->orig_len) {
			ASSERT_EQ(ret, VSOCK_OK);
			ASSERT_TRUE(payload == r->data + PAYLOAD_OFF);
		} else {
			/* Cut by snaplen: the codec sees a short packet. */
			ASSERT_EQ(ret, VSOCK_E_TRUNCATED);
		}
		if (h.op != VSOCK_OP_RW) {
			ASSERT_EQ(h.len, 0);
		}
	}
	cap_free(c);
}

struct count {
	uint16_t mon_op;
	uint16_t type;
	uint16_t op;
	unsigned int want;
	unsigned int got;
};

TEST(frame_counts_per_vsockmon_op_type_and_op_match_the_recorded_run)
{
	/* ecosystem.md §4a: RW 231+10, RST 207+5, REQUEST 106+4, ... */
	struct count t[] = {
		{ AF_VSOCK_OP_PAYLOAD, 1, VSOCK_OP_RW, 231, 0 },
		{ AF_VSOCK_OP_PAYLOAD, 2, VSOCK_OP_RW, 10, 0 },
		{ AF_VSOCK_OP_DISCONNECT, 1, VSOCK_OP_RST, 207, 0 },
		{ AF_VSOCK_OP_DISCONNECT, 2, VSOCK_OP_RST, 5, 0 },
		{ AF_VSOCK_OP_CONNECT, 1, VSOCK_OP_REQUEST, 106, 0 },
		{ AF_VSOCK_OP_CONNECT, 2, VSOCK_OP_REQUEST, 4, 0 },
		{ AF_VSOCK_OP_DISCONNECT, 1, VSOCK_OP_SHUTDOWN, 105, 0 },
		{ AF_VSOCK_OP_DISCONNECT, 2, VSOCK_OP_SHUTDOWN, 4, 0 },
		{ AF_VSOCK_OP_CONTROL, 1, VSOCK_OP_CREDIT_UPDATE, 104, 0 },
		{ AF_VSOCK_OP_CONTROL, 2, VSOCK_OP_CREDIT_UPDATE, 10, 0 },
		{ AF_VSOCK_OP_CONNECT, 1, VSOCK_OP_RESPONSE, 104, 0 },
		{ AF_VSOCK_OP_CONNECT, 2, VSOCK_OP_RESPONSE, 4, 0 },
	};
	const size_t nt = sizeof(t) / sizeof(t[0]);
	struct capture *c = cap_new();
	unsigned int sum = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct vsock_hdr h = our_hdr(c, i);
		uint16_t mon = (uint16_t)KMON(&c->r[i], op);
		size_t k = 0;

		while (k < nt && !(t[k].mon_op == mon && t[k].type == h.type &&
				   t[k].op == h.op)) {
			k++;
		}
		if (k == nt) {
			test_fail(__FILE__, __LINE__,
				  "record %zu: unexpected (%u, %u, %s)", i, mon,
				  h.type, vsock_op_name(h.op));
		}
		t[k].got++;
	}
	for (size_t k = 0; k < nt; k++) {
		if (t[k].got != t[k].want) {
			test_fail(__FILE__, __LINE__,
				  "(%u, %u, %s): %u, want %u", t[k].mon_op,
				  t[k].type, vsock_op_name(t[k].op), t[k].got,
				  t[k].want);
		}
		sum += t[k].want;
	}
	ASSERT_EQ(sum, NREC);
	cap_free(c);
}

/*
 * ecosystem.md §4a says "RST always carries buf_alloc 0"; the capture does
 * not: only the 2 RSTs sent without a socket (virtio_transport_reset_no_sock
 * answering a REQUEST to a port nobody listens on, vsock_test's "connection
 * reset" case) carry 0. The 210 RSTs a socket sends carry its credit
 * (buf_alloc 256 KiB), as every packet of a socket must (virtio-msg.md §4).
 */
TEST(rst_has_buf_alloc_0_only_when_no_socket_answers_a_request)
{
	struct capture *c = cap_new();
	unsigned int nosock = 0, sock = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct vsock_hdr h = our_hdr(c, i), q;

		if (h.op != VSOCK_OP_RST) {
			continue;
		}
		if (h.buf_alloc != 0) {
			ASSERT_EQ(h.buf_alloc, 262144);
			sock++;
			continue;
		}
		/* The refused REQUEST is the frame before, tuple reversed. */
		ASSERT_TRUE(i > 0);
		q = our_hdr(c, i - 1);
		ASSERT_EQ(q.op, VSOCK_OP_REQUEST);
		ASSERT_EQ(q.src_port, h.dst_port);
		ASSERT_EQ(q.dst_port, h.src_port);
		ASSERT_EQ(h.fwd_cnt, 0);
		nosock++;
	}
	ASSERT_EQ(nosock, 2);
	ASSERT_EQ(sock, 210);
	cap_free(c);
}

TEST(shutdown_always_carries_flags_rcv_and_send)
{
	struct capture *c = cap_new();
	unsigned int shut = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct vsock_hdr h = our_hdr(c, i);

		if (h.op == VSOCK_OP_SHUTDOWN) {
			ASSERT_EQ(h.flags,
				  VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND);
			shut++;
		}
	}
	ASSERT_EQ(shut, 109);
	cap_free(c);
}

TEST(every_header_re_encodes_to_the_captured_bytes)
{
	struct capture *c = cap_new();

	for (size_t i = 0; i < c->n; i++) {
		struct vsock_hdr h = our_hdr(c, i);
		uint8_t b[VSOCK_HDR_SIZE];

		ASSERT_EQ(vsock_hdr_encode(&h, b, sizeof(b)), VSOCK_HDR_SIZE);
		if (memcmp(b, c->r[i].data + PKT_OFF, sizeof(b)) != 0) {
			test_fail(__FILE__, __LINE__, "record %zu differs", i);
		}
	}
	cap_free(c);
}
