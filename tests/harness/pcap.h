/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small strict reader for classic pcap files (not pcapng): magic
 * 0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds) in either byte
 * order, version 2.4, one expected link type. Every record header is
 * checked (incl_len <= snaplen, incl_len <= orig_len, the bytes present,
 * sub-second field in range), so a malformed file is an error with a
 * reason, never a short read. Used by the vsock conformance test with
 * LINKTYPE_VSOCK (271) captures.
 */
#ifndef TZS_PCAP_H
#define TZS_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_LINKTYPE_VSOCK 271u
#define PCAP_GLOBAL_HDR_SIZE 24
#define PCAP_REC_HDR_SIZE 16

struct pcap_file {
	uint8_t *data; /* the whole file (owned) */
	size_t len;
	size_t off; /* next record header */
	bool swap; /* file byte order differs from the magic as read LE */
	bool nsec; /* timestamps in nanoseconds */
	uint32_t snaplen;
	uint32_t linktype;
	size_t nrec; /* records returned so far */
	char err[160];
};

struct pcap_rec {
	const uint8_t *data; /* incl_len bytes, inside the file buffer */
	uint32_t incl_len; /* bytes captured */
	uint32_t orig_len; /* bytes on the wire (> incl_len: snaplen cut) */
	uint32_t ts_sec;
	uint32_t ts_frac; /* usec or nsec, see pcap_file.nsec */
};

/*
 * Open @len bytes (copied) / the file at @path, requiring link type
 * @linktype. Returns 0, or -1 with the reason in f->err (f then owns
 * nothing; pcap_close() is still safe).
 */
int pcap_open_mem(struct pcap_file *f, const uint8_t *data, size_t len,
		  uint32_t linktype);
int pcap_open(struct pcap_file *f, const char *path, uint32_t linktype);

/* Returns 1 with the next record, 0 at a clean end, -1 with f->err set. */
int pcap_next(struct pcap_file *f, struct pcap_rec *r);

void pcap_close(struct pcap_file *f);

#endif /* TZS_PCAP_H */
