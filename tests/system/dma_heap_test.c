// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: the dma-buf heaps of a VM (include/tzshare/dma_heap.h):
 * names, the DMA_HEAP_IOCTL_ALLOC checks, mmap, the fd table, references,
 * the system and ffa heaps. Protected pools: dma_heap_pool_test.c.
 */
#include "heap_sys.h"

static const char *const all_heaps[] = {
	"system",
	"ffa",
	"protected,secure-video",
	"protected,trusted-ui",
	"protected,secure-video-record",
};

TEST(heaps_open_by_name_and_unknown_names_are_enoent)
{
	struct hs s;
	unsigned int i = 0;

	hs_start(&s);
	for (i = 0; i < TZS_ARRAY_SIZE(all_heaps); i++) {
		ASSERT_EQ(tzs_heap_open(s.h, all_heaps[i]), i);
	}
	ASSERT_EQ(tzs_heap_open(s.h, "protected"), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, "System"), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, "system "), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, "linux,cma"), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, ""), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, NULL), -ENOENT);
	hs_stop(&s);
}

/* Without an SP to lend pools to, the protected heaps do not exist (as a
 * TEE heap without a backend is not registered): their names do not open
 * and their ids are bad heap descriptors. */
TEST(without_sp_id_protected_heaps_do_not_exist)
{
	struct tzs_heaps_opts o = hs_opts();
	struct hs s;

	o.sp_id = 0;
	hs_start_opts(&s, &o);
	ASSERT_EQ(tzs_heap_open(s.h, "system"), TZS_HEAP_SYSTEM);
	ASSERT_EQ(tzs_heap_open(s.h, "ffa"), TZS_HEAP_FFA);
	ASSERT_EQ(tzs_heap_open(s.h, "protected,secure-video"), -ENOENT);
	ASSERT_EQ(tzs_heap_open(s.h, "protected,trusted-ui"), -ENOENT);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, 4096, 0, O_RDWR, 0),
		  -EBADF);
	ASSERT_EQ(hs_live_shares(&s), 0);
	hs_stop(&s);
}

TEST(create_rejects_bad_options)
{
	struct tzs_heaps_opts o;
	struct tzs_heaps *h = NULL;
	struct tzs_vcpu *v1 = NULL;
	struct hs s;

	hs_boot(&s);
	v1 = tzs_ep_vcpu(s.vm, 1);
	ASSERT_TRUE(v1 != NULL);
	o = hs_opts();
	o.mem_pa += 1;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.mem_size -= 1;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.mem_size = 0;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.mem_pa = SYS_VM1_BASE + (512ull << 20) - 4096; /* crosses the top */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.mem_pa = SYS_VM1_BASE + (511ull << 20); /* holds RX/TX */
	o.mem_size = 1ull << 20;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o.mem_size -= 4096; /* TX only */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o.mem_size -= 4096; /* just below TX */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), 0);
	tzs_heaps_destroy(h);
	h = NULL;
	o = hs_opts();
	o.mem_pa = SYS_VM2_BASE; /* another VM's DRAM */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.sp_id = SYS_VM2; /* not a secure endpoint */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.flags = 1u << 5;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.flags = TZS_HEAPS_STATIC_POOLS;
	o.sp_id = 0;
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	o.protected_pool_pages = UINT32_MAX; /* beyond the allocator */
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, &o, &h), -EINVAL);
	o = hs_opts();
	ASSERT_EQ(tzs_heaps_create(s.vm, NULL, &o, &h), -EINVAL);
	ASSERT_EQ(tzs_heaps_create(s.vm, v1, NULL, &h), -EINVAL);
	ASSERT_TRUE(h == NULL);
	sys_stop(&s.l, s.vm);
}

/* uapi dma-heap.h / dma-heap.c: every ALLOC rejection with its errno; a
 * rejected call leaves no buffer behind (the next fd is still 0). */
