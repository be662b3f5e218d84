/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the shared-memory services (shm_reader.c, shm_transform.c) share:
 * their connections, the reply records waiting for credit, the scan of a
 * buffer (checksum and leading text) and the log line (shm_svc.c).
 */
#ifndef TZSHARE_VDEV_SHM_SVC_H
#define TZSHARE_VDEV_SHM_SVC_H

#include <tzshare/vdev_vsock.h>

/* What a service learnt from the bytes it copied out, chunk by chunk. */
struct shm_scan {
	uint32_t fnv;
	uint32_t text_len;
	bool text_end; /* NUL or VDEV_VSOCK_SHM_LOG_TEXT bytes seen */
	uint8_t text[VDEV_VSOCK_SHM_LOG_TEXT];
};

void shm_scan_init(struct shm_scan *sc);
/* Account @n bytes the service owns (a copy, never driver memory). */
void shm_scan_chunk(struct shm_scan *sc, const uint8_t *p, uint32_t n);

/* Register @s on (@port, STREAM) with @ops' offer; the rest is shared. */
int shm_svc_attach(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
		   const char *name, uint32_t port,
		   const struct vdev_vsock_service_ops *ops,
		   vdev_vsock_log_fn log, void *log_ctx);
int shm_svc_accepted(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);
void shm_svc_ready(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);
void shm_svc_closed(struct vdev_vsock *v, void *ctx, struct vsock_conn *c);

/*
 * Walk offer @o chunk by chunk through s->chunk: copy the chunk out,
 * @change it (optional; then the changed copy is written back whole),
 * and scan it into @sc unless @sc is NULL. Nothing is read twice.
 */
void shm_svc_walk(struct vdev_vsock_shm_svc *s,
		  const struct vdev_vsock_offer *o, struct shm_scan *sc,
		  void (*change)(uint8_t *p, uint32_t n));

/* Whether @c can queue one more record (check before touching memory). */
bool shm_svc_room(struct vdev_vsock_shm_svc *s, const struct vsock_conn *c);
/* Log the offer, queue its record and send what credit allows. */
void shm_svc_done(struct vdev_vsock *v, struct vdev_vsock_shm_svc *s,
		  struct vsock_conn *c, const struct vsock_shmem *d,
		  const struct shm_scan *sc);

#endif /* TZSHARE_VDEV_SHM_SVC_H */
