// SPDX-License-Identifier: BSD-2-Clause
/*
 * OP_SHMEM on the virtio-vsock device (core/vdev/vsock_shm.c) and the
 * secure shared-memory services (core/vdev/shm_reader.c,
 * shm_transform.c), end to end over the FF-A bus loopback: the test
 * driver shares areas (frontend, or raw AREA_SHARE for tagged ones),
 * offers ranges of them on a connection and checks every reply, record,
 * log line, counter and area hold.
 */
#include "vsock_loop.h"

#define PORT_R VDEV_VSOCK_PORT_READER
#define PORT_T VDEV_VSOCK_PORT_TRANSFORM
#define TAG 0x5ec0de0000000001ull

static struct vl_pkt pk[VL_MAX_PKTS];

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

struct area {
	uint16_t id;
	uint64_t pa;
	uint8_t *host;
	uint64_t bus;
	uint64_t handle;
	uint32_t pages;
};

/* An area the frontend shares (type in @attrs bits 1:0, untagged). */
static void area_fe(struct vl *t, struct area *a, uint32_t pages,
		    uint32_t attrs)
{
	a->pages = pages;
	a->pa = lp_pages_alloc(t->l, pages);
	a->host = lp_host(t->l, a->pa);
	ASSERT_EQ(vmsg_ffa_frontend_area_share(&t->l->fe, a->pa, pages, attrs,
					       &a->bus),
		  VMSG_T_OK);
	a->id = (uint16_t)(a->bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	a->handle = vmsg_ffa_frontend_area(&t->l->fe, a->id)->handle;
}

/* The static DMA pool: one SHARE area, already shared. */
static void area_pool(struct vl *t, struct area *a, uint32_t len)
{
	memset(a, 0, sizeof(*a));
	ASSERT_EQ(vmsg_ffa_dma_pool_alloc(&t->l->pool, len, 16, &a->host,
					  &a->bus),
		  VMSG_T_OK);
	a->id = t->l->pool.area_id;
	a->handle = vmsg_ffa_frontend_area(&t->l->fe, a->id)->handle;
}

/*
 * A lent area with an FF-A tag, as a protected pool: the caller owns the
 * FF-A transaction and attaches it (the bus never reclaims it).
 */
static void area_tagged(struct vl *t, struct area *a, uint32_t pages,
			uint64_t tag)
{
	uint32_t attrs = VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND;

	a->pages = pages;
	a->pa = lp_pages_alloc(t->l, pages);
	a->host = lp_host(t->l, a->pa);
	ASSERT_EQ(lp_mem_share(t->l, a->pa, pages, attrs, &a->handle),
		  VMSG_T_OK);
	ASSERT_EQ(vmsg_ffa_frontend_area_attach(&t->l->fe, a->handle, tag,
						a->pa, pages, attrs, &a->bus),
		  VMSG_T_OK);
	a->id = (uint16_t)(a->bus >> VMSG_BUS_ADDR_AREA_SHIFT);
}

static uint32_t holds(struct vl *t, uint16_t id)
{
	struct vmsg_ffa_area *a = vmsg_ffa_backend_area(&t->l->be, id);

	ASSERT_TRUE(a != NULL);
	return a->users;
}

static struct vsock_shmem offer(uint64_t id, uint32_t kind,
				const struct area *a, uint64_t off,
				uint64_t size, uint32_t flags)
{
	struct vsock_shmem m = {
		.subop = VSOCK_SHMEM_OFFER,
		.type = VSOCK_SHMEM_TYPE_FFA,
		.kind = kind,
		.flags = flags,
		.offer_id = id,
		.bus_addr = a->bus + off,
		.size = size,
		.ffa_handle = a->handle,
		.ffa_tag = kind == VSOCK_SHMEM_SEND_SECURE ? TAG : 0,
	};

	return m;
}

static struct vsock_shmem with_subop(struct vsock_shmem m, uint32_t subop)
{
	m.subop = subop;
	return m;
}

static void shm_send(struct vl *t, uint32_t port, const struct vsock_shmem *m)
{
	uint8_t pl[VSOCK_SHMEM_SIZE];

	ASSERT_EQ(vsock_shmem_encode(m, pl, sizeof(pl)), VSOCK_SHMEM_SIZE);
	vl_send_to(t, port, VSOCK_OP_SHMEM, 0, pl, sizeof(pl));
}

static void expect_shm(const struct vl_pkt *p, uint32_t port,
		       const struct vsock_shmem *want)
{
	struct vsock_shmem got;

	vl_expect(p, VSOCK_OP_SHMEM, port, VL_LPORT);
	ASSERT_EQ(p->h.len, VSOCK_SHMEM_SIZE);
	ASSERT_EQ(vsock_shmem_decode(p->data, p->h.len, &got, NULL), VSOCK_OK);
	ASSERT_EQ(got.subop, want->subop);
	ASSERT_EQ(got.type, want->type);
	ASSERT_EQ(got.kind, want->kind);
	ASSERT_EQ(got.flags, want->flags);
	ASSERT_EQ(got.offer_id, want->offer_id);
	ASSERT_EQ(got.bus_addr, want->bus_addr);
	ASSERT_EQ(got.size, want->size);
	ASSERT_EQ(got.ffa_handle, want->ffa_handle);
	ASSERT_EQ(got.ffa_tag, want->ffa_tag);
}

/* Exactly one packet came back: @m echoed with @subop. */
static void expect_reply(struct vl *t, uint32_t port,
			 const struct vsock_shmem *m, uint32_t subop)
{
	struct vsock_shmem want = with_subop(*m, subop);

	ASSERT_EQ(vl_drain(t, pk), 1);
	expect_shm(&pk[0], port, &want);
}

static uint32_t fnv_ref(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i = 0;

	for (i = 0; i < n; i++) {
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

static void expect_record(const uint8_t *r, uint64_t id, uint64_t size,
			  uint32_t fnv, uint32_t kind)
{
	ASSERT_EQ(le64_get(r), id);
	ASSERT_EQ(le64_get(r + 8), size);
	ASSERT_EQ(le32_get(r + 16), fnv);
	ASSERT_EQ(le32_get(r + 20), kind);
}

/* Exactly one packet came back: the service's record, whole. */
static void expect_record_pkt(struct vl *t, uint32_t port, uint64_t id,
			      uint64_t size, uint32_t fnv, uint32_t kind)
{
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, port, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, VDEV_VSOCK_SHM_RECORD);
	expect_record(pk[0].data, id, size, fnv, kind);
}

static void expect_log(struct vl *t, uint32_t i, const char *want)
{
	ASSERT_TRUE(i < t->n_log);
	if (strcmp(t->log[i], want) != 0) {
		test_fail(__FILE__, __LINE__, "log line %u: got [%s] want [%s]",
			  i, t->log[i], want);
	}
}

/* Every counter as @want (a copy of the old stats with the changes). */
static void expect_stats(struct vl *t, const struct vdev_vsock_shm_stats *want)
{
	const uint64_t *g = (const uint64_t *)&t->v->shm_stats;
	const uint64_t *w = (const uint64_t *)want;
	size_t i = 0;

	for (i = 0; i < sizeof(*want) / sizeof(uint64_t); i++) {
		if (g[i] != w[i]) {
			test_fail(__FILE__, __LINE__,
				  "shm_stats field %zu: %" PRIu64
				  " != %" PRIu64,
				  i, g[i], w[i]);
		}
	}
}

/* Device with the services, driver connected to @port. */
static struct vl *setup(uint32_t port)
{
	struct vl *t = vl_new_shm();

	vl_post_rx(t, 8);
	vl_connect_to(t, port);
	return t;
}

/*
 * @m is rejected: OFFER_REJECT echoing it, rejects and the counter at
 * offset @reason (in struct vdev_vsock_shm_stats) up by one, nothing else
 * counted, no hold taken, the service not called.
 */
static void expect_reject(struct vl *t, uint32_t port,
			  const struct vsock_shmem *m, size_t reason)
{
	struct vdev_vsock_shm_stats want = t->v->shm_stats;
	uint64_t offers = t->reader.offers + t->transform.offers;
	uint32_t n_log = t->n_log;

	want.rejects++;
	(*(uint64_t *)((uint8_t *)&want + reason))++;
	shm_send(t, port, m);
	expect_reply(t, port, m, VSOCK_SHMEM_OFFER_REJECT);
	expect_stats(t, &want);
	ASSERT_EQ(t->reader.offers + t->transform.offers, offers);
	ASSERT_EQ(t->n_log, n_log);
}

#define REASON(f) offsetof(struct vdev_vsock_shm_stats, f)

/* ---------------------------------------------------------------------- */
/* Reader                                                                  */

TEST(fnv32_matches_the_published_fnv1a_vectors)
{
	ASSERT_EQ(vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, NULL, 0),
		  0x811c9dc5u);
	ASSERT_EQ(vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, (const uint8_t *)"a",
				   1),
		  0xe40c292cu);
	ASSERT_EQ(vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT,
				   (const uint8_t *)"foobar", 6),
		  0xbf9cf968u);
	/* Chunked the same as whole. */
	ASSERT_EQ(vdev_vsock_fnv32(vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT,
						    (const uint8_t *)"foo", 3),
				   (const uint8_t *)"bar", 3),
		  0xbf9cf968u);
}

