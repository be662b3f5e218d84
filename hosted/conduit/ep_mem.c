// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory transactions on the partition side.
 *
 * Lender: tzs_ep_mem_send() builds the whole descriptor in a heap buffer
 * and feeds it through TX in fragments (FFA_MEM_FRAG_RX -> FFA_MEM_FRAG_TX,
 * ffa.md §4). A LEND or DONATE then takes away the lender's own access
 * (PROT_NONE on its DRAM mapping) until FFA_MEM_RECLAIM succeeds, so
 * touching lent memory faults as it would under a real stage-2 table.
 *
 * Borrower: tzs_ep_mem_retrieve() collects a possibly fragmented retrieve
 * response into a heap buffer (copy first, then parse the copy), then maps
 * each granted range into one contiguous window, MAP_SHARED | MAP_POPULATE
 * with the granted protection, from the region's memfd (fetched once per
 * region with MEM_FD and cached). The mapping lives until relinquish:
 * munmap first, then FFA_MEM_RELINQUISH, so the borrower never holds
 * access the SPMC thinks it gave back.
 */
#include "ep_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tzshare/lib.h>

/* A retrieve response larger than this is refused (64 MiB of
 * constituents is 16M ranges; nothing sane gets near it). */
#define RETRIEVE_MAX_LEN (64u << 20)
#define SEND_MAX_RECEIVERS 8
#define FRAG_RX_BUSY_RETRIES 8

static bool is_success(const struct ffa_regs *r)
{
	return (uint32_t)r->x[0] == FFA_SUCCESS_32 ||
	       (uint32_t)r->x[0] == FFA_SUCCESS_64;
}

static int error_of(const struct ffa_regs *r)
{
	int rc = ffa_regs_error_code(r);

	/* Anything that is neither the expected answer nor FFA_ERROR. */
	return rc ? rc : FFA_ABORTED;
}

static uint32_t kind_type_flag(enum ffa_mem_kind kind)
{
	switch (kind) {
	case FFA_MEM_KIND_SHARE:
		return FFA_MEM_FLAG_TYPE_SHARE;
	case FFA_MEM_KIND_LEND:
		return FFA_MEM_FLAG_TYPE_LEND;
	case FFA_MEM_KIND_DONATE:
		return FFA_MEM_FLAG_TYPE_DONATE;
	default:
		return FFA_MEM_FLAG_TYPE_UNSPECIFIED;
	}
}

static uint32_t kind_fid(enum ffa_mem_kind kind)
{
	switch (kind) {
	case FFA_MEM_KIND_LEND:
		return FFA_MEM_LEND_64;
	case FFA_MEM_KIND_DONATE:
		return FFA_MEM_DONATE_64;
	default:
		return FFA_MEM_SHARE_64;
	}
}

/* ffa.md §3.1: SHARE and multi-borrower LEND carry Normal WB IS; a single
 * borrower LEND and DONATE leave the type to the borrower (0). */
static uint16_t default_attributes(const struct tzs_mem_send_args *a)
{
	if (a->kind == FFA_MEM_KIND_SHARE ||
	    (a->kind == FFA_MEM_KIND_LEND && a->receiver_count > 1)) {
		return FFA_MEM_ATTR_NORMAL_WB_IS;
	}
	return 0;
}

static void protect_ranges(struct tzs_ep *ep, const struct tzs_range *r,
			   uint32_t count, int prot)
{
	uint32_t i = 0;

	for (i = 0; i < count; i++) {
		uint8_t *va =
			tzs_ep_pa(ep, r[i].pa, r[i].page_count * TZS_PAGE_SIZE);

		/* Ranges were checked against the DRAM before sending. */
		CHECK(va != NULL);
		CHECK(mprotect(va, r[i].page_count * TZS_PAGE_SIZE, prot) == 0);
	}
}

