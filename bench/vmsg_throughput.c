// SPDX-License-Identifier: BSD-2-Clause
/*
 * Virtqueue throughput over the hosted virtio-msg FF-A bus: the echo device
 * of tzshare-sp copies each request's source into its destination; the VM
 * keeps a batch of requests in flight (submit all, one kick, reap all).
 *
 *   static   buffers bounced through a pool shared once (architecture.md
 *            §4): one copy each way in the VM, no FF-A call per buffer;
 *   dynamic  each source and destination shared as its own area and
 *            unshared after use: zero copy in the VM, FF-A calls per
 *            buffer (MEM_SHARE, AREA_SHARE -> retrieve, AREA_UNSHARE ->
 *            relinquish, MEM_RECLAIM).
 *
 * Baseline: memcpy of the same bytes between the same buffers. Also
 * reported: FF-A calls per buffer at 4 KiB (SPMC call counter over the
 * run: every call any partition made) and the size from which dynamic
 * beats static. Buffers are page aligned, one slot each (dynamic mode
 * shares whole pages, one live transaction per page).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <tzshare/nwd.h>
#include <tzshare/platform.h>
#include <tzshare/vmsg_host.h>

#include "bench_util.h"

#define POOL_PAGES 32768u /* 128 MiB */
#define MODES 2
#define SIZES 6
#define REPEATS 3

/* The four sizes of the brief, then two more to look for the crossover. */
static const uint32_t sizes[SIZES] = {
	64, 4096, 65536, 1u << 20, 4u << 20, 16u << 20,
};
static const char *const size_names[SIZES] = {
	"64B", "4KiB", "64KiB", "1MiB", "4MiB", "16MiB",
};

struct run {
	double mbps;
	double calls_per_buf;
	double xfers_per_buf;
};

static void die(const char *what, int rc)
{
	fprintf(stderr, "vmsg_throughput: %s failed (%d)\n", what, rc);
	exit(1);
}

/* Requests in flight per batch: dynamic mode is bounded by the area table
 * (two areas each + the ring: 33 of 64), both by memory for big buffers. */
static uint32_t depth(bool dynamic, uint32_t size)
{
	if (size >= (4u << 20)) {
		return 2;
	}
	if (dynamic) {
		return 16;
	}
	return size >= (1u << 20) ? 8 : 32;
}

/* Requests per run: ~512 MiB (static) / 64 MiB (dynamic) of payload,
 * within [256, 65536 | 4096]. */
static uint32_t count(bool dynamic, uint32_t size)
{
	uint64_t n = (dynamic ? 64ull : 512ull) * 1024 * 1024 / size;
	uint64_t max = dynamic ? 4096u : 65536u;

	if (n < 256) {
		n = 256;
	}
	return (uint32_t)(n > max ? max : n);
}

static uint64_t slot_bytes(uint32_t size)
{
	return size < 4096 ? 4096 : size;
}

static double memcpy_mbps(const struct tzs_vmsg_dma *d, uint32_t size,
			  uint32_t slots, uint32_t n)
{
	uint64_t slot = slot_bytes(size), t0 = 0;
	uint32_t i = 0;

	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		uint32_t s = i % slots;

		memcpy(d->va + (uint64_t)(slots + s) * slot,
		       d->va + (uint64_t)s * slot, size);
		__asm__ __volatile__("" ::: "memory");
	}
	return (double)size * n / 1e6 / ((double)(bench_now_ns() - t0) / 1e9);
}

static void batch(struct tzs_vmsg_echo *e, const struct tzs_vmsg_dma *d,
		  uint32_t size, uint32_t slots, uint32_t n)
{
	uint64_t slot = slot_bytes(size);
	uint32_t i = 0, got = 0;
	void *tok = NULL;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct tzs_vmsg_echo_req r = {
			.src = d->va + (uint64_t)i * slot,
			.src_pa = d->pa + (uint64_t)i * slot,
			.dst = d->va + (uint64_t)(slots + i) * slot,
			.dst_pa = d->pa + (uint64_t)(slots + i) * slot,
			.len = size,
			.token = d->va,
		};

		rc = tzs_vmsg_echo_submit(e, &r);
		if (rc) {
			die("submit", rc);
		}
	}
	rc = tzs_vmsg_echo_kick(e);
	if (rc) {
		die("kick", rc);
	}
	for (i = 0; i < n; i++) {
		rc = tzs_vmsg_echo_reap(e, &tok, &got, 30000);
		if (rc != 1 || got != size) {
			die("reap", rc);
		}
	}
}

