// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sink services (include/tzshare/vdev_vsock.h): a connection carries
 * frames, each an le64 length then that many bytes; the sink consumes
 * them (the checksum sink also runs FNV-1a over them) and answers every
 * frame with the shared-memory services' 24-byte record (offer_id 0,
 * size = frame length, fnv32 or 0, kind VDEV_VSOCK_SINK_KIND). It is the
 * copy path the benchmarks compare zero copy and AF_UNIX with.
 */
#include <tzshare/lib.h>
#include <tzshare/vdev_vsock.h>

static struct vdev_vsock_sink_conn *sink_conn(struct vdev_vsock_sink *s,
					      struct vsock_conn *c)
{
	uint32_t i = 0;

	for (i = 0; i < VDEV_VSOCK_SINK_CONNS; i++) {
		if (s->conn[i].c == c) {
			return &s->conn[i];
		}
	}
	return NULL;
}

static int sink_accepted(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_sink_conn *sc = sink_conn(ctx, NULL);

	(void)v;
	if (!sc) {
		return VSOCK_ENOBUFS;
	}
	tzs_memset(sc, 0, sizeof(*sc));
	sc->c = c;
	return 0;
}

static void sink_closed(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_sink_conn *sc = sink_conn(ctx, c);

	(void)v;
	if (sc) {
		tzs_memset(sc, 0, sizeof(*sc));
	}
}

/*
 * Send what is left of the frame's record: 1 when it is all out,
 * VSOCK_EAGAIN while credit lacks, another VSOCK_E* when the connection
 * cannot take it any more.
 */
static int sink_reply(struct vdev_vsock *v, struct vdev_vsock_sink_conn *sc)
{
	while (sc->rec_off < sc->rec_len) {
		int rc = vsock_send(&v->proto, sc->c, sc->rec + sc->rec_off,
				    sc->rec_len - sc->rec_off);

		if (rc <= 0) {
			return rc ? rc : VSOCK_EAGAIN;
		}
		sc->rec_off += (uint32_t)rc;
	}
	sc->rec_len = 0;
	sc->rec_off = 0;
	return 1;
}

static void frame_end(struct vdev_vsock_sink *s,
		      struct vdev_vsock_sink_conn *sc)
{
	tzs_memset(sc->rec, 0, sizeof(sc->rec));
	le64_put(sc->rec + 8, sc->frame_len);
	le32_put(sc->rec + 16, s->checksum ? sc->fnv : 0);
	le32_put(sc->rec + 20, VDEV_VSOCK_SINK_KIND);
	sc->rec_len = VDEV_VSOCK_SHM_RECORD;
	sc->rec_off = 0;
	sc->hdr_got = 0;
	s->frames++;
}

/* Consume @n received bytes of @p. */
static void sink_eat(struct vdev_vsock_sink *s, struct vdev_vsock_sink_conn *sc,
		     const uint8_t *p, uint32_t n)
{
	while (n) {
		uint32_t k = 0;

		if (sc->hdr_got < 8) {
			sc->hdr[sc->hdr_got++] = *p++;
			n--;
			if (sc->hdr_got == 8) {
				sc->frame_len = le64_get(sc->hdr);
				sc->left = sc->frame_len;
				sc->fnv = VDEV_VSOCK_FNV32_INIT;
				if (!sc->left) {
					frame_end(s, sc);
					return;
				}
			}
			continue;
		}
		k = sc->left < n ? (uint32_t)sc->left : n;
		if (s->checksum) {
			sc->fnv = vdev_vsock_fnv32(sc->fnv, p, k);
		}
		s->bytes += k;
		sc->left -= k;
		p += k;
		n -= k;
		if (!sc->left) {
			frame_end(s, sc);
			return; /* the next frame waits for the record */
		}
	}
}

static void sink_ready(struct vdev_vsock *v, void *ctx, struct vsock_conn *c)
{
	struct vdev_vsock_sink *s = ctx;
	struct vdev_vsock_sink_conn *sc = sink_conn(s, c);
	int rc = 0;

	if (!sc) {
		return;
	}
	/* One frame's record at a time: a client waits for it anyway. */
	while ((rc = sink_reply(v, sc)) == 1) {
		uint32_t want = sizeof(s->buf);

		/* Read no further than this frame (or its header). */
		if (sc->hdr_got < 8) {
			want = 8 - sc->hdr_got;
		} else if (sc->left < want) {
			want = (uint32_t)sc->left;
		}
		rc = vsock_recv(&v->proto, c, s->buf, want, NULL);
		if (rc <= 0) {
			if (rc == 0 || (rc < 0 && rc != VSOCK_EAGAIN)) {
				vdev_vsock_conn_close(v, c);
			}
			return;
		}
		sink_eat(s, sc, s->buf, (uint32_t)rc);
	}
	if (rc < 0 && rc != VSOCK_EAGAIN) {
		vdev_vsock_conn_close(v, c); /* the record can never go out */
	}
}

static const struct vdev_vsock_service_ops sink_ops = {
	.accepted = sink_accepted,
	.ready = sink_ready,
	.closed = sink_closed,
};

int vdev_vsock_sink_attach(struct vdev_vsock *v, struct vdev_vsock_sink *s,
			   uint32_t port, bool checksum)
{
	tzs_memset(s, 0, sizeof(*s));
	s->checksum = checksum;
	s->svc.port = port;
	s->svc.type = VSOCK_TYPE_STREAM;
	s->svc.max_conns = VDEV_VSOCK_SINK_CONNS;
	s->svc.ops = &sink_ops;
	s->svc.ctx = s;
	return vdev_vsock_service_add(v, &s->svc);
}
