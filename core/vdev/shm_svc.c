// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shared-memory services' common part (include/tzshare/vdev_vsock.h):
 * connections, reply records, checksum and the log line. A service
 * decides only on bytes it copied out of the offer (struct shm_scan), so
 * a driver changing the buffer meanwhile changes nothing it already used.
 */
#include <tzshare/lib.h>

#include "shm_svc.h"

#define FNV32_PRIME 0x01000193u

uint32_t vdev_vsock_fnv32(uint32_t h, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV32_PRIME;
	}
	return h;
}

void shm_scan_init(struct shm_scan *sc)
{
	tzs_memset(sc, 0, sizeof(*sc));
	sc->fnv = VDEV_VSOCK_FNV32_INIT;
}

void shm_scan_chunk(struct shm_scan *sc, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;

	sc->fnv = vdev_vsock_fnv32(sc->fnv, p, n);
	for (i = 0; i < n && !sc->text_end; i++) {
		if (p[i] == 0) {
			sc->text_end = true;
			break;
		}
		sc->text[sc->text_len++] = p[i];
		sc->text_end = sc->text_len == VDEV_VSOCK_SHM_LOG_TEXT;
	}
}

/* ---------------------------------------------------------------------- */
/* The log line (no libc: a tiny bounded formatter)                        */

struct line {
	char *buf;
	uint32_t len, cap; /* cap includes the NUL */
};

static void put_c(struct line *l, char ch)
{
	if (l->len + 1u < l->cap) {
		l->buf[l->len++] = ch;
		l->buf[l->len] = '\0';
	}
}

static void put_s(struct line *l, const char *s)
{
	while (*s) {
		put_c(l, *s++);
	}
}

static void put_u64(struct line *l, uint64_t v)
{
	char d[20];
	uint32_t n = 0;

	do {
		d[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n) {
		put_c(l, d[--n]);
	}
}

static void put_text(struct line *l, const uint8_t *p, uint32_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			put_c(l, '\\');
			put_c(l, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] > 0x7e) {
			put_s(l, "\\x");
			put_c(l, hex[p[i] >> 4]);
			put_c(l, hex[p[i] & 0xfu]);
		} else {
			put_c(l, (char)p[i]);
		}
	}
}

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case VSOCK_SHMEM_SHARE:
		return "SHARE";
	case VSOCK_SHMEM_LEND:
		return "LEND";
	default:
		return "SEND_SECURE";
	}
}

static void log_offer(struct vdev_vsock_shm_svc *s, const struct vsock_shmem *d,
		      const struct shm_scan *sc)
{
	struct line l = { s->line, 0, sizeof(s->line) };

	if (!s->log) {
		return;
	}
	s->line[0] = '\0';
	put_s(&l, "shmem ");
	put_s(&l, s->name);
	put_s(&l, ": offer ");
	put_u64(&l, d->offer_id);
	put_c(&l, ' ');
	put_s(&l, kind_name(d->kind));
	put_c(&l, ' ');
	put_u64(&l, d->size);
	put_s(&l, " bytes: \"");
	put_text(&l, sc->text, sc->text_len);
	put_c(&l, '"');
	s->log(s->log_ctx, s->line);
}

/* ---------------------------------------------------------------------- */
/* Connections and records                                                 */

static struct vdev_vsock_shm_conn *conn_of(struct vdev_vsock_shm_svc *s,
					   const struct vsock_conn *c)
{
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SHM_SVC_CONNS; i++) {
		if (s->conn[i].c == c) {
			return &s->conn[i];
		}
	}
	return NULL;
}

int shm_svc_accepted(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_shm_conn *sc = conn_of(ctx, NULL);

	(void)v;
	/* The device gives us at most VDEV_VSOCK_SHM_SVC_CONNS. */
	if (NEVER(!sc)) {
		return VSOCK_ENOBUFS;
	}
	tzs_memset(sc, 0, sizeof(*sc));
	sc->c = c;
	return VSOCK_OK;
}

void shm_svc_closed(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_shm_conn *sc = conn_of(ctx, c);

	(void)v;
	if (sc) {
		tzs_memset(sc, 0, sizeof(*sc));
	}
}

