// SPDX-License-Identifier: BSD-2-Clause
/*
 * SCM_VSOCK_SHMEM on the normal-world side (architecture.md §3).
 *
 * OFFER: the heap decides how the buffer goes (system SHARE, ffa LEND,
 * protected SEND_SECURE); SHARE and LEND make an area of the buffer's own
 * pages (FFA_MEM_SHARE / FFA_MEM_LEND + AREA_SHARE), SEND_SECURE points
 * into the area of the pool the heap lent at pool creation (attached once
 * per pool, with the heap's handle and tag). Then OP_SHMEM OFFER. The
 * secure side handles it while we kick, so an OFFER_REJECT is seen before
 * sendmsg returns and fails it (-ECONNREFUSED).
 *
 * REVOKE: OP_SHMEM REVOKE, wait for REVOKE_DONE (the device stopped using
 * the memory and dropped its hold), then AREA_UNSHARE: the area is
 * reclaimed (the buffer is the VM's again, readable if it was lent). If
 * the device still answers BUSY we wait for its AREA_RELEASE. Only then
 * is the buffer marked free and its reference dropped. A connection that
 * is gone (reset, closed by the peer) skips the REVOKE message: the device
 * already released what the connection held. When the device side is gone
 * altogether (the SP died: the unshare fails on the bus) the area is
 * reclaimed directly; the SPMC relinquished what the dead SP retrieved.
 *
 * Errors (negative errno): EBADF unknown dma-buf, EINVAL malformed cmsg
 * or a kind the heap does not do, EBUSY buffer already offered (on any
 * socket), ENOENT REVOKE of a buffer this socket has not offered,
 * ENOTCONN socket not connected, ENOBUFS offer table full, ECONNREFUSED
 * the peer rejected the offer, ETIMEDOUT no REVOKE_DONE in time (the offer
 * stays and may be revoked again), EIO a bus or FF-A failure.
 */
#include "nwd_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#define DEFAULT_REVOKE_TIMEOUT_MS 5000
#define RELEASE_TIMEOUT_MS 5000

static struct nwd_offer *offer_find_buf(struct tzs_nwd_vsock *n, int sd,
					const struct tzs_dmabuf *buf)
{
	unsigned int i = 0;

	for (i = 0; i < NWD_OFFERS; i++) {
		if (n->offers[i].state != OFFER_FREE && n->offers[i].sd == sd &&
		    n->offers[i].buf == buf) {
			return &n->offers[i];
		}
	}
	return NULL;
}

static struct nwd_offer *offer_find_id(struct tzs_nwd_vsock *n, int sd,
				       uint64_t id)
{
	unsigned int i = 0;

	for (i = 0; i < NWD_OFFERS; i++) {
		if (n->offers[i].state != OFFER_FREE && n->offers[i].sd == sd &&
		    n->offers[i].m.offer_id == id) {
			return &n->offers[i];
		}
	}
	return NULL;
}

static struct nwd_offer *offer_alloc(struct tzs_nwd_vsock *n)
{
	unsigned int i = 0;

	for (i = 0; i < NWD_OFFERS; i++) {
		if (n->offers[i].state == OFFER_FREE) {
			return &n->offers[i];
		}
	}
	return NULL;
}

/* The device's answer to an offer of ours (from the socket layer). */
void nwd_shmem_rx(struct tzs_nwd_vsock *n, int sd, const struct vsock_shmem *m)
{
	struct nwd_offer *o = offer_find_id(n, sd, m->offer_id);

	if (!o) {
		n->stats.late_shmem++;
		return;
	}
	switch (m->subop) {
	case VSOCK_SHMEM_REVOKE_DONE:
		if (o->state == OFFER_REVOKING) {
			o->state = OFFER_DONE;
			return;
		}
		break;
	case VSOCK_SHMEM_OFFER_REJECT:
		if (o->state == OFFER_LIVE || o->state == OFFER_REVOKING) {
			n->stats.rejects++;
			o->state = OFFER_REJECTED;
			return;
		}
		break;
	default:
		break; /* the device never offers to us */
	}
	n->stats.late_shmem++;
}

