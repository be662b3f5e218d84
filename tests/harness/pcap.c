// SPDX-License-Identifier: BSD-2-Clause
/*
 * Strict classic-pcap reader (see pcap.h). Fields are read at explicit
 * offsets in the file's byte order; nothing is cast to a struct.
 */
#include "pcap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du

static void set_err(struct pcap_file *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct pcap_file *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
}

static uint32_t rd32(const struct pcap_file *f, size_t off)
{
	const uint8_t *p = f->data + off;

	if (f->swap) {
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	}
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct pcap_file *f, size_t off)
{
	const uint8_t *p = f->data + off;

	return f->swap ? (uint16_t)(p[0] << 8 | p[1]) :
			 (uint16_t)(p[1] << 8 | p[0]);
}

/* Magic and byte order; 0 or -1. */
static int parse_magic(struct pcap_file *f)
{
	uint32_t m = 0;

	f->swap = false;
	m = rd32(f, 0);
	if (m != MAGIC_USEC && m != MAGIC_NSEC) {
		f->swap = true;
		m = rd32(f, 0);
	}
	if (m != MAGIC_USEC && m != MAGIC_NSEC) {
		set_err(f, "bad magic %02x%02x%02x%02x (not classic pcap)",
			f->data[0], f->data[1], f->data[2], f->data[3]);
		return -1;
	}
	f->nsec = m == MAGIC_NSEC;
	return 0;
}

static int parse_global(struct pcap_file *f, uint32_t linktype)
{
	uint16_t major = 0, minor = 0;

	if (f->len < PCAP_GLOBAL_HDR_SIZE) {
		set_err(f, "file of %zu bytes has no 24-byte global header",
			f->len);
		return -1;
	}
	if (parse_magic(f)) {
		return -1;
	}
	major = rd16(f, 4);
	minor = rd16(f, 6);
	if (major != 2 || minor != 4) {
		set_err(f, "version %u.%u, want 2.4", major, minor);
		return -1;
	}
	f->snaplen = rd32(f, 16);
	f->linktype = rd32(f, 20);
	if (f->snaplen == 0) {
		set_err(f, "snaplen 0");
		return -1;
	}
	/* Full 32 bits: FCS-length bits in the upper half are not expected. */
	if (f->linktype != linktype) {
		set_err(f, "link type %u, want %u", f->linktype, linktype);
		return -1;
	}
	f->off = PCAP_GLOBAL_HDR_SIZE;
	return 0;
}

int pcap_open_mem(struct pcap_file *f, const uint8_t *data, size_t len,
		  uint32_t linktype)
{
	memset(f, 0, sizeof(*f));
	f->data = malloc(len ? len : 1);
	if (!f->data) {
		set_err(f, "out of memory");
		return -1;
	}
	memcpy(f->data, data, len);
	f->len = len;
	if (parse_global(f, linktype)) {
		free(f->data);
		f->data = NULL;
		return -1;
	}
	return 0;
}

/* Read all of @path into a malloc'd buffer; 0 or -1 with f->err. */
static int slurp(struct pcap_file *f, const char *path, uint8_t **buf,
		 size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 65536, n = 0;
	uint8_t *b = NULL, *nb = NULL;

	if (!fp) {
		set_err(f, "cannot open %s", path);
		return -1;
	}
	b = malloc(cap);
	while (b) {
		n += fread(b + n, 1, cap - n, fp);
		if (n < cap) {
			break;
		}
		cap *= 2;
		nb = realloc(b, cap);
		if (!nb) {
			free(b);
		}
		b = nb;
	}
	if (!b || ferror(fp)) {
		set_err(f, "cannot read %s", path);
		free(b);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*buf = b;
	*len = n;
	return 0;
}

int pcap_open(struct pcap_file *f, const char *path, uint32_t linktype)
{
	uint8_t *b = NULL;
	size_t n = 0;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	if (slurp(f, path, &b, &n)) {
		return -1;
	}
	ret = pcap_open_mem(f, b, n, linktype);
	free(b);
	return ret;
}

int pcap_next(struct pcap_file *f, struct pcap_rec *r)
{
	size_t left = 0;

	if (!f->data) {
		set_err(f, "not open");
		return -1;
	}
	left = f->len - f->off;
	if (left == 0) {
		return 0;
	}
	if (left < PCAP_REC_HDR_SIZE) {
		set_err(f, "record %zu: %zu bytes left, header needs 16",
			f->nrec, left);
		return -1;
	}
	r->ts_sec = rd32(f, f->off);
	r->ts_frac = rd32(f, f->off + 4);
	r->incl_len = rd32(f, f->off + 8);
	r->orig_len = rd32(f, f->off + 12);
	if (r->ts_frac >= (f->nsec ? 1000000000u : 1000000u)) {
		set_err(f, "record %zu: sub-second field %u out of range",
			f->nrec, r->ts_frac);
		return -1;
	}
	if (r->incl_len > f->snaplen) {
		set_err(f, "record %zu: incl_len %u > snaplen %u", f->nrec,
			r->incl_len, f->snaplen);
		return -1;
	}
	if (r->incl_len > r->orig_len) {
		set_err(f, "record %zu: incl_len %u > orig_len %u", f->nrec,
			r->incl_len, r->orig_len);
		return -1;
	}
	if (r->incl_len > left - PCAP_REC_HDR_SIZE) {
		set_err(f, "record %zu: incl_len %u but %zu bytes left",
			f->nrec, r->incl_len, left - PCAP_REC_HDR_SIZE);
		return -1;
	}
	r->data = f->data + f->off + PCAP_REC_HDR_SIZE;
	f->off += PCAP_REC_HDR_SIZE + r->incl_len;
	f->nrec++;
	return 1;
}

void pcap_close(struct pcap_file *f)
{
	free(f->data);
	f->data = NULL;
	f->len = 0;
	f->off = 0;
}
