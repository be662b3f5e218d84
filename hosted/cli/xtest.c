// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare xtest [CASE...]: named end-to-end cases in the spirit of
 * OP-TEE's xtest, run against a fresh platform (SPMC, SP, VM 1 with its
 * vsock stack), with a pass/fail table and exit status 0 only when every
 * case selected passed. A case name selects itself; a prefix ending in
 * '_' (e.g. "shm_") selects every case it starts.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

struct xt {
	struct cli_world *w;
	struct tzs_nwd_vsock *n;
	struct tzs_heaps *h;
	char why[160];
};

#define XT_FAIL(x, ...)                                            \
	do {                                                       \
		snprintf((x)->why, sizeof((x)->why), __VA_ARGS__); \
		return false;                                      \
	} while (0)

/* Expect @got == @want, else fail naming @what and the errno seen. */
#define XT_EXPECT(x, got, want, what)                                       \
	do {                                                                \
		long _g = (long)(got), _w = (long)(want);                   \
		if (_g != _w)                                               \
			XT_FAIL(x, "%s: got %ld (%s), want %ld (%s)", what, \
				_g, _g < 0 ? strerror((int)-_g) : "", _w,   \
				_w < 0 ? strerror((int)-_w) : "");          \
	} while (0)

static uint32_t fnv(const uint8_t *p, uint64_t n)
{
	return vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, p, (uint32_t)n);
}

static uint8_t *kernel_view(struct xt *x, int fd)
{
	struct tzs_dmabuf *b = tzs_dmabuf_get(x->h, fd, NULL);
	uint8_t *va = b ? tzs_dmabuf_vaddr(b) : NULL;

	if (b) {
		tzs_dmabuf_put(x->h, b);
	}
	return va;
}

/* A 4 KiB read/write `system` buffer mapped for us (*fd: its fd). */
static uint8_t *system_buffer(struct xt *x, int *fd)
{
	int err = 0;

	*fd = cli_alloc(x->h, "system", 4096, O_RDWR);
	return *fd >= 0 ? tzs_dmabuf_mmap(x->h, *fd, 0, 4096,
					  PROT_READ | PROT_WRITE, &err) :
			  NULL;
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                   */

static bool xt_echo(struct xt *x)
{
	static uint8_t out[65536], back[65536];
	int sd = cli_connect(x->n, TZS_VSOCK_PORT_ECHO, VSOCK_TYPE_STREAM);
	uint32_t len = 1;
	unsigned int i = 0;

	if (sd < 0) {
		XT_FAIL(x, "connect to echo: %s", strerror(-sd));
	}
	for (i = 0; i < sizeof(out); i++) {
		out[i] = (uint8_t)(i * 131 + 7);
	}
	for (len = 1; len <= sizeof(out); len *= 4) {
		XT_EXPECT(x, tzs_nwd_send(x->n, sd, out, len, 0), len, "send");
		XT_EXPECT(x, tzs_nwd_recv(x->n, sd, back, len, VSK_MSG_WAITALL),
			  len, "recv");
		if (memcmp(out, back, len)) {
			XT_FAIL(x, "echo of %u bytes differs", len);
		}
	}
	tzs_nwd_close(x->n, sd);
	return true;
}

/* OFFER @fd to @port, check the record, REVOKE. *rec gets the record. */
static bool offer_cycle(struct xt *x, uint32_t port, int fd, uint32_t kind,
			uint64_t size, const uint8_t *view,
			struct cli_record *rec)
{
	int sd = cli_connect(x->n, port, VSOCK_TYPE_STREAM);

	if (sd < 0) {
		XT_FAIL(x, "connect to %u: %s", port, strerror(-sd));
	}
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, fd, 0),
		  0, "OFFER");
	XT_EXPECT(x, cli_record_recv(x->n, sd, rec), 0, "record");
	if (rec->size != size || rec->kind != kind) {
		XT_FAIL(x, "record says %llu bytes kind %u",
			(unsigned long long)rec->size, rec->kind);
	}
	if (view && kind == VSOCK_SHMEM_LEND && !cli_child_faults(view)) {
		XT_FAIL(x, "lent buffer readable by the VM");
	}
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, fd, 0),
		  0, "REVOKE");
	XT_EXPECT(x, tzs_nwd_offers(x->n, sd), 0, "offers left");
	tzs_nwd_close(x->n, sd);
	return true;
}