TEST(alloc_rejections_have_the_kernel_errnos)
{
	struct hs s;

	hs_start(&s);
	ASSERT_EQ(hs_try(&s, -1, 4096, 0, O_RDWR, 0), -EBADF);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_COUNT, 4096, 0, O_RDWR, 0), -EBADF);
	ASSERT_EQ(hs_try(&s, 1000, 4096, 0, O_RDWR, 0), -EBADF);
	ASSERT_EQ(tzs_heap_ioctl_alloc(s.h, TZS_HEAP_SYSTEM, NULL), -EFAULT);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 3, O_RDWR, 0), -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR | O_NONBLOCK, 0),
		  -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_CREAT, 0), -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR, 1), -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR, 1ull << 63),
		  -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 0, 0, O_RDWR, 0), -EINVAL);
	/* PAGE_ALIGN wraps to 0 within a page of the top. */
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, UINT64_MAX, 0, O_RDWR, 0),
		  -EINVAL);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, UINT64_MAX - 4094, 0, O_RDWR, 0),
		  -EINVAL);
	/* One page below the top does not wrap: simply too large. */
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, UINT64_MAX - 4095, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_FFA, HS_WIN_SIZE + 4096, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, HS_POOL_LEN + 1, 0, O_RDWR,
			 0),
		  -ENOMEM);
	/* Every valid fd_flags combination is accepted. */
	ASSERT_EQ(
		hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_CLOEXEC | O_ACCMODE, 0),
		0);
	ASSERT_EQ(hs_alloc(&s, "system", 4096), 1);
	ASSERT_EQ(hs_live_shares(&s), 0);
	hs_stop(&s);
}

TEST(length_is_rounded_up_to_pages)
{
	struct tzs_dmabuf_info info;
	struct hs s;
	int fd = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 1);
	info = hs_info(&s, fd);
	ASSERT_EQ(info.size, 4096);
	ASSERT_EQ(info.page_count, 1);
	fd = hs_alloc(&s, "ffa", 4097);
	info = hs_info(&s, fd);
	ASSERT_EQ(info.size, 8192);
	ASSERT_EQ(info.page_count, 2);
	fd = hs_alloc(&s, "protected,trusted-ui", 4096 * 3 - 1);
	info = hs_info(&s, fd);
	ASSERT_EQ(info.size, 3 * 4096);
	ASSERT_EQ(info.page_count, 3);
	hs_stop(&s);
}

/* The heap decides the share kind (architecture.md §3). */
TEST(info_reports_heap_share_kind_and_place)
{
	struct tzs_dmabuf_info sys, ffa, prot;
	struct tzs_dma_heap_allocation_data d;
	struct hs s;

	hs_start(&s);
	sys = hs_info(&s, hs_alloc(&s, "system", 4096));
	ASSERT_EQ(sys.heap, TZS_HEAP_SYSTEM);
	ASSERT_TRUE(!strcmp(sys.heap_name, "system"));
	ASSERT_EQ(sys.kind, TZS_DMA_HEAP_KIND_SYSTEM);
	ASSERT_EQ(sys.share, TZS_DMABUF_SHARE);
	ASSERT_EQ(sys.access, O_RDWR);
	ASSERT_TRUE(sys.pa >= HS_WIN_PA && sys.pa < HS_WIN_PA + HS_WIN_SIZE);
	ASSERT_EQ(sys.pool_handle, 0);
	ASSERT_EQ(sys.pool_tag, 0);
	ffa = hs_info(&s, hs_alloc(&s, "ffa", 4096));
	ASSERT_EQ(ffa.heap, TZS_HEAP_FFA);
	ASSERT_TRUE(!strcmp(ffa.heap_name, "ffa"));
	ASSERT_EQ(ffa.kind, TZS_DMA_HEAP_KIND_FFA);
	ASSERT_EQ(ffa.share, TZS_DMABUF_LEND);
	ASSERT_NE(ffa.pa, sys.pa);
	ASSERT_EQ(ffa.pool_handle, 0);
	prot = hs_info(&s, hs_alloc(&s, "protected,secure-video-record", 1));
	ASSERT_EQ(prot.heap, TZS_HEAP_SECURE_VIDEO_RECORD);
	ASSERT_TRUE(!strcmp(prot.heap_name, "protected,secure-video-record"));
	ASSERT_EQ(prot.kind, TZS_DMA_HEAP_KIND_PROTECTED);
	ASSERT_EQ(prot.share, TZS_DMABUF_SEND_SECURE);
	ASSERT_EQ(prot.pool_tag, TZS_USE_CASE_SECURE_VIDEO_RECORD);
	ASSERT_NE(prot.pool_handle, 0);
	/* The access mode is the allocation's. */
	memset(&d, 0, sizeof(d));
	d.len = 4096;
	d.fd_flags = O_RDONLY;
	ASSERT_EQ(tzs_heap_ioctl_alloc(s.h, TZS_HEAP_SYSTEM, &d), 0);
	ASSERT_EQ(hs_info(&s, (int)d.fd).access, O_RDONLY);
	hs_stop(&s);
}

