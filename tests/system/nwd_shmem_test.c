// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: SCM_VSOCK_SHMEM across processes. The test process is VM 1
 * with its vsock stack and dma-buf heaps (<tzshare/nwd_vsock.h>); it
 * offers buffers of each heap to the secure services of tzshare-sp
 * (reader 5001, transform 5002), which answer each offer with a 24-byte
 * record (offer_id, size, FNV-1a, kind). Every rejection path is asserted
 * with its exact errno.
 */
#include <sys/socket.h>

#include "nwd_sys.h"

__attribute__((constructor)) static void nw_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

#define OFFER TZS_VSOCK_SHMEM_SUBOP_OFFER
#define REVOKE TZS_VSOCK_SHMEM_SUBOP_REVOKE
#define SV "protected,secure-video"
#define TUI "protected,trusted-ui"
#define REC "protected,secure-video-record"

/* A buffer of @len bytes from heap @name with @fd_flags. */
static int nw_alloc(struct nw *w, const char *name, uint64_t len,
		    uint32_t fd_flags)
{
	struct tzs_dma_heap_allocation_data d;
	int heap = tzs_heap_open(w->h, name);

	ASSERT_TRUE(heap >= 0);
	memset(&d, 0, sizeof(d));
	d.len = len;
	d.fd_flags = fd_flags;
	ASSERT_EQ(tzs_heap_ioctl_alloc(w->h, heap, &d), 0);
	return (int)d.fd;
}

static struct tzs_dmabuf_info nw_info(struct nw *w, int fd)
{
	struct tzs_dmabuf_info bi;
	struct tzs_dmabuf *b = tzs_dmabuf_get(w->h, fd, NULL);

	ASSERT_TRUE(b != NULL);
	tzs_dmabuf_info(b, &bi);
	ASSERT_EQ(tzs_dmabuf_put(w->h, b), 0);
	return bi;
}

/* The VM kernel's view of a system or ffa buffer. */
static uint8_t *nw_view(struct nw *w, int fd)
{
	struct tzs_dmabuf *b = tzs_dmabuf_get(w->h, fd, NULL);
	uint8_t *va = NULL;

	ASSERT_TRUE(b != NULL);
	va = tzs_dmabuf_vaddr(b);
	ASSERT_TRUE(va != NULL);
	ASSERT_EQ(tzs_dmabuf_put(w->h, b), 0);
	return va;
}

static bool nw_busy(struct nw *w, int fd)
{
	struct tzs_dmabuf *b = tzs_dmabuf_get(w->h, fd, NULL);
	bool busy = false;

	ASSERT_TRUE(b != NULL);
	busy = tzs_dmabuf_busy(b);
	ASSERT_EQ(tzs_dmabuf_put(w->h, b), 0);
	return busy;
}

static uint32_t nw_shares(struct nw *w)
{
	return vs_live_shares(w->vm);
}

/* OFFER @fd on @sd and check the record the service sends back. */
static struct nw_record offer_ok(struct nw *w, int sd, int fd, uint32_t kind,
				 uint64_t size)
{
	struct nw_record r;

	ASSERT_EQ(tzs_nwd_shmem(w->n, sd, OFFER, fd, 0), 0);
	ASSERT_TRUE(nw_busy(w, fd));
	r = nw_record_recv(w->n, sd);
	ASSERT_NE(r.offer_id, 0);
	ASSERT_EQ(r.size, size);
	ASSERT_EQ(r.kind, kind);
	return r;
}

static void revoke_ok(struct nw *w, int sd, int fd)
{
	ASSERT_EQ(tzs_nwd_shmem(w->n, sd, REVOKE, fd, 0), 0);
	ASSERT_FALSE(nw_busy(w, fd));
}

/* ---------------------------------------------------------------------- */
/* The three ways a buffer goes, and the transform round trip              */

