// SPDX-License-Identifier: BSD-2-Clause
/*
 * SPMC memory-transaction cost, in process (the core's own work, no IPC):
 * one cycle = MEM_SHARE (+FRAG_TX) by a VM, RETRIEVE_REQ (+FRAG_RX) by an
 * SP, RELINQUISH, RECLAIM. For 1, 16, 256, 4096 and 65536 pages, as one
 * contiguous range and scattered (one constituent per page, forcing
 * fragmentation both ways). Baseline: memcpy of the same number of bytes,
 * measured in the same run (what copying instead of sharing would cost).
 * Also: a retrieve/relinquish cycle with 10,000 other live handles vs with
 * none (lookups must not slow down: ratio ~ 1).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <tzshare/ffa.h>
#include <tzshare/spmc.h>

#include "bench_util.h"

#define VM 0x0001
#define SP 0x8001
#define VM_BASE 0x80000000ull
#define VM_PAGES (65536ull * 2 + 64)
#define SP_BASE 0x10000000ull
#define SP_PAGES 64ull
#define MB_PAGES 16u
#define MB_SIZE (MB_PAGES * 4096u)

static uint8_t *vm_mem, *sp_mem;

static void *b_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return calloc(1, len);
}

static void b_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static uint8_t *b_p2v(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	(void)len;
	if (pa >= VM_BASE) {
		return vm_mem + (pa - VM_BASE);
	}
	return sp_mem + (pa - SP_BASE);
}

static const struct spmc_ops ops = { b_alloc, b_free, b_p2v, NULL };

static struct spmc *spmc;

static struct ffa_regs call(uint16_t ep, uint64_t x0, uint64_t x1, uint64_t x2,
			    uint64_t x3, uint64_t x4)
{
	struct ffa_regs in = { .x = { x0, x1, x2, x3, x4 } };
	static struct spmc_output out;

	spmc_call(spmc, ep, 0, &in, &out);
	if (!out.frame_count) {
		fprintf(stderr, "no answer\n");
		exit(1);
	}
	return out.frames[0].regs;
}

static void must(int cond, const char *what, const struct ffa_regs *r)
{
	if (!cond) {
		fprintf(stderr, "%s failed: x0=%#lx x2=%d\n", what,
			(unsigned long)r->x[0], (int)(int32_t)r->x[2]);
		exit(1);
	}
}

static void setup(uint32_t max_shares)
{
	struct spmc_config cfg = { .max_mem_shares = max_shares,
				   .max_shares_per_sender = max_shares,
				   .max_fragments = 64,
				   .rxtx_max_pages = MB_PAGES };
	struct spmc_partition_config vm = { .id = VM, .exec_count = 1 };
	struct spmc_partition_config sp = { .id = SP, .exec_count = 1 };
	struct spmc_mem_region_config rv = { .base = VM_BASE,
					     .page_count = VM_PAGES,
					     .owner = VM };
	struct spmc_mem_region_config rs = { .base = SP_BASE,
					     .page_count = SP_PAGES,
					     .owner = SP,
					     .secure = true };
	struct ffa_regs r;

	sp.props = FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_AARCH64;
	spmc = spmc_create(&ops, NULL, &cfg);
	if (!spmc || spmc_partition_add(spmc, &vm) ||
	    spmc_partition_add(spmc, &sp) || spmc_mem_region_add(spmc, &rv) ||
	    spmc_mem_region_add(spmc, &rs)) {
		fprintf(stderr, "setup failed\n");
		exit(1);
	}
	call(VM, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0);
	call(SP, FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0);
	/* Mailboxes at the top of each region. */
	r = call(VM, FFA_RXTX_MAP_64, VM_BASE + (VM_PAGES - 32) * 4096,
		 VM_BASE + (VM_PAGES - 16) * 4096, MB_PAGES, 0);
	must(r.x[0] == FFA_SUCCESS_32, "vm rxtx_map", &r);
	r = call(SP, FFA_RXTX_MAP_64, SP_BASE + (SP_PAGES - 32) * 4096,
		 SP_BASE + (SP_PAGES - 16) * 4096, MB_PAGES, 0);
	must(r.x[0] == FFA_SUCCESS_32, "sp rxtx_map", &r);
}