TEST(reader_share_offer_is_logged_answered_and_revoked)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	struct vdev_vsock_shm_stats want = t->v->shm_stats;
	uint32_t held = 0;

	area_pool(t, &a, 4096);
	memset(a.host, 0, 4096);
	memcpy(a.host, "Hello World!", 12);
	held = holds(t, a.id);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 4096, 0);
	shm_send(t, PORT_R, &m);
	/* No OP_SHMEM reply on success: the service's record only. */
	expect_record_pkt(t, PORT_R, 1, 4096, fnv_ref(a.host, 4096),
			  VSOCK_SHMEM_SHARE);
	ASSERT_EQ(t->n_log, 1);
	expect_log(t, 0,
		   "shmem reader: offer 1 SHARE 4096 bytes: \"Hello World!\"");
	ASSERT_EQ(t->reader.offers, 1);
	ASSERT_EQ(t->reader.bytes, 4096);
	ASSERT_EQ(t->reader.records, 1);
	want.offers++;
	expect_stats(t, &want);
	/* The range is held while the offer lives. */
	ASSERT_EQ(holds(t, a.id), held + 1);

	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	want.revokes++;
	expect_stats(t, &want);
	ASSERT_EQ(holds(t, a.id), held);
}

TEST(reader_lend_offer_revoke_done_then_unshare_succeeds)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	unsigned int reclaims = 0;

	area_fe(t, &a, 2, VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND);
	memcpy(a.host + 4096, "lent\0tail", 9);
	m = offer(9, VSOCK_SHMEM_LEND, &a, 4096, 4096, VSOCK_SHMEM_F_WRITABLE);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 9, 4096, fnv_ref(a.host + 4096, 4096),
			  VSOCK_SHMEM_LEND);
	expect_log(t, 0, "shmem reader: offer 9 LEND 4096 bytes: \"lent\"");
	ASSERT_EQ(holds(t, a.id), 1);
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_EQ(holds(t, a.id), 0);
	/* Only now does the driver unshare: OK at once, reclaim works. */
	reclaims = t->l->reclaims;
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
	ASSERT_EQ(t->l->reclaims, reclaims + 1);
	ASSERT_TRUE(vmsg_ffa_backend_area(&t->l->be, a.id) == NULL);
}