TEST(system_buffer_is_shared_read_and_revoked)
{
	struct nw_record r1, r2;
	struct nw w;
	uint8_t *va = NULL;
	int fd = 0, sd = 0, err = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "system", 4096, O_RDWR);
	va = tzs_dmabuf_mmap(w.h, fd, 0, 4096, PROT_READ | PROT_WRITE, &err);
	ASSERT_TRUE(va != NULL);
	memcpy(va, "Hello World!", 13);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	r1 = offer_ok(&w, sd, fd, VSOCK_SHMEM_SHARE, 4096);
	ASSERT_EQ(r1.fnv32, nw_fnv(va, 4096));
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 1);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
	/* Shared, not lent: the VM keeps access. */
	ASSERT_FALSE(nw_faults(va));
	ASSERT_TRUE(strstr(nw_said(&w), "shmem reader: offer") != NULL);
	ASSERT_TRUE(strstr(nw_said(&w), "SHARE 4096 bytes: \"Hello World!\"") !=
		    NULL);
	revoke_ok(&w, sd, fd);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	/* The buffer may go again; a new offer has a new id. */
	va[0] = 'J';
	r2 = offer_ok(&w, sd, fd, VSOCK_SHMEM_SHARE, 4096);
	ASSERT_TRUE(r2.offer_id > r1.offer_id);
	ASSERT_EQ(r2.fnv32, nw_fnv(va, 4096));
	revoke_ok(&w, sd, fd);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	nw_stop(&w);
}

TEST(ffa_buffer_is_lent_faults_while_lent_and_is_readable_after_revoke)
{
	struct nw_record r;
	struct nw w;
	uint8_t *va = NULL;
	int fd = 0, sd = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "ffa", 8192, O_RDWR);
	va = nw_view(&w, fd);
	nw_fill(va, 8192, 5);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	r = offer_ok(&w, sd, fd, VSOCK_SHMEM_LEND, 8192);
	ASSERT_TRUE(nw_faults(va));
	ASSERT_TRUE(nw_faults(va + 4096));
	ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
	revoke_ok(&w, sd, fd);
	ASSERT_FALSE(nw_faults(va));
	ASSERT_FALSE(nw_faults(va + 4096));
	ASSERT_EQ(r.fnv32, nw_fnv(va, 8192));
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	nw_stop(&w);
}

/*
 * Each protected heap: its pool is lent at the first allocation (one
 * share), buffers go SEND_SECURE into the pool's area (no new share), the
 * reader sees the cleared pool; the pool is reclaimed when its last
 * buffer is freed, not before.
 */
