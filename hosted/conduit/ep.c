// SPDX-License-Identifier: BSD-2-Clause
/*
 * Partition-side runtime: attach over the control socket, vCPU connections,
 * FF-A calls, partition discovery, direct messages, platform requests.
 *
 * Lifecycle: tzs_ep_attach() creates the endpoint with vCPU 0 attached, its
 * DRAM mapped and (unless asked not to) RX/TX mapped; further vCPUs attach
 * on first use; tzs_ep_detach() closes everything, which the SPMC takes as
 * the partition's death. When the SPMC goes away every call returns
 * FFA_ERROR(ABORTED); nothing blocks forever on a dead SPMC.
 */
#include "ep_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tzshare/lib.h>

#define ATTACH_TIMEOUT_MS 30000

int ep_request(struct tzs_vcpu *v, uint32_t type, const void *payload,
	       size_t len, uint32_t resp_type, void *resp, size_t resp_len,
	       int *fd)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t got = 0;
	int rc = 0;

	if (fd) {
		*fd = -1;
	}
	if (v->broken) {
		return -EPIPE;
	}
	rc = tzc_send(v->fd, type, payload, len, -1);
	if (!rc) {
		rc = tzc_recv(v->fd, &got, b, sizeof(b), fd, -1);
	}
	if (rc == -EPIPE) {
		v->broken = true;
		return rc;
	}
	if (rc < 0) {
		return rc;
	}
	if (got != resp_type || (size_t)rc != resp_len) {
		/* Not the answer asked for: a descriptor riding on it (on an
		 * ERROR too) is nobody's, close it. */
		if (fd && *fd >= 0) {
			close(*fd);
			*fd = -1;
		}
		return got == TZC_MSG_ERROR && rc == TZC_ERROR_SIZE ? -EINVAL :
								      -EPROTO;
	}
	memcpy(resp, b, resp_len);
	return 0;
}

int tzs_vcpu_call(struct tzs_vcpu *v, const struct ffa_regs *in,
		  struct ffa_regs *out)
{
	uint8_t b[TZC_FRAME_SIZE];
	int rc = 0;

	tzc_frame_encode(b, in);
	rc = ep_request(v, TZC_MSG_CALL, b, sizeof(b), TZC_MSG_RESULT, b,
			sizeof(b), NULL);
	if (rc) {
		/* Lost sync with the SPMC: nothing later can be trusted. */
		v->broken = true;
		ffa_regs_error(out, FFA_ABORTED);
		return -EPIPE;
	}
	tzc_frame_decode(b, out);
	return 0;
}

struct ffa_regs tzs_vcpu_call8(struct tzs_vcpu *v, uint64_t x0, uint64_t x1,
			       uint64_t x2, uint64_t x3, uint64_t x4,
			       uint64_t x5, uint64_t x6, uint64_t x7)
{
	/* x8..x17 zero */
	struct ffa_regs in = { .x = { x0, x1, x2, x3, x4, x5, x6, x7 } };
	struct ffa_regs out;

	tzs_vcpu_call(v, &in, &out);
	return out;
}

/* The first attach maps the partition's own DRAM from the passed memfd. */
static int own_mem_map(struct tzs_ep *ep, const uint8_t *b, int fd)
{
	ep->id = le16_get(b + 4);
	ep->exec_count = le16_get(b + 6);
	ep->mem_base = le64_get(b + 8);
	ep->mem_size = le64_get(b + 16);
	if (fd < 0 || !ep->exec_count || ep->exec_count > SPMC_MAX_VCPUS ||
	    !ep->mem_size || (ep->mem_size & (TZS_PAGE_SIZE - 1))) {
		return -EPROTO;
	}
	ep->mem_va = mmap(NULL, ep->mem_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED, fd, 0);
	if (ep->mem_va == MAP_FAILED) {
		ep->mem_va = NULL;
		return -errno;
	}
	ep->mem_fd = fd;
	return 0;
}

/*
 * Hand one end of @sock over with ATTACH (and close our copy of it: should
 * the SPMC die with it in flight, only then does the other end see EOF)
 * and read the answer on the other end: the ATTACH_RESP payload in @b and
 * the passed DRAM memfd in *fd.
 */