/* What an application writes through mmap the kernel path reads, and back. */
TEST(system_mmap_and_vaddr_see_the_same_pages)
{
	struct tzs_dmabuf *b = NULL;
	uint8_t *map = NULL, *k = NULL;
	struct hs s;
	int fd = 0, err = 1;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 3 * 4096);
	map = tzs_dmabuf_mmap(s.h, fd, 0, 3 * 4096, PROT_READ | PROT_WRITE,
			      &err);
	ASSERT_TRUE(map != NULL);
	ASSERT_EQ(err, 0);
	b = tzs_dmabuf_get(s.h, fd, &err);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(err, 0);
	k = tzs_dmabuf_vaddr(b);
	ASSERT_TRUE(k == map);
	ASSERT_TRUE(k == tzs_ep_pa(s.vm, hs_info(&s, fd).pa, 3 * 4096));
	sys_fill(map, 3, 77);
	ASSERT_TRUE(sys_page_ok(k + 2 * 4096, 2, 77));
	memcpy(k + 4096, "kernel", 6);
	ASSERT_MEM_EQ(map + 4096, "kernel", 6);
	/* A mapping at a page offset starts there. */
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 2 * 4096, 100, PROT_READ, &err) ==
		    map + 2 * 4096);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	hs_stop(&s);
}

/* The system heap hands out zeroed pages, as Linux does: the same pages,
 * dirtied and freed, come back zeroed. ffa buffers too. */
TEST(buffers_are_zeroed_on_allocation)
{
	struct tzs_dmabuf_info info;
	struct hs s;
	uint8_t *p = NULL;
	uint64_t pa = 0;
	int fd = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 2 * 4096);
	pa = hs_info(&s, fd).pa;
	p = tzs_dmabuf_mmap(s.h, fd, 0, 2 * 4096, PROT_READ | PROT_WRITE, &err);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xa5, 2 * 4096);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	fd = hs_alloc(&s, "system", 2 * 4096);
	info = hs_info(&s, fd);
	ASSERT_EQ(info.pa, pa);
	ASSERT_TRUE(tzs_is_zero(tzs_ep_pa(s.vm, pa, 2 * 4096), 2 * 4096));
	memset(tzs_ep_pa(s.vm, pa, 2 * 4096), 0x5a, 2 * 4096);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	fd = hs_alloc(&s, "ffa", 4096);
	ASSERT_EQ(hs_info(&s, fd).pa, pa);
	ASSERT_TRUE(tzs_is_zero(tzs_ep_pa(s.vm, pa, 4096), 4096));
	hs_stop(&s);
}