TEST(reader_send_secure_offer_in_a_tagged_lent_pool)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_tagged(t, &a, 4, TAG);
	memcpy(a.host + 8192 + 16, "secure frame", 12);
	/* A buffer is a sub-range of the pool lent once. */
	m = offer(3, VSOCK_SHMEM_SEND_SECURE, &a, 8192 + 16, 100, 0);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 3, 100, fnv_ref(a.host + 8192 + 16, 100),
			  VSOCK_SHMEM_SEND_SECURE);
	expect_log(t, 0,
		   "shmem reader: offer 3 SEND_SECURE 100 bytes: "
		   "\"secure frame\"");
	ASSERT_EQ(holds(t, a.id), 1);
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
	/* The pool's owner reclaims it, not the bus. */
	ASSERT_EQ(lp_mem_reclaim(t->l, a.handle), VMSG_T_OK);
}

TEST(reader_reads_a_read_only_offer_and_escapes_and_caps_the_log_text)
{
	struct vl *t = setup(PORT_R);
	struct lp_buf b;
	struct area a;
	struct vsock_shmem m;
	uint8_t data[200];

	/* A read-only area of its own (dynamic mode). */
	lp_buf_get(t->l, LP_DYNAMIC, sizeof(data), false, &b);
	memset(&a, 0, sizeof(a));
	a.bus = b.bus;
	a.id = (uint16_t)(b.bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	a.handle = vmsg_ffa_frontend_area(&t->l->fe, a.id)->handle;
	memset(data, 'x', sizeof(data));
	memcpy(data, "q\"b\\c\x01\xff", 7);
	memcpy(b.host, data, sizeof(data));
	m = offer(4, VSOCK_SHMEM_SHARE, &a, 0, sizeof(data), 0);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 4, sizeof(data),
			  fnv_ref(data, sizeof(data)), VSOCK_SHMEM_SHARE);
	/* 64 bytes of text: 7 escaped or not, then 57 'x'. */
	expect_log(
		t, 0,
		"shmem reader: offer 4 SHARE 200 bytes: "
		"\"q\\\"b\\\\c\\x01\\xff"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
	/* Unchanged: the reader never writes. */
	ASSERT_MEM_EQ(b.host, data, sizeof(data));
}

TEST(reader_offers_in_a_buffer_larger_than_its_chunk_hash_every_byte)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	uint32_t i = 0, n = 3 * VDEV_VSOCK_SHM_CHUNK + 17;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	for (i = 0; i < n; i++) {
		a.host[i] = (uint8_t)(i * 7u + 1u);
	}
	m = offer(5, VSOCK_SHMEM_SHARE, &a, 0, n, 0);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 5, n, fnv_ref(a.host, n),
			  VSOCK_SHMEM_SHARE);
}