TEST(protected_buffers_go_send_secure_and_the_pool_returns_after_the_last)
{
	static const char *const heaps[] = { SV, TUI, REC };
	static const uint8_t zero[12288];
	struct tzs_dmabuf_info a, b;
	struct nw_record r;
	struct nw w;
	unsigned int i = 0;
	int fa = 0, fb = 0, sd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	for (i = 0; i < 3; i++) {
		fa = nw_alloc(&w, heaps[i], 12288, O_RDWR);
		fb = nw_alloc(&w, heaps[i], 4096, O_RDWR);
		a = nw_info(&w, fa);
		b = nw_info(&w, fb);
		ASSERT_EQ(a.pool_tag, i + 1); /* the use case */
		ASSERT_EQ(b.pool_handle, a.pool_handle);
		ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
		r = offer_ok(&w, sd, fa, VSOCK_SHMEM_SEND_SECURE, 12288);
		ASSERT_EQ(r.fnv32, nw_fnv(zero, 12288));
		r = offer_ok(&w, sd, fb, VSOCK_SHMEM_SEND_SECURE, 4096);
		ASSERT_EQ(r.fnv32, nw_fnv(zero, 4096));
		ASSERT_EQ(tzs_nwd_offers(w.n, sd), 2);
		ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
		revoke_ok(&w, sd, fa);
		revoke_ok(&w, sd, fb);
		ASSERT_EQ(tzs_dmabuf_close(w.h, fa), 0);
		ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
		ASSERT_EQ(tzs_dmabuf_close(w.h, fb), 0);
		ASSERT_EQ(nw_shares(&w), w.base_shares);
	}
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/* Writable buffers: the transform service uppercases them in place. */
TEST(transform_uppercases_a_writable_buffer_in_place)
{
	static const char text[] = "hello from the normal world";
	static const char want[] = "HELLO FROM THE NORMAL WORLD";
	struct nw_record r;
	struct nw w;
	uint8_t *va = NULL, *lent = NULL;
	int fd = 0, ffd = 0, sd = 0, err = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "system", 4096, O_RDWR);
	va = tzs_dmabuf_mmap(w.h, fd, 0, 4096, PROT_READ | PROT_WRITE, &err);
	ASSERT_TRUE(va != NULL);
	memcpy(va, text, sizeof(text));
	sd = nw_connect(w.n, TZS_VSOCK_PORT_TRANSFORM);
	r = offer_ok(&w, sd, fd, VSOCK_SHMEM_SHARE, 4096);
	ASSERT_MEM_EQ(va, want, sizeof(want));
	ASSERT_EQ(r.fnv32, nw_fnv(va, 4096));
	revoke_ok(&w, sd, fd);
	/* A lent buffer too: the result is seen after REVOKE. */
	ffd = nw_alloc(&w, "ffa", 4096, O_RDWR);
	lent = nw_view(&w, ffd);
	memcpy(lent, text, sizeof(text));
	r = offer_ok(&w, sd, ffd, VSOCK_SHMEM_LEND, 4096);
	revoke_ok(&w, sd, ffd);
	ASSERT_MEM_EQ(lent, want, sizeof(want));
	ASSERT_EQ(r.fnv32, nw_fnv(lent, 4096));
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, ffd), 0);
	nw_stop(&w);
}

/* ---------------------------------------------------------------------- */
/* Rejections                                                              */

TEST(offer_of_a_bad_descriptor_or_a_foreign_kind_fails)
{
	struct nw w;
	int sys = 0, ffa = 0, prot = 0, sd = 0, fresh = 0;

	nw_start(&w, NULL);
	sys = nw_alloc(&w, "system", 4096, O_RDWR);
	ffa = nw_alloc(&w, "ffa", 4096, O_RDWR);
	prot = nw_alloc(&w, TUI, 4096, O_RDWR);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	/* EBADF: no such dma-buf, no such socket. */
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, 999, 0), -EBADF);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, REVOKE, 999, 0), -EBADF);
	ASSERT_EQ(tzs_nwd_shmem(w.n, 99, OFFER, sys, 0), -EBADF);
	ASSERT_EQ(tzs_nwd_shmem(w.n, -1, OFFER, sys, 0), -EBADF);
	/* EINVAL: the heap decides the kind; unknown kind or subop. */
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, sys, TZS_VSOCK_SHMEM_KIND_LEND),
		  -EINVAL);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, sys,
				TZS_VSOCK_SHMEM_KIND_SEND_SECURE),
		  -EINVAL);
	ASSERT_EQ(
		tzs_nwd_shmem(w.n, sd, OFFER, ffa, TZS_VSOCK_SHMEM_KIND_SHARE),
		-EINVAL);
	ASSERT_EQ(
		tzs_nwd_shmem(w.n, sd, OFFER, prot, TZS_VSOCK_SHMEM_KIND_LEND),
		-EINVAL);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, sys, 4), -EINVAL);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, 2, sys, 0), -EINVAL);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_FALSE(nw_busy(&w, sys));
	ASSERT_EQ(nw_shares(&w), w.base_shares + 1); /* the TUI pool */
	/* ENOTCONN: a new socket, and a listening one. */
	fresh = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(fresh >= 0);
	ASSERT_EQ(tzs_nwd_shmem(w.n, fresh, OFFER, sys, 0), -ENOTCONN);
	ASSERT_EQ(tzs_nwd_bind(w.n, fresh, VSK_CID_ANY, 7000), 0);
	ASSERT_EQ(tzs_nwd_listen(w.n, fresh, 1), 0);
	ASSERT_EQ(tzs_nwd_shmem(w.n, fresh, OFFER, sys, 0), -ENOTCONN);
	/* The matching kind, asked explicitly, is fine. */
	(void)offer_ok(&w, sd, sys, VSOCK_SHMEM_SHARE, 4096);
	(void)offer_ok(&w, sd, ffa, VSOCK_SHMEM_LEND, 4096);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, prot,
				TZS_VSOCK_SHMEM_KIND_SEND_SECURE),
		  0);
	(void)nw_record_recv(w.n, sd);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 3);
	ASSERT_EQ(tzs_nwd_close(w.n, fresh), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, sys), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, ffa), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, prot), 0);
	nw_stop(&w);
}

