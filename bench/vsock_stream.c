// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-vsock across processes, VM -> secure partition, against AF_UNIX
 * stream sockets between two processes measured in the same run:
 *
 *   vsock_echo_rtt     64-byte message to the secure echo service and
 *                      back (median), vs the same ping-pong over an
 *                      AF_UNIX socketpair to a child process. Interleaved.
 *   vsock_echo_rtt_vs_ffa_direct_req2  the same echo vs one bare
 *                      DIRECT_REQ2 round trip to the SP, the FF-A call it
 *                      rides on: the cost of the vsock stack itself.
 *   vsock_stream_tput  256 MiB in 64 KiB sends to the secure sink (one
 *                      frame, acknowledged at its end), vs the same to a
 *                      child reading an AF_UNIX socket to EOF. Best of 3.
 *
 * Goals (issue 4): throughput >= 1.0x AF_UNIX, echo RTT <= 2x.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tzshare/conduit.h>
#include <tzshare/lib.h>
#include <tzshare/sp.h>
#include <tzshare/nwd.h>
#include <tzshare/nwd_vsock.h>
#include <tzshare/platform.h>
#include <tzshare/vsock_host.h>

#include "bench_util.h"
#include "bench_vsock.h"

#define RTT_ITERS 5000
#define RTT_WARMUP 200
#define MSG 64
#define CHUNK (1u << 20)
#define TOTAL (256ull << 20)
#define ROUNDS 3

static uint64_t s_vsock[RTT_ITERS], s_unix[RTT_ITERS], s_ffa[RTT_ITERS];
static uint8_t buf[CHUNK];

static void die(const char *what, long rc)
{
	fprintf(stderr, "vsock_stream: %s: %ld\n", what, rc);
	exit(1);
}

static bool full_io(int fd, void *p, size_t n, bool wr)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = wr ? write(fd, b, n) : read(fd, b, n);

		if (k <= 0) {
			return false;
		}
		b += k;
		n -= (size_t)k;
	}
	return true;
}

/* Child: echo MSG-byte messages until EOF. */
static void unix_echo_child(int fd)
{
	uint8_t m[MSG];

	while (full_io(fd, m, MSG, false) && full_io(fd, m, MSG, true)) {
	}
	_exit(0);
}

/* Child: read to EOF, answer the byte count. */
static void unix_sink_child(int fd)
{
	static uint8_t b[CHUNK];
	uint64_t total = 0;
	ssize_t k = 0;

	while ((k = read(fd, b, sizeof(b))) > 0) {
		total += (uint64_t)k;
	}
	full_io(fd, &total, sizeof(total), true);
	_exit(0);
}