/* ---------------------------------------------------------------------- */
/* Transform                                                               */

TEST(transform_uppercases_in_place_and_the_driver_reads_it_after_revoke_done)
{
	struct vl *t = setup(PORT_T);
	struct area a;
	struct vsock_shmem m;
	static const char in[32] = "Hello World! abc-xyz {}";
	static const char out[32] = "HELLO WORLD! ABC-XYZ {}";

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	memcpy(a.host + 64, in, sizeof(in));
	a.host[96] = 'q'; /* just past the offer: untouched */
	m = offer(7, VSOCK_SHMEM_SHARE, &a, 64, sizeof(in),
		  VSOCK_SHMEM_F_WRITABLE);
	shm_send(t, PORT_T, &m);
	expect_record_pkt(t, PORT_T, 7, sizeof(in),
			  fnv_ref((const uint8_t *)out, sizeof(out)),
			  VSOCK_SHMEM_SHARE);
	expect_log(t, 0,
		   "shmem transform: offer 7 SHARE 32 bytes: "
		   "\"HELLO WORLD! ABC-XYZ {}\"");
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_T, &m);
	expect_reply(t, PORT_T, &m, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_MEM_EQ(a.host + 64, out, sizeof(out));
	ASSERT_EQ(a.host[96], 'q');
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
}

TEST(transform_rejects_a_read_only_offer)
{
	struct vl *t = setup(PORT_T);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	memcpy(a.host, "keep me", 7);
	m = offer(8, VSOCK_SHMEM_SHARE, &a, 0, 7, 0);
	expect_reject(t, PORT_T, &m, REASON(refused));
	ASSERT_MEM_EQ(a.host, "keep me", 7);
	ASSERT_EQ(holds(t, a.id), 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
}

/* ---------------------------------------------------------------------- */
/* Rejections, in the device's check order                                 */

TEST(offer_on_a_connection_of_a_service_without_offer_callback_is_rejected)
{
	struct vl *t = setup(VL_PORT); /* the echo service */
	struct area a;
	struct vsock_shmem m;

	area_pool(t, &a, 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	expect_reject(t, VL_PORT, &m, REASON(no_service));
}

TEST(offer_with_an_offer_id_live_on_the_connection_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a, b;
	struct vsock_shmem m, dup;

	area_pool(t, &a, 64);
	area_pool(t, &b, 64);
	m = offer(42, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1); /* the record */
	dup = offer(42, VSOCK_SHMEM_SHARE, &b, 0, 32, 0);
	expect_reject(t, PORT_R, &dup, REASON(dup_id));
	/* The first offer is untouched: its REVOKE still works. */
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
}

TEST(offer_id_is_per_connection)
{
	struct vl *t = vl_new_shm();
	struct area a;
	struct vsock_shmem m;

	vl_post_rx(t, 8);
	vl_connect_to(t, PORT_R);
	vl_connect_to(t, PORT_T);
	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 16, VSOCK_SHMEM_F_WRITABLE);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_R, VL_LPORT);
	shm_send(t, PORT_T, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_T, VL_LPORT);
	ASSERT_EQ(t->v->shm_stats.offers, 2);
	ASSERT_EQ(holds(t, a.id), 2);
}