static int check_send_args(const struct tzs_ep *ep,
			   const struct tzs_mem_send_args *a)
{
	uint32_t i = 0;
	uint64_t len = 0;

	if (!a->receiver_count || a->receiver_count > SEND_MAX_RECEIVERS ||
	    !a->range_count) {
		return FFA_INVALID_PARAMETERS;
	}
	for (i = 0; i < a->range_count; i++) {
		const struct tzs_range *r = &a->ranges[i];

		if ((r->pa & (TZS_PAGE_SIZE - 1)) || !r->page_count ||
		    r->page_count > UINT32_MAX ||
		    ovf_mul(r->page_count, TZS_PAGE_SIZE, &len) ||
		    !tzs_ep_pa(ep, r->pa, len)) {
			return FFA_INVALID_PARAMETERS;
		}
	}
	return FFA_OK;
}

/* Encode the descriptor; *hdr_len = bytes up to the first constituent. */
static uint8_t *build_send_desc(struct tzs_ep *ep,
				const struct tzs_mem_send_args *a, size_t *len,
				size_t *hdr_len)
{
	struct ffa_emad emads[SEND_MAX_RECEIVERS];
	struct ffa_constituent *cons = NULL;
	struct ffa_mem_send_desc d;
	struct ffa_mtd mtd;
	struct ffa_emad e0;
	uint8_t *buf = NULL;
	uint32_t i = 0;

	cons = calloc(a->range_count, sizeof(*cons));
	if (!cons) {
		return NULL;
	}
	memset(emads, 0, sizeof(emads));
	for (i = 0; i < a->receiver_count; i++) {
		emads[i].receiver = a->receivers[i].id;
		emads[i].perms = a->receivers[i].perms;
	}
	for (i = 0; i < a->range_count; i++) {
		cons[i].address = a->ranges[i].pa;
		cons[i].page_count = (uint32_t)a->ranges[i].page_count;
	}
	memset(&d, 0, sizeof(d));
	d.version = ep->version;
	d.sender = ep->id;
	d.attributes =
		a->custom_attributes ? a->attributes : default_attributes(a);
	d.flags = a->flags;
	d.tag = a->tag;
	d.emad_count = a->receiver_count;
	d.emads = emads;
	d.constituent_count = a->range_count;
	d.constituents = cons;
	*len = ffa_mem_send_desc_len(&d);
	buf = *len ? malloc(*len) : NULL;
	if (buf && ffa_mem_send_desc_encode(buf, *len, &d) != *len) {
		free(buf);
		buf = NULL;
	}
	free(cons);
	/* The composite sits where the encoder put it: read it back. */
	if (buf && (ffa_mtd_decode(buf, *len, ep->version, &mtd) ||
		    ffa_emad_decode(buf, *len, &mtd, 0, &e0))) {
		free(buf);
		buf = NULL;
	}
	if (buf) {
		*hdr_len = (size_t)e0.composite_offset + FFA_COMPOSITE_SIZE;
	}
	return buf;
}

/* The largest chunk of whole constituents that fits TX from @off. */
static size_t chunk_len(size_t total, size_t off, size_t hdr_len, uint32_t mb)
{
	size_t room = mb, n = total - off;

	if (off < hdr_len) {
		/* First fragment: header, EMADs and composite must fit. */
		room = hdr_len + (mb - hdr_len) / FFA_CONSTITUENT_SIZE *
					 FFA_CONSTITUENT_SIZE;
	} else {
		room = mb / FFA_CONSTITUENT_SIZE * FFA_CONSTITUENT_SIZE;
	}
	return n < room ? n : room;
}

