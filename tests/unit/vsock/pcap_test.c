// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/harness/pcap.c, the strict classic-pcap reader the vsock
 * conformance test relies on: both byte orders, both timestamp
 * resolutions, snaplen cuts, and every malformed-file rejection.
 */
#include "test.h"

#include "pcap.h"

#define BUF 256

struct img {
	uint8_t b[BUF];
	size_t len;
	bool be;
};

static void put32(struct img *m, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		int sh = m->be ? 24 - 8 * i : 8 * i;

		m->b[off + (size_t)i] = (uint8_t)(v >> sh);
	}
}

static void put16(struct img *m, size_t off, uint16_t v)
{
	m->b[off + (m->be ? 1 : 0)] = (uint8_t)v;
	m->b[off + (m->be ? 0 : 1)] = (uint8_t)(v >> 8);
}

static void global(struct img *m, bool be, uint32_t magic)
{
	memset(m, 0, sizeof(*m));
	m->be = be;
	put32(m, 0, magic);
	put16(m, 4, 2);
	put16(m, 6, 4);
	put32(m, 16, 160);
	put32(m, 20, PCAP_LINKTYPE_VSOCK);
	m->len = PCAP_GLOBAL_HDR_SIZE;
}

/* Append a record of @incl bytes (value @fill) claiming @orig. */
static void rec(struct img *m, uint32_t frac, uint32_t incl, uint32_t orig,
		uint8_t fill)
{
	put32(m, m->len, 1000);
	put32(m, m->len + 4, frac);
	put32(m, m->len + 8, incl);
	put32(m, m->len + 12, orig);
	m->len += PCAP_REC_HDR_SIZE;
	memset(m->b + m->len, fill, incl);
	m->len += incl;
}

static void open_ok(struct pcap_file *f, const struct img *m)
{
	if (pcap_open_mem(f, m->b, m->len, PCAP_LINKTYPE_VSOCK) != 0) {
		test_fail(__FILE__, __LINE__, "open: %s", f->err);
	}
}

static void reads_two_records(bool be, uint32_t magic, bool nsec)
{
	struct pcap_file f;
	struct pcap_rec r;
	struct img m;

	global(&m, be, magic);
	rec(&m, 5, 3, 3, 0x11);
	rec(&m, 999999, 160, 12364, 0x22);
	open_ok(&f, &m);
	ASSERT_EQ(f.nsec, nsec);
	ASSERT_EQ(f.snaplen, 160);
	ASSERT_EQ(pcap_next(&f, &r), 1);
	ASSERT_EQ(r.ts_sec, 1000);
	ASSERT_EQ(r.ts_frac, 5);
	ASSERT_EQ(r.incl_len, 3);
	ASSERT_EQ(r.orig_len, 3);
	ASSERT_EQ(r.data[0], 0x11);
	ASSERT_EQ(r.data[2], 0x11);
	ASSERT_EQ(pcap_next(&f, &r), 1);
	ASSERT_EQ(r.incl_len, 160);
	ASSERT_EQ(r.orig_len, 12364);
	ASSERT_EQ(r.data[159], 0x22);
	ASSERT_EQ(pcap_next(&f, &r), 0);
	ASSERT_EQ(f.nrec, 2);
	pcap_close(&f);
}

TEST(little_endian_usec_file_yields_each_record)
{
	reads_two_records(false, 0xa1b2c3d4u, false);
}

TEST(big_endian_usec_file_yields_each_record)
{
	reads_two_records(true, 0xa1b2c3d4u, false);
}

TEST(nanosecond_magic_in_either_order_is_accepted)
{
	reads_two_records(false, 0xa1b23c4du, true);
	reads_two_records(true, 0xa1b23c4du, true);
}

TEST(file_with_no_records_ends_cleanly)
{
	struct pcap_file f;
	struct pcap_rec r;
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	open_ok(&f, &m);
	ASSERT_EQ(pcap_next(&f, &r), 0);
	pcap_close(&f);
}

