// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: protected pools of the dma-buf heaps (heaps-mediator.md
 * §2.3-2.4): lazily lent per use case with tag = use case, unmapped from
 * the VM process while lent, reclaimed and mapped back by the last free;
 * failed releases keep the pool; the static variant.
 */
#include <pthread.h>

#include "heap_sys.h"

#define SV "protected,secure-video"
#define TUI "protected,trusted-ui"
#define REC "protected,secure-video-record"

static uint8_t *pool_va(struct hs *s, const struct tzs_dmabuf_info *i)
{
	return tzs_ep_pa(s->vm, i->pool_pa, i->pool_page_count * 4096);
}

/* Nothing of the memfd covers the pool: only anonymous PROT_NONE. */
static void assert_pool_unmapped(struct hs *s, const struct tzs_dmabuf_info *i)
{
	struct hs_maps m = hs_maps_of(pool_va(s, i), HS_POOL_LEN);

	ASSERT_TRUE(m.lines > 0);
	ASSERT_EQ(m.anon_none, m.lines);
	ASSERT_EQ(m.covered, HS_POOL_LEN);
}

/* The memfd covers the range read/write again. */
static void assert_pool_mapped(struct hs *s, const struct tzs_dmabuf_info *i)
{
	struct hs_maps m = hs_maps_of(pool_va(s, i), HS_POOL_LEN);

	ASSERT_TRUE(m.lines > 0);
	ASSERT_EQ(m.memfd_rw, m.lines);
	ASSERT_EQ(m.covered, HS_POOL_LEN);
}

/* The SP retrieves the pool with its tag and checksums it. */
static uint64_t sp_checksum_pool(struct hs *s, const struct tzs_dmabuf_info *i)
{
	uint64_t ret[5];

	ASSERT_EQ(sys_retrieve(s->v0, SYS_SP1, i->pool_handle, i->pool_tag,
			       SYS_VM1, FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(s->v0, SYS_SP1, TSP_CMD_CHECKSUM, i->pool_handle, 0,
			  0, ret),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(s->v0, SYS_SP1, TSP_CMD_RELINQUISH, i->pool_handle, 0,
			  0, NULL),
		  FFA_OK);
	return ret[1];
}

/* Proves a page is the shared memfd page: the SP sees what the VM wrote. */
static void assert_page_shared(struct hs *s, uint64_t pa)
{
	uint64_t handle = 0, ret[5];
	uint16_t sp = SYS_SP1;

	sys_fill(tzs_ep_pa(s->vm, pa, 4096), 1, 9);
	ASSERT_EQ(tzs_vm_mem_share(s->v0, &sp, 1, FFA_PERM_DATA_RW, pa, 1, 0x5e,
				   &handle),
		  FFA_OK);
	ASSERT_EQ(sys_retrieve(s->v0, sp, handle, 0x5e, SYS_VM1,
			       FFA_MEM_KIND_SHARE, 0),
		  FFA_OK);
	ASSERT_EQ(sys_cmd(s->v0, sp, TSP_CMD_CHECKSUM, handle, 0, 0, ret),
		  FFA_OK);
	ASSERT_EQ(ret[1], tsp_checksum(tzs_ep_pa(s->vm, pa, 4096), 4096));
	ASSERT_EQ(sys_cmd(s->v0, sp, TSP_CMD_RELINQUISH, handle, 0, 0, NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(s->v0, handle, 0), FFA_OK);
}

TEST(first_protected_alloc_lends_the_pool_last_free_reclaims_it)
{
	static const uint8_t zero[HS_POOL_LEN];
	struct tzs_dmabuf_info a, b;
	struct hs s;
	int fa = 0, fb = 0;

	hs_start(&s);
	ASSERT_EQ(hs_live_shares(&s), 0);
	fa = hs_alloc(&s, SV, 4096);
	a = hs_info(&s, fa);
	ASSERT_EQ(hs_live_shares(&s), 1);
	ASSERT_NE(a.pool_handle, 0);
	ASSERT_EQ(a.pool_tag, TZS_USE_CASE_SECURE_VIDEO_PLAY);
	ASSERT_EQ(a.pool_page_count, TZS_HEAPS_POOL_PAGES_DEFAULT);
	ASSERT_TRUE(a.pool_pa >= HS_WIN_PA &&
		    a.pool_pa + HS_POOL_LEN <= HS_WIN_PA + HS_WIN_SIZE);
	ASSERT_EQ(a.pool_offset, 0);
	ASSERT_EQ(a.pa, a.pool_pa);
	/* A lend keeps the owner (Owner-NA); the SP may retrieve it with
	 * the use case as tag and finds it cleared. */
	ASSERT_EQ(hs_owner(&s, a.pool_pa), SYS_VM1);
	ASSERT_EQ(sp_checksum_pool(&s, &a), tsp_checksum(zero, sizeof(zero)));
	/* A second buffer comes from the same pool, no second lend. */
	fb = hs_alloc(&s, SV, 2 * 4096);
	b = hs_info(&s, fb);
	ASSERT_EQ(b.pool_handle, a.pool_handle);
	ASSERT_EQ(b.pool_pa, a.pool_pa);
	ASSERT_EQ(b.pool_offset, 2 * 4096); /* buddy: 2 pages, aligned */
	ASSERT_EQ(b.pa, b.pool_pa + b.pool_offset);
	ASSERT_EQ(hs_live_shares(&s), 1);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fa), 0);
	ASSERT_EQ(hs_live_shares(&s), 1);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fb), 0);
	ASSERT_EQ(hs_live_shares(&s), 0);
	/* The pages are the VM's again and back in the window. */
	ASSERT_EQ(hs_owner(&s, a.pool_pa), SYS_VM1);
	assert_pool_mapped(&s, &a);
	ASSERT_EQ(tzs_dmabuf_close(s.h, hs_alloc(&s, "system", HS_WIN_SIZE)),
		  0);
	hs_stop(&s);
}