/* One control message of @dlen data bytes at @data, with @level, @type;
 * its cmsg_len is @extra bytes more than the data. */
static long send_cmsg(struct tzs_nwd_vsock *n, int sd, int level, int type,
		      const uint8_t *data, size_t dlen, size_t extra)
{
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(64)];
	} u;

	memset(&u, 0, sizeof(u));
	u.h.cmsg_level = level;
	u.h.cmsg_type = type;
	u.h.cmsg_len = CMSG_LEN(dlen) + extra;
	memcpy(CMSG_DATA(&u.h), data, dlen);
	return tzs_nwd_sendmsg(n, sd, NULL, 0, u.b, CMSG_SPACE(dlen), 0);
}

static void cm_put(uint8_t *d, uint32_t subop, int32_t fd, uint32_t kind,
		   uint32_t reserved)
{
	le32_put(d, subop);
	le32_put(d + 4, (uint32_t)fd);
	le32_put(d + 8, kind);
	le32_put(d + 12, reserved);
}

TEST(malformed_control_messages_are_einval_before_anything_is_done)
{
	union {
		struct cmsghdr h;
		uint8_t b[2 * CMSG_SPACE(16)];
	} two;
	struct cmsghdr *c = NULL;
	uint8_t d[32];
	struct nw w;
	int fd = 0, sd = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "system", 4096, O_RDWR);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	memset(d, 0, sizeof(d));
	cm_put(d, OFFER, fd, 0, 0);
	/* Wrong level, wrong type. */
	ASSERT_EQ(send_cmsg(w.n, sd, SOL_SOCKET, TZS_SCM_VSOCK_SHMEM, d, 16, 0),
		  -EINVAL);
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, 2, d, 16, 0), -EINVAL);
	/* Shorter than subop + fd. */
	ASSERT_EQ(
		send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 7, 0),
		-EINVAL);
	/* cmsg_len beyond the control buffer. */
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 16,
			    4096),
		  -EINVAL);
	/* Reserved not zero, in the 16-byte and in the 32-byte form. */
	cm_put(d, OFFER, fd, 0, 1);
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 16,
			    0),
		  -EINVAL);
	cm_put(d, OFFER, fd, 0, 0);
	d[31] = 1;
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 32,
			    0),
		  -EINVAL);
	d[31] = 0;
	/* Negative fd. */
	cm_put(d, OFFER, -1, 0, 0);
	ASSERT_EQ(
		send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 8, 0),
		-EINVAL);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_FALSE(nw_busy(&w, fd));
	/* A good OFFER followed by a bad message: neither is acted on. */
	memset(&two, 0, sizeof(two));
	two.h.cmsg_level = TZS_SOL_VSOCK;
	two.h.cmsg_type = TZS_SCM_VSOCK_SHMEM;
	two.h.cmsg_len = CMSG_LEN(16);
	cm_put(CMSG_DATA(&two.h), OFFER, fd, 0, 0);
	c = (struct cmsghdr *)(two.b + CMSG_SPACE(16));
	c->cmsg_level = TZS_SOL_VSOCK;
	c->cmsg_type = TZS_SCM_VSOCK_SHMEM;
	c->cmsg_len = CMSG_LEN(16);
	cm_put(CMSG_DATA(c), 9, fd, 0, 0);
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, NULL, 0, two.b, sizeof(two.b), 0),
		  -EINVAL);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	/* One dma-buf named twice: refused before anything is done. */
	cm_put(CMSG_DATA(c), OFFER, fd, 0, 0);
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, NULL, 0, two.b, sizeof(two.b), 0),
		  -EINVAL);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	/* 9..15 data bytes are no layout of ours. */
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 12,
			    0),
		  -EINVAL);
	/* A control buffer shorter than one header. */
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, NULL, 0, two.b, 4, 0), -EINVAL);
	/* Two good ones, the second fails: the first stays done. */
	cm_put(CMSG_DATA(c), REVOKE, fd + 1000, 0, 0);
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, NULL, 0, two.b, sizeof(two.b), 0),
		  -EBADF);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 1);
	(void)nw_record_recv(w.n, sd);
	/* The 32-byte form with zero reserved bytes is Design A's: fine. */
	cm_put(d, REVOKE, fd, 0, 0);
	ASSERT_EQ(send_cmsg(w.n, sd, TZS_SOL_VSOCK, TZS_SCM_VSOCK_SHMEM, d, 32,
			    0),
		  0);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	nw_stop(&w);
}