static uint8_t *tx_of(uint16_t ep)
{
	return ep == VM ? b_p2v(NULL, VM_BASE + (VM_PAGES - 32) * 4096, 0) :
			  b_p2v(NULL, SP_BASE + (SP_PAGES - 32) * 4096, 0);
}

static uint8_t *rx_of(uint16_t ep)
{
	return tx_of(ep) + MB_SIZE;
}

static uint8_t *desc_buf;
static size_t desc_len;
static struct ffa_constituent *cons;

static void build_share_at(uint64_t base, uint32_t pages, int scattered)
{
	struct ffa_emad emad = { .receiver = SP, .perms = FFA_PERM_DATA_RW };
	struct ffa_mem_send_desc d = {
		.version = FFA_VERSION_1_2,
		.sender = VM,
		.attributes = FFA_MEM_ATTR_NORMAL_WB_IS,
		.emad_count = 1,
		.emads = &emad,
		.constituents = cons,
	};
	uint32_t i = 0;

	if (scattered) {
		for (i = 0; i < pages; i++) {
			cons[i].address = base + 2ull * i * 4096;
			cons[i].page_count = 1;
			cons[i].reserved = 0;
		}
		d.constituent_count = pages;
	} else {
		cons[0].address = base;
		cons[0].page_count = pages;
		cons[0].reserved = 0;
		d.constituent_count = 1;
	}
	desc_len = ffa_mem_send_desc_encode(desc_buf, 2u << 20, &d);
	if (!desc_len) {
		fprintf(stderr, "encode failed\n");
		exit(1);
	}
}

/* First fragment: everything up to the TX size, cut at a constituent. */
static size_t chunk_len(size_t off)
{
	size_t left = desc_len - off;

	if (left <= MB_SIZE) {
		return left;
	}
	if (off == 0) {
		/* header+EMAD+composite = 96 bytes at v1.2: 16-aligned */
		return MB_SIZE;
	}
	return MB_SIZE;
}

static void build_share(uint32_t pages, int scattered)
{
	build_share_at(VM_BASE, pages, scattered);
}

static uint64_t share(void)
{
	size_t off = 0, n = chunk_len(0);
	struct ffa_regs r;
	uint64_t handle = 0;

	memcpy(tx_of(VM), desc_buf, n);
	r = call(VM, FFA_MEM_SHARE_64, desc_len, n, 0, 0);
	off = n;
	while (r.x[0] == FFA_MEM_FRAG_RX) {
		handle = ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
		must(r.x[3] == off, "frag offset", &r);
		n = chunk_len(off);
		memcpy(tx_of(VM), desc_buf + off, n);
		r = call(VM, FFA_MEM_FRAG_TX, (uint32_t)handle, handle >> 32, n,
			 0);
		off += n;
	}
	must(r.x[0] == FFA_SUCCESS_32, "share", &r);
	return ffa_handle_make((uint32_t)r.x[2], (uint32_t)r.x[3]);
}

static void retrieve(uint64_t handle)
{
	struct ffa_emad emad = { .receiver = SP, .perms = FFA_PERM_DATA_RW };
	struct ffa_mem_retrieve_req_desc d = {
		.version = FFA_VERSION_1_2,
		.sender = VM,
		.attributes = FFA_MEM_ATTR_NORMAL_WB_IS,
		.flags = FFA_MEM_FLAG_TYPE_SHARE,
		.handle = handle,
		.emad_count = 1,
		.emads = &emad,
	};
	size_t len = ffa_mem_retrieve_req_encode(tx_of(SP), MB_SIZE, &d);
	struct ffa_regs r = call(SP, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0);
	uint64_t total = 0, got = 0;

	must(r.x[0] == FFA_MEM_RETRIEVE_RESP, "retrieve", &r);
	total = (uint32_t)r.x[1];
	got = (uint32_t)r.x[2];
	while (got < total) {
		r = call(SP, FFA_RX_RELEASE, 0, 0, 0, 0);
		r = call(SP, FFA_MEM_FRAG_RX, (uint32_t)handle, handle >> 32,
			 got, 0);
		must(r.x[0] == FFA_MEM_FRAG_TX, "frag_rx", &r);
		got += (uint32_t)r.x[3];
	}
	(void)rx_of(SP);
	call(SP, FFA_RX_RELEASE, 0, 0, 0, 0);
}