TEST(each_use_case_gets_its_own_pool_and_tag)
{
	struct tzs_dmabuf_info i[3];
	const char *names[3] = { SV, TUI, REC };
	int fd[3];
	struct hs s;
	unsigned int k = 0, j = 0;

	hs_start(&s);
	for (k = 0; k < 3; k++) {
		fd[k] = hs_alloc(&s, names[k], 4096);
		i[k] = hs_info(&s, fd[k]);
		ASSERT_EQ(i[k].pool_tag, k + 1);
		ASSERT_EQ(hs_live_shares(&s), k + 1);
	}
	for (k = 0; k < 3; k++) {
		for (j = k + 1; j < 3; j++) {
			ASSERT_NE(i[k].pool_handle, i[j].pool_handle);
			ASSERT_TRUE(i[k].pool_pa + HS_POOL_LEN <=
					    i[j].pool_pa ||
				    i[j].pool_pa + HS_POOL_LEN <= i[k].pool_pa);
		}
	}
	/* The SP must present the right tag (the use case) to retrieve. */
	ASSERT_EQ(sys_retrieve(s.v0, SYS_SP1, i[1].pool_handle, 1, SYS_VM1,
			       FFA_MEM_KIND_LEND, 0),
		  FFA_INVALID_PARAMETERS);
	(void)sp_checksum_pool(&s, &i[1]);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd[1]), 0);
	ASSERT_EQ(hs_live_shares(&s), 2);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd[0]), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd[2]), 0);
	ASSERT_EQ(hs_live_shares(&s), 0);
	hs_stop(&s);
}

/* While lent, the VM process maps nothing of the memfd over the pool; a
 * forked child touching it faults. After the reclaim the memfd is back:
 * read/write and the very pages the SP sees. */
TEST(lent_pool_is_not_mapped_in_the_vm_process)
{
	struct tzs_dmabuf_info i;
	struct hs s;
	int fd = 0, status = 0;

	hs_start(&s);
	assert_pool_mapped(
		&s, &(struct tzs_dmabuf_info){
			    .pool_pa = HS_WIN_PA,
			    .pool_page_count = TZS_HEAPS_POOL_PAGES_DEFAULT });
	fd = hs_alloc(&s, TUI, 4096);
	i = hs_info(&s, fd);
	assert_pool_unmapped(&s, &i);
	status = sys_touch_in_child(pool_va(&s, &i) + 4096, false);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	assert_pool_mapped(&s, &i);
	ASSERT_EQ(sys_touch_in_child(pool_va(&s, &i) + 4096, true), 0);
	assert_page_shared(&s, i.pool_pa + 5 * 4096);
	hs_stop(&s);
}