TEST(double_offer_is_ebusy_on_one_socket_and_across_two)
{
	struct nw w;
	int fd = 0, sd1 = 0, sd2 = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "ffa", 4096, O_RDWR);
	sd1 = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	sd2 = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd1, fd, VSOCK_SHMEM_LEND, 4096);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd1, OFFER, fd, 0), -EBUSY);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd2, OFFER, fd, 0), -EBUSY);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd1), 1);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd2), 0);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
	revoke_ok(&w, sd1, fd);
	/* Free again: the other socket may have it now. */
	(void)offer_ok(&w, sd2, fd, VSOCK_SHMEM_LEND, 4096);
	revoke_ok(&w, sd2, fd);
	ASSERT_EQ(tzs_nwd_close(w.n, sd1), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd2), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	nw_stop(&w);
}

TEST(revoke_of_a_buffer_not_offered_on_that_socket_is_enoent)
{
	struct nw w;
	int fd = 0, other = 0, sd1 = 0, sd2 = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "system", 4096, O_RDWR);
	other = nw_alloc(&w, "system", 4096, O_RDWR);
	sd1 = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	sd2 = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd1, REVOKE, fd, 0), -ENOENT);
	(void)offer_ok(&w, sd1, fd, VSOCK_SHMEM_SHARE, 4096);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd1, REVOKE, other, 0), -ENOENT);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd2, REVOKE, fd, 0), -ENOENT);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd1), 1);
	ASSERT_TRUE(nw_busy(&w, fd));
	revoke_ok(&w, sd1, fd);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd1, REVOKE, fd, 0), -ENOENT);
	ASSERT_EQ(tzs_nwd_close(w.n, sd1), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd2), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, other), 0);
	nw_stop(&w);
}

/* The peer says no (OFFER_REJECT): ECONNREFUSED, nothing left behind. */
TEST(read_only_buffer_to_transform_is_refused)
{
	struct nw w;
	int ro = 0, sd = 0;

	nw_start(&w, NULL);
	ro = nw_alloc(&w, "system", 4096, O_RDONLY);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_TRANSFORM);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, ro, 0), -ECONNREFUSED);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_FALSE(nw_busy(&w, ro));
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	/* The reader takes it read-only. */
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, ro, VSOCK_SHMEM_SHARE, 4096);
	revoke_ok(&w, sd, ro);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, ro), 0);
	nw_stop(&w);
}

/* The echo service takes no offers; data of the same sendmsg is not
 * sent when its control message fails. */
