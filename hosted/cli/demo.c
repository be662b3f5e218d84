// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare demo: the end-to-end story of the seed notes, each step timed.
 *
 *   1. SPMC, secure partition and VM 1 up; the VM's vsock stack opens the
 *      virtio-msg FF-A bus and the virtio-vsock device (guest CID 3).
 *   2. Echo over vsock (the n_2005 service).
 *   3. A `system` dma-buf holding "Hello World!" is offered with
 *      SCM_VSOCK_SHMEM (FFA_MEM_SHARE underneath) to the secure reader,
 *      which prints it; REVOKE hands it back.
 *   4. The same with an `ffa` dma-buf, which is lent (FFA_MEM_LEND): while
 *      it is lent the VM faults reading it; after REVOKE it reads it again.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

struct demo {
	struct cli_world w;
	unsigned int steps;
	unsigned int passed;
};

static void step(struct demo *d, bool ok, uint64_t t_start, const char *what)
{
	d->steps++;
	d->passed += ok;
	printf("  [%s] %-62s %8.2f ms\n", ok ? " ok " : "FAIL", what,
	       (double)(cli_now_us() - t_start) / 1000.0);
	fflush(stdout);
}

static void demo_echo(struct demo *d)
{
	const char msg[] = "ping over vsock from VM 1";
	char back[sizeof(msg)] = { 0 };
	uint64_t t = cli_now_us();
	char what[96];
	int sd = cli_connect(d->w.n, TZS_VSOCK_PORT_ECHO, VSOCK_TYPE_STREAM);
	long got = -1;

	if (sd >= 0 && tzs_nwd_send(d->w.n, sd, msg, sizeof(msg), 0) ==
			       (long)sizeof(msg)) {
		got = tzs_nwd_recv(d->w.n, sd, back, sizeof(back),
				   VSK_MSG_WAITALL);
	}
	snprintf(what, sizeof(what), "vsock echo (CID %llu -> 2:%u): \"%s\"",
		 (unsigned long long)tzs_nwd_vsock_cid(d->w.n),
		 TZS_VSOCK_PORT_ECHO, got == (long)sizeof(msg) ? back : "?");
	step(d, got == (long)sizeof(msg) && !memcmp(msg, back, sizeof(msg)), t,
	     what);
	if (sd >= 0) {
		tzs_nwd_close(d->w.n, sd);
	}
}

/* Put "Hello World!" into the buffer: mmap (system) or the VM kernel's
 * own mapping (ffa buffers cannot be mmapped by applications). */
static uint8_t *demo_fill(struct demo *d, int fd, bool lend)
{
	struct tzs_dmabuf *b = NULL;
	uint8_t *va = NULL;
	int err = 0;

	if (!lend) {
		va = tzs_dmabuf_mmap(d->w.h, fd, 0, 4096,
				     PROT_READ | PROT_WRITE, &err);
	} else if ((b = tzs_dmabuf_get(d->w.h, fd, &err))) {
		va = tzs_dmabuf_vaddr(b);
		tzs_dmabuf_put(d->w.h, b);
	}
	if (va) {
		memcpy(va, CLI_HELLO, sizeof(CLI_HELLO));
	}
	return va;
}

static void demo_offer(struct demo *d, const char *heap)
{
	bool lend = !strcmp(heap, "ffa");
	uint64_t t = cli_now_us();
	struct cli_record rec = { 0 };
	uint8_t *va = NULL;
	char what[128];
	long rc = 0;
	int sd = -1, fd = -1;
	bool ok = false;

	fd = cli_alloc(d->w.h, heap, 4096, O_RDWR);
	va = fd >= 0 ? demo_fill(d, fd, lend) : NULL;
	snprintf(what, sizeof(what), "dma-buf from heap \"%s\" holds \"%s\"",
		 heap, CLI_HELLO);
	step(d, va != NULL, t, what);
	if (!va) {
		return;
	}
	t = cli_now_us();
	sd = cli_connect(d->w.n, TZS_VSOCK_PORT_READER, VSOCK_TYPE_STREAM);
	rc = sd < 0 ? sd :
		      tzs_nwd_shmem(d->w.n, sd, TZS_VSOCK_SHMEM_SUBOP_OFFER, fd,
				    TZS_VSOCK_SHMEM_KIND_HEAP);
	if (rc == 0) {
		rc = cli_record_recv(d->w.n, sd, &rec);
	}
	ok = rc == 0 && rec.size == 4096 && rec.kind == (lend ? 1u : 0u);
	ok = cli_secure_said(&d->w, CLI_HELLO, 2000) && ok;
	snprintf(what, sizeof(what),
		 "SCM_VSOCK_SHMEM OFFER (%s) -> secure reader: %s",
		 lend ? "FFA_MEM_LEND" : "FFA_MEM_SHARE",
		 rc == 0 ? "read it" : strerror((int)-rc));
	step(d, ok, t, what);
	cli_secure_print(&d->w, "         ");
	if (rc) {
		return;
	}
	if (lend) {
		t = cli_now_us();
		step(d, cli_child_faults(va), t,
		     "VM reads the lent buffer: SIGSEGV (no access while lent)");
	}
	t = cli_now_us();
	rc = tzs_nwd_shmem(d->w.n, sd, TZS_VSOCK_SHMEM_SUBOP_REVOKE, fd, 0);
	ok = rc == 0 && !memcmp(va, CLI_HELLO, sizeof(CLI_HELLO)) &&
	     !cli_child_faults(va);
	step(d, ok, t,
	     "REVOKE -> REVOKE_DONE -> AREA_UNSHARE -> RECLAIM: VM's again");
	tzs_nwd_close(d->w.n, sd);
	tzs_dmabuf_close(d->w.h, fd);
}

int cli_demo(void)
{
	struct demo d;
	uint64_t t0 = cli_now_us();
	uint64_t t = t0;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	printf("tzshare demo: a VM and a secure partition, virtio-vsock over "
	       "virtio-msg over FF-A (each a process)\n");
	rc = cli_world_start(&d.w, true);
	step(&d, rc == 0, t,
	     "SPMC, SP 0x8001, VM 1; bus + virtio-vsock device up");
	if (rc == 0) {
		demo_echo(&d);
		demo_offer(&d, "system");
		demo_offer(&d, "ffa");
	}
	t = cli_now_us();
	cli_world_stop(&d.w);
	step(&d, true, t, "shut down");
	printf("demo: %s (%u/%u steps, %.1f ms)\n",
	       d.passed == d.steps ? "PASS" : "FAIL", d.passed, d.steps,
	       (double)(cli_now_us() - t0) / 1000.0);
	return d.passed == d.steps ? 0 : 1;
}