static bool xt_shm_share(struct xt *x)
{
	struct cli_record rec;
	int fd = -1;
	uint8_t *va = system_buffer(x, &fd);

	if (!va) {
		XT_FAIL(x, "system buffer: %d", fd);
	}
	memcpy(va, CLI_HELLO, sizeof(CLI_HELLO));
	cli_secure_forget(x->w);
	if (!offer_cycle(x, TZS_VSOCK_PORT_READER, fd, VSOCK_SHMEM_SHARE, 4096,
			 va, &rec)) {
		return false;
	}
	if (rec.fnv32 != fnv(va, 4096)) {
		XT_FAIL(x, "reader checksum %08x", rec.fnv32);
	}
	if (!cli_secure_said(x->w, CLI_HELLO, 2000)) {
		XT_FAIL(x, "the secure side did not print \"%s\"", CLI_HELLO);
	}
	return tzs_dmabuf_close(x->h, fd) == 0;
}

static bool xt_shm_lend(struct xt *x)
{
	struct cli_record rec;
	int fd = cli_alloc(x->h, "ffa", 8192, O_RDWR);
	uint8_t *va = fd >= 0 ? kernel_view(x, fd) : NULL;

	if (!va) {
		XT_FAIL(x, "ffa buffer: %d", fd);
	}
	memcpy(va, CLI_HELLO, sizeof(CLI_HELLO));
	if (!offer_cycle(x, TZS_VSOCK_PORT_READER, fd, VSOCK_SHMEM_LEND, 8192,
			 va, &rec)) {
		return false;
	}
	if (cli_child_faults(va) || rec.fnv32 != fnv(va, 8192)) {
		XT_FAIL(x, "after REVOKE: not readable or checksum differs");
	}
	return tzs_dmabuf_close(x->h, fd) == 0;
}

static bool xt_shm_send_secure(struct xt *x)
{
	static const char *const heaps[] = { "protected,secure-video",
					     "protected,trusted-ui",
					     "protected,secure-video-record" };
	struct cli_record rec;
	unsigned int i = 0;

	for (i = 0; i < 3; i++) {
		int fd = cli_alloc(x->h, heaps[i], 12288, O_RDWR);

		if (fd < 0) {
			XT_FAIL(x, "%s: %s", heaps[i], strerror(-fd));
		}
		if (!offer_cycle(x, TZS_VSOCK_PORT_READER, fd,
				 VSOCK_SHMEM_SEND_SECURE, 12288, NULL, &rec)) {
			return false;
		}
		XT_EXPECT(x, tzs_dmabuf_close(x->h, fd), 0, "free (reclaim)");
	}
	return true;
}

static bool xt_shm_transform(struct xt *x)
{
	static const char text[] = "hello from the normal world";
	static const char want[] = "HELLO FROM THE NORMAL WORLD";
	struct cli_record rec;
	int fd = -1;
	uint8_t *va = system_buffer(x, &fd);

	if (!va) {
		XT_FAIL(x, "system buffer: %d", fd);
	}
	memcpy(va, text, sizeof(text));
	if (!offer_cycle(x, TZS_VSOCK_PORT_TRANSFORM, fd, VSOCK_SHMEM_SHARE,
			 4096, va, &rec)) {
		return false;
	}
	if (memcmp(va, want, sizeof(want)) || rec.fnv32 != fnv(va, 4096)) {
		XT_FAIL(x, "buffer after transform: \"%.30s\"", va);
	}
	return tzs_dmabuf_close(x->h, fd) == 0;
}