static int send_fragments(struct tzs_vcpu *v, uint32_t fid, const uint8_t *buf,
			  size_t total, size_t hdr_len, uint64_t *handle)
{
	struct tzs_ep *ep = v->ep;
	size_t off = 0, n = chunk_len(total, 0, hdr_len, ep->mb_size);
	struct ffa_regs r;

	memcpy(ep->tx, buf, n);
	r = tzs_vcpu_call8(v, fid, total, n, 0, 0, 0, 0, 0);
	off = n;
	while ((uint32_t)r.x[0] == FFA_MEM_FRAG_RX) {
		uint64_t h =
			ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]);
		uint64_t want = (uint32_t)r.x[3];

		/* The SPMC names the next offset it expects (bytes taken). */
		if (want != off || off >= total) {
			return FFA_ABORTED;
		}
		n = chunk_len(total, off, hdr_len, ep->mb_size);
		memcpy(ep->tx, buf + off, n);
		r = tzs_vcpu_call8(v, FFA_MEM_FRAG_TX, (uint32_t)h,
				   (uint32_t)(h >> 32), n, 0, 0, 0, 0);
		off += n;
	}
	if (!is_success(&r)) {
		return error_of(&r);
	}
	*handle = ffa_handle_make((uint32_t)r.x[2], (uint32_t)r.x[3]);
	return FFA_OK;
}

static int record_send(struct tzs_ep *ep, const struct tzs_mem_send_args *a,
		       uint64_t handle)
{
	struct ep_send *s = calloc(1, sizeof(*s));

	if (!s) {
		return -ENOMEM;
	}
	s->ranges = calloc(a->range_count, sizeof(*s->ranges));
	if (!s->ranges) {
		free(s);
		return -ENOMEM;
	}
	memcpy(s->ranges, a->ranges, a->range_count * sizeof(*s->ranges));
	s->range_count = a->range_count;
	s->handle = handle;
	s->kind = a->kind;
	pthread_mutex_lock(&ep->mem_lock);
	s->next = ep->sends;
	ep->sends = s;
	pthread_mutex_unlock(&ep->mem_lock);
	return 0;
}

int tzs_ep_mem_send(struct tzs_vcpu *v, const struct tzs_mem_send_args *a,
		    uint64_t *handle)
{
	struct tzs_ep *ep = v->ep;
	size_t total = 0, hdr_len = 0;
	uint8_t *buf = NULL;
	int rc = check_send_args(ep, a);

	if (rc) {
		return rc;
	}
	if (!ep->tx) {
		return FFA_INVALID_PARAMETERS;
	}
	buf = build_send_desc(ep, a, &total, &hdr_len);
	if (!buf) {
		return FFA_NO_MEMORY;
	}
	if (hdr_len + FFA_CONSTITUENT_SIZE > ep->mb_size) {
		free(buf);
		return FFA_INVALID_PARAMETERS; /* header cannot fit TX */
	}
	tzs_ep_mailbox_lock(ep);
	rc = send_fragments(v, kind_fid(a->kind), buf, total, hdr_len, handle);
	tzs_ep_mailbox_unlock(ep);
	free(buf);
	if (rc) {
		return rc;
	}
	/* The lender loses its access for as long as the memory is lent. */
	if (a->kind != FFA_MEM_KIND_SHARE) {
		protect_ranges(ep, a->ranges, a->range_count, PROT_NONE);
	}
	/* Should the bookkeeping fail, reclaim still works; the mapping
	 * just stays PROT_NONE. */
	(void)record_send(ep, a, *handle);
	return FFA_OK;
}

static struct ep_send *take_send(struct tzs_ep *ep, uint64_t handle)
{
	struct ep_send **pp = NULL, *s = NULL;

	pthread_mutex_lock(&ep->mem_lock);
	for (pp = &ep->sends; *pp; pp = &(*pp)->next) {
		if ((*pp)->handle == handle) {
			s = *pp;
			*pp = s->next;
			break;
		}
	}
	pthread_mutex_unlock(&ep->mem_lock);
	return s;
}

int tzs_ep_mem_reclaim(struct tzs_vcpu *v, uint64_t handle, uint32_t flags)
{
	struct ffa_regs r =
		tzs_vcpu_call8(v, FFA_MEM_RECLAIM, (uint32_t)handle,
			       (uint32_t)(handle >> 32), flags, 0, 0, 0, 0);
	struct ep_send *s = NULL;

	if (!is_success(&r)) {
		return error_of(&r);
	}
	s = take_send(v->ep, handle);
	if (s) {
		if (s->kind != FFA_MEM_KIND_SHARE) {
			protect_ranges(v->ep, s->ranges, s->range_count,
				       PROT_READ | PROT_WRITE);
		}
		free(s->ranges);
		free(s);
	}
	return FFA_OK;
}