static void relinquish_reclaim(uint64_t handle)
{
	struct ffa_relinquish rel = { .handle = handle,
				      .endpoint_count = 1,
				      .endpoints = { SP } };
	struct ffa_regs r;

	ffa_relinquish_encode(tx_of(SP), MB_SIZE, &rel);
	r = call(SP, FFA_MEM_RELINQUISH, 0, 0, 0, 0);
	must(r.x[0] == FFA_SUCCESS_32, "relinquish", &r);
	r = call(VM, FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32, 0, 0);
	must(r.x[0] == FFA_SUCCESS_32, "reclaim", &r);
}

static double memcpy_ns(uint32_t pages, unsigned int iters)
{
	size_t len = (size_t)pages * 4096;
	uint8_t *src = malloc(len), *dst = malloc(len);
	uint64_t t0 = 0, best = ~0ull;
	unsigned int i = 0;

	memset(src, 1, len);
	memset(dst, 2, len);
	for (i = 0; i < iters; i++) {
		t0 = bench_now_ns();
		memcpy(dst, src, len);
		__asm__ volatile("" ::"r"(dst) : "memory");
		t0 = bench_now_ns() - t0;
		best = t0 < best ? t0 : best;
	}
	free(src);
	free(dst);
	return (double)best;
}

static double cycle_ns(uint32_t pages, int scattered, unsigned int iters)
{
	uint64_t best = ~0ull, t0 = 0, h = 0;
	unsigned int i = 0;

	build_share(pages, scattered);
	for (i = 0; i < iters; i++) {
		t0 = bench_now_ns();
		h = share();
		retrieve(h);
		relinquish_reclaim(h);
		t0 = bench_now_ns() - t0;
		best = t0 < best ? t0 : best;
	}
	return (double)best;
}

int main(void)
{
	static const uint32_t sizes[] = { 1, 16, 256, 4096, 65536 };
	char name[96];
	unsigned int i = 0;
	uint64_t handles[10000];
	double empty = 0, full = 0;

	vm_mem = mmap(NULL, VM_PAGES * 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	sp_mem = mmap(NULL, SP_PAGES * 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	desc_buf = malloc(2u << 20);
	cons = calloc(65536, sizeof(*cons));
	setup(16384);
	for (i = 0; i < (sizeof(sizes) / sizeof(sizes[0])); i++) {
		uint32_t n = sizes[i];
		unsigned int iters = n >= 4096 ? 5 : 200;
		double base = memcpy_ns(n, iters);
		double c = cycle_ns(n, 0, iters);
		double s = cycle_ns(n, 1, iters);

		snprintf(name, sizeof(name), "spmc_mem_cycle_contig_%up", n);
		bench_line(name, c / 1000.0, base / 1000.0, "us");
		snprintf(name, sizeof(name), "spmc_mem_cycle_scattered_%up", n);
		bench_line(name, s / 1000.0, base / 1000.0, "us");
		snprintf(name, sizeof(name),
			 "spmc_mem_cycle_scattered_per_page_%up", n);
		bench_line(name, s / n, base / n, "ns/page");
	}
	/* Lookups: one cycle with no other live handle vs with 10,000. */
	empty = cycle_ns(1, 0, 2000);
	for (i = 0; i < 10000; i++) {
		build_share_at(VM_BASE + (2ull * i + 1) * 4096, 1, 0);
		handles[i] = share();
	}
	(void)handles;
	full = cycle_ns(1, 0, 2000);
	bench_line("spmc_mem_cycle_with_10000_live_handles", full / 1000.0,
		   empty / 1000.0, "us");
	spmc_destroy(spmc);
	return 0;
}