static bool xt_shm_revoke_on_close(struct xt *x)
{
	int fd = cli_alloc(x->h, "ffa", 4096, O_RDWR);
	int sd = cli_connect(x->n, TZS_VSOCK_PORT_READER, VSOCK_TYPE_STREAM);
	uint8_t *va = fd >= 0 ? kernel_view(x, fd) : NULL;
	struct cli_record rec;

	if (!va || sd < 0) {
		XT_FAIL(x, "setup: fd %d sd %d", fd, sd);
	}
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, fd, 0),
		  0, "OFFER");
	XT_EXPECT(x, cli_record_recv(x->n, sd, &rec), 0, "record");
	if (!cli_child_faults(va)) {
		XT_FAIL(x, "lent buffer readable");
	}
	XT_EXPECT(x, tzs_nwd_close(x->n, sd), 0, "close with a live offer");
	if (cli_child_faults(va)) {
		XT_FAIL(x, "buffer still lent after close");
	}
	/* Free to be offered again. */
	if (!offer_cycle(x, TZS_VSOCK_PORT_READER, fd, VSOCK_SHMEM_LEND, 4096,
			 va, &rec)) {
		return false;
	}
	return tzs_dmabuf_close(x->h, fd) == 0;
}

static bool xt_neg_offer_errors(struct xt *x)
{
	int sys = cli_alloc(x->h, "system", 4096, O_RDWR);
	int other = cli_alloc(x->h, "system", 4096, O_RDWR);
	int sd = cli_connect(x->n, TZS_VSOCK_PORT_READER, VSOCK_TYPE_STREAM);
	int unconnected = tzs_nwd_socket(x->n, VSOCK_TYPE_STREAM, 0);
	struct cli_record rec;

	if (sys < 0 || other < 0 || sd < 0 || unconnected < 0) {
		XT_FAIL(x, "setup");
	}
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, 999, 0),
		  -EBADF, "OFFER of a bad fd");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, sys,
				TZS_VSOCK_SHMEM_KIND_LEND),
		  -EINVAL, "system buffer asked to be lent");
	XT_EXPECT(x, tzs_nwd_shmem(x->n, sd, 7, sys, 0), -EINVAL,
		  "unknown subop");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, unconnected, TZS_VSOCK_SHMEM_SUBOP_OFFER,
				sys, 0),
		  -ENOTCONN, "OFFER on an unconnected socket");
	XT_EXPECT(
		x,
		tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, other, 0),
		-ENOENT, "REVOKE of a buffer never offered");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, sys, 0),
		  0, "OFFER");
	XT_EXPECT(x, cli_record_recv(x->n, sd, &rec), 0, "record");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, sys, 0),
		  -EBUSY, "second OFFER of the same buffer");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, sys, 0),
		  0, "REVOKE");
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, sys, 0),
		  -ENOENT, "second REVOKE");
	tzs_nwd_close(x->n, sd);
	tzs_nwd_close(x->n, unconnected);
	tzs_dmabuf_close(x->h, sys);
	tzs_dmabuf_close(x->h, other);
	return true;
}

static bool xt_neg_peer_rejects(struct xt *x)
{
	int ro = cli_alloc(x->h, "system", 4096, O_RDONLY);
	int sd = cli_connect(x->n, TZS_VSOCK_PORT_TRANSFORM, VSOCK_TYPE_STREAM);
	struct tzs_dmabuf *b = NULL;

	if (ro < 0 || sd < 0) {
		XT_FAIL(x, "setup: %d %d", ro, sd);
	}
	/* The transform service writes: a read-only buffer is refused. */
	XT_EXPECT(x,
		  tzs_nwd_shmem(x->n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, ro, 0),
		  -ECONNREFUSED, "read-only OFFER to the transform service");
	XT_EXPECT(x, tzs_nwd_offers(x->n, sd), 0, "offers left");
	b = tzs_dmabuf_get(x->h, ro, NULL);
	if (!b || tzs_dmabuf_busy(b)) {
		XT_FAIL(x, "buffer still marked offered");
	}
	tzs_dmabuf_put(x->h, b);
	tzs_nwd_close(x->n, sd);
	return tzs_dmabuf_close(x->h, ro) == 0;
}

