/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixture of the dma-buf heap system tests: the platform of sys.h, the
 * test process attached as VM 1, heaps over an 8 MiB window of its DRAM
 * making their FF-A calls on vCPU 1 (the test drives the SP and reads
 * STATS on vCPU 0).
 */
#ifndef TZS_HEAP_SYS_H
#define TZS_HEAP_SYS_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include <tzshare/dma_heap.h>

#include "sys.h"

#define HS_WIN_PA (SYS_VM1_BASE + 0x1000000ull)
#define HS_WIN_SIZE (8ull << 20)
#define HS_POOL_LEN ((uint64_t)TZS_HEAPS_POOL_PAGES_DEFAULT * 4096)

struct hs {
	struct tzs_launch l;
	struct tzs_ep *vm;
	struct tzs_vcpu *v0;
	struct tzs_heaps *h;
};

static inline struct tzs_heaps_opts hs_opts(void)
{
	struct tzs_heaps_opts o;

	memset(&o, 0, sizeof(o));
	o.mem_pa = HS_WIN_PA;
	o.mem_size = HS_WIN_SIZE;
	o.sp_id = SYS_SP1;
	return o;
}

/* Platform up and VM 1 attached, no heaps yet. */
static inline void hs_boot(struct hs *s)
{
	memset(s, 0, sizeof(*s));
	sys_start(&s->l, SYS_PLATFORM);
	s->vm = sys_attach(&s->l, SYS_VM1);
	s->v0 = sys_vcpu0(s->vm);
}

static inline void hs_start_opts(struct hs *s, const struct tzs_heaps_opts *o)
{
	struct tzs_vcpu *v1 = NULL;

	hs_boot(s);
	v1 = tzs_ep_vcpu(s->vm, 1);
	ASSERT_TRUE(v1 != NULL);
	ASSERT_EQ(tzs_heaps_create(s->vm, v1, o, &s->h), 0);
}

static inline void hs_start(struct hs *s)
{
	struct tzs_heaps_opts o = hs_opts();

	hs_start_opts(s, &o);
}

static inline void hs_stop(struct hs *s)
{
	tzs_heaps_destroy(s->h);
	sys_stop(&s->l, s->vm);
}

static inline int hs_open(struct hs *s, const char *name)
{
	int heap = tzs_heap_open(s->h, name);

	ASSERT_TRUE(heap >= 0);
	return heap;
}

/* Allocate @len from heap @name (O_RDWR | O_CLOEXEC); returns the fd. */
static inline int hs_alloc(struct hs *s, const char *name, uint64_t len)
{
	struct tzs_dma_heap_allocation_data d;

	memset(&d, 0, sizeof(d));
	d.len = len;
	d.fd_flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(tzs_heap_ioctl_alloc(s->h, hs_open(s, name), &d), 0);
	return (int)d.fd;
}

/* Allocation result (0 or -errno) with the given arguments. */
static inline int hs_try(struct hs *s, int heap, uint64_t len, uint32_t fd,
			 uint32_t fd_flags, uint64_t heap_flags)
{
	struct tzs_dma_heap_allocation_data d;

	memset(&d, 0, sizeof(d));
	d.len = len;
	d.fd = fd;
	d.fd_flags = fd_flags;
	d.heap_flags = heap_flags;
	return tzs_heap_ioctl_alloc(s->h, heap, &d);
}

static inline struct tzs_dmabuf_info hs_info(struct hs *s, int fd)
{
	struct tzs_dmabuf_info info;
	struct tzs_dmabuf *b = tzs_dmabuf_get(s->h, fd, NULL);

	ASSERT_TRUE(b != NULL);
	tzs_dmabuf_info(b, &info);
	ASSERT_EQ(tzs_dmabuf_put(s->h, b), 0);
	return info;
}

static inline uint32_t hs_live_shares(struct hs *s)
{
	struct tzs_host_stats st;

	ASSERT_EQ(tzs_vcpu_stats(s->v0, &st), 0);
	return st.live_shares;
}

static inline uint16_t hs_owner(struct hs *s, uint64_t pa)
{
	uint16_t owner = 0;

	ASSERT_EQ(tzs_vcpu_page_owner(s->v0, pa, &owner), 0);
	return owner;
}

/* What /proc/self/maps says about [va, va + len). */
struct hs_maps {
	unsigned int lines; /* mappings overlapping the range */
	unsigned int anon_none; /* of them: inode 0, "---p" */
	unsigned int memfd_rw; /* of them: a memfd, "rw-s" */
	uint64_t covered; /* bytes of the range covered by any mapping */
};

static inline struct hs_maps hs_maps_of(const void *va, uint64_t len)
{
	uint64_t lo = (uintptr_t)va, hi = lo + len;
	struct hs_maps m;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	memset(&m, 0, sizeof(m));
	ASSERT_TRUE(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start = 0, end = 0, off = 0, inode = 0;
		char perms[8] = "", dev[16] = "", path[256] = "";
		int n = sscanf(line, "%llx-%llx %7s %llx %15s %llu %255s",
			       &start, &end, perms, &off, dev, &inode, path);

		ASSERT_TRUE(n >= 6);
		if (end <= lo || start >= hi) {
			continue;
		}
		m.lines++;
		m.covered += (end < hi ? end : hi) - (start > lo ? start : lo);
		if (inode == 0 && !strcmp(perms, "---p") && n == 6) {
			m.anon_none++;
		}
		if (inode != 0 && !strcmp(perms, "rw-s") &&
		    !strncmp(path, "/memfd:", 7)) {
			m.memfd_rw++;
		}
	}
	fclose(f);
	return m;
}

#endif /* TZS_HEAP_SYS_H */