TEST(ninth_live_offer_on_a_connection_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	uint64_t i = 0;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	for (i = 1; i <= VDEV_VSOCK_SHM_OFFERS; i++) {
		m = offer(i, VSOCK_SHMEM_SHARE, &a, i, 8, 0);
		shm_send(t, PORT_R, &m);
		expect_record_pkt(t, PORT_R, i, 8, fnv_ref(a.host + i, 8),
				  VSOCK_SHMEM_SHARE);
	}
	ASSERT_EQ(holds(t, a.id), VDEV_VSOCK_SHM_OFFERS);
	m = offer(100, VSOCK_SHMEM_SHARE, &a, 0, 8, 0);
	expect_reject(t, PORT_R, &m, REASON(limit));
	ASSERT_EQ(holds(t, a.id), VDEV_VSOCK_SHM_OFFERS);
	/* One revoked: room again. */
	m = with_subop(offer(1, VSOCK_SHMEM_SHARE, &a, 1, 8, 0),
		       VSOCK_SHMEM_REVOKE);
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	m = offer(100, VSOCK_SHMEM_SHARE, &a, 0, 8, 0);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 100, 8, fnv_ref(a.host, 8),
			  VSOCK_SHMEM_SHARE);
}

TEST(offer_with_reserved_flag_bits_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_pool(t, &a, 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0x2u);
	expect_reject(t, PORT_R, &m, REASON(bad_flags));
	m = offer(2, VSOCK_SHMEM_SHARE, &a, 0, 64, 0x80000001u);
	expect_reject(t, PORT_R, &m, REASON(bad_flags));
}

TEST(offer_of_zero_bytes_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_pool(t, &a, 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 0, 0);
	expect_reject(t, PORT_R, &m, REASON(empty));
}

TEST(offer_above_the_size_limit_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_pool(t, &a, 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0,
		  (uint64_t)VDEV_VSOCK_SHM_SIZE_MAX + 1u, 0);
	expect_reject(t, PORT_R, &m, REASON(too_big));
	m = offer(2, VSOCK_SHMEM_SHARE, &a, 0, UINT64_MAX, 0);
	expect_reject(t, PORT_R, &m, REASON(too_big));
}

TEST(offer_over_a_bus_without_mem_info_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_pool(t, &a, 64);
	t->l->be.devt_bus.mem_info = NULL;
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(no_mem_info));
}

TEST(offer_outside_one_mapped_area_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a, b;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	area_fe(t, &b, 1, VMSG_FFA_AREA_ATTRS_RW);
	/* Runs past the end of its area. */
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 4000, 97, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_range));
	/* Starts at the end. */
	m = offer(2, VSOCK_SHMEM_SHARE, &a, 4096, 1, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_range));
	/* An area id nobody shared. */
	m = offer(3, VSOCK_SHMEM_SHARE, &a, 0, 16, 0);
	m.bus_addr = vmsg_bus_addr(0x7777, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_range));
	/* Offset bits past the 48-bit offset field. */
	m = offer(4, VSOCK_SHMEM_SHARE, &a, 0, 16, 0);
	m.bus_addr = UINT64_MAX - 7;
	expect_reject(t, PORT_R, &m, REASON(bad_range));
	/* The last byte fits exactly: taken. */
	m = offer(5, VSOCK_SHMEM_SHARE, &a, 4000, 96, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_R, VL_LPORT);
	ASSERT_EQ(holds(t, b.id), 0);
}

TEST(offer_in_an_area_being_unshared_is_rejected_and_busy_ends_on_revoke)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m, late;
	unsigned int reclaims = 0;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	/* The offer holds the area: UNSHARE answers BUSY. */
	reclaims = t->l->reclaims;
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id),
		  VMSG_T_E_STATE);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&t->l->fe, a.id)->release_pending);
	ASSERT_EQ(t->l->reclaims, reclaims);
	late = offer(2, VSOCK_SHMEM_SHARE, &a, 64, 64, 0);
	expect_reject(t, PORT_R, &late, REASON(releasing));
	/* REVOKE: the last hold goes, AREA_RELEASE, the driver reclaims. */
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_TRUE(lp_poll(t->l) >= 0);
	ASSERT_EQ(t->l->reclaims, reclaims + 1);
	ASSERT_TRUE(vmsg_ffa_backend_area(&t->l->be, a.id) == NULL);
	ASSERT_TRUE(vmsg_ffa_frontend_area(&t->l->fe, a.id) == NULL);
}