static bool xt_neg_socket_errors(struct xt *x)
{
	int sd = tzs_nwd_socket(x->n, VSOCK_TYPE_STREAM, 0);
	char c = 0;

	XT_EXPECT(x, tzs_nwd_connect(x->n, sd, VSOCK_CID_HOST, 4999),
		  -ECONNRESET, "connect to a port nobody listens on");
	tzs_nwd_close(x->n, sd);
	sd = tzs_nwd_socket(x->n, VSOCK_TYPE_STREAM, 0);
	XT_EXPECT(x, tzs_nwd_send(x->n, sd, &c, 1, 0), -ENOTCONN,
		  "send on an unconnected socket");
	XT_EXPECT(x, tzs_nwd_socket(x->n, 3, 0), -ESOCKTNOSUPPORT, "SOCK_RAW");
	tzs_nwd_close(x->n, sd);
	sd = cli_connect(x->n, TZS_VSOCK_PORT_ECHO, VSOCK_TYPE_STREAM);
	XT_EXPECT(x, tzs_nwd_shutdown(x->n, sd, 1), 0, "shutdown(SHUT_WR)");
	XT_EXPECT(x, tzs_nwd_send(x->n, sd, &c, 1, 0), -EPIPE,
		  "send after SHUT_WR");
	XT_EXPECT(x, tzs_nwd_recv(x->n, sd, &c, 1, 0), 0,
		  "echo closes its side: EOF");
	tzs_nwd_close(x->n, sd);
	XT_EXPECT(x, tzs_nwd_close(x->n, sd), -EBADF, "double close");
	return true;
}

static bool xt_neg_ffa_mmap(struct xt *x)
{
	int err = 0;
	int fd = cli_alloc(x->h, "ffa", 4096, O_RDWR);
	int pfd = cli_alloc(x->h, "protected,secure-video", 4096, O_RDWR);

	if (fd < 0 || pfd < 0) {
		XT_FAIL(x, "setup %d %d", fd, pfd);
	}
	if (tzs_dmabuf_mmap(x->h, fd, 0, 4096, PROT_READ, &err) ||
	    err != -EINVAL) {
		XT_FAIL(x, "mmap of an ffa buffer: %d", err);
	}
	if (tzs_dmabuf_mmap(x->h, pfd, 0, 4096, PROT_READ, &err) ||
	    err != -EINVAL) {
		XT_FAIL(x, "mmap of a protected buffer: %d", err);
	}
	tzs_dmabuf_close(x->h, fd);
	tzs_dmabuf_close(x->h, pfd);
	return true;
}

/* While a protected pool is lent, no byte of it is mapped in this VM. */
static bool xt_protected_unmapped(struct xt *x)
{
	int fd = cli_alloc(x->h, "protected,trusted-ui", 4096, O_RDWR);
	struct tzs_dmabuf_info bi;
	struct tzs_dmabuf *b = NULL;
	char line[512];
	uint8_t *va = NULL;
	FILE *f = NULL;
	bool ok = true;

	if (fd < 0 || !(b = tzs_dmabuf_get(x->h, fd, NULL))) {
		XT_FAIL(x, "setup %d", fd);
	}
	tzs_dmabuf_info(b, &bi);
	tzs_dmabuf_put(x->h, b);
	va = tzs_ep_pa(x->w->vm, bi.pool_pa, 4096);
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo = 0, hi = 0, ino = 1;
		char perm[8] = "";

		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &lo, &hi, perm,
			   &ino) != 4) {
			continue;
		}
		if ((uintptr_t)va >= lo && (uintptr_t)va < hi &&
		    (ino != 0 || strcmp(perm, "---p"))) {
			ok = false;
		}
	}
	if (f) {
		fclose(f);
	}
	tzs_dmabuf_close(x->h, fd);
	if (!f || !ok) {
		XT_FAIL(x, "pool memory mapped in the VM: %.100s", line);
	}
	return true;
}

