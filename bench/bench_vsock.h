/* SPDX-License-Identifier: BSD-2-Clause */
/* The platform the vsock benchmarks run on: SPMC + SP + VM 1 with its
 * normal-world vsock stack. */
#ifndef TZS_BENCH_VSOCK_H
#define TZS_BENCH_VSOCK_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <tzshare/nwd.h>
#include <tzshare/nwd_vsock.h>
#include <tzshare/platform.h>

struct bench_vsock {
	struct tzs_launch l;
	struct tzs_ep *vm;
	struct tzs_nwd_vsock *n;
};

static inline void bench_vsock_start(struct bench_vsock *b)
{
	struct tzs_launch_opts lo = { 0 };
	int rc = 0;

	signal(SIGPIPE, SIG_IGN);
	/* The reader prints a line per offer: keep the output to bench lines. */
	lo.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	rc = tzs_launch_start(&lo, &b->l);
	if (!rc) {
		rc = tzs_vm_attach(tzs_launch_take_vm(&b->l, 1), NULL, &b->vm);
	}
	if (!rc) {
		rc = tzs_nwd_vsock_open(b->vm, NULL, &b->n);
	}
	if (rc) {
		fprintf(stderr, "bench: SPMC / VM / vsock stack: %d\n", rc);
		exit(1);
	}
}

static inline void bench_vsock_stop(struct bench_vsock *b)
{
	tzs_nwd_vsock_close(b->n);
	tzs_ep_detach(b->vm);
	tzs_launch_stop(&b->l, 5000);
}

#endif