TEST(offer_naming_another_handle_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area a, b;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	area_fe(t, &b, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	m.ffa_handle = b.handle;
	expect_reject(t, PORT_R, &m, REASON(bad_handle));
	m.ffa_handle = 0;
	expect_reject(t, PORT_R, &m, REASON(bad_handle));
}

TEST(offer_whose_kind_does_not_match_the_area_share_type_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area sh, ln, dn, tg;
	struct vsock_shmem m;

	area_fe(t, &sh, 1, VMSG_FFA_AREA_ATTRS_RW);
	area_fe(t, &ln, 1, VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND);
	area_fe(t, &dn, 1, VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_DONATE);
	area_tagged(t, &tg, 1, TAG);
	m = offer(1, VSOCK_SHMEM_LEND, &sh, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	m = offer(2, VSOCK_SHMEM_SEND_SECURE, &sh, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	m = offer(3, VSOCK_SHMEM_SHARE, &ln, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	m = offer(4, VSOCK_SHMEM_SHARE, &tg, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	/* Donated memory is no longer the driver's to offer or revoke. */
	m = offer(5, VSOCK_SHMEM_SHARE, &dn, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	m = offer(6, VSOCK_SHMEM_LEND, &dn, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_kind));
	/* LEND in a lent area, tagged or not: taken. */
	m = offer(7, VSOCK_SHMEM_LEND, &tg, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_R, VL_LPORT);
}

TEST(send_secure_offer_without_the_areas_tag_is_rejected)
{
	struct vl *t = setup(PORT_R);
	struct area tg, ln;
	struct vsock_shmem m;

	area_tagged(t, &tg, 1, TAG);
	area_fe(t, &ln, 1,
		VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND); /* lent, tag 0 */
	m = offer(1, VSOCK_SHMEM_SEND_SECURE, &tg, 0, 64, 0);
	m.ffa_tag = TAG + 1;
	expect_reject(t, PORT_R, &m, REASON(bad_tag));
	m.ffa_tag = 0;
	expect_reject(t, PORT_R, &m, REASON(bad_tag));
	/* Equal tags, but 0: an untagged area is no protected pool. */
	m = offer(2, VSOCK_SHMEM_SEND_SECURE, &ln, 0, 64, 0);
	m.ffa_tag = 0;
	expect_reject(t, PORT_R, &m, REASON(bad_tag));
	m = offer(3, VSOCK_SHMEM_SEND_SECURE, &ln, 0, 64, 0);
	expect_reject(t, PORT_R, &m, REASON(bad_tag));
}

TEST(writable_offer_of_a_read_only_area_is_rejected)
{
	struct vl *t = setup(PORT_T);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW & ~VMSG_AREA_ATTR_WRITABLE);
	memcpy(a.host, "abc", 3);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 3, VSOCK_SHMEM_F_WRITABLE);
	expect_reject(t, PORT_T, &m, REASON(not_writable));
	ASSERT_MEM_EQ(a.host, "abc", 3);
	ASSERT_EQ(holds(t, a.id), 0);
}

/* ---------------------------------------------------------------------- */
/* REVOKE and the end of a connection                                      */

TEST(revoke_of_no_live_offer_is_answered_offer_reject)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	struct vdev_vsock_shm_stats want = t->v->shm_stats;

	area_pool(t, &a, 64);
	m = with_subop(offer(99, VSOCK_SHMEM_SHARE, &a, 0, 64, 0),
		       VSOCK_SHMEM_REVOKE);
	shm_send(t, PORT_R, &m);
	/* "No such offer". */
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_OFFER_REJECT);
	want.revoke_unknown++;
	expect_stats(t, &want);
	/* A revoked offer is gone: revoking it again is unknown too. */
	m = offer(5, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_OFFER_REJECT);
	ASSERT_EQ(t->v->shm_stats.revoke_unknown, 2);
}

TEST(connection_reset_with_a_live_offer_releases_it_without_reply)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	struct vdev_vsock_shm_stats want;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND);
	m = offer(1, VSOCK_SHMEM_LEND, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	ASSERT_EQ(holds(t, a.id), 1);
	want = t->v->shm_stats;
	vl_send_to(t, PORT_R, VSOCK_OP_RST, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	want.auto_revoked++;
	expect_stats(t, &want);
	ASSERT_EQ(holds(t, a.id), 0);
	ASSERT_TRUE(t->reader.conn[0].c == NULL);
	ASSERT_EQ(t->reader.svc.conns, 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
}

TEST(connection_the_service_closes_at_eof_releases_its_offers)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	/* The driver sends no more: the reader closes (SHUTDOWN both). */
	vl_send_to(t, PORT_R, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_SEND, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_SHUTDOWN, PORT_R, VL_LPORT);
	ASSERT_EQ(pk[0].h.flags, VSOCK_SHUTDOWN_MASK);
	ASSERT_EQ(t->v->shm_stats.auto_revoked, 1);
	ASSERT_EQ(holds(t, a.id), 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
	/* A REVOKE now finds no connection to answer on. */
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(t->v->shm_stats.revokes, 0);
}

TEST(device_reset_revokes_every_offer)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	m = offer(2, VSOCK_SHMEM_SHARE, &a, 64, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 2);
	ASSERT_EQ(holds(t, a.id), 2);
	ASSERT_EQ(vmsg_drvt_reset(&t->drvt), VMSG_T_OK);
	ASSERT_EQ(t->v->shm_stats.auto_revoked, 2);
	ASSERT_EQ(holds(t, a.id), 0);
	ASSERT_EQ(t->reader.svc.conns, 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
}

TEST(transport_reset_revokes_every_offer)
{
	struct vl *t = setup(PORT_T);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, VSOCK_SHMEM_F_WRITABLE);
	shm_send(t, PORT_T, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vdev_vsock_transport_reset(t->v);
	ASSERT_EQ(t->v->shm_stats.auto_revoked, 1);
	ASSERT_EQ(holds(t, a.id), 0);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_EQ(vmsg_ffa_frontend_area_unshare(&t->l->fe, a.id), VMSG_T_OK);
}

TEST(bus_reset_with_a_live_offer_releases_the_hold_first)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;

	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	/* Bus RESET resets the device (offers revoked), then the areas. */
	ASSERT_EQ(vmsg_ffa_frontend_reset(&t->l->fe), VMSG_T_OK);
	ASSERT_EQ(t->v->shm_stats.auto_revoked, 1);
	ASSERT_EQ(lp_live_shares(t->l), 0);
}

/* ---------------------------------------------------------------------- */
/* Malformed and misdirected OP_SHMEM                                      */

TEST(malformed_op_shmem_is_counted_and_not_answered)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	struct vdev_vsock_shm_stats want = t->v->shm_stats;
	uint8_t pl[VSOCK_SHMEM_SIZE + 1];

	area_pool(t, &a, 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	ASSERT_EQ(vsock_shmem_encode(&m, pl, sizeof(pl)), VSOCK_SHMEM_SIZE);
	/* Short, long, unknown subop, type, kind. */
	vl_send_to(t, PORT_R, VSOCK_OP_SHMEM, 0, pl, VSOCK_SHMEM_SIZE - 1);
	pl[VSOCK_SHMEM_SIZE] = 0;
	vl_send_to(t, PORT_R, VSOCK_OP_SHMEM, 0, pl, VSOCK_SHMEM_SIZE + 1);
	le32_put(pl, 4);
	vl_send_to(t, PORT_R, VSOCK_OP_SHMEM, 0, pl, VSOCK_SHMEM_SIZE);
	le32_put(pl, VSOCK_SHMEM_OFFER);
	le32_put(pl + 4, 2);
	vl_send_to(t, PORT_R, VSOCK_OP_SHMEM, 0, pl, VSOCK_SHMEM_SIZE);
	le32_put(pl + 4, VSOCK_SHMEM_TYPE_FFA);
	le32_put(pl + 8, 3);
	vl_send_to(t, PORT_R, VSOCK_OP_SHMEM, 0, pl, VSOCK_SHMEM_SIZE);
	ASSERT_EQ(vl_drain(t, pk), 0);
	ASSERT_EQ(t->v->proto.stats.shmem_bad, 5);
	expect_stats(t, &want);
	ASSERT_EQ(t->reader.offers, 0);
}

TEST(device_subops_from_the_driver_are_dropped_and_counted)
{
	struct vl *t = setup(PORT_R);
	struct area a;
	struct vsock_shmem m;
	struct vdev_vsock_shm_stats want = t->v->shm_stats;

	area_pool(t, &a, 64);
	m = with_subop(offer(1, VSOCK_SHMEM_SHARE, &a, 0, 64, 0),
		       VSOCK_SHMEM_REVOKE_DONE);
	shm_send(t, PORT_R, &m);
	m.subop = VSOCK_SHMEM_OFFER_REJECT;
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 0);
	want.bad_subop += 2;
	expect_stats(t, &want);
}