/* ---------------------------------------------------------------------- */
/* Pools (SEND_SECURE)                                                     */

/* The pool's area, attached on first use. */
static int pool_area(struct tzs_nwd_vsock *n, const struct tzs_dmabuf_info *bi,
		     uint64_t *bus_addr)
{
	struct nwd_pool *free_slot = NULL;
	unsigned int i = 0;
	int rc = 0;

	pthread_mutex_lock(&n->pool_lock);
	for (i = 0; i < NWD_POOLS; i++) {
		if (n->pools[i].used && n->pools[i].handle == bi->pool_handle) {
			*bus_addr = n->pools[i].bus_addr;
			pthread_mutex_unlock(&n->pool_lock);
			return 0;
		}
		if (!n->pools[i].used && !free_slot) {
			free_slot = &n->pools[i];
		}
	}
	if (!free_slot) {
		pthread_mutex_unlock(&n->pool_lock);
		return -ENOBUFS;
	}
	rc = tzs_vmsg_bus_area_attach(
		n->bus, bi->pool_handle, bi->pool_tag, bi->pool_pa,
		(uint32_t)bi->pool_page_count,
		VMSG_FFA_AREA_ATTRS_RW | VMSG_AREA_ATTR_LEND, bus_addr);
	if (rc == 0) {
		free_slot->used = true;
		free_slot->handle = bi->pool_handle;
		free_slot->bus_addr = *bus_addr;
		free_slot->area_id =
			(uint16_t)(*bus_addr >> VMSG_BUS_ADDR_AREA_SHIFT);
	}
	pthread_mutex_unlock(&n->pool_lock);
	return rc ? -EIO : 0;
}

