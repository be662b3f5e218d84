// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the vsock device's secure side: connections to the
 * echo, reader and transform services and OP_SHMEM offers / revokes
 * (core/vdev/vsock_shm.c, vsock_svc.c, shm_*.c) mixed with RST, SHUTDOWN,
 * data, AREA_UNSHARE, ticks and resets, fed straight into the proto over a
 * fake bus of four areas (each its own heap block of exactly its size).
 *
 * Oracle: the bus holds always equal the live offers; a hold is only ever
 * released once; an area is freed as soon as AREA_UNSHARE (or the last
 * release of a releasing one) lets it go, so a device that kept using
 * memory it no longer holds is caught by ASan; no reply is ever lost; after
 * a transport reset nothing is held.
 */
#include <stdlib.h>
#include <string.h>

#include <tzshare/lib.h>
#include <tzshare/vdev_vsock.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define AREAS 4u
#define GUEST 3u
#define TAG 0x1234u

struct farea {
	bool used;
	bool releasing;
	bool writable;
	uint32_t attrs;
	uint64_t tag;
	uint64_t bytes;
	uint8_t *mem;
	uint32_t users;
};

static struct farea areas[AREAS];
static struct vdev_vsock v;
static struct vmsg_devt devt;
static struct vdev_vsock_echo echo;
static struct vdev_vsock_shm_svc reader, transform;

static uint64_t handle_of(uint32_t i)
{
	return 0x100u + i;
}

static uint64_t bus_of(uint32_t i)
{
	return vmsg_bus_addr((uint16_t)(i + 1u), 0);
}

static struct farea *resolve(uint64_t addr, uint64_t n)
{
	uint64_t id = addr >> VMSG_BUS_ADDR_AREA_SHIFT;
	struct farea *a = NULL;

	if (id < 1 || id > AREAS) {
		return NULL;
	}
	a = &areas[id - 1];
	if (!a->used ||
	    !tzs_range_ok(addr & VMSG_BUS_ADDR_OFFSET_MASK, n, a->bytes)) {
		return NULL;
	}
	return a;
}

static uint8_t *f_translate(void *ctx, uint64_t addr, uint64_t n, bool write)
{
	struct farea *a = resolve(addr, n);

	(void)ctx;
	if (!a || (write && !a->writable)) {
		return NULL;
	}
	return a->mem + (addr & VMSG_BUS_ADDR_OFFSET_MASK);
}

static bool f_info(void *ctx, uint64_t addr, uint64_t n,
		   struct vmsg_devt_mem_info *mi)
{
	struct farea *a = resolve(addr, n);

	(void)ctx;
	if (!a) {
		return false;
	}
	mi->handle = handle_of((uint32_t)(a - areas));
	mi->tag = a->tag;
	mi->attrs = a->attrs;
	mi->writable = a->writable;
	mi->releasing = a->releasing;
	return true;
}

static bool f_hold(void *ctx, uint64_t addr, uint64_t n)
{
	struct farea *a = resolve(addr, n);

	(void)ctx;
	if (!a || a->releasing) {
		return false;
	}
	a->users++;
	return true;
}

static void area_free(struct farea *a)
{
	free(a->mem);
	memset(a, 0, sizeof(*a));
}

static void f_release(void *ctx, uint64_t addr, uint64_t n)
{
	struct farea *a = resolve(addr, n);

	(void)ctx;
	if (!a || a->users == 0) {
		abort();
	}
	if (--a->users == 0 && a->releasing) {
		area_free(a);
	}
}

static const struct virtq_mem_ops f_mem = { .translate = f_translate };
static const struct vmsg_devt_bus_ops f_bus = {
	.mem_hold = f_hold,
	.mem_release = f_release,
	.mem_info = f_info,
};

/* Area @i anew: 1-2 pages, share type, writable and tag from @cfg. */
static void area_new(uint32_t i, uint8_t cfg)
{
	struct farea *a = &areas[i];

	if (a->used) {
		return;
	}
	a->bytes = (uint64_t)(1u + (cfg & 1u)) * 4096u;
	a->mem = malloc(a->bytes);
	if (!a->mem) {
		abort();
	}
	memset(a->mem, 'a' + (int)i, a->bytes);
	a->used = true;
	a->attrs = (cfg >> 1) % 3u; /* share, lend, donate */
	a->writable = cfg & 8u;
	a->tag = (cfg & 16u) ? TAG : 0;
}

/* AREA_UNSHARE: OK (freed now) or BUSY (freed at the last release). */
static void area_unshare(uint32_t i)
{
	struct farea *a = &areas[i];

	if (!a->used) {
		return;
	}
	if (a->users) {
		a->releasing = true;
		return;
	}
	area_free(a);
}

static void check(void)
{
	uint32_t held = 0, live = 0, i = 0, k = 0;

	for (i = 0; i < AREAS; i++) {
		held += areas[i].users;
	}
	for (i = 0; i < VDEV_VSOCK_CONNS; i++) {
		for (k = 0; k < VDEV_VSOCK_SHM_OFFERS; k++) {
			/* Offers live only on connections a service owns. */
			if (v.offers[i][k].used && !v.owner[i]) {
				abort();
			}
			live += v.offers[i][k].used;
		}
	}
	if (held != live || v.shm_stats.reply_lost) {
		abort();
	}
}