/* ---------------------------------------------------------------------- */
/* Records and credit                                                      */

TEST(records_that_find_no_credit_wait_for_the_next_credit_update)
{
	struct vl *t = vl_new_shm();
	struct area a;
	struct vsock_shmem m;
	uint8_t rec[VDEV_VSOCK_SHM_RECORD];

	t->buf_alloc = 30; /* one record and 6 bytes */
	vl_post_rx(t, 8);
	vl_connect_to(t, PORT_R);
	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	memset(a.host, 'z', 64);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 32, 0);
	shm_send(t, PORT_R, &m);
	expect_record_pkt(t, PORT_R, 1, 32, fnv_ref(a.host, 32),
			  VSOCK_SHMEM_SHARE);
	m = offer(2, VSOCK_SHMEM_SHARE, &a, 0, 64, 0);
	shm_send(t, PORT_R, &m);
	/* What credit allows, then the proto asks for more. */
	ASSERT_EQ(vl_drain(t, pk), 2);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_R, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, 6);
	memcpy(rec, pk[0].data, 6);
	vl_expect(&pk[1], VSOCK_OP_CREDIT_REQUEST, PORT_R, VL_LPORT);
	ASSERT_EQ(t->reader.records, 1);
	/* The offer was taken all the same: REVOKE works meanwhile. */
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, PORT_R, &m);
	expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	/* The driver read everything: the rest of the record follows. */
	t->fwd_cnt = 30;
	vl_send_to(t, PORT_R, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
	ASSERT_EQ(vl_drain(t, pk), 1);
	vl_expect(&pk[0], VSOCK_OP_RW, PORT_R, VL_LPORT);
	ASSERT_EQ(pk[0].h.len, VDEV_VSOCK_SHM_RECORD - 6);
	memcpy(rec + 6, pk[0].data, VDEV_VSOCK_SHM_RECORD - 6);
	expect_record(rec, 2, 64, fnv_ref(a.host, 64), VSOCK_SHMEM_SHARE);
	ASSERT_EQ(t->reader.records, 2);
}