TEST(offer_to_a_service_without_shared_memory_is_refused_and_sends_nothing)
{
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(16)];
	} u;
	struct iovec iov = { .iov_base = "data", .iov_len = 4 };
	struct nw w;
	char buf[8];
	int fd = 0, sd = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "system", 4096, O_RDWR);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	memset(&u, 0, sizeof(u));
	u.h.cmsg_level = TZS_SOL_VSOCK;
	u.h.cmsg_type = TZS_SCM_VSOCK_SHMEM;
	u.h.cmsg_len = CMSG_LEN(16);
	cm_put(CMSG_DATA(&u.h), OFFER, fd, 0, 0);
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, &iov, 1, u.b, sizeof(u.b), 0),
		  -ECONNREFUSED);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 0);
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	/* Nothing was echoed: the data never left. */
	ASSERT_EQ(tzs_nwd_send(w.n, sd, "!", 1, 0), 1);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, 1, VSK_MSG_WAITALL), 1);
	ASSERT_EQ(buf[0], '!');
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, 1, VSK_MSG_DONTWAIT), -EAGAIN);
	/* Without the control message the data goes. */
	ASSERT_EQ(tzs_nwd_sendmsg(w.n, sd, &iov, 1, NULL, 0, 0), 4);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, 4, VSK_MSG_WAITALL), 4);
	ASSERT_MEM_EQ(buf, "data", 4);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	nw_stop(&w);
}

/* ---------------------------------------------------------------------- */
/* Lifetimes                                                               */

TEST(closing_the_socket_revokes_its_live_offers)
{
	struct nw w;
	uint8_t *lent = NULL;
	int sys = 0, ffa = 0, sd = 0;

	nw_start(&w, NULL);
	sys = nw_alloc(&w, "system", 4096, O_RDWR);
	ffa = nw_alloc(&w, "ffa", 4096, O_RDWR);
	lent = nw_view(&w, ffa);
	nw_fill(lent, 4096, 9);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, sys, VSOCK_SHMEM_SHARE, 4096);
	(void)offer_ok(&w, sd, ffa, VSOCK_SHMEM_LEND, 4096);
	ASSERT_TRUE(nw_faults(lent));
	ASSERT_EQ(nw_shares(&w), w.base_shares + 2);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_FALSE(nw_busy(&w, sys));
	ASSERT_FALSE(nw_busy(&w, ffa));
	ASSERT_FALSE(nw_faults(lent));
	ASSERT_EQ(lent[100], nw_byte(9, 100));
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	/* Both may be offered again on a new connection. */
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, sys, VSOCK_SHMEM_SHARE, 4096);
	(void)offer_ok(&w, sd, ffa, VSOCK_SHMEM_LEND, 4096);
	revoke_ok(&w, sd, sys);
	revoke_ok(&w, sd, ffa);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, sys), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, ffa), 0);
	nw_stop(&w);
}

/*
 * close() of the dma-buf fd while offered drops the fd, not the buffer:
 * the offer holds it. The fd no longer names it (REVOKE by that number is
 * EBADF, and once the number is reused it names the new buffer), so the
 * offer ends with the socket; only then is the memory reclaimed and freed
 * (the protected pool released).
 */
TEST(closing_the_dmabuf_fd_keeps_the_memory_until_the_offer_ends)
{
	struct nw w;
	uint8_t *lent = NULL;
	int ffa = 0, prot = 0, sd = 0, again = 0;

	nw_start(&w, NULL);
	ffa = nw_alloc(&w, "ffa", 4096, O_RDWR);
	prot = nw_alloc(&w, SV, 4096, O_RDWR);
	lent = nw_view(&w, ffa);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, ffa, VSOCK_SHMEM_LEND, 4096);
	(void)offer_ok(&w, sd, prot, VSOCK_SHMEM_SEND_SECURE, 4096);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 2);
	ASSERT_EQ(tzs_dmabuf_close(w.h, ffa), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, prot), 0);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, REVOKE, ffa, 0), -EBADF);
	/* The lowest free number comes back for a new buffer: it names that
	 * buffer, not the offered one. */
	again = nw_alloc(&w, "system", 4096, O_RDWR);
	ASSERT_EQ(again, ffa);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, REVOKE, again, 0), -ENOENT);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 2);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 2);
	ASSERT_TRUE(nw_faults(lent));
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	/* The lend reclaimed, the pool's last buffer freed: no share left. */
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	ASSERT_FALSE(nw_faults(lent));
	ASSERT_EQ(tzs_dmabuf_close(w.h, again), 0);
	nw_stop(&w);
}