/* ---------------------------------------------------------------------- */
/* Borrower                                                                */

static int rx_release(struct tzs_vcpu *v)
{
	struct ffa_regs r =
		tzs_vcpu_call8(v, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);

	return is_success(&r) ? FFA_OK : error_of(&r);
}

/*
 * FFA_MEM_FRAG_RX(@handle, @off). BUSY means RX holds something that is
 * not ours: an indirect message that landed after our RX_RELEASE (we hold
 * the mailbox lock, so no consumer can take it now). Giving up would leave
 * the retrieval half done, which only our death undoes, so move the
 * message to the stash, release RX and ask again, a bounded number of
 * times (a sender flooding us can still win; then BUSY is returned).
 */
static struct ffa_regs frag_rx(struct tzs_vcpu *v, uint64_t handle,
			       uint32_t off)
{
	struct ffa_regs r;
	unsigned int i = 0;

	for (i = 0;; i++) {
		r = tzs_vcpu_call8(v, FFA_MEM_FRAG_RX, (uint32_t)handle,
				   (uint32_t)(handle >> 32), off, 0, 0, 0, 0);
		if (ffa_regs_error_code(&r) != FFA_BUSY ||
		    i == FRAG_RX_BUSY_RETRIES) {
			return r;
		}
		ep_rx_stash(v->ep);
		(void)rx_release(v); /* DENIED: already free, fine too */
	}
}

/*
 * Send the retrieve request and collect every fragment of the response
 * into a heap buffer. RX is released after each fragment, as the SPMC
 * needs it back before it can write the next one.
 */
static int retrieve_collect(struct tzs_vcpu *v,
			    const struct tzs_mem_retrieve_args *a,
			    uint8_t **out, size_t *out_len)
{
	struct tzs_ep *ep = v->ep;
	struct ffa_emad emad;
	struct ffa_mem_retrieve_req_desc d;
	struct ffa_regs r;
	uint8_t *buf = NULL;
	uint32_t total = 0, got = 0, n = 0;
	size_t len = 0;
	int rc = FFA_OK;

	memset(&emad, 0, sizeof(emad));
	emad.receiver = ep->id;
	emad.perms = a->perms;
	if (!emad.perms) {
		emad.perms = FFA_PERM_DATA_RW;
		if (a->kind == FFA_MEM_KIND_LEND ||
		    a->kind == FFA_MEM_KIND_DONATE) {
			emad.perms |= FFA_PERM_INSTR_NX;
		}
	}
	memset(&d, 0, sizeof(d));
	d.version = ep->version;
	d.sender = a->owner;
	d.attributes = a->attributes;
	d.flags = kind_type_flag(a->kind) | a->flags;
	d.handle = a->handle;
	d.tag = a->tag;
	d.emad_count = 1;
	d.emads = &emad;
	len = ffa_mem_retrieve_req_len(&d);
	if (!len || len > ep->mb_size ||
	    ffa_mem_retrieve_req_encode(ep->tx, ep->mb_size, &d) != len) {
		return FFA_INVALID_PARAMETERS;
	}
	r = tzs_vcpu_call8(v, FFA_MEM_RETRIEVE_REQ_64, len, len, 0, 0, 0, 0, 0);
	if ((uint32_t)r.x[0] != FFA_MEM_RETRIEVE_RESP) {
		return error_of(&r);
	}
	total = (uint32_t)r.x[1];
	n = (uint32_t)r.x[2];
	/* A response we cannot take is still ours to give back. */
	if (!n || n > total || n > ep->mb_size || total > RETRIEVE_MAX_LEN) {
		rx_release(v);
		return FFA_ABORTED;
	}
	buf = malloc(total);
	if (!buf) {
		rx_release(v);
		return FFA_NO_MEMORY;
	}
	for (;;) {
		memcpy(buf + got, ep->rx, n);
		got += n;
		rc = rx_release(v);
		if (rc || got == total) {
			break;
		}
		r = frag_rx(v, a->handle, got);
		if ((uint32_t)r.x[0] != FFA_MEM_FRAG_TX) {
			rc = error_of(&r);
			break;
		}
		n = (uint32_t)r.x[3];
		if (ffa_handle_make((uint32_t)r.x[1], (uint32_t)r.x[2]) !=
			    a->handle ||
		    !n || n > ep->mb_size || n > total - got) {
			rx_release(v);
			rc = FFA_ABORTED;
			break;
		}
	}
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = total;
	return FFA_OK;
}