TEST(reader_refuses_offers_when_its_records_cannot_leave)
{
	struct vl *t = vl_new_shm();
	struct area a;
	struct vsock_shmem m;
	uint64_t i = 0;

	t->buf_alloc = VDEV_VSOCK_SHM_RECORD; /* one record, then none */
	vl_post_rx(t, 8);
	vl_connect_to(t, PORT_R);
	area_fe(t, &a, 1, VMSG_FFA_AREA_ATTRS_RW);
	m = offer(1, VSOCK_SHMEM_SHARE, &a, 0, 8, 0);
	shm_send(t, PORT_R, &m);
	ASSERT_EQ(vl_drain(t, pk), 1);
	/* Revoke each at once: only the service's queue fills up. */
	for (i = 2; i < 2 + VDEV_VSOCK_SHM_OFFERS; i++) {
		m = offer(i, VSOCK_SHMEM_SHARE, &a, 0, 8, 0);
		shm_send(t, PORT_R, &m);
		/* No credit: the first record waiting asks for some. */
		ASSERT_EQ(vl_drain(t, pk), i == 2);
		if (i == 2) {
			vl_expect(&pk[0], VSOCK_OP_CREDIT_REQUEST, PORT_R,
				  VL_LPORT);
		}
		m.subop = VSOCK_SHMEM_REVOKE;
		shm_send(t, PORT_R, &m);
		expect_reply(t, PORT_R, &m, VSOCK_SHMEM_REVOKE_DONE);
	}
	m = offer(i, VSOCK_SHMEM_SHARE, &a, 0, 8, 0);
	expect_reject(t, PORT_R, &m, REASON(refused));
	ASSERT_EQ(t->reader.offers, 1 + VDEV_VSOCK_SHM_OFFERS);
}

TEST(copier_takes_a_private_copy_answers_without_checksum_and_logs_nothing)
{
	static struct vdev_vsock_shm_svc copier;
	struct vl *t = vl_new_shm();
	struct area a;
	struct vsock_shmem m;
	uint32_t held = 0;

	ASSERT_EQ(
		vdev_vsock_copier_attach(t->v, &copier, VDEV_VSOCK_PORT_COPIER),
		VSOCK_OK);
	vl_post_rx(t, 8);
	vl_connect_to(t, VDEV_VSOCK_PORT_COPIER);
	area_pool(t, &a, 8192);
	memset(a.host, 0x5a, 8192);
	held = holds(t, a.id);
	m = offer(3, VSOCK_SHMEM_SHARE, &a, 0, 8192, 0);
	shm_send(t, VDEV_VSOCK_PORT_COPIER, &m);
	expect_record_pkt(t, VDEV_VSOCK_PORT_COPIER, 3, 8192, 0,
			  VSOCK_SHMEM_SHARE);
	ASSERT_EQ(t->n_log, 0);
	ASSERT_EQ(copier.offers, 1);
	ASSERT_EQ(copier.bytes, 8192);
	ASSERT_EQ(holds(t, a.id), held + 1);
	m.subop = VSOCK_SHMEM_REVOKE;
	shm_send(t, VDEV_VSOCK_PORT_COPIER, &m);
	expect_reply(t, VDEV_VSOCK_PORT_COPIER, &m, VSOCK_SHMEM_REVOKE_DONE);
	ASSERT_EQ(holds(t, a.id), held);
}