/* The device keeps VDEV_VSOCK_SHM_OFFERS (8) offers per connection. */
TEST(eight_offers_live_on_one_socket_and_the_ninth_is_refused)
{
	int fd[VDEV_VSOCK_SHM_OFFERS + 1];
	struct nw w;
	unsigned int i = 0;
	int sd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	for (i = 0; i <= VDEV_VSOCK_SHM_OFFERS; i++) {
		fd[i] = nw_alloc(&w, "system", 4096, O_RDWR);
	}
	for (i = 0; i < VDEV_VSOCK_SHM_OFFERS; i++) {
		(void)offer_ok(&w, sd, fd[i], VSOCK_SHMEM_SHARE, 4096);
	}
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), VDEV_VSOCK_SHM_OFFERS);
	ASSERT_EQ(nw_shares(&w), w.base_shares + VDEV_VSOCK_SHM_OFFERS);
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, fd[VDEV_VSOCK_SHM_OFFERS], 0),
		  -ECONNREFUSED);
	ASSERT_FALSE(nw_busy(&w, fd[VDEV_VSOCK_SHM_OFFERS]));
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), VDEV_VSOCK_SHM_OFFERS);
	ASSERT_EQ(nw_shares(&w), w.base_shares + VDEV_VSOCK_SHM_OFFERS);
	/* One revoked makes room. */
	revoke_ok(&w, sd, fd[3]);
	(void)offer_ok(&w, sd, fd[VDEV_VSOCK_SHM_OFFERS], VSOCK_SHMEM_SHARE,
		       4096);
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), VDEV_VSOCK_SHM_OFFERS);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	for (i = 0; i <= VDEV_VSOCK_SHM_OFFERS; i++) {
		ASSERT_FALSE(nw_busy(&w, fd[i]));
		ASSERT_EQ(tzs_dmabuf_close(w.h, fd[i]), 0);
	}
	nw_stop(&w);
}

/* What /proc/self/maps maps over [va, va + len): every mapping there is
 * an anonymous PROT_NONE one (1), or a read/write memfd (0); -1 else. */
static int maps_of(const void *va, uint64_t len)
{
	uint64_t lo = (uintptr_t)va, hi = lo + len, covered = 0;
	unsigned int none = 0, rw = 0, lines = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	ASSERT_TRUE(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start = 0, end = 0, off = 0, ino = 0;
		char perms[8] = "", dev[16] = "", path[256] = "";
		int n = sscanf(line, "%llx-%llx %7s %llx %15s %llu %255s",
			       &start, &end, perms, &off, dev, &ino, path);

		ASSERT_TRUE(n >= 6);
		if (end <= lo || start >= hi) {
			continue;
		}
		lines++;
		covered += (end < hi ? end : hi) - (start > lo ? start : lo);
		none += ino == 0 && !strcmp(perms, "---p") && n == 6;
		rw += ino != 0 && !strcmp(perms, "rw-s") &&
		      !strncmp(path, "/memfd:", 7);
	}
	fclose(f);
	ASSERT_EQ(covered, len);
	return none == lines ? 1 : rw == lines ? 0 : -1;
}

/* No byte of a lent pool is mapped in the VM: not after the allocation,
 * not while a buffer of it is offered, not after the REVOKE; the memfd
 * is back once the pool is released. */