static int attach_exchange(struct tzs_ep *ep, unsigned int idx,
			   const int sock[2], int timeout_ms, uint8_t *b,
			   int *fd)
{
	uint8_t req[TZC_ATTACH_SIZE];
	uint32_t type = 0;
	int rc = 0;

	le32_put(req, idx);
	le32_put(req + 4, 0);
	rc = tzc_send(ep->ctl_fd, TZC_MSG_ATTACH, req, sizeof(req), sock[1]);
	close(sock[1]);
	if (rc) {
		return rc;
	}
	rc = tzc_recv(sock[0], &type, b, TZC_MSG_MAX, fd, timeout_ms);
	if (rc < 0) {
		return rc;
	}
	if (type != TZC_MSG_ATTACH_RESP || rc != TZC_ATTACH_RESP_SIZE ||
	    le32_get(b) != FFA_OK) {
		return -EPROTO;
	}
	return 0;
}

static int vcpu_attach(struct tzs_ep *ep, unsigned int idx, int timeout_ms,
		       struct tzs_vcpu **out)
{
	struct tzs_vcpu *v = NULL;
	uint8_t b[TZC_MSG_MAX];
	int sv[2] = { -1, -1 }, fd = -1, rc = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		return -errno;
	}
	rc = attach_exchange(ep, idx, sv, timeout_ms, b, &fd);
	if (rc) {
		goto out_close;
	}
	if (!ep->mem_va) {
		rc = own_mem_map(ep, b, fd);
		if (rc) {
			goto out_close;
		}
		fd = -1; /* kept as ep->mem_fd */
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		rc = -ENOMEM;
		goto out_close;
	}
	v->ep = ep;
	v->idx = idx;
	v->fd = sv[0];
	*out = v;
	if (fd >= 0) {
		close(fd); /* later attaches pass the DRAM memfd again */
	}
	return 0;
out_close:
	if (fd >= 0) {
		close(fd);
	}
	close(sv[0]);
	return rc;
}

struct tzs_vcpu *tzs_ep_vcpu(struct tzs_ep *ep, unsigned int idx)
{
	struct tzs_vcpu *v = NULL;

	if (idx >= ep->exec_count) {
		return NULL;
	}
	pthread_mutex_lock(&ep->lock);
	if (!ep->vcpu[idx]) {
		/* On failure vcpu[idx] stays NULL and a later use retries. */
		(void)vcpu_attach(ep, idx, ATTACH_TIMEOUT_MS, &ep->vcpu[idx]);
	}
	v = ep->vcpu[idx];
	pthread_mutex_unlock(&ep->lock);
	return v;
}