static const uint32_t ports[4] = { VDEV_VSOCK_PORT_ECHO, VDEV_VSOCK_PORT_READER,
				   VDEV_VSOCK_PORT_TRANSFORM, 7 };

static void pkt(uint8_t sel, uint16_t op, uint32_t flags, const uint8_t *pl,
		uint32_t n)
{
	struct vsock_pkt p = {
		.src_cid = GUEST,
		.dst_cid = VSOCK_CID_HOST,
		.src_port = 1024u + (sel >> 2 & 1u),
		.dst_port = ports[sel & 3u],
		.len = n,
		.type = VSOCK_TYPE_STREAM,
		.op = op,
		.flags = flags,
		.buf_alloc = 65536,
		.fwd_cnt = 0,
		.payload = pl,
		.payload_len = n,
	};

	vsock_proto_rx(&v.proto, &p, v.now_ms);
}

/* An OP_SHMEM built from 8 bytes, mostly plausible. */
static void shm(uint8_t sel, const uint8_t *b)
{
	uint32_t ai = b[1] & 3u;
	struct vsock_shmem m = {
		.subop = b[0] & 3u,
		.type = VSOCK_SHMEM_TYPE_FFA,
		.kind = (b[0] >> 2) % 3u,
		.flags = (b[0] >> 4) & 3u,
		.offer_id = b[1] >> 4,
		.bus_addr = bus_of(ai) + le16_get(b + 2),
		.size = (b[1] & 4u) ? le16_get(b + 4) : le32_get(b + 4),
		.ffa_handle = handle_of(ai) ^ ((b[0] >> 6) & 1u),
		.ffa_tag = (b[1] & 8u) ? TAG : b[6],
	};
	uint8_t pl[VSOCK_SHMEM_SIZE];

	if (vsock_shmem_encode(&m, pl, sizeof(pl)) != VSOCK_SHMEM_SIZE) {
		abort();
	}
	if (b[7] == 0xff) { /* now and then, garbage */
		pl[b[6] % VSOCK_SHMEM_SIZE] ^= b[5];
	}
	pkt(sel, VSOCK_OP_SHMEM, 0, pl, sizeof(pl));
}

static void setup(void)
{
	uint32_t i = 0;

	for (i = 0; i < AREAS; i++) {
		if (areas[i].used) {
			area_free(&areas[i]);
		}
	}
	vdev_vsock_init(&v, GUEST);
	memset(&devt, 0, sizeof(devt));
	devt.dev = &v.dev;
	devt.mem = &f_mem;
	devt.bus = &f_bus;
	v.dev.t = &devt;
	if (vdev_vsock_echo_attach(&v, &echo, VDEV_VSOCK_PORT_ECHO,
				   VSOCK_TYPE_STREAM) ||
	    vdev_vsock_reader_attach(&v, &reader, VDEV_VSOCK_PORT_READER, NULL,
				     NULL) ||
	    vdev_vsock_transform_attach(
		    &v, &transform, VDEV_VSOCK_PORT_TRANSFORM, NULL, NULL)) {
		abort();
	}
}

static void step(const uint8_t *b)
{
	switch (b[0] & 15u) {
	case 0:
	case 1:
		pkt(b[1], VSOCK_OP_REQUEST, 0, NULL, 0);
		break;
	case 2:
	case 3:
	case 4:
	case 5:
		shm(b[1], b + 2);
		break;
	case 6:
		pkt(b[1], VSOCK_OP_RST, 0, NULL, 0);
		break;
	case 7:
		pkt(b[1], VSOCK_OP_SHUTDOWN, b[2] & 3u, NULL, 0);
		break;
	case 8:
		pkt(b[1], VSOCK_OP_RW, 0, b + 2, 8);
		break;
	case 9:
		area_new(b[1] & 3u, b[2]);
		break;
	case 10:
		area_unshare(b[1] & 3u);
		break;
	case 11:
		vdev_vsock_tick(&v, v.now_ms + (b[1] & 1u ? 9000u : 1u));
		break;
	case 12:
		vdev_vsock_transport_reset(&v);
		break;
	case 13:
		v.dev.ops->reset(&v.dev, -1);
		break;
	default:
		pkt(b[1], VSOCK_OP_CREDIT_REQUEST, 0, NULL, 0);
		break;
	}
	/* Services run after each packet, as in the device's tx path. */
	vdev_vsock_tick(&v, v.now_ms);
	/* The driver takes everything: replies never wait. */
	v.sq_head = 0;
	v.sq_count = 0;
	check();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint32_t i = 0;

	/* share RW, lend RO tagged, lend RW, share RO of two pages */
	static const uint8_t cfg[AREAS] = { 8, 2 | 16, 2 | 8, 1 };

	setup();
	for (i = 0; i < AREAS; i++) {
		area_new(i, cfg[i]);
	}
	while (len >= 10) {
		step(data);
		data += 10;
		len -= 10;
	}
	vdev_vsock_transport_reset(&v);
	for (i = 0; i < AREAS; i++) {
		if (areas[i].users) {
			abort();
		}
	}
	return 0;
}