TEST(protected_pool_pages_are_never_mapped_in_the_vm)
{
	struct tzs_dmabuf_info bi;
	struct nw w;
	uint8_t *pool = NULL;
	uint64_t len = 0;
	int fd = 0, sd = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, TUI, 8192, O_RDWR);
	bi = nw_info(&w, fd);
	len = bi.pool_page_count * 4096;
	pool = tzs_ep_pa(w.vm, bi.pool_pa, len);
	ASSERT_TRUE(pool != NULL);
	ASSERT_EQ(maps_of(pool, len), 1);
	ASSERT_TRUE(nw_faults(pool + bi.pool_offset));
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, fd, VSOCK_SHMEM_SEND_SECURE, 8192);
	ASSERT_EQ(maps_of(pool, len), 1);
	revoke_ok(&w, sd, fd);
	ASSERT_EQ(maps_of(pool, len), 1);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	ASSERT_EQ(maps_of(pool, len), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/*
 * The SP dies while it holds offers. The connections are reset as soon as
 * the stack finds the device gone; REVOKE cannot reach the device, so the
 * area's unshare fails on the bus and the stack reclaims directly (the
 * SPMC relinquished what the dead SP had retrieved): REVOKE and close
 * return 0 at once and the buffers are the VM's again, the protected pool
 * is released when its buffer is freed. New offers fail with ENOTCONN.
 */
TEST(sp_death_with_live_offers_gives_the_buffers_back)
{
	struct nw w;
	uint8_t *lent = NULL, *lent2 = NULL;
	int fd = 0, fd2 = 0, prot = 0, sd = 0, sd2 = 0;

	nw_start(&w, NULL);
	fd = nw_alloc(&w, "ffa", 4096, O_RDWR);
	fd2 = nw_alloc(&w, "ffa", 4096, O_RDWR);
	prot = nw_alloc(&w, SV, 4096, O_RDWR);
	lent = nw_view(&w, fd);
	lent2 = nw_view(&w, fd2);
	nw_fill(lent, 4096, 11);
	nw_fill(lent2, 4096, 12);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	sd2 = nw_connect(w.n, TZS_VSOCK_PORT_READER);
	(void)offer_ok(&w, sd, fd, VSOCK_SHMEM_LEND, 4096);
	(void)offer_ok(&w, sd, prot, VSOCK_SHMEM_SEND_SECURE, 4096);
	(void)offer_ok(&w, sd2, fd2, VSOCK_SHMEM_LEND, 4096);
	ASSERT_TRUE(nw_faults(lent));
	ASSERT_EQ(nw_shares(&w), w.base_shares + 3);
	nw_kill_sp(&w);
	/* REVOKE of a lent buffer: reclaimed directly. */
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, REVOKE, fd, 0), 0);
	ASSERT_FALSE(nw_busy(&w, fd));
	ASSERT_FALSE(nw_faults(lent));
	ASSERT_EQ(lent[7], nw_byte(11, 7));
	ASSERT_EQ(tzs_nwd_offers(w.n, sd), 1);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 2);
	/* The connection is gone: no new offer. */
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, OFFER, fd, 0), -ENOTCONN);
	/* REVOKE of a protected buffer; freeing it releases the pool. */
	ASSERT_EQ(tzs_nwd_shmem(w.n, sd, REVOKE, prot, 0), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, prot), 0);
	ASSERT_EQ(nw_shares(&w), w.base_shares + 1);
	/* Closing a socket with a live lent offer gives it back too. */
	ASSERT_EQ(tzs_nwd_close(w.n, sd2), 0);
	ASSERT_FALSE(nw_busy(&w, fd2));
	ASSERT_FALSE(nw_faults(lent2));
	ASSERT_EQ(lent2[7], nw_byte(12, 7));
	ASSERT_EQ(nw_shares(&w), w.base_shares);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd), 0);
	ASSERT_EQ(tzs_dmabuf_close(w.h, fd2), 0);
	nw_stop(&w);
}