static pid_t fork_child(int *fd, void (*child)(int))
{
	int sv[2];
	pid_t pid = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		die("socketpair", errno);
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child(sv[1]);
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

/* One bare FF-A round trip VM -> SP -> VM: DIRECT_REQ2 to the echo UUID. */
static void ffa_once(struct tzs_vcpu *v)
{
	uint64_t args[14] = { 1, 2, 3 }, ret[14];

	if (tzs_vcpu_direct_req2(v, 0x8001, TZS_UUID_ECHO, args, ret)) {
		die("direct request", 0);
	}
}

static void bench_rtt(struct tzs_ep *vm, struct tzs_nwd_vsock *n)
{
	/* vCPU 1 is the heaps' and idle here; the bus uses vCPU 0. */
	struct tzs_vcpu *v = tzs_ep_vcpu(vm, 1);
	uint8_t m[MSG], back[MSG];
	int ufd = -1;
	pid_t pid = fork_child(&ufd, unix_echo_child);
	int sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	unsigned int i = 0;
	long rc = 0;

	memset(m, 0x5a, sizeof(m));
	rc = tzs_nwd_connect(n, sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO);
	if (rc || !v) {
		die("connect echo", rc);
	}
	/* Interleaved, so that the three medians see the same load. */
	for (i = 0; i < RTT_WARMUP + RTT_ITERS; i++) {
		uint64_t t0 = bench_now_ns(), t1 = 0, t2 = 0;

		if (tzs_nwd_send(n, sd, m, MSG, 0) != MSG ||
		    tzs_nwd_recv(n, sd, back, MSG, VSK_MSG_WAITALL) != MSG) {
			die("vsock echo", i);
		}
		t1 = bench_now_ns();
		if (!full_io(ufd, m, MSG, true) ||
		    !full_io(ufd, back, MSG, false)) {
			die("unix echo", i);
		}
		t2 = bench_now_ns();
		ffa_once(v);
		if (i >= RTT_WARMUP) {
			s_vsock[i - RTT_WARMUP] = t1 - t0;
			s_unix[i - RTT_WARMUP] = t2 - t1;
			s_ffa[i - RTT_WARMUP] = bench_now_ns() - t2;
		}
	}
	tzs_nwd_close(n, sd);
	close(ufd);
	waitpid(pid, NULL, 0);
	double vs = bench_median_us(s_vsock, RTT_ITERS);

	bench_line("vsock_echo_rtt", vs, bench_median_us(s_unix, RTT_ITERS),
		   "us");
	/* What the vsock stack adds to the FF-A round trip it rides on. */
	bench_line("vsock_echo_rtt_vs_ffa_direct_req2", vs,
		   bench_median_us(s_ffa, RTT_ITERS), "us");
}

static double vsock_tput_once(struct tzs_nwd_vsock *n)
{
	uint8_t rec[24];
	uint64_t sent = 0, t0 = 0;
	int sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);
	long rc = tzs_nwd_connect(n, sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_SINK);

	if (rc) {
		die("connect sink", rc);
	}
	t0 = bench_now_ns();
	/* The sink takes frames: le64 length, then the bytes. */
	le64_put(rec, TOTAL);
	if (tzs_nwd_send(n, sd, rec, 8, 0) != 8) {
		die("frame header", 0);
	}
	while (sent < TOTAL) {
		rc = tzs_nwd_send(n, sd, buf, CHUNK, 0);
		if (rc <= 0) {
			die("vsock send", rc);
		}
		sent += (uint64_t)rc;
	}
	rc = tzs_nwd_recv(n, sd, rec, sizeof(rec), VSK_MSG_WAITALL);
	if (rc != (long)sizeof(rec) || le64_get(rec + 8) != TOTAL) {
		die("sink acknowledgement", rc);
	}
	double s = (double)(bench_now_ns() - t0) / 1e9;

	tzs_nwd_close(n, sd);
	return (double)TOTAL / s / 1e6;
}

static double unix_tput_once(void)
{
	uint64_t total = 0, sent = 0, t0 = 0;
	int fd = -1;
	pid_t pid = fork_child(&fd, unix_sink_child);

	t0 = bench_now_ns();
	while (sent < TOTAL) {
		if (!full_io(fd, buf, CHUNK, true)) {
			die("unix send", (long)sent);
		}
		sent += CHUNK;
	}
	shutdown(fd, SHUT_WR);
	if (!full_io(fd, &total, sizeof(total), false) || total != TOTAL) {
		die("unix sink", (long)total);
	}
	double s = (double)(bench_now_ns() - t0) / 1e9;

	close(fd);
	waitpid(pid, NULL, 0);
	return (double)TOTAL / s / 1e6;
}

static void bench_tput(struct tzs_nwd_vsock *n)
{
	double best_v = 0, best_u = 0;
	unsigned int r = 0;

	memset(buf, 0xa5, sizeof(buf));
	for (r = 0; r < ROUNDS; r++) {
		double v = vsock_tput_once(n), u = unix_tput_once();

		best_v = v > best_v ? v : best_v;
		best_u = u > best_u ? u : best_u;
	}
	bench_line("vsock_stream_tput", best_v, best_u, "MB/s");
}

int main(void)
{
	struct bench_vsock b;

	bench_vsock_start(&b);
	bench_rtt(b.vm, b.n);
	bench_tput(b.n);
	bench_vsock_stop(&b);
	return 0;
}