bool shm_svc_room(struct vdev_vsock_shm_svc *s, const struct vsock_conn *c)
{
	const struct vdev_vsock_shm_conn *sc = conn_of(s, c);

	return sc && sc->count < VDEV_VSOCK_SHM_OFFERS;
}

/* Send queued records while credit lasts; false when some still wait. */
static bool flush(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
		  struct vdev_vsock_shm_conn *sc)
{
	int rc = 0;

	while (sc->count) {
		const uint8_t *r = sc->rec[sc->head];

		rc = vsock_send(&v->proto, sc->c, r + sc->off,
				VDEV_VSOCK_SHM_RECORD - sc->off);
		if (rc == VSOCK_EAGAIN) {
			return false;
		}
		if (rc < 0) {
			/* EPIPE: the driver shut its receive side; drop. */
			sc->count = 0;
			sc->off = 0;
			return true;
		}
		sc->off += (uint32_t)rc;
		if (sc->off < VDEV_VSOCK_SHM_RECORD) {
			continue;
		}
		sc->off = 0;
		sc->head = (sc->head + 1u) % VDEV_VSOCK_SHM_OFFERS;
		sc->count--;
		s->records++;
	}
	return true;
}

void shm_svc_done(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
		  struct vsock_conn *c, const struct vsock_shmem *d,
		  const struct shm_scan *scan)
{
	struct vdev_vsock_shm_conn *sc = conn_of(s, c);
	uint8_t *r = NULL;

	s->offers++;
	s->bytes += d->size;
	log_offer(s, d, scan);
	/* The caller checked shm_svc_room() before reading the buffer. */
	if (NEVER(!sc || sc->count == VDEV_VSOCK_SHM_OFFERS)) {
		return;
	}
	r = sc->rec[(sc->head + sc->count) % VDEV_VSOCK_SHM_OFFERS];
	le64_put(r, d->offer_id);
	le64_put(r + 8, d->size);
	le32_put(r + 16, scan->fnv);
	le32_put(r + 20, d->kind);
	sc->count++;
	flush(v, s, sc);
}

void shm_svc_ready(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_shm_svc *s = ctx;
	struct vdev_vsock_shm_conn *sc = conn_of(s, c);
	bool idle = false;
	int rc = 0;

	if (NEVER(!sc)) {
		return;
	}
	idle = flush(v, s, sc);
	/* Bytes the driver sends are not for us: read and drop them. */
	do {
		rc = vsock_recv(&v->proto, c, s->chunk, sizeof(s->chunk), NULL);
	} while (rc > 0);
	/* End of stream: close once every record went out. */
	if (rc == 0 && idle) {
		vdev_vsock_conn_close(v, c);
	}
}

int shm_svc_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
		   const char *name, uint32_t port,
		   const struct vdev_vsock_service_ops *ops,
		   vdev_vsock_log_fn log, void *log_ctx)
{
	tzs_memset(s, 0, sizeof(*s));
	s->name = name;
	s->log = log;
	s->log_ctx = log_ctx;
	s->svc.port = port;
	s->svc.type = VSOCK_TYPE_STREAM;
	s->svc.max_conns = VDEV_VSOCK_SHM_SVC_CONNS;
	s->svc.ops = ops;
	s->svc.ctx = s;
	return vdev_vsock_service_add(v, &s->svc);
}

void shm_svc_walk(struct vdev_vsock_shm_svc *s,
		  const struct vdev_vsock_offer *o, struct shm_scan *sc,
		  void (*change)(uint8_t *p, uint32_t n))
{
	uint64_t off = 0;
	uint32_t n = 0;

	for (off = 0; off < o->desc.size; off += n) {
		n = o->desc.size - off < sizeof(s->chunk) ?
			    (uint32_t)(o->desc.size - off) :
			    (uint32_t)sizeof(s->chunk);
		tzs_memcpy(s->chunk, o->mem + off, n);
		if (change) {
			change(s->chunk, n);
			tzs_memcpy(o->mem + off, s->chunk, n);
		}
		if (sc) {
			shm_scan_chunk(sc, s->chunk, n);
		}
	}
}