TEST(mmap_rejections)
{
	struct tzs_dma_heap_allocation_data d;
	struct hs s;
	int fd = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 2 * 4096);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 100, 4096, PROT_READ, &err) ==
		    NULL);
	ASSERT_EQ(err, -EINVAL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd + 1, 0, 4096, PROT_READ, &err) ==
		    NULL);
	ASSERT_EQ(err, -EBADF);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 0, 0, PROT_READ, &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 0, 2 * 4096 + 1, PROT_READ,
				    &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 2 * 4096, 1, PROT_READ, &err) ==
		    NULL);
	ASSERT_EQ(err, -EINVAL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 4096, UINT64_MAX, PROT_READ,
				    &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 1ull << 63, 4096, PROT_READ,
				    &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	/* The last byte of the last page is in range. */
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 4096, 4096, PROT_READ, &err) !=
		    NULL);
	/* Access mode of the allocation, as for a file. */
	memset(&d, 0, sizeof(d));
	d.len = 4096;
	d.fd_flags = O_RDONLY;
	ASSERT_EQ(tzs_heap_ioctl_alloc(s.h, TZS_HEAP_SYSTEM, &d), 0);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, (int)d.fd, 0, 4096, PROT_READ, &err) !=
		    NULL);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, (int)d.fd, 0, 4096,
				    PROT_READ | PROT_WRITE, &err) == NULL);
	ASSERT_EQ(err, -EACCES);
	memset(&d, 0, sizeof(d));
	d.len = 4096;
	d.fd_flags = O_WRONLY;
	ASSERT_EQ(tzs_heap_ioctl_alloc(s.h, TZS_HEAP_SYSTEM, &d), 0);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, (int)d.fd, 0, 4096, PROT_WRITE,
				    &err) == NULL);
	ASSERT_EQ(err, -EACCES);
	hs_stop(&s);
}

/* The ffa heap has no mmap (its buffers are lent); the kernel path fills
 * them, here with the demo's text, and the SP reads what was written
 * after the buffer's pages are lent. */
TEST(ffa_buffers_refuse_mmap_but_the_kernel_path_fills_them)
{
	static const char hello[] = "Hello World!";
	struct tzs_dmabuf_info info;
	struct tzs_dmabuf *b = NULL;
	uint8_t page[4096];
	uint64_t handle = 0, ret[5];
	uint16_t sp = SYS_SP1;
	struct hs s;
	int fd = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "ffa", 4096);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 0, 4096, PROT_READ, &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	b = tzs_dmabuf_get(s.h, fd, &err);
	ASSERT_TRUE(b != NULL);
	tzs_dmabuf_info(b, &info);
	ASSERT_TRUE(tzs_dmabuf_vaddr(b) != NULL);
	memcpy(tzs_dmabuf_vaddr(b), hello, sizeof(hello));
	memset(page, 0, sizeof(page));
	memcpy(page, hello, sizeof(hello));
	ASSERT_EQ(tzs_vm_mem_lend(s.v0, &sp, 1, FFA_PERM_DATA_RW, info.pa, 1,
				  0x1e4d, 0, &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(s.v0, sp, handle, 0x1e4d, SYS_VM1,
			       FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(s.v0, sp, TSP_CMD_CHECKSUM, handle, 0, 0, ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], tsp_checksum(page, sizeof(page)));
	ASSERT_EQ(sys_cmd(s.v0, sp, TSP_CMD_RELINQUISH, handle, 0, 0, NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(s.v0, handle, 0), FFA_OK);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	hs_stop(&s);
}

/* dma_buf_get/put: closing the fd with a reference out keeps the memory
 * until the last put; the fd number is free at once. */
TEST(closing_with_a_reference_out_frees_at_the_last_put)
{
	struct tzs_dmabuf *b = NULL;
	uint64_t pa = 0;
	struct hs s;
	int fd = 0, fd2 = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 4096);
	pa = hs_info(&s, fd).pa;
	b = tzs_dmabuf_get(s.h, fd, &err);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBADF);
	memcpy(tzs_dmabuf_vaddr(b), "still", 5);
	fd2 = hs_alloc(&s, "system", 4096);
	ASSERT_EQ(fd2, fd); /* lowest free number */
	ASSERT_NE(hs_info(&s, fd2).pa, pa); /* memory still taken */
	ASSERT_MEM_EQ(tzs_ep_pa(s.vm, pa, 5), "still", 5);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd2), 0);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	fd2 = hs_alloc(&s, "system", 4096);
	ASSERT_EQ(hs_info(&s, fd2).pa, pa); /* freed by the put */
	hs_stop(&s);
}