TEST(protected_buffers_have_no_mmap_and_no_vaddr)
{
	struct tzs_dmabuf *b = NULL;
	struct hs s;
	int fd = 0, err = 0;

	hs_start(&s);
	fd = hs_alloc(&s, REC, 4096);
	ASSERT_TRUE(tzs_dmabuf_mmap(s.h, fd, 0, 4096, PROT_READ, &err) == NULL);
	ASSERT_EQ(err, -EINVAL);
	b = tzs_dmabuf_get(s.h, fd, &err);
	ASSERT_TRUE(b != NULL);
	ASSERT_TRUE(tzs_dmabuf_vaddr(b) == NULL);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	hs_stop(&s);
}

TEST(protected_alloc_beyond_the_pool_is_enomem)
{
	struct tzs_heaps_opts o = hs_opts();
	struct hs s;
	int a = 0, b = 0;

	o.protected_pool_pages = 4;
	hs_start_opts(&s, &o);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, 5 * 4096, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(hs_live_shares(&s), 0);
	a = hs_alloc(&s, SV, 4 * 4096);
	ASSERT_EQ(hs_info(&s, a).pool_page_count, 4);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, 4096, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(tzs_dmabuf_close(s.h, a), 0);
	a = hs_alloc(&s, SV, 3 * 4096);
	b = hs_alloc(&s, SV, 4096);
	ASSERT_EQ(hs_info(&s, b).pool_offset, 3 * 4096);
	ASSERT_EQ(hs_live_shares(&s), 1);
	hs_stop(&s);
}

/* A pool of 5 pages has no 5-page block (buddy); the pool lent for the
 * attempt is not kept for nothing. */
TEST(a_pool_lent_in_vain_is_released_again)
{
	struct tzs_heaps_opts o = hs_opts();
	struct hs s;

	o.protected_pool_pages = 5;
	hs_start_opts(&s, &o);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_TRUSTED_UI, 5 * 4096, 0, O_RDWR, 0),
		  -ENOMEM);
	ASSERT_EQ(hs_live_shares(&s), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, hs_alloc(&s, TUI, 4 * 4096)), 0);
	ASSERT_EQ(hs_live_shares(&s), 0);
	hs_stop(&s);
}

/* Closing the fd while a reference is out (an offer) keeps the pool lent
 * until the put. */
TEST(protected_reference_keeps_the_pool_until_put)
{
	struct tzs_dmabuf *b = NULL;
	struct hs s;
	int fd = 0;

	hs_start(&s);
	fd = hs_alloc(&s, SV, 4096);
	b = tzs_dmabuf_get(s.h, fd, NULL);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	ASSERT_EQ(hs_live_shares(&s), 1);
	ASSERT_EQ(tzs_dmabuf_put(s.h, b), 0);
	ASSERT_EQ(hs_live_shares(&s), 0);
	hs_stop(&s);
}

/* The SP still holds the pool: the reclaim is DENIED, the buffer is freed
 * but the pool stays lent and unmapped, and is reused; once the SP lets go
 * the next free (of any buffer) or a trim reclaims it. */
TEST(denied_reclaim_keeps_the_pool_and_retries_later)
{
	struct tzs_dmabuf_info i, j;
	struct hs s;
	int fd = 0, other = 0;

	hs_start(&s);
	fd = hs_alloc(&s, SV, 4096);
	i = hs_info(&s, fd);
	ASSERT_EQ(sys_retrieve(s.v0, SYS_SP1, i.pool_handle, i.pool_tag,
			       SYS_VM1, FFA_MEM_KIND_LEND, 0),
		  FFA_OK);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBUSY);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBADF); /* closed all the same */
	ASSERT_EQ(hs_live_shares(&s), 1);
	assert_pool_unmapped(&s, &i);
	ASSERT_EQ(tzs_heaps_trim(s.h), -EBUSY);
	/* The kept pool serves the next buffer. */
	fd = hs_alloc(&s, SV, 4096);
	j = hs_info(&s, fd);
	ASSERT_EQ(j.pool_handle, i.pool_handle);
	ASSERT_EQ(j.pa, i.pa);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBUSY);
	other = hs_alloc(&s, "system", 4096);
	ASSERT_EQ(sys_cmd(s.v0, SYS_SP1, TSP_CMD_RELINQUISH, i.pool_handle, 0,
			  0, NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_dmabuf_close(s.h, other), 0);
	ASSERT_EQ(hs_live_shares(&s), 0);
	assert_pool_mapped(&s, &i);
	ASSERT_EQ(tzs_heaps_trim(s.h), 0);
	hs_stop(&s);
}

