// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-msg transport message round trip across processes: one
 * GET_DEVICE_STATUS to the echo device of tzshare-sp (VM -> SPMC -> SP ->
 * SPMC -> VM), carried by DIRECT_REQ2 and by FFA_MSG_SEND2 + FFA_RUN,
 * against the bare FF-A direct-request round trip (DIRECT_REQ2 to the echo
 * service) measured in the same run, interleaved with it. The difference is the cost of the
 * codec, token matching, the SP's backend lock and the transport. Medians
 * of per-iteration timings.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/nwd.h>
#include <tzshare/platform.h>
#include <tzshare/vmsg_host.h>

#include "bench_util.h"

#define ITERS 20000
#define ITERS_INDIRECT 5000
#define WARMUP 500

static uint64_t samples[ITERS];
static uint64_t samples2[ITERS];

static void ffa_once(struct tzs_vcpu *v)
{
	uint64_t args[14] = { 1, 2, 3 }, ret[14];

	if (tzs_vcpu_direct_req2(v, 0x8001, TZS_UUID_ECHO, args, ret)) {
		fprintf(stderr, "direct request failed\n");
		exit(1);
	}
}

static void vmsg_once(struct tzs_vmsg_echo *e)
{
	uint32_t status = 0;

	if (tzs_vmsg_echo_status(e, &status) ||
	    !(status & VIRTIO_STATUS_DRIVER_OK)) {
		fprintf(stderr, "GET_DEVICE_STATUS failed\n");
		exit(1);
	}
}

/*
 * Alternate one bare FF-A round trip and one virtio-msg round trip, so
 * that both medians see the same machine load (the machine is shared).
 * Returns the virtio-msg median; *ffa gets the FF-A one.
 */
static double vmsg_rtt_us(struct tzs_ep *vm, bool indirect, unsigned int n,
			  double *ffa)
{
	struct tzs_vmsg_bus_opts o;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vcpu *v = tzs_ep_vcpu(vm, 0);
	double r = 0;
	unsigned int i = 0;

	memset(&o, 0, sizeof(o));
	o.indirect = indirect;
	o.dynamic = true; /* no pool needed */
	if (tzs_vmsg_bus_open(vm, &o, &b) || tzs_vmsg_echo_open(b, 1, 16, &e)) {
		fprintf(stderr, "bus/echo open failed\n");
		exit(1);
	}
	for (i = 0; i < n + WARMUP; i++) {
		uint64_t t0 = bench_now_ns(), t1 = 0;

		ffa_once(v);
		t1 = bench_now_ns();
		vmsg_once(e);
		if (i >= WARMUP) {
			samples[i - WARMUP] = t1 - t0;
			samples2[i - WARMUP] = bench_now_ns() - t1;
		}
	}
	*ffa = bench_median_us(samples, n);
	r = bench_median_us(samples2, n);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	return r;
}

int main(void)
{
	struct tzs_launch l;
	struct tzs_launch_opts lo = { 0 };
	struct tzs_ep *vm = NULL;
	double ffa = 0, ffa2 = 0, direct = 0, indirect = 0;
	int rc = 0;

	signal(SIGPIPE, SIG_IGN);
	rc = tzs_launch_start(&lo, &l);
	if (rc || tzs_vm_attach(tzs_launch_take_vm(&l, 1), NULL, &vm)) {
		fprintf(stderr, "platform start failed\n");
		return 1;
	}
	direct = vmsg_rtt_us(vm, false, ITERS, &ffa);
	indirect = vmsg_rtt_us(vm, true, ITERS_INDIRECT, &ffa2);
	bench_line("vmsg_get_status_rtt_direct", direct, ffa, "us");
	bench_line("vmsg_get_status_rtt_indirect", indirect, ffa2, "us");
	tzs_ep_detach(vm);
	tzs_launch_stop(&l, 5000);
	return 0;
}