static struct run measure(struct tzs_ep *vm, bool dynamic, uint32_t size,
			  double *base_mbps)
{
	struct tzs_vmsg_bus_opts o = { .dynamic = dynamic,
				       .pool_page_count = POOL_PAGES };
	uint32_t d_n = depth(dynamic, size), total = count(dynamic, size);
	struct tzs_vmsg_bus_stats b0, b1;
	struct tzs_host_stats h0, h1;
	struct tzs_vmsg_bus *b = NULL;
	struct tzs_vmsg_echo *e = NULL;
	struct tzs_vmsg_dma d;
	struct run r = { 0 };
	uint32_t done = 0, n = 0;
	uint64_t t0 = 0, t1 = 0;
	int rc = tzs_vmsg_bus_open(vm, &o, &b);

	if (rc) {
		die("bus open", rc);
	}
	rc = tzs_vmsg_echo_open(b, 1, 256, &e);
	if (rc) {
		die("echo open", rc);
	}
	if (tzs_vmsg_dma_alloc(b, 2 * d_n * slot_bytes(size), &d)) {
		die("dma alloc", -1);
	}
	memset(d.va, 0x5A, d.len);
	batch(e, &d, size, d_n, d_n); /* warm up: mappings, caches */
	tzs_vmsg_bus_get_stats(b, &b0);
	tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &h0);
	t0 = bench_now_ns();
	for (done = 0; done < total; done += n) {
		n = total - done < d_n ? total - done : d_n;
		batch(e, &d, size, d_n, n);
	}
	t1 = bench_now_ns();
	tzs_vcpu_stats(tzs_ep_vcpu(vm, 0), &h1);
	tzs_vmsg_bus_get_stats(b, &b1);
	r.mbps = (double)size * total / 1e6 / ((double)(t1 - t0) / 1e9);
	r.calls_per_buf = (double)(h1.calls - h0.calls) / total;
	r.xfers_per_buf = (double)(b1.xfers - b0.xfers) / total;
	*base_mbps = memcpy_mbps(&d, size, d_n, total);
	tzs_vmsg_dma_free(b, &d);
	tzs_vmsg_echo_close(e);
	tzs_vmsg_bus_close(b);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The run with the median throughput of REPEATS, static and dynamic runs
 * alternating so that both modes see the same machine load.
 */
static void measure_size(struct tzs_ep *vm, unsigned int s,
			 struct run out[MODES], double base[MODES])
{
	struct run r[MODES][REPEATS];
	double b[MODES][REPEATS], v[REPEATS];
	unsigned int m = 0, i = 0, k = 0;

	for (i = 0; i < REPEATS; i++) {
		for (m = 0; m < MODES; m++) {
			r[m][i] = measure(vm, m == 1, sizes[s], &b[m][i]);
		}
	}
	for (m = 0; m < MODES; m++) {
		for (i = 0; i < REPEATS; i++) {
			v[i] = r[m][i].mbps;
		}
		qsort(v, REPEATS, sizeof(v[0]), cmp_double);
		for (i = 0; i < REPEATS; i++) {
			if (r[m][i].mbps == v[REPEATS / 2]) {
				k = i;
			}
		}
		out[m] = r[m][k];
		for (i = 0; i < REPEATS; i++) {
			v[i] = b[m][i];
		}
		qsort(v, REPEATS, sizeof(v[0]), cmp_double);
		base[m] = v[REPEATS / 2];
	}
}

int main(void)
{
	static const char *const mode_names[MODES] = { "static", "dynamic" };
	struct tzs_launch l;
	struct tzs_launch_opts lo = { 0 };
	struct tzs_ep *vm = NULL;
	struct run runs[SIZES][MODES];
	double base[SIZES][MODES];
	char name[96];
	int crossover = -1;
	unsigned int m = 0, s = 0;

	signal(SIGPIPE, SIG_IGN);
	if (tzs_launch_start(&lo, &l) ||
	    tzs_vm_attach(tzs_launch_take_vm(&l, 1), NULL, &vm)) {
		fprintf(stderr, "platform start failed\n");
		return 1;
	}
	for (s = 0; s < SIZES; s++) {
		measure_size(vm, s, runs[s], base[s]);
		for (m = 0; m < MODES; m++) {
			snprintf(name, sizeof(name), "vmsg_echo_%s_%s",
				 mode_names[m], size_names[s]);
			bench_line(name, runs[s][m].mbps, base[s][m], "MB/s");
		}
	}
	/* Crossover: the smallest size from which dynamic wins at every
	 * larger size measured. */
	for (s = SIZES; s-- > 0;) {
		if (runs[s][1].mbps <= runs[s][0].mbps) {
			break;
		}
		crossover = (int)s;
	}
	/* Baseline 1: the goal is well under one FF-A call per buffer. */
	for (m = 0; m < MODES; m++) {
		snprintf(name, sizeof(name), "vmsg_ffa_calls_per_buf_%s_4KiB",
			 mode_names[m]);
		bench_line(name, runs[1][m].calls_per_buf, 1.0, "calls");
		snprintf(name, sizeof(name), "vmsg_bus_msgs_per_buf_%s_4KiB",
			 mode_names[m]);
		bench_line(name, runs[1][m].xfers_per_buf, 1.0, "msgs");
	}
	if (crossover >= 0) {
		printf("# dynamic beats static from %s buffers on\n",
		       size_names[crossover]);
	} else {
		printf("# dynamic never beats static up to %s\n",
		       size_names[SIZES - 1]);
	}
	bench_line("vmsg_dynamic_crossover_bytes",
		   crossover >= 0 ? (double)sizes[crossover] : 0.0,
		   (double)sizes[SIZES - 1], "B");
	tzs_ep_detach(vm);
	tzs_launch_stop(&l, 5000);
	return 0;
}