struct release_log {
	struct tzs_heaps *h;
	unsigned int calls;
	uint64_t last;
	int answer;
	bool alloc_inside; /* call into the heaps from the callback */
	uint32_t shares_seen;
	struct tzs_vcpu *v0;
};

static int on_release(void *ctx, uint64_t handle)
{
	struct release_log *r = ctx;
	struct tzs_dma_heap_allocation_data d;
	struct tzs_host_stats st;

	r->calls++;
	r->last = handle;
	ASSERT_EQ(tzs_vcpu_stats(r->v0, &st), 0);
	r->shares_seen = st.live_shares;
	if (r->alloc_inside) {
		memset(&d, 0, sizeof(d));
		d.len = 4096;
		d.fd_flags = O_RDWR;
		ASSERT_EQ(tzs_heap_ioctl_alloc(r->h, TZS_HEAP_SYSTEM, &d), 0);
		ASSERT_EQ(tzs_dmabuf_close(r->h, (int)d.fd), 0);
	}
	return r->answer;
}

/* pool_release runs before the reclaim with the pool handle; a refusal
 * keeps the pool (-EBUSY) until a later try is accepted. It runs without
 * the heaps' lock: calling into the heaps from it works. */
TEST(pool_release_callback_runs_first_and_can_refuse)
{
	struct tzs_heaps_opts o = hs_opts();
	struct release_log r;
	struct tzs_dmabuf_info i;
	struct hs s;
	int fd = 0;

	memset(&r, 0, sizeof(r));
	r.answer = 1;
	o.pool_release = on_release;
	o.ctx = &r;
	hs_start_opts(&s, &o);
	r.h = s.h;
	r.v0 = s.v0;
	fd = hs_alloc(&s, TUI, 4096);
	i = hs_info(&s, fd);
	ASSERT_EQ(r.calls, 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), -EBUSY);
	ASSERT_EQ(r.calls, 1);
	ASSERT_EQ(r.last, i.pool_handle);
	ASSERT_EQ(hs_live_shares(&s), 1);
	assert_pool_unmapped(&s, &i);
	r.answer = 0;
	r.alloc_inside = true;
	ASSERT_EQ(tzs_heaps_trim(s.h), 0);
	ASSERT_EQ(r.calls, 2);
	ASSERT_EQ(r.shares_seen, 1); /* called before the reclaim */
	ASSERT_EQ(hs_live_shares(&s), 0);
	/* No pool, no call. */
	ASSERT_EQ(tzs_heaps_trim(s.h), 0);
	ASSERT_EQ(r.calls, 2);
	hs_stop(&s);
}

/* Destroy frees every buffer (references included) and releases every
 * pool, asking pool_release first. */
TEST(destroy_releases_every_pool)
{
	struct tzs_heaps_opts o = hs_opts();
	struct release_log r;
	struct hs s;

	memset(&r, 0, sizeof(r));
	o.pool_release = on_release;
	o.ctx = &r;
	hs_start_opts(&s, &o);
	r.v0 = s.v0;
	(void)hs_alloc(&s, SV, 4096);
	(void)hs_alloc(&s, REC, 4096);
	ASSERT_TRUE(tzs_dmabuf_get(s.h, hs_alloc(&s, REC, 4096), NULL) != NULL);
	(void)hs_alloc(&s, "system", 4096);
	ASSERT_EQ(hs_live_shares(&s), 2);
	tzs_heaps_destroy(s.h);
	ASSERT_EQ(r.calls, 2);
	ASSERT_EQ(hs_live_shares(&s), 0);
	sys_stop(&s.l, s.vm);
}