/* Parse our copy of the response into ranges (validated, page aligned). */
static int retrieve_parse(struct tzs_ep *ep, const uint8_t *buf, size_t len,
			  struct ep_map *m)
{
	struct ffa_composite comp;
	struct ffa_emad emad;
	struct ffa_mtd mtd;
	uint64_t pages = 0, max = 0;
	uint32_t i = 0;

	if (ffa_mtd_decode(buf, len, ep->version, &mtd)) {
		return FFA_ABORTED;
	}
	for (i = 0; i < mtd.emad_count; i++) {
		if (ffa_emad_decode(buf, len, &mtd, i, &emad)) {
			return FFA_ABORTED;
		}
		if (emad.receiver == ep->id) {
			break;
		}
	}
	if (i == mtd.emad_count ||
	    ffa_composite_decode(buf, len, emad.composite_offset, &comp)) {
		return FFA_ABORTED;
	}
	max = (len - emad.composite_offset - FFA_COMPOSITE_SIZE) /
	      FFA_CONSTITUENT_SIZE;
	if (!comp.constituent_count || comp.constituent_count > max) {
		return FFA_ABORTED;
	}
	m->ranges = calloc(comp.constituent_count, sizeof(*m->ranges));
	if (!m->ranges) {
		return FFA_NO_MEMORY;
	}
	for (i = 0; i < comp.constituent_count; i++) {
		struct ffa_constituent c;
		uint64_t off = (uint64_t)emad.composite_offset +
			       FFA_COMPOSITE_SIZE +
			       (uint64_t)i * FFA_CONSTITUENT_SIZE;

		if (ffa_constituent_decode(buf, len, off, &c) ||
		    (c.address & (TZS_PAGE_SIZE - 1)) || !c.page_count ||
		    ovf_add(pages, c.page_count, &pages)) {
			return FFA_ABORTED;
		}
		m->ranges[i].pa = c.address;
		m->ranges[i].page_count = c.page_count;
	}
	if (pages != comp.page_count) {
		return FFA_ABORTED;
	}
	m->pub.handle = mtd.handle;
	m->pub.owner = mtd.sender;
	m->pub.flags = mtd.flags;
	m->pub.perms = emad.perms;
	m->pub.page_count = pages;
	m->pub.range_count = comp.constituent_count;
	m->pub.ranges = m->ranges;
	return FFA_OK;
}

static struct ep_region_fd *fd_cache_find(struct tzs_ep *ep, uint64_t pa,
					  uint64_t len, bool rw)
{
	uint32_t i = 0;

	for (i = 0; i < ep->fd_count; i++) {
		struct ep_region_fd *e = &ep->fds[i];

		if (pa >= e->base && tzs_range_ok(pa - e->base, len, e->size) &&
		    (e->rw || !rw)) {
			return e;
		}
	}
	return NULL;
}

/* Keep @mfd: it replaces the entry of its region (a read-only fd when
 * read-write is needed now), else takes a free or the oldest slot. */