/* The heap is about to reclaim a pool: take its area back first. */
int nwd_pool_release(void *ctx, uint64_t handle)
{
	struct tzs_nwd_vsock *n = ctx;
	unsigned int i = 0;
	int rc = 0;

	pthread_mutex_lock(&n->pool_lock);
	for (i = 0; i < NWD_POOLS; i++) {
		if (n->pools[i].used && n->pools[i].handle == handle) {
			rc = tzs_vmsg_bus_area_unshare(n->bus,
						       n->pools[i].area_id);
			/* Device gone: forget the area, the heap reclaims. */
			if (rc == VMSG_T_E_BUS) {
				rc = tzs_vmsg_bus_area_reclaim(
					n->bus, n->pools[i].area_id);
			}
			/* Refused: the device forgot it (bus reset); gone. */
			if (rc == 0 || rc == VMSG_T_E_REFUSED) {
				n->pools[i].used = false;
				rc = 0;
			}
			break;
		}
	}
	pthread_mutex_unlock(&n->pool_lock);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* OFFER                                                                   */

static uint32_t heap_kind(const struct tzs_dmabuf_info *bi)
{
	switch (bi->share) {
	case TZS_DMABUF_LEND:
		return VSOCK_SHMEM_LEND;
	case TZS_DMABUF_SEND_SECURE:
		return VSOCK_SHMEM_SEND_SECURE;
	default:
		return VSOCK_SHMEM_SHARE;
	}
}

/* Make the memory reachable by the device: *o gets bus address, handle. */
static int offer_map(struct tzs_nwd_vsock *n, struct nwd_offer *o,
		     const struct tzs_dmabuf_info *bi)
{
	uint32_t attrs = VMSG_FFA_AREA_ATTRS_RW;
	uint64_t bus = 0, handle = 0;
	int rc = 0;

	if (o->m.kind == VSOCK_SHMEM_SEND_SECURE) {
		rc = pool_area(n, bi, &bus);
		if (rc) {
			return rc;
		}
		o->m.bus_addr = bus + bi->pool_offset;
		o->m.ffa_handle = bi->pool_handle;
		o->m.ffa_tag = bi->pool_tag;
		return 0;
	}
	if (!(o->m.flags & VSOCK_SHMEM_F_WRITABLE)) {
		attrs &= ~VMSG_AREA_ATTR_WRITABLE;
	}
	if (o->m.kind == VSOCK_SHMEM_LEND) {
		attrs |= VMSG_AREA_ATTR_LEND;
	}
	rc = tzs_vmsg_bus_area_share_attrs(
		n->bus, bi->pa, (uint32_t)bi->page_count, attrs, &bus, &handle);
	if (rc) {
		return rc == VMSG_T_E_NOMEM ? -ENOBUFS : -EIO;
	}
	o->area_id = (uint16_t)(bus >> VMSG_BUS_ADDR_AREA_SHIFT);
	o->m.bus_addr = bus;
	o->m.ffa_handle = handle;
	o->m.ffa_tag = 0;
	return 0;
}

/* SHARE and LEND offers have an area of their own; SEND_SECURE points
 * into its pool's, which the heap owns. */
static bool own_area(const struct nwd_offer *o)
{
	return o->m.kind != VSOCK_SHMEM_SEND_SECURE;
}

/* Give the memory back: unshare (reclaim), waiting for a late release.
 * The caller owns @o (o->revoking or an offer not yet public). */
static int offer_unmap(struct tzs_nwd_vsock *n, struct nwd_offer *o)
{
	uint64_t deadline = nwd_now_ms() + RELEASE_TIMEOUT_MS;
	int rc = 0;

	if (!own_area(o)) {
		return 0;
	}
	rc = tzs_vmsg_bus_area_unshare(n->bus, o->area_id);
	if (rc == VMSG_T_E_BUS) {
		/* The device side is gone (SP dead): reclaim directly; the
		 * SPMC refuses while a live borrower still holds it. */
		rc = tzs_vmsg_bus_area_reclaim(n->bus, o->area_id);
	}
	if (rc == VMSG_T_E_STATE) {
		n->stats.unshare_busy++;
		while (tzs_vmsg_bus_area_live(n->bus, o->area_id) &&
		       nwd_now_ms() < deadline) {
			/* Other sockets go on meanwhile. */
			pthread_mutex_unlock(&n->lock);
			(void)tzs_vmsg_bus_events(n->bus, 20);
			pthread_mutex_lock(&n->lock);
		}
		rc = tzs_vmsg_bus_area_live(n->bus, o->area_id) ? -ETIMEDOUT :
								  0;
	}
	if (rc == VMSG_T_E_REFUSED) {
		rc = 0; /* the device forgot it (bus RESET): reclaimed */
	}
	return rc ? (rc == -ETIMEDOUT ? rc : -EIO) : 0;
}

static void offer_free(struct tzs_nwd_vsock *n, struct nwd_offer *o)
{
	tzs_dmabuf_set_busy(o->buf, false);
	tzs_dmabuf_put(n->heaps, o->buf);
	memset(o, 0, sizeof(*o));
}

static bool conn_established(struct tzs_nwd_vsock *n, int sd)
{
	struct vsock_conn *c = vsk_conn(&n->st, sd);

	return c && vsock_conn_state(c) == VSOCK_ST_ESTABLISHED;
}

static int offer(struct tzs_nwd_vsock *n, int sd,
		 const struct tzs_vsock_shmem_cmsg *cm)
{
	struct tzs_dmabuf_info bi;
	struct tzs_dmabuf *buf = NULL;
	struct nwd_offer *o = NULL;
	uint32_t kind = 0;
	int rc = 0;

	if (!conn_established(n, sd)) {
		return -ENOTCONN;
	}
	buf = tzs_dmabuf_get(n->heaps, cm->fd, &rc);
	if (!buf) {
		return rc;
	}
	tzs_dmabuf_info(buf, &bi);
	kind = heap_kind(&bi);
	if (cm->kind != TZS_VSOCK_SHMEM_KIND_HEAP && cm->kind != kind + 1) {
		rc = -EINVAL; /* the heap decides (trusty-ipc: -EINVAL) */
	} else if (!(o = offer_alloc(n))) {
		rc = -ENOBUFS;
	} else {
		rc = tzs_dmabuf_set_busy(buf, true); /* -EBUSY: offered */
	}
	if (rc) {
		tzs_dmabuf_put(n->heaps, buf);
		return rc;
	}
	memset(o, 0, sizeof(*o));
	o->sd = sd;
	o->buf = buf;
	o->m.subop = VSOCK_SHMEM_OFFER;
	o->m.type = VSOCK_SHMEM_TYPE_FFA;
	o->m.kind = kind;
	/* trusty-ipc: a read-only fd gives the peer read-only access. */
	o->m.flags = bi.access == O_RDWR ? VSOCK_SHMEM_F_WRITABLE : 0;
	o->m.offer_id = n->next_offer_id++;
	o->m.size = bi.size;
	rc = offer_map(n, o, &bi);
	if (rc) {
		offer_free(n, o);
		return rc;
	}
	o->state = OFFER_LIVE;
	rc = vsk_send_shmem(&n->st, sd, &o->m);
	if (rc == 0) {
		n->stats.offers++;
		nwd_pump(n);
		rc = o->state == OFFER_REJECTED ? -ECONNREFUSED : 0;
	}
	if (!rc) {
		return 0;
	}
	o->revoking = true; /* ours while the unshare may drop the lock */
	if (offer_unmap(n, o) != 0) {
		/* Still shared or lent: keep it, retried at close. */
		o->state = OFFER_REJECTED;
		o->sd = NWD_ORPHAN;
		o->revoking = false;
		return rc;
	}
	offer_free(n, o);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* REVOKE                                                                  */

/*
 * Did the device let go of @o without saying REVOKE_DONE? Yes when the
 * connection ended from the device's side (its RST, TRANSPORT_RESET: it
 * revokes a connection's offers then). Not when only we gave up on the
 * transport (n->gone after a local failure): the device may still use
 * the memory, which the bus protects for an area of our own (AREA_UNSHARE
 * answers BUSY) but not for a pool sub-range (SEND_SECURE).
 */
static bool device_let_go(struct tzs_nwd_vsock *n, const struct nwd_offer *o)
{
	if (o->state == OFFER_DONE || o->state == OFFER_REJECTED) {
		return true;
	}
	if (own_area(o) || !n->gone) {
		return true;
	}
	/* A secure partition that still answers may still use the pool. */
	return tzs_vmsg_bus_ping(n->bus, (uint32_t)o->m.offer_id) != VMSG_T_OK;
}

/* Another thread revokes @o: wait until it is done with it. */
static int revoke_wait_other(struct tzs_nwd_vsock *n, struct nwd_offer *o,
			     uint64_t deadline)
{
	uint64_t id = o->m.offer_id;

	while (o->state != OFFER_FREE && o->m.offer_id == id && o->revoking) {
		uint64_t now = nwd_now_ms();

		if (now >= deadline) {
			return -ETIMEDOUT;
		}
		nwd_wait(n, (int)(deadline - now));
	}
	return o->state != OFFER_FREE && o->m.offer_id == id ? -EIO : 0;
}

/* The REVOKE handshake; the caller set o->revoking. */
static int revoke_owned(struct tzs_nwd_vsock *n, struct nwd_offer *o,
			uint64_t deadline)
{
	int rc = 0;

	if (o->state == OFFER_LIVE && conn_established(n, o->sd)) {
		struct vsock_shmem m = o->m;

		m.subop = VSOCK_SHMEM_REVOKE;
		rc = vsk_send_shmem(&n->st, o->sd, &m);
		if (rc) {
			return rc == VSK_EAGAIN ? -EAGAIN :
						  -EIO; /* still live */
		}
		o->state = OFFER_REVOKING;
	}
	while (o->state == OFFER_REVOKING && conn_established(n, o->sd)) {
		uint64_t now = nwd_now_ms();

		if (now >= deadline) {
			n->stats.revoke_timeouts++;
			return -ETIMEDOUT; /* stays REVOKING: asked again later */
		}
		nwd_wait(n, (int)(deadline - now));
	}
	if (!device_let_go(n, o)) {
		return -EIO;
	}
	rc = offer_unmap(n, o);
	if (rc) {
		return rc; /* kept: busy, not reusable, retried at close */
	}
	n->stats.revokes++;
	offer_free(n, o);
	return 0;
}

static int revoke(struct tzs_nwd_vsock *n, struct nwd_offer *o)
{
	int timeout = n->o.revoke_timeout_ms ? n->o.revoke_timeout_ms :
					       DEFAULT_REVOKE_TIMEOUT_MS;
	uint64_t deadline = nwd_now_ms() + (uint64_t)timeout;
	int rc = 0;

	if (o->revoking) {
		return revoke_wait_other(n, o, deadline);
	}
	o->revoking = true;
	rc = revoke_owned(n, o, deadline);
	if (rc) {
		o->revoking = false; /* offer_free() cleared it on success */
	}
	return rc;
}

void nwd_shmem_revoke_all(struct tzs_nwd_vsock *n, int sd)
{
	unsigned int i = 0;

	for (i = 0; i < NWD_OFFERS; i++) {
		struct nwd_offer *o = &n->offers[i];

		if (o->state == OFFER_FREE || o->sd != sd) {
			continue;
		}
		if (revoke(n, o) != 0 && o->state != OFFER_FREE &&
		    !o->revoking) {
			o->sd = NWD_ORPHAN; /* the socket goes: keep it apart */
		}
	}
}

unsigned int tzs_nwd_offers(struct tzs_nwd_vsock *n, int sd)
{
	unsigned int i = 0, count = 0;

	pthread_mutex_lock(&n->lock);
	for (i = 0; i < NWD_OFFERS; i++) {
		count += n->offers[i].state != OFFER_FREE &&
			 n->offers[i].sd == sd;
	}
	pthread_mutex_unlock(&n->lock);
	return count;
}

static int revoke_fd(struct tzs_nwd_vsock *n, int sd,
		     const struct tzs_vsock_shmem_cmsg *cm)
{
	struct nwd_offer *o = NULL;
	int rc = 0;
	struct tzs_dmabuf *buf = tzs_dmabuf_get(n->heaps, cm->fd, &rc);

	if (!buf) {
		return rc;
	}
	o = offer_find_buf(n, sd, buf);
	tzs_dmabuf_put(n->heaps, buf);
	if (!o) {
		return -ENOENT;
	}
	return revoke(n, o);
}

/* ---------------------------------------------------------------------- */
/* Control messages                                                        */

/* Control messages one sendmsg may carry (more: -EINVAL). */
#define NWD_CMSG_MAX 16u

/* Data lengths we accept: {subop, fd}, + {kind, reserved}, Design A's. */
static bool cmsg_len_ok(size_t len)
{
	return len == TZS_VSOCK_SHMEM_CMSG_MIN ||
	       len == sizeof(struct tzs_vsock_shmem_cmsg) || len == 32;
}

/* @room: control bytes from @cmsg to the end of the buffer. */
static int cmsg_parse(const struct cmsghdr *cmsg, size_t room,
		      struct tzs_vsock_shmem_cmsg *cm)
{
	size_t len = 0;
	const uint8_t *d = CMSG_DATA(cmsg);

	/* CMSG_FIRSTHDR does not bound cmsg_len: Linux's CMSG_OK does. */
	if (cmsg->cmsg_level != TZS_SOL_VSOCK ||
	    cmsg->cmsg_type != TZS_SCM_VSOCK_SHMEM ||
	    cmsg->cmsg_len < CMSG_LEN(0) || cmsg->cmsg_len > room) {
		return -EINVAL;
	}
	len = cmsg->cmsg_len - CMSG_LEN(0);
	if (!cmsg_len_ok(len)) {
		return -EINVAL;
	}
	memset(cm, 0, sizeof(*cm));
	memcpy(cm, d, len < sizeof(*cm) ? len : sizeof(*cm));
	if (cm->reserved || cm->fd < 0 ||
	    cm->kind > TZS_VSOCK_SHMEM_KIND_SEND_SECURE ||
	    (cm->subop != TZS_VSOCK_SHMEM_SUBOP_OFFER &&
	     cm->subop != TZS_VSOCK_SHMEM_SUBOP_REVOKE)) {
		return -EINVAL;
	}
	/* Design A's 32-byte form: bytes 16.. reserved, zero. */
	for (size_t i = sizeof(*cm); i < len; i++) {
		if (d[i]) {
			return -EINVAL;
		}
	}
	return 0;
}

static size_t cmsg_room(const struct msghdr *mh, const struct cmsghdr *cmsg)
{
	return mh->msg_controllen - (size_t)((const uint8_t *)cmsg -
					     (const uint8_t *)mh->msg_control);
}

/*
 * Parse every control message into @cm (at most NWD_CMSG_MAX), once: an
 * empty or malformed buffer, or one dma-buf named twice, is -EINVAL
 * before anything is done. Returns the count or a negative errno.
 */
static int cmsgs_parse(const void *control, size_t control_len,
		       struct tzs_vsock_shmem_cmsg *cm)
{
	struct msghdr mh;
	struct cmsghdr *cmsg = NULL;
	unsigned int count = 0, i = 0;
	int rc = 0;

	memset(&mh, 0, sizeof(mh));
	mh.msg_control = (void *)control;
	mh.msg_controllen = control_len;
	if (!CMSG_FIRSTHDR(&mh)) {
		return -EINVAL; /* shorter than one header */
	}
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (count == NWD_CMSG_MAX) {
			return -EINVAL;
		}
		rc = cmsg_parse(cmsg, cmsg_room(&mh, cmsg), &cm[count]);
		if (rc) {
			return rc;
		}
		for (i = 0; i < count; i++) {
			if (cm[i].fd == cm[count].fd) {
				return -EINVAL;
			}
		}
		count++;
	}
	return (int)count;
}

int nwd_shmem_cmsgs(struct tzs_nwd_vsock *n, int sd, const void *control,
		    size_t control_len)
{
	struct tzs_vsock_shmem_cmsg cm[NWD_CMSG_MAX];
	int count = 0, i = 0, rc = 0;

	if (!nwd_sd_valid(n, sd)) {
		return -EBADF;
	}
	count = cmsgs_parse(control, control_len, cm);
	if (count < 0) {
		return count;
	}
	for (i = 0; i < count; i++) {
		rc = cm[i].subop == TZS_VSOCK_SHMEM_SUBOP_OFFER ?
			     offer(n, sd, &cm[i]) :
			     revoke_fd(n, sd, &cm[i]);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

long tzs_nwd_shmem(struct tzs_nwd_vsock *n, int sd, uint32_t subop, int fd,
		   uint32_t kind)
{
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct tzs_vsock_shmem_cmsg))];
	} u;
	struct tzs_vsock_shmem_cmsg cm = {
		.subop = subop,
		.fd = fd,
		.kind = kind,
	};

	memset(&u, 0, sizeof(u));
	u.h.cmsg_level = TZS_SOL_VSOCK;
	u.h.cmsg_type = TZS_SCM_VSOCK_SHMEM;
	u.h.cmsg_len = CMSG_LEN(sizeof(cm));
	memcpy(CMSG_DATA(&u.h), &cm, sizeof(cm));
	return tzs_nwd_sendmsg(n, sd, NULL, 0, u.b, sizeof(u.b), 0);
}
