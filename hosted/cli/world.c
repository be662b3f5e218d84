// SPDX-License-Identifier: BSD-2-Clause
/*
 * The platform the CLI commands run on, and their shared checks.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tzshare/lib.h>
#include <tzshare/nwd.h>
#include <tzshare/vdev_vsock.h>

uint64_t cli_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int cli_world_start(struct cli_world *w, bool vsock)
{
	struct tzs_launch_opts lo = { 0 };
	int pfd[2] = { -1, -1 };
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->sp_out = -1;
	if (pipe2(pfd, O_CLOEXEC)) {
		return -errno;
	}
	lo.stderr_fd = pfd[1];
	rc = tzs_launch_start(&lo, &w->launch);
	close(pfd[1]);
	w->sp_out = pfd[0];
	if (rc) {
		fprintf(stderr, "tzshare: cannot start tzshare-spmc: %s\n",
			strerror(-rc));
		return rc;
	}
	rc = tzs_vm_attach(tzs_launch_take_vm(&w->launch, 1), NULL, &w->vm);
	if (rc) {
		fprintf(stderr, "tzshare: VM attach failed: %d\n", rc);
		return rc;
	}
	if (!vsock) {
		return 0;
	}
	rc = tzs_nwd_vsock_open(w->vm, NULL, &w->n);
	if (rc) {
		fprintf(stderr, "tzshare: vsock stack: %d\n", rc);
		return rc;
	}
	w->h = tzs_nwd_vsock_heaps(w->n);
	return 0;
}

void cli_world_stop(struct cli_world *w)
{
	if (w->n) {
		tzs_nwd_vsock_close(w->n);
		w->n = NULL;
	}
	if (w->vm) {
		tzs_ep_detach(w->vm);
		w->vm = NULL;
	}
	if (w->launch.spmc_pid > 0) {
		(void)tzs_launch_stop(&w->launch, 5000);
	}
	if (w->sp_out >= 0) {
		close(w->sp_out);
		w->sp_out = -1;
	}
}

bool cli_secure_said(struct cli_world *w, const char *needle, int wait_ms)
{
	struct pollfd pfd = { .fd = w->sp_out, .events = POLLIN };
	uint64_t deadline = cli_now_us() + (uint64_t)wait_ms * 1000u;
	ssize_t got = 0;

	for (;;) {
		w->said[w->said_len] = '\0';
		if (strstr(w->said, needle)) {
			return true;
		}
		uint64_t now = cli_now_us();

		if (now >= deadline || w->said_len >= sizeof(w->said) - 1 ||
		    poll(&pfd, 1, (int)((deadline - now) / 1000u) + 1) <= 0) {
			return false;
		}
		got = read(w->sp_out, w->said + w->said_len,
			   sizeof(w->said) - 1 - w->said_len);
		if (got <= 0) {
			return false;
		}
		w->said_len += (size_t)got;
	}
}

void cli_secure_print(struct cli_world *w, const char *indent)
{
	char *line = NULL, *save = NULL;

	w->said[w->said_len] = '\0';
	for (line = strtok_r(w->said, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		printf("%ssecure side says: %s\n", indent, line);
	}
	fflush(stdout);
	cli_secure_forget(w);
}

void cli_secure_forget(struct cli_world *w)
{
	char sink[1024];
	struct pollfd pfd = { .fd = w->sp_out, .events = POLLIN };

	/* Empty the pipe too: a full pipe would block the secure side. */
	while (w->sp_out >= 0 && poll(&pfd, 1, 0) > 0 &&
	       read(w->sp_out, sink, sizeof(sink)) > 0) {
	}
	w->said_len = 0;
	w->said[0] = '\0';
}

bool cli_child_faults(const volatile uint8_t *p)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		volatile uint8_t x = 0;

		/* A plain fault, even under a sanitizer's SIGSEGV handler. */
		signal(SIGSEGV, SIG_DFL);
		x = *p;
		(void)x;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		return false;
	}
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

int cli_connect(struct tzs_nwd_vsock *n, uint32_t port, int type)
{
	int sd = tzs_nwd_socket(n, type, 0);
	int rc = 0;

	if (sd < 0) {
		return sd;
	}
	rc = tzs_nwd_connect(n, sd, VSOCK_CID_HOST, port);
	if (rc) {
		tzs_nwd_close(n, sd);
		return rc;
	}
	return sd;
}

int cli_alloc(struct tzs_heaps *h, const char *name, uint64_t len,
	      uint32_t fd_flags)
{
	struct tzs_dma_heap_allocation_data d = { .len = len,
						  .fd_flags = fd_flags };
	int heap = tzs_heap_open(h, name);
	int rc = 0;

	if (heap < 0) {
		return heap;
	}
	rc = tzs_heap_ioctl_alloc(h, heap, &d);
	return rc ? rc : (int)d.fd;
}

int cli_record_recv(struct tzs_nwd_vsock *n, int sd, struct cli_record *r)
{
	uint8_t b[VDEV_VSOCK_SHM_RECORD];
	long got = tzs_nwd_recv(n, sd, b, sizeof(b), VSK_MSG_WAITALL);

	if (got < 0) {
		return (int)got;
	}
	if (got != (long)sizeof(b)) {
		return -EPROTO;
	}
	r->offer_id = le64_get(b);
	r->size = le64_get(b + 8);
	r->fnv32 = le32_get(b + 16);
	r->kind = le32_get(b + 20);
	return 0;
}
