// SPDX-License-Identifier: BSD-2-Clause
/*
 * Direct-request round trip VM -> SPMC -> SP -> SPMC -> VM across three
 * processes, against the floor measured in the same run: two AF_UNIX
 * SEQPACKET request/response round trips of 144-byte frames between two
 * processes (a brokered call is four messages, i.e. two round trips).
 * Reported as medians of per-iteration timings.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tzshare/conduit.h>
#include <tzshare/nwd.h>
#include <tzshare/platform.h>

#include "bench_util.h"

#define ITERS 20000
#define WARMUP 500

static uint64_t samples[ITERS];

/* One AF_UNIX SEQPACKET round trip of a 144-byte frame, median. */
static double unix_rtt_us(void)
{
	uint8_t buf[144];
	int sv[2];
	pid_t pid = 0;
	unsigned int i = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		perror("socketpair");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], buf, sizeof(buf)) == sizeof(buf)) {
			if (write(sv[1], buf, sizeof(buf)) != sizeof(buf)) {
				break;
			}
		}
		_exit(0);
	}
	close(sv[1]);
	memset(buf, 0x5A, sizeof(buf));
	for (i = 0; i < ITERS + WARMUP; i++) {
		uint64_t t0 = bench_now_ns();

		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(sv[0], buf, sizeof(buf)) != sizeof(buf)) {
			perror("unix rtt");
			exit(1);
		}
		if (i >= WARMUP) {
			samples[i - WARMUP] = bench_now_ns() - t0;
		}
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return bench_median_us(samples, ITERS);
}

/*
 * The same topology without the SPMC: client -> relay -> server -> relay ->
 * client, 144-byte SEQPACKET frames, three processes. The ratio against it
 * is the SPMC's own cost per call.
 */
static double relay_rtt_us(void)
{
	uint8_t buf[144];
	int a[2], b[2];
	pid_t relay = 0, server = 0;
	unsigned int i = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b)) {
		perror("socketpair");
		exit(1);
	}
	server = fork();
	if (server == 0) {
		close(a[0]);
		close(a[1]);
		close(b[0]);
		while (read(b[1], buf, sizeof(buf)) == sizeof(buf) &&
		       write(b[1], buf, sizeof(buf)) == sizeof(buf)) {
		}
		_exit(0);
	}
	relay = fork();
	if (relay == 0) {
		close(a[0]);
		close(b[1]);
		while (read(a[1], buf, sizeof(buf)) == sizeof(buf) &&
		       write(b[0], buf, sizeof(buf)) == sizeof(buf) &&
		       read(b[0], buf, sizeof(buf)) == sizeof(buf) &&
		       write(a[1], buf, sizeof(buf)) == sizeof(buf)) {
		}
		_exit(0);
	}
	close(a[1]);
	close(b[0]);
	close(b[1]);
	memset(buf, 0x5A, sizeof(buf));
	for (i = 0; i < ITERS + WARMUP; i++) {
		uint64_t t0 = bench_now_ns();

		if (write(a[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(a[0], buf, sizeof(buf)) != sizeof(buf)) {
			perror("relay rtt");
			exit(1);
		}
		if (i >= WARMUP) {
			samples[i - WARMUP] = bench_now_ns() - t0;
		}
	}
	close(a[0]);
	waitpid(relay, NULL, 0);
	waitpid(server, NULL, 0);
	return bench_median_us(samples, ITERS);
}

static double ffa_rtt_us(struct tzs_vcpu *v, bool req2)
{
	uint64_t args[14] = { 1, 2, 3, 4, 5 }, ret[14];
	unsigned int i = 0;

	for (i = 0; i < ITERS + WARMUP; i++) {
		uint64_t t0 = bench_now_ns();
		int rc = req2 ? tzs_vcpu_direct_req2(v, 0x8001, TZS_UUID_ECHO,
						     args, ret) :
				tzs_vcpu_direct_req(v, 0x8001, args, ret);

		if (rc != FFA_OK) {
			fprintf(stderr, "direct request failed: %d\n", rc);
			exit(1);
		}
		if (i >= WARMUP) {
			samples[i - WARMUP] = bench_now_ns() - t0;
		}
	}
	return bench_median_us(samples, ITERS);
}

int main(void)
{
	struct tzs_launch l;
	struct tzs_launch_opts lo = { 0 };
	struct tzs_ep *vm = NULL;
	double floor_us = 0, relay_us = 0, req_us = 0, req2_us = 0;
	int rc = 0, fd = -1;

	signal(SIGPIPE, SIG_IGN);
	floor_us = 2 * unix_rtt_us();
	relay_us = relay_rtt_us();
	rc = tzs_launch_start(&lo, &l);
	if (rc) {
		fprintf(stderr, "launch: %s\n", strerror(-rc));
		return 1;
	}
	fd = tzs_launch_take_vm(&l, 1);
	rc = tzs_vm_attach(fd, NULL, &vm);
	if (rc) {
		fprintf(stderr, "attach: %d\n", rc);
		return 1;
	}
	req_us = ffa_rtt_us(tzs_ep_vcpu(vm, 0), false);
	req2_us = ffa_rtt_us(tzs_ep_vcpu(vm, 0), true);
	bench_line("ffa_direct_req_rtt", req_us, floor_us, "us");
	bench_line("ffa_direct_req2_rtt", req2_us, floor_us, "us");
	bench_line("ffa_direct_req2_rtt_vs_3proc_relay", req2_us, relay_us,
		   "us");
	tzs_ep_detach(vm);
	tzs_launch_stop(&l, 5000);
	return 0;
}