static void open_fails(const struct img *m, const char *why)
{
	struct pcap_file f;

	ASSERT_EQ(pcap_open_mem(&f, m->b, m->len, PCAP_LINKTYPE_VSOCK), -1);
	if (!strstr(f.err, why)) {
		test_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"",
			  f.err, why);
	}
	ASSERT_TRUE(f.data == NULL);
	pcap_close(&f);
}

TEST(file_shorter_than_the_global_header_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	for (m.len = 0; m.len < PCAP_GLOBAL_HDR_SIZE; m.len++) {
		open_fails(&m, "global header");
	}
}

TEST(unknown_magic_is_rejected)
{
	struct img m;

	global(&m, false, 0x0a0d0d0au); /* pcapng section header block */
	open_fails(&m, "bad magic");
}

TEST(version_other_than_2_4_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	put16(&m, 6, 3);
	open_fails(&m, "version 2.3");
	global(&m, true, 0xa1b2c3d4u);
	put16(&m, 4, 1);
	open_fails(&m, "version 1.4");
}

TEST(other_link_type_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	put32(&m, 20, 1); /* Ethernet */
	open_fails(&m, "link type 1");
	put32(&m, 20, PCAP_LINKTYPE_VSOCK | 0x10000000u); /* FCS bits */
	open_fails(&m, "link type");
}

TEST(snaplen_0_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	put32(&m, 16, 0);
	open_fails(&m, "snaplen 0");
}

/* @m opens; its first pcap_next() fails with @why. */
static void next_fails(const struct img *m, const char *why)
{
	struct pcap_file f;
	struct pcap_rec r;

	open_ok(&f, m);
	ASSERT_EQ(pcap_next(&f, &r), -1);
	if (!strstr(f.err, why)) {
		test_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"",
			  f.err, why);
	}
	pcap_close(&f);
}

TEST(partial_record_header_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	rec(&m, 0, 4, 4, 0);
	for (m.len = PCAP_GLOBAL_HDR_SIZE + 1;
	     m.len < PCAP_GLOBAL_HDR_SIZE + PCAP_REC_HDR_SIZE; m.len++) {
		next_fails(&m, "header needs 16");
	}
}

TEST(record_data_cut_short_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	rec(&m, 0, 4, 4, 0);
	m.len--;
	next_fails(&m, "incl_len 4 but 3 bytes left");
}

TEST(incl_len_above_snaplen_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	put32(&m, 16, 8);
	rec(&m, 0, 9, 9, 0);
	next_fails(&m, "incl_len 9 > snaplen 8");
}

TEST(incl_len_above_orig_len_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	rec(&m, 0, 9, 8, 0);
	next_fails(&m, "incl_len 9 > orig_len 8");
}

TEST(sub_second_field_out_of_range_is_rejected)
{
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	rec(&m, 1000000, 1, 1, 0);
	next_fails(&m, "out of range");
	global(&m, false, 0xa1b23c4du);
	rec(&m, 1000000000, 1, 1, 0);
	next_fails(&m, "out of range");
	global(&m, false, 0xa1b23c4du);
	rec(&m, 999999999, 1, 1, 0);
	{
		struct pcap_file f;
		struct pcap_rec r;

		open_ok(&f, &m);
		ASSERT_EQ(pcap_next(&f, &r), 1);
		pcap_close(&f);
	}
}

TEST(later_bad_record_fails_after_the_good_ones)
{
	struct pcap_file f;
	struct pcap_rec r;
	struct img m;

	global(&m, false, 0xa1b2c3d4u);
	rec(&m, 0, 2, 2, 0);
	rec(&m, 0, 5, 4, 0);
	open_ok(&f, &m);
	ASSERT_EQ(pcap_next(&f, &r), 1);
	ASSERT_EQ(pcap_next(&f, &r), -1);
	ASSERT_TRUE(strstr(f.err, "record 1:") != NULL);
	pcap_close(&f);
}

TEST(missing_file_is_an_error)
{
	struct pcap_file f;

	ASSERT_EQ(pcap_open(&f, "/nonexistent/x.pcap", PCAP_LINKTYPE_VSOCK),
		  -1);
	ASSERT_TRUE(strstr(f.err, "cannot open") != NULL);
	pcap_close(&f);
}