static struct ep_region_fd *fd_cache_put(struct tzs_ep *ep,
					 const struct tzs_mem_fd *mfd)
{
	struct ep_region_fd *e = NULL;
	uint32_t i = 0;

	for (i = 0; i < ep->fd_count; i++) {
		if (ep->fds[i].base == mfd->base) {
			break;
		}
	}
	if (i == EP_FD_CACHE_MAX) {
		i = 0; /* mappings keep their own reference to the file */
	}
	e = &ep->fds[i];
	if (i < ep->fd_count) {
		close(e->fd);
	} else {
		ep->fd_count++;
	}
	e->base = mfd->base;
	e->size = mfd->size;
	e->rw = mfd->perm == FFA_PERM_DATA_RW;
	e->fd = mfd->fd;
	return e;
}

/* Memfd of the region holding [pa, pa + len), from cache or MEM_FD. Called
 * with ep->mem_lock held. */
static int region_fd(struct tzs_vcpu *v, uint64_t pa, uint64_t len, bool rw,
		     int *fd, uint64_t *base)
{
	struct ep_region_fd *e = fd_cache_find(v->ep, pa, len, rw);
	struct tzs_mem_fd mfd;
	int rc = 0;

	if (!e) {
		rc = tzs_vcpu_mem_fd(v, pa, len, &mfd);
		if (rc) {
			return rc;
		}
		e = fd_cache_put(v->ep, &mfd);
		if (!fd_cache_find(v->ep, pa, len, rw)) {
			return FFA_ABORTED; /* the SPMC answered another range */
		}
	}
	*fd = e->fd;
	*base = e->base;
	return 0;
}