/* A pool the SPMC refuses to take (no such SP) costs nothing. */
TEST(failed_pool_lend_returns_the_error_and_the_pages)
{
	struct tzs_heaps_opts o = hs_opts();
	struct hs s;

	o.sp_id = 0x8009;
	hs_start_opts(&s, &o);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SECURE_VIDEO, 4096, 0, O_RDWR, 0),
		  -EINVAL);
	ASSERT_EQ(hs_live_shares(&s), 0);
	assert_pool_mapped(
		&s, &(struct tzs_dmabuf_info){
			    .pool_pa = HS_WIN_PA,
			    .pool_page_count = TZS_HEAPS_POOL_PAGES_DEFAULT });
	ASSERT_EQ(tzs_dmabuf_close(s.h, hs_alloc(&s, "system", HS_WIN_SIZE)),
		  0);
	hs_stop(&s);
}

/* Static carve-out variant: the three pools are lent at create, kept when
 * empty, released by destroy. */
TEST(static_pools_live_from_create_to_destroy)
{
	struct tzs_heaps_opts o = hs_opts();
	struct tzs_dmabuf_info a, b;
	struct hs s;
	int fd = 0;

	o.flags = TZS_HEAPS_STATIC_POOLS;
	hs_start_opts(&s, &o);
	ASSERT_EQ(hs_live_shares(&s), 3);
	fd = hs_alloc(&s, SV, 4096);
	a = hs_info(&s, fd);
	assert_pool_unmapped(&s, &a);
	ASSERT_EQ(tzs_dmabuf_close(s.h, fd), 0);
	ASSERT_EQ(hs_live_shares(&s), 3);
	ASSERT_EQ(tzs_heaps_trim(s.h), 0);
	ASSERT_EQ(hs_live_shares(&s), 3);
	fd = hs_alloc(&s, SV, 4096);
	b = hs_info(&s, fd);
	ASSERT_EQ(b.pool_handle, a.pool_handle);
	/* The window lost three pools' worth (the lowest 3 MiB of 8). */
	(void)hs_alloc(&s, "system", 4 * HS_POOL_LEN);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 2 * HS_POOL_LEN, 0, O_RDWR, 0),
		  -ENOMEM);
	(void)hs_alloc(&s, "system", HS_POOL_LEN);
	ASSERT_EQ(hs_try(&s, TZS_HEAP_SYSTEM, 4096, 0, O_RDWR, 0), -ENOMEM);
	tzs_heaps_destroy(s.h);
	ASSERT_EQ(hs_live_shares(&s), 0);
	assert_pool_mapped(&s, &a);
	sys_stop(&s.l, s.vm);
}

TEST(static_pools_that_cannot_be_lent_fail_create)
{
	struct tzs_heaps_opts o = hs_opts();
	struct tzs_heaps *h = NULL;
	struct hs s;

	hs_boot(&s);
	o.flags = TZS_HEAPS_STATIC_POOLS;
	o.sp_id = 0x8009;
	ASSERT_EQ(tzs_heaps_create(s.vm, tzs_ep_vcpu(s.vm, 1), &o, &h),
		  -EINVAL);
	o = hs_opts();
	o.flags = TZS_HEAPS_STATIC_POOLS;
	o.mem_size = 2 * HS_POOL_LEN; /* room for two pools only */
	ASSERT_EQ(tzs_heaps_create(s.vm, tzs_ep_vcpu(s.vm, 1), &o, &h),
		  -ENOMEM);
	ASSERT_EQ(hs_live_shares(&s), 0);
	sys_stop(&s.l, s.vm);
}

#define WORKER_ROUNDS 150

static void *worker(void *arg)
{
	struct hs *s = arg;
	const char *names[] = { SV, TUI, "system", "ffa" };
	unsigned int k = 0;

	for (k = 0; k < WORKER_ROUNDS; k++) {
		int fd = hs_alloc(s, names[k % 4], 4096 * (1 + k % 3));

		ASSERT_EQ(tzs_dmabuf_close(s->h, fd), 0);
	}
	return NULL;
}

/* Two threads allocating and freeing across heaps: the pools come and go
 * under the one lock, and nothing is left lent. */
TEST(concurrent_alloc_and_free_leave_nothing_lent)
{
	pthread_t t[2];
	struct hs s;
	unsigned int k = 0;

	hs_start(&s);
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(pthread_create(&t[k], NULL, worker, &s), 0);
	}
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(pthread_join(t[k], NULL), 0);
	}
	ASSERT_EQ(hs_live_shares(&s), 0);
	ASSERT_EQ(tzs_dmabuf_close(s.h, hs_alloc(&s, "system", HS_WIN_SIZE)),
		  0);
	hs_stop(&s);
}