static int negotiate(struct tzs_ep *ep, const struct tzs_ep_opts *o)
{
	struct tzs_vcpu *v = ep->vcpu[0];
	struct ffa_regs r;
	uint32_t pages = o->mailbox_pages ? o->mailbox_pages : 1;
	uint64_t top = ep->mem_base + ep->mem_size, mb = 0;

	ep->version = o->version ? o->version : FFA_VERSION_1_2;
	r = tzs_vcpu_call8(v, FFA_VERSION, ep->version, 0, 0, 0, 0, 0, 0);
	if (v->broken) {
		return -EPIPE;
	}
	if ((uint32_t)r.x[0] == 0xFFFFFFFFu ||
	    FFA_VERSION_MAJOR((uint32_t)r.x[0]) !=
		    FFA_VERSION_MAJOR(ep->version)) {
		return -EPROTO;
	}
	r = tzs_vcpu_call8(v, FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	if ((uint32_t)r.x[0] != FFA_SUCCESS_32 || (uint16_t)r.x[2] != ep->id) {
		return -EPROTO;
	}
	if (o->no_mailbox) {
		return 0;
	}
	mb = (uint64_t)pages * TZS_PAGE_SIZE;
	if (pages > 64 || 2 * mb >= ep->mem_size) {
		return -EINVAL;
	}
	r = tzs_vcpu_call8(v, FFA_RXTX_MAP_64, top - 2 * mb, top - mb, pages, 0,
			   0, 0, 0);
	if ((uint32_t)r.x[0] != FFA_SUCCESS_32 &&
	    (uint32_t)r.x[0] != FFA_SUCCESS_64) {
		return -EPROTO;
	}
	ep->mb_size = (uint32_t)mb;
	ep->tx = tzs_ep_pa(ep, top - 2 * mb, mb);
	ep->rx = tzs_ep_pa(ep, top - mb, mb);
	return 0;
}

int tzs_ep_attach(int ctl_fd, const struct tzs_ep_opts *opts,
		  struct tzs_ep **out)
{
	static const struct tzs_ep_opts none;
	struct tzs_ep *ep = calloc(1, sizeof(*ep));
	int timeout = 0, rc = 0;

	if (!opts) {
		opts = &none;
	}
	timeout = opts->attach_timeout_ms ? opts->attach_timeout_ms :
					    ATTACH_TIMEOUT_MS;
	/* Before any memfd arrives: a dumpable process's /proc/<pid>/fd
	 * lets every process of its uid reopen its DRAM and borrowed
	 * regions (hosted.md §5). */
	if (!ep || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		rc = ep ? -errno : -ENOMEM;
		free(ep);
		close(ctl_fd);
		return rc;
	}
	ep->ctl_fd = ctl_fd;
	ep->mem_fd = -1;
	pthread_mutex_init(&ep->lock, NULL);
	pthread_mutex_init(&ep->mb_lock, NULL);
	pthread_mutex_init(&ep->mem_lock, NULL);
	rc = vcpu_attach(ep, 0, timeout, &ep->vcpu[0]);
	if (!rc) {
		rc = negotiate(ep, opts);
	}
	if (rc) {
		tzs_ep_detach(ep);
		return rc;
	}
	*out = ep;
	return 0;
}

void tzs_ep_detach(struct tzs_ep *ep)
{
	unsigned int i = 0;

	if (!ep) {
		return;
	}
	ep_mem_fini(ep);
	for (i = 0; i < ep->stash_count; i++) {
		free(ep->stash[i]);
	}
	for (i = 0; i < SPMC_MAX_VCPUS; i++) {
		if (ep->vcpu[i]) {
			close(ep->vcpu[i]->fd);
			free(ep->vcpu[i]);
		}
	}
	if (ep->mem_va) {
		munmap(ep->mem_va, ep->mem_size);
	}
	if (ep->mem_fd >= 0) {
		close(ep->mem_fd);
	}
	close(ep->ctl_fd);
	pthread_mutex_destroy(&ep->lock);
	pthread_mutex_destroy(&ep->mb_lock);
	pthread_mutex_destroy(&ep->mem_lock);
	free(ep);
}

uint16_t tzs_ep_id(const struct tzs_ep *ep)
{
	return ep->id;
}

uint16_t tzs_ep_exec_count(const struct tzs_ep *ep)
{
	return ep->exec_count;
}

uint32_t tzs_ep_version(const struct tzs_ep *ep)
{
	return ep->version;
}

int tzs_ep_ctl_fd(const struct tzs_ep *ep)
{
	return ep->ctl_fd;
}

unsigned int tzs_vcpu_index(const struct tzs_vcpu *v)
{
	return v->idx;
}

struct tzs_ep *tzs_vcpu_ep(const struct tzs_vcpu *v)
{
	return v->ep;
}

uint64_t tzs_ep_mem_base(const struct tzs_ep *ep)
{
	return ep->mem_base;
}

uint64_t tzs_ep_mem_size(const struct tzs_ep *ep)
{
	return ep->mem_size;
}

uint8_t *tzs_ep_pa(const struct tzs_ep *ep, uint64_t pa, uint64_t len)
{
	if (pa < ep->mem_base ||
	    !tzs_range_ok(pa - ep->mem_base, len, ep->mem_size)) {
		return NULL;
	}
	return ep->mem_va + (pa - ep->mem_base);
}

uint8_t *tzs_ep_tx(const struct tzs_ep *ep)
{
	return ep->tx;
}

uint8_t *tzs_ep_rx(const struct tzs_ep *ep)
{
	return ep->rx;
}

uint32_t tzs_ep_mailbox_size(const struct tzs_ep *ep)
{
	return ep->mb_size;
}

void tzs_ep_mailbox_lock(struct tzs_ep *ep)
{
	pthread_mutex_lock(&ep->mb_lock);
}

void tzs_ep_mailbox_unlock(struct tzs_ep *ep)
{
	pthread_mutex_unlock(&ep->mb_lock);
}

void ep_rx_stash(struct tzs_ep *ep)
{
	uint8_t *copy = malloc(ep->mb_size);

	if (!copy) {
		ep->stash_dropped++;
		return;
	}
	memcpy(copy, ep->rx, ep->mb_size);
	if (ep->stash_count == EP_STASH_MAX) {
		/* Keep the newest: drop (and count) the oldest. */
		free(ep->stash[0]);
		memmove(ep->stash, ep->stash + 1,
			(EP_STASH_MAX - 1) * sizeof(ep->stash[0]));
		ep->stash_count--;
		ep->stash_dropped++;
	}
	ep->stash[ep->stash_count++] = copy;
}

size_t tzs_ep_rx_stash_take(struct tzs_ep *ep, void *buf, size_t cap)
{
	size_t n = 0;

	if (!ep->stash_count) {
		return 0;
	}
	n = cap < ep->mb_size ? cap : ep->mb_size;
	memcpy(buf, ep->stash[0], n);
	free(ep->stash[0]);
	ep->stash_count--;
	memmove(ep->stash, ep->stash + 1,
		ep->stash_count * sizeof(ep->stash[0]));
	return ep->mb_size;
}

static int answer_code(const struct ffa_regs *r, uint32_t want32,
		       uint32_t want64)
{
	uint32_t fid = (uint32_t)r->x[0];

	if (fid == want32 || fid == want64) {
		return FFA_OK;
	}
	if (fid == FFA_ERROR) {
		return ffa_regs_error_code(r);
	}
	return FFA_ABORTED;
}

int tzs_vcpu_direct_req(struct tzs_vcpu *v, uint16_t dst,
			const uint64_t args[5], uint64_t ret[5])
{
	struct ffa_regs in, out;
	unsigned int i = 0;
	int rc = 0;

	ffa_regs_clear(&in);
	in.x[0] = FFA_MSG_SEND_DIRECT_REQ_64;
	in.x[1] = (uint32_t)v->ep->id << 16 | dst;
	for (i = 0; i < 5; i++) {
		in.x[3 + i] = args[i];
	}
	tzs_vcpu_call(v, &in, &out);
	rc = answer_code(&out, FFA_MSG_SEND_DIRECT_RESP_32,
			 FFA_MSG_SEND_DIRECT_RESP_64);
	if (rc == FFA_OK && ret) {
		for (i = 0; i < 5; i++) {
			ret[i] = out.x[3 + i];
		}
	}
	return rc;
}

int tzs_vcpu_direct_req2(struct tzs_vcpu *v, uint16_t dst,
			 const uint8_t uuid[FFA_UUID_SIZE],
			 const uint64_t args[14], uint64_t ret[14])
{
	static const uint8_t nil[FFA_UUID_SIZE];
	struct ffa_regs in, out;
	unsigned int i = 0;
	int rc = 0;

	ffa_regs_clear(&in);
	in.x[0] = FFA_MSG_SEND_DIRECT_REQ2;
	in.x[1] = (uint32_t)v->ep->id << 16 | dst;
	ffa_uuid_to_x2(uuid ? uuid : nil, &in.x[2]);
	for (i = 0; i < 14; i++) {
		in.x[4 + i] = args[i];
	}
	tzs_vcpu_call(v, &in, &out);
	rc = answer_code(&out, FFA_MSG_SEND_DIRECT_RESP2,
			 FFA_MSG_SEND_DIRECT_RESP2);
	if (rc == FFA_OK && ret) {
		for (i = 0; i < 14; i++) {
			ret[i] = out.x[4 + i];
		}
	}
	return rc;
}

int tzs_vcpu_partition_info(struct tzs_vcpu *v, const uint8_t *uuid,
			    struct ffa_partition_info *info, uint32_t cap,
			    uint32_t *count)
{
	static const uint8_t nil[FFA_UUID_SIZE];
	struct tzs_ep *ep = v->ep;
	struct ffa_regs r;
	uint32_t w[4], n = 0, size = 0, i = 0;
	int rc = FFA_OK;

	ffa_uuid_to_w4(uuid ? uuid : nil, w);
	*count = 0;
	tzs_ep_mailbox_lock(ep);
	r = tzs_vcpu_call8(v, FFA_PARTITION_INFO_GET, w[0], w[1], w[2], w[3], 0,
			   0, 0);
	rc = answer_code(&r, FFA_SUCCESS_32, FFA_SUCCESS_64);
	if (rc) {
		goto out_unlock;
	}
	n = (uint32_t)r.x[2];
	size = ffa_version_uses_v1_0_mtd(ep->version) ?
		       FFA_PART_INFO_V1_0_SIZE :
		       (uint32_t)r.x[3];
	for (i = 0; i < n && i < cap && rc == FFA_OK; i++) {
		uint64_t off = (uint64_t)i * size;

		if (!size || !tzs_range_ok(off, size, ep->mb_size)) {
			rc = FFA_ABORTED;
			break;
		}
		rc = ffa_partition_info_decode(ep->rx + off, size, size,
					       &info[i]);
	}
	*count = n;
	r = tzs_vcpu_call8(v, FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	if (rc == FFA_OK) {
		rc = answer_code(&r, FFA_SUCCESS_32, FFA_SUCCESS_64);
	}
out_unlock:
	tzs_ep_mailbox_unlock(ep);
	return rc;
}

int tzs_vcpu_stats(struct tzs_vcpu *v, struct tzs_host_stats *st)
{
	uint8_t b[TZC_STATS_RESP_SIZE];
	int rc = ep_request(v, TZC_MSG_STATS, NULL, 0, TZC_MSG_STATS_RESP, b,
			    sizeof(b), NULL);

	if (rc) {
		return rc;
	}
	st->live_shares = le32_get(b);
	st->calls = le32_get(b + 4);
	st->rejected = le32_get(b + 8);
	st->partitions_alive = le32_get(b + 12);
	return 0;
}

int tzs_vcpu_mem_fd(struct tzs_vcpu *v, uint64_t pa, uint64_t len,
		    struct tzs_mem_fd *out)
{
	uint8_t b[TZC_MEM_FD_RESP_SIZE];
	int fd = -1, status = 0;

	le64_put(b, pa);
	le64_put(b + 8, len);
	if (ep_request(v, TZC_MSG_MEM_FD, b, TZC_MEM_FD_SIZE,
		       TZC_MSG_MEM_FD_RESP, b, sizeof(b), &fd)) {
		return FFA_ABORTED;
	}
	status = (int32_t)le32_get(b);
	if (status != FFA_OK || fd < 0) {
		if (fd >= 0) {
			close(fd);
		}
		return status ? status : FFA_ABORTED;
	}
	out->fd = fd;
	out->perm = (uint8_t)(le32_get(b + 4) & FFA_PERM_DATA_MASK);
	out->base = le64_get(b + 8);
	out->size = le64_get(b + 16);
	return FFA_OK;
}

int tzs_vcpu_page_owner(struct tzs_vcpu *v, uint64_t pa, uint16_t *owner)
{
	uint8_t b[TZC_PAGE_OWNER_SIZE];
	int rc = 0;

	le64_put(b, pa);
	rc = ep_request(v, TZC_MSG_PAGE_OWNER, b, sizeof(b),
			TZC_MSG_PAGE_OWNER_RESP, b, sizeof(b), NULL);
	if (rc) {
		return rc;
	}
	*owner = (uint16_t)le32_get(b);
	return 0;
}