TEST(exhausted_window_is_enomem_until_something_is_freed)
{
	struct hs s;
	int fd = 0, small = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", HS_WIN_SIZE);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR, 0), -ENOMEM);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_FFA, 4096, 0, O_RDWR, 0), -ENOMEM);
	/* No room for a pool either: nothing is lent. */
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, 4096, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(hs_live_shares(&s), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	small = hs_alloc(&s, "ffa", 4096);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, HS_WIN_SIZE, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(tzs_dmabuf_close(s.h, small), 0);
	fd = hs_alloc(&s, "system", HS_WIN_SIZE);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	hs_stop(&s);
}

TEST(full_fd_table_is_emfile_and_lends_nothing)
{
	struct tzs_heaps_opts o = hs_opts();
	struct hs s;
	int a = 0;

	o.max_fds = 2;
	hs_start_opts(&s, &o);
	a = hs_alloc(&s, "system", 4096);
	ASSERT_EQ(hs_alloc(&s, "ffa", 4096), 1);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR, 0), -EMFILE);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_TRUSTED_UI, 4096, 0, O_RDWR, 0), -EMFILE);
	ASSERT_EQ(hs_live_shares(&s), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, a), 0);
	ASSERT_EQ(hs_alloc(&s, "protected,trusted-ui", 4096), a);
	hs_stop(&s);
}

/* Bad descriptors: never opened, closed, negative, beyond the table. */
TEST(bad_fds_are_ebadf_everywhere)
{
	static const int bad[] = { -1, -100, 1, 2, 1000, 1 << 30 };
	struct hs s;
	unsigned int i = 0;
	int fd = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, "system", 4096);
	ASSERT_EQ(fd, 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, hs_alloc(&s, "system", 4096)), 0);
	for (i = 0; i < TZS_ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(tzs_dmabuf_close(s.h, bad[i]), -EBADF);
		err = 0;
		ASSERT_TRUE(tzs_dmabuf_get(s.h, bad[i], &err) == NULL);
		ASSERT_EQ(err, -EBADF);
		err = 0;
		ASSERT_TRUE(tzs_dmabuf_mmap(s.h, bad[i], 0, 4096, PROT_READ,
					    &err) == NULL);
		ASSERT_EQ(err, -EBADF);
	}
	ASSERT_TRUE(tzs_dmabuf_get(s.h, 7, NULL) == NULL);
	ASSERT_EQ(tzs_dmabuf_put(s.h, NULL), -EINVAL);
	/* fd 0 was never disturbed. */
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBADF);
	hs_stop(&s);
}

/* The vsock layer's "offered" mark: one offer at a time. */
TEST(busy_mark_is_test_and_set)
{
	struct tzs_dmabuf *b = NULL;
	struct hs s;

	hs_start(&s);
	b = tzs_dmabuf_get(s.h, hs_alloc(&s, "ffa", 4096), NULL);
	ASSERT_TRUE(b != NULL);
	ASSERT_FALSE(tzs_dmabuf_busy(b));
	ASSERT_EQ(tzs_dmabuf_set_busy(b, true), 0);
	ASSERT_TRUE(tzs_dmabuf_busy(b));
	ASSERT_EQ(tzs_dmabuf_set_busy(b, true), -EBUSY);
	ASSERT_TRUE(tzs_dmabuf_busy(b));
	ASSERT_EQ(tzs_dmabuf_set_busy(b, false), 0);
	ASSERT_FALSE(tzs_dmabuf_busy(b));
	ASSERT_EQ(tzs_dmabuf_set_busy(b, false), 0);
	ASSERT_EQ(tzs_dmabuf_set_busy(b, true), 0);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	hs_stop(&s);
}