struct xt_case {
	const char *name;
	bool (*fn)(struct xt *x);
	const char *what;
};

static const struct xt_case cases[] = {
	{ "n_2005", xt_echo, "vsock echo, 1 B .. 64 KiB" },
	{ "shm_share", xt_shm_share, "system buffer SHARE, reader, REVOKE" },
	{ "shm_lend", xt_shm_lend, "ffa buffer LEND, faults while lent" },
	{ "shm_send_secure", xt_shm_send_secure,
	  "protected,* SEND_SECURE x3 use cases" },
	{ "shm_transform", xt_shm_transform,
	  "secure side writes a shared buffer" },
	{ "shm_revoke_on_close", xt_shm_revoke_on_close,
	  "close revokes live offers" },
	{ "neg_offer_errors", xt_neg_offer_errors,
	  "EBADF EINVAL ENOTCONN ENOENT EBUSY" },
	{ "neg_peer_rejects", xt_neg_peer_rejects,
	  "OFFER_REJECT: ECONNREFUSED" },
	{ "neg_socket_errors", xt_neg_socket_errors,
	  "ECONNRESET ENOTCONN EPIPE EBADF" },
	{ "neg_mmap", xt_neg_ffa_mmap, "ffa / protected mmap: EINVAL" },
	{ "protected_unmapped", xt_protected_unmapped,
	  "lent pool absent from /proc/self/maps" },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static bool selected(const char *name, int argc, char **argv)
{
	int i = 0;

	if (argc == 0) {
		return true;
	}
	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (!strcmp(argv[i], name) || (l && argv[i][l - 1] == '_' &&
					       !strncmp(argv[i], name, l))) {
			return true;
		}
	}
	return false;
}

int cli_xtest(int argc, char **argv)
{
	struct cli_world w;
	struct xt x;
	unsigned int i = 0, run = 0, passed = 0;
	int rc = 0;

	for (i = 0; i < (unsigned int)argc; i++) {
		bool known = false;

		for (unsigned int c = 0; c < NCASES; c++) {
			known = known || selected(cases[c].name, 1, &argv[i]);
		}
		if (!known) {
			fprintf(stderr, "xtest: no case %s\n", argv[i]);
			return 2;
		}
	}
	rc = cli_world_start(&w, true);
	if (rc) {
		cli_world_stop(&w);
		printf("xtest: FAIL (could not start: %d)\n", rc);
		return 1;
	}
	memset(&x, 0, sizeof(x));
	x.w = &w;
	x.n = w.n;
	x.h = w.h;
	printf("tzshare xtest\n  %-22s %-40s %-6s %9s\n", "case", "what",
	       "result", "time");
	for (i = 0; i < NCASES; i++) {
		uint64_t t = 0;
		bool ok = false;

		if (!selected(cases[i].name, argc, argv)) {
			continue;
		}
		x.why[0] = '\0';
		cli_secure_forget(&w);
		t = cli_now_us();
		ok = cases[i].fn(&x);
		run++;
		passed += ok;
		printf("  %-22s %-40s %-6s %6.1f ms\n", cases[i].name,
		       cases[i].what, ok ? "ok" : "FAIL",
		       (double)(cli_now_us() - t) / 1000.0);
		if (!ok) {
			printf("      %s\n", x.why[0] ? x.why : "failed");
		}
		fflush(stdout);
	}
	cli_world_stop(&w);
	printf("xtest: %u run, %u passed, %u failed\n", run, passed,
	       run - passed);
	return passed == run ? 0 : 1;
}
