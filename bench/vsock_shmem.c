// SPDX-License-Identifier: BSD-2-Clause
/*
 * Zero copy against copying, VM -> secure partition, 4 KiB .. 64 MiB, in
 * two flavours of what the secure side does with the bytes:
 *
 *   vsock_shmem_copy_<size>: value = OFFER of a `system` dma-buf
 *     (FFA_MEM_SHARE + AREA_SHARE + OP_SHMEM) to the secure copier, which
 *     maps it and takes a private copy of every byte, then REVOKE
 *     (REVOKE_DONE, AREA_UNSHARE, FFA_MEM_RECLAIM); baseline = the same
 *     bytes streamed over the connection to the plain sink.
 *   vsock_shmem_read_<size>: the same with the secure reader and the
 *     checksum sink, which both run FNV-1a over every byte (the record
 *     checksum is verified). FNV-1a costs more per byte than the transfer,
 *     so this pair shows how much the transfer matters to a consumer that
 *     computes on every byte.
 *
 * ratio < 1: zero copy wins. vsock_shmem_crossover_<flavour>: the smallest
 * size from which zero copy wins at every larger size (-1: never), against
 * the goal of 256 KiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <tzshare/lib.h>
#include <tzshare/nwd.h>
#include <tzshare/nwd_vsock.h>
#include <tzshare/platform.h>
#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

#include "bench_util.h"
#include "bench_vsock.h"

#define MAX_SIZE (64ull << 20)
#define SEND_CHUNK 65536u

static void die(const char *what, long rc)
{
	fprintf(stderr, "vsock_shmem: %s: %ld\n", what, rc);
	exit(1);
}

static void shmem_msg(struct tzs_nwd_vsock *n, int sd, uint32_t subop, int fd)
{
	long rc = tzs_nwd_shmem(n, sd, subop, fd, TZS_VSOCK_SHMEM_KIND_HEAP);

	if (rc) {
		die(subop ? "REVOKE" : "OFFER", rc);
	}
}

static uint32_t record(struct tzs_nwd_vsock *n, int sd, uint64_t size)
{
	uint8_t rec[VDEV_VSOCK_SHM_RECORD];
	long rc = tzs_nwd_recv(n, sd, rec, sizeof(rec), VSK_MSG_WAITALL);

	if (rc != (long)sizeof(rec) || le64_get(rec + 8) != size) {
		die("record", rc);
	}
	return le32_get(rec + 16);
}

static uint64_t offer_cycle_ns(struct tzs_nwd_vsock *n, int sd, int fd,
			       uint64_t size, uint32_t want)
{
	uint64_t t0 = bench_now_ns();

	shmem_msg(n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, fd);
	if (record(n, sd, size) != want) {
		die("offer record checksum", (long)size);
	}
	shmem_msg(n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, fd);
	return bench_now_ns() - t0;
}

static uint64_t stream_ns(struct tzs_nwd_vsock *n, int sd, const uint8_t *va,
			  uint64_t size, uint32_t want)
{
	uint8_t hdr[8];
	uint64_t t0 = bench_now_ns(), off = 0;
	long rc = 0;

	le64_put(hdr, size);
	if (tzs_nwd_send(n, sd, hdr, sizeof(hdr), 0) != (long)sizeof(hdr)) {
		die("frame header", 0);
	}
	while (off < size) {
		uint64_t k = size - off < SEND_CHUNK ? size - off : SEND_CHUNK;

		rc = tzs_nwd_send(n, sd, va + off, (size_t)k, 0);
		if (rc <= 0) {
			die("stream send", rc);
		}
		off += (uint64_t)rc;
	}
	if (record(n, sd, size) != want) {
		die("sink checksum", (long)size);
	}
	return bench_now_ns() - t0;
}

static int connect_to(struct tzs_nwd_vsock *n, uint32_t port)
{
	int sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	long rc = tzs_nwd_connect(n, sd, VSOCK_CID_HOST, port);

	if (rc) {
		die("connect", rc);
	}
	return sd;
}

struct flavour {
	const char *name;
	uint32_t offer_port; /* copier or reader */
	uint32_t sink_port; /* plain or checksum sink */
	bool checksum;
};

static const struct flavour flavours[] = {
	{ "copy", TZS_VSOCK_PORT_COPIER, TZS_VSOCK_PORT_SINK, false },
	{ "read", TZS_VSOCK_PORT_READER, TZS_VSOCK_PORT_SINK_SUM, true },
};

static void run_flavour(struct tzs_nwd_vsock *n, struct tzs_heaps *h,
			const struct flavour *f)
{
	struct tzs_dma_heap_allocation_data d = { 0 };
	int rd = connect_to(n, f->offer_port);
	int sk = connect_to(n, f->sink_port);
	uint64_t crossover = 0;
	int rc = 0, err = 0;
	char name[64];

	for (uint64_t size = 4096; size <= MAX_SIZE; size *= 4) {
		unsigned int reps = size <= (1u << 20) ? 50 : 7;
		uint64_t best_o = UINT64_MAX, best_s = UINT64_MAX;
		uint8_t *va = NULL;
		uint32_t want = 0;

		memset(&d, 0, sizeof(d));
		d.len = size;
		d.fd_flags = O_RDWR;
		rc = tzs_heap_ioctl_alloc(h, tzs_heap_open(h, "system"), &d);
		va = rc ? NULL :
			  tzs_dmabuf_mmap(h, (int)d.fd, 0, size,
					  PROT_READ | PROT_WRITE, &err);
		if (!va) {
			die("system buffer", rc ? rc : err);
		}
		for (uint64_t i = 0; i < size; i++) {
			va[i] = (uint8_t)(i * 7 + (i >> 12));
		}
		want = f->checksum ? vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, va,
						      (uint32_t)size) :
				     0;
		/* Interleaved, best of reps: the machine is shared. */
		for (unsigned int r = 0; r < reps; r++) {
			uint64_t o =
				offer_cycle_ns(n, rd, (int)d.fd, size, want);
			uint64_t s = stream_ns(n, sk, va, size, want);

			best_o = o < best_o ? o : best_o;
			best_s = s < best_s ? s : best_s;
		}
		snprintf(name, sizeof(name), "vsock_shmem_%s_%lluk", f->name,
			 (unsigned long long)(size >> 10));
		bench_line(name, (double)best_o / 1000.0,
			   (double)best_s / 1000.0, "us");
		if (best_o < best_s) {
			crossover = crossover ? crossover : size;
		} else {
			crossover = 0;
		}
		tzs_dmabuf_close(h, (int)d.fd);
	}
	snprintf(name, sizeof(name), "vsock_shmem_crossover_%s", f->name);
	bench_line(name, crossover ? (double)(crossover >> 10) : -1.0, 256.0,
		   "KiB");
	tzs_nwd_close(n, rd);
	tzs_nwd_close(n, sk);
}

int main(void)
{
	struct bench_vsock b;
	unsigned int i = 0;

	bench_vsock_start(&b);
	for (i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		run_flavour(b.n, tzs_nwd_vsock_heaps(b.n), &flavours[i]);
	}
	bench_vsock_stop(&b);
	return 0;
}