static int map_ranges(struct tzs_vcpu *v, struct ep_map *m)
{
	bool rw = (m->pub.perms & FFA_PERM_DATA_MASK) == FFA_PERM_DATA_RW;
	int prot = rw ? PROT_READ | PROT_WRITE : PROT_READ;
	uint64_t off = 0, base = 0;
	uint32_t i = 0;
	uint8_t *win = NULL;
	int rc = 0, fd = -1;

	if (ovf_mul(m->pub.page_count, TZS_PAGE_SIZE, &off) || off > SIZE_MAX) {
		return FFA_ABORTED;
	}
	m->win_len = (size_t)off;
	/* One window, so the borrower sees the ranges as one buffer. */
	win = mmap(NULL, m->win_len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (win == MAP_FAILED) {
		return FFA_NO_MEMORY;
	}
	m->pub.va = win;
	pthread_mutex_lock(&v->ep->mem_lock);
	for (i = 0, off = 0; i < m->pub.range_count && !rc; i++) {
		uint64_t len = m->ranges[i].page_count * TZS_PAGE_SIZE;
		void *p = NULL;

		rc = region_fd(v, m->ranges[i].pa, len, rw, &fd, &base);
		if (rc) {
			break;
		}
		p = mmap(win + off, len, prot,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd,
			 (off_t)(m->ranges[i].pa - base));
		if (p == MAP_FAILED) {
			rc = FFA_ABORTED;
		}
		off += len;
	}
	pthread_mutex_unlock(&v->ep->mem_lock);
	return rc;
}

static void map_free(struct ep_map *m)
{
	if (m->pub.va) {
		munmap(m->pub.va, m->win_len);
	}
	free(m->ranges);
	free(m);
}

static int relinquish_call(struct tzs_vcpu *v, uint64_t handle, uint32_t flags)
{
	struct tzs_ep *ep = v->ep;
	struct ffa_relinquish rel;
	struct ffa_regs r;
	size_t n = 0;

	memset(&rel, 0, sizeof(rel));
	rel.handle = handle;
	rel.flags = flags;
	rel.endpoint_count = 1;
	rel.endpoints[0] = ep->id;
	tzs_ep_mailbox_lock(ep);
	n = ep->tx ? ffa_relinquish_encode(ep->tx, ep->mb_size, &rel) : 0;
	if (!n) {
		tzs_ep_mailbox_unlock(ep);
		return FFA_INVALID_PARAMETERS;
	}
	r = tzs_vcpu_call8(v, FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0);
	tzs_ep_mailbox_unlock(ep);
	return is_success(&r) ? FFA_OK : error_of(&r);
}

int tzs_ep_mem_retrieve(struct tzs_vcpu *v,
			const struct tzs_mem_retrieve_args *a,
			struct tzs_mem_map **out)
{
	struct tzs_ep *ep = v->ep;
	struct ep_map *m = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = FFA_OK;

	if (!ep->tx) {
		return FFA_INVALID_PARAMETERS;
	}
	tzs_ep_mailbox_lock(ep);
	rc = retrieve_collect(v, a, &buf, &len);
	tzs_ep_mailbox_unlock(ep);
	if (rc) {
		return rc;
	}
	m = calloc(1, sizeof(*m));
	rc = m ? retrieve_parse(ep, buf, len, m) : FFA_NO_MEMORY;
	free(buf);
	if (!rc) {
		rc = map_ranges(v, m);
	}
	if (rc) {
		/* We hold the retrieval in the SPMC's books: give it back,
		 * unless it was a donation (then it is ours anyway). */
		if (a->kind != FFA_MEM_KIND_DONATE) {
			relinquish_call(v, a->handle, 0);
		}
		if (m) {
			map_free(m);
		}
		return rc == FFA_NO_MEMORY ? rc : FFA_ABORTED;
	}
	pthread_mutex_lock(&ep->mem_lock);
	m->next = ep->maps;
	ep->maps = m;
	pthread_mutex_unlock(&ep->mem_lock);
	*out = &m->pub;
	return FFA_OK;
}

static struct ep_map *take_map(struct tzs_ep *ep, struct tzs_mem_map *pub)
{
	struct ep_map **pp = NULL, *m = NULL;

	pthread_mutex_lock(&ep->mem_lock);
	for (pp = &ep->maps; *pp; pp = &(*pp)->next) {
		if (&(*pp)->pub == pub) {
			m = *pp;
			*pp = m->next;
			break;
		}
	}
	pthread_mutex_unlock(&ep->mem_lock);
	return m;
}

int tzs_ep_mem_relinquish(struct tzs_vcpu *v, struct tzs_mem_map *pub,
			  uint32_t flags)
{
	struct ep_map *m = take_map(v->ep, pub);
	uint64_t handle = 0;

	if (!m) {
		return FFA_INVALID_PARAMETERS;
	}
	handle = m->pub.handle;
	map_free(m); /* unmap before the SPMC takes the access back */
	return relinquish_call(v, handle, flags);
}

void tzs_ep_mem_unmap(struct tzs_ep *ep, struct tzs_mem_map *pub)
{
	struct ep_map *m = take_map(ep, pub);

	if (m) {
		map_free(m);
	}
}

struct tzs_mem_map *tzs_ep_mem_find(struct tzs_ep *ep, uint64_t handle)
{
	struct tzs_mem_map *found = NULL;
	struct ep_map *m = NULL;

	pthread_mutex_lock(&ep->mem_lock);
	for (m = ep->maps; m; m = m->next) {
		if (m->pub.handle == handle) {
			found = &m->pub;
			break;
		}
	}
	pthread_mutex_unlock(&ep->mem_lock);
	return found;
}

void tzs_ep_mem_count(struct tzs_ep *ep, uint32_t *maps, uint64_t *pages)
{
	struct ep_map *m = NULL;

	*maps = 0;
	*pages = 0;
	pthread_mutex_lock(&ep->mem_lock);
	for (m = ep->maps; m; m = m->next) {
		(*maps)++;
		*pages += m->pub.page_count;
	}
	pthread_mutex_unlock(&ep->mem_lock);
}

void ep_mem_fini(struct tzs_ep *ep)
{
	uint32_t i = 0;

	while (ep->maps) {
		struct ep_map *m = ep->maps;

		ep->maps = m->next;
		map_free(m);
	}
	while (ep->sends) {
		struct ep_send *s = ep->sends;

		ep->sends = s->next;
		free(s->ranges);
		free(s);
	}
	for (i = 0; i < ep->fd_count; i++) {
		close(ep->fds[i].fd);
	}
	ep->fd_count = 0;
}
