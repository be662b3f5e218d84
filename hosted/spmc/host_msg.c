// SPDX-License-Identifier: BSD-2-Clause
/*
 * Conduit messages in tzshare-spmc: FF-A calls into the core and the
 * frames it produces, platform requests, vCPU attach, partition death.
 *
 * Lifecycle of a partition: alive from setup until its first failure (a
 * closed or broken socket, a protocol violation, an SP process exit). Death
 * closes every socket of the partition, kills an SP process and calls
 * spmc_partition_abort(), whose frames (FFA_ERROR(ABORTED) for callers
 * blocked on it) are delivered like any others. A dead partition never
 * comes back in this process.
 */
#include "spmc_host.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tzshare/conduit.h>
#include <tzshare/lib.h>

struct host_part *host_part_find(struct host *h, uint16_t id)
{
	uint32_t i = 0;

	for (i = 0; i < h->part_count; i++) {
		if (h->parts[i].id == id) {
			return &h->parts[i];
		}
	}
	return NULL;
}

/* O_NONBLOCK is a second line only: the partition may share the open file
 * description and clear it; every send and receive here passes
 * MSG_DONTWAIT (tzc_send_nowait / tzc_recv_nowait). */
int host_watch(struct host *h, struct host_conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	int fl = fcntl(c->fd, F_GETFL);

	if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		return -errno;
	}
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, c->fd, &ev)) {
		return -errno;
	}
	return 0;
}

static void conn_close(struct host *h, struct host_conn *c)
{
	if (c->fd < 0) {
		return;
	}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->pending = false;
}

void host_part_dead(struct host *h, struct host_part *p, const char *why)
{
	unsigned int i = 0;

	if (!p->alive) {
		return;
	}
	host_log(h, "partition 0x%04x: %s", p->id, why);
	p->alive = false;
	p->doomed = false;
	conn_close(h, &p->ctl);
	for (i = 0; i < SPMC_MAX_VCPUS; i++) {
		conn_close(h, &p->vcpu[i]);
	}
	if (p->is_sp && p->pid > 0) {
		kill(p->pid, SIGKILL); /* reaped on SIGCHLD */
	}
	spmc_partition_abort(h->spmc, p->id, &h->out);
	host_deliver(h, &h->out);
	if (!p->is_sp) {
		host_check_quit(h);
	}
}

void host_reap_doomed(struct host *h)
{
	bool again = true;
	uint32_t i = 0;

	/* A death delivers frames, which may doom another partition. */
	while (again) {
		again = false;
		for (i = 0; i < h->part_count; i++) {
			if (h->parts[i].doomed) {
				host_part_dead(h, &h->parts[i],
					       "reply would block or failed");
				again = true;
			}
		}
	}
}

/* A reply to a partition; a partition that does not read its replies is
 * dead to us (we never block on it: -EAGAIN dooms it like a broken pipe). */
static void reply(struct host_conn *c, uint32_t type, const void *payload,
		  size_t len, int fd)
{
	if (tzc_send_nowait(c->fd, type, payload, len, fd)) {
		c->part->doomed = true;
	}
}

static void reply_error(struct host_conn *c, int status, uint32_t type)
{
	uint8_t b[TZC_ERROR_SIZE];

	le32_put(b, (uint32_t)status);
	le32_put(b + 4, type);
	reply(c, TZC_MSG_ERROR, b, sizeof(b), -1);
}

static void reply_frame(struct host_conn *c, const struct ffa_regs *r)
{
	uint8_t b[TZC_FRAME_SIZE];

	tzc_frame_encode(b, r);
	reply(c, TZC_MSG_RESULT, b, sizeof(b), -1);
}

void host_deliver(struct host *h, const struct spmc_output *out)
{
	unsigned int i = 0;

	for (i = 0; i < out->frame_count && i < SPMC_OUT_MAX_FRAMES; i++) {
		const struct spmc_frame *f = &out->frames[i];
		struct host_part *p = host_part_find(h, f->ep);
		struct host_conn *c = NULL;

		if (!p || f->vcpu >= SPMC_MAX_VCPUS) {
			continue;
		}
		c = &p->vcpu[f->vcpu];
		if (c->fd < 0) {
			host_log(h, "frame for 0x%04x/%u dropped: not attached",
				 f->ep, f->vcpu);
			continue;
		}
		/* Only a caller whose call is outstanding can take a frame. */
		if (NEVER(!c->pending)) {
			host_log(h, "frame for 0x%04x/%u dropped: no call",
				 f->ep, f->vcpu);
			continue;
		}
		c->pending = false;
		reply_frame(c, &f->regs);
	}
	for (i = 0; i < out->irq_count && i < SPMC_OUT_MAX_IRQS; i++) {
		struct host_part *p = host_part_find(h, out->irqs[i].vm);
		uint8_t b[TZC_IRQ_SIZE];

		if (!p || p->is_sp || p->ctl.fd < 0) {
			continue;
		}
		le32_put(b, out->irqs[i].irq);
		le32_put(b + 4, 0);
		/* A VM that does not drain its interrupts loses some; it finds
		 * the state with FFA_NOTIFICATION_INFO_GET anyway. */
		(void)tzc_send_nowait(p->ctl.fd, TZC_MSG_IRQ, b, sizeof(b), -1);
	}
}

static void on_call(struct host *h, struct host_conn *c, const uint8_t *b,
		    int len)
{
	struct ffa_regs regs;

	if (len != TZC_FRAME_SIZE) {
		ffa_regs_error(&regs, FFA_INVALID_PARAMETERS);
		reply_frame(c, &regs);
		return;
	}
	tzc_frame_decode(b, &regs);
	c->pending = true;
	spmc_call(h->spmc, c->part->id, c->vcpu, &regs, &h->out);
	host_deliver(h, &h->out);
}

/*
 * MEM_FD: hand out the memfd of the region holding [pa, pa + len) if the
 * core says the partition may access all of it. Secure regions never go
 * to a normal-world process, whatever the core answers.
 */
static void on_mem_fd(struct host *h, struct host_conn *c, const uint8_t *b)
{
	uint64_t pa = le64_get(b), len = le64_get(b + 8);
	struct host_region *r = host_region_find(h, pa, len);
	uint8_t resp[TZC_MEM_FD_RESP_SIZE];
	uint8_t perm = 0;
	int status = FFA_OK, fd = -1;

	memset(resp, 0, sizeof(resp));
	if (!r || !len) {
		status = FFA_INVALID_PARAMETERS;
	} else if (r->secure && !c->part->is_sp) {
		status = FFA_DENIED;
	} else {
		status = spmc_mem_access(h->spmc, c->part->id, pa, len, &perm);
	}
	if (status == FFA_OK) {
		fd = (perm & FFA_PERM_DATA_MASK) == FFA_PERM_DATA_RW ? r->fd :
								       r->ro_fd;
		le32_put(resp + 4, perm);
		le64_put(resp + 8, r->base);
		le64_put(resp + 16, r->size);
	}
	host_log(h, "MEM_FD 0x%04x pa=0x%llx len=0x%llx: %d", c->part->id,
		 (unsigned long long)pa, (unsigned long long)len, status);
	le32_put(resp, (uint32_t)status);
	reply(c, TZC_MSG_MEM_FD_RESP, resp, sizeof(resp), fd);
}

static void on_stats(struct host *h, struct host_conn *c)
{
	uint8_t b[TZC_STATS_RESP_SIZE];
	struct spmc_stats st;
	uint32_t i = 0, alive = 0;

	spmc_stats_get(h->spmc, &st);
	for (i = 0; i < h->part_count; i++) {
		alive += h->parts[i].alive;
	}
	le32_put(b, st.live_shares);
	le32_put(b + 4, st.calls);
	le32_put(b + 8, st.rejected);
	le32_put(b + 12, alive);
	reply(c, TZC_MSG_STATS_RESP, b, sizeof(b), -1);
}

static void on_page_owner(struct host *h, struct host_conn *c, const uint8_t *b)
{
	uint8_t resp[TZC_PAGE_OWNER_RESP_SIZE];

	le32_put(resp, spmc_page_owner(h->spmc, le64_get(b)));
	le32_put(resp + 4, 0);
	reply(c, TZC_MSG_PAGE_OWNER_RESP, resp, sizeof(resp), -1);
}

static bool is_platform_request(uint32_t type)
{
	return type == TZC_MSG_MEM_FD || type == TZC_MSG_STATS ||
	       type == TZC_MSG_PAGE_OWNER;
}

static bool size_ok(uint32_t type, int len)
{
	switch (type) {
	case TZC_MSG_MEM_FD:
		return len == TZC_MEM_FD_SIZE;
	case TZC_MSG_STATS:
		return len == 0;
	case TZC_MSG_PAGE_OWNER:
		return len == TZC_PAGE_OWNER_SIZE;
	default:
		return false;
	}
}

static void on_vcpu(struct host *h, struct host_conn *c)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int len = tzc_recv_nowait(c->fd, &type, b, sizeof(b), NULL);

	if (len == -EAGAIN || len == -EWOULDBLOCK) {
		return;
	}
	if (len < 0 && len != -EPROTO && len != -EMSGSIZE) {
		host_part_dead(h, c->part, "vCPU connection closed");
		return;
	}
	/* A vCPU with a call outstanding is parked: it cannot talk. */
	if (c->pending) {
		host_part_dead(h, c->part, "message while a call is pending");
		return;
	}
	if (type == TZC_MSG_CALL) {
		on_call(h, c, b, len);
		return;
	}
	if (!is_platform_request(type)) {
		reply_error(c, FFA_NOT_SUPPORTED, type);
		return;
	}
	if (len < 0 || !size_ok(type, len)) {
		reply_error(c, FFA_INVALID_PARAMETERS, type);
		return;
	}
	switch (type) {
	case TZC_MSG_MEM_FD:
		on_mem_fd(h, c, b);
		break;
	case TZC_MSG_STATS:
		on_stats(h, c);
		break;
	case TZC_MSG_PAGE_OWNER:
		on_page_owner(h, c, b);
		break;
	default:
		/* size_ok() admits only the three types above. */
		CHECK(false);
		break;
	}
}

static bool is_seqpacket(int fd)
{
	int type = 0, domain = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_SEQPACKET) {
		return false;
	}
	len = sizeof(domain);
	return !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) &&
	       domain == AF_UNIX;
}

/*
 * Answer an ATTACH on the new connection itself. Never blocks: the
 * partition made that socket and may have filled it (or still hold our end
 * and reset O_NONBLOCK). Returns 0 or a negative errno.
 */
static int attach_resp(int fd, const struct host_part *p, int status)
{
	uint8_t b[TZC_ATTACH_RESP_SIZE];

	memset(b, 0, sizeof(b));
	le32_put(b, (uint32_t)status);
	if (status == FFA_OK) {
		le16_put(b + 4, p->id);
		le16_put(b + 6, p->cfg->exec_count);
		le64_put(b + 8, p->mem->base);
		le64_put(b + 16, p->mem->size);
	}
	return tzc_send_nowait(fd, TZC_MSG_ATTACH_RESP, b, sizeof(b),
			       status == FFA_OK ? p->mem->fd : -1);
}

/* A refusal is best effort: the connection is closed either way. */
static void attach_refuse(int fd, const struct host_part *p, int status)
{
	(void)attach_resp(fd, p, status);
	close(fd);
}

/*
 * A VM's first vCPU attach is its creation: SPs that asked for it
 * (FFA_PART_PROP_VM_CREATED) get the framework message. Its destruction
 * is reported by spmc_partition_abort() when it dies.
 */
static void vm_created(struct host *h, struct host_part *p)
{
	if (p->is_sp || p->created) {
		return;
	}
	p->created = true;
	host_log(h, "VM 0x%04x created", p->id);
	spmc_vm_lifecycle(h->spmc, p->id, true, &h->out);
	host_deliver(h, &h->out);
}

static void on_ctl(struct host *h, struct host_conn *c)
{
	struct host_part *p = c->part;
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0, idx = 0;
	struct host_conn *v = NULL;
	int fd = -1, len = tzc_recv_nowait(c->fd, &type, b, sizeof(b), &fd);

	if (len == -EAGAIN || len == -EWOULDBLOCK) {
		return;
	}
	if (len < 0) {
		host_part_dead(h, p,
			       len == -EPIPE ? "control socket closed" :
					       "bad control message");
		return;
	}
	if (type != TZC_MSG_ATTACH || len != TZC_ATTACH_SIZE || fd < 0 ||
	    !is_seqpacket(fd)) {
		if (fd >= 0) {
			close(fd);
		}
		host_part_dead(h, p, "bad control message");
		return;
	}
	idx = le32_get(b);
	if (idx >= p->cfg->exec_count || le32_get(b + 4) != 0) {
		attach_refuse(fd, p, FFA_INVALID_PARAMETERS);
		return;
	}
	v = &p->vcpu[idx];
	if (v->fd >= 0) {
		attach_refuse(fd, p, FFA_DENIED);
		return;
	}
	v->fd = fd;
	v->pending = false;
	if (host_watch(h, v)) {
		conn_close(h, v);
		host_part_dead(h, p, "cannot watch vCPU connection");
		return;
	}
	host_log(h, "partition 0x%04x: vCPU %u attached", p->id, idx);
	if (attach_resp(fd, p, FFA_OK)) {
		p->doomed = true; /* it filled its own new connection */
		return;
	}
	vm_created(h, p);
}

void host_conn_event(struct host *h, struct host_conn *c)
{
	if (c->fd < 0) {
		return; /* closed earlier in this batch */
	}
	if (c->kind == HOST_CONN_VCPU) {
		on_vcpu(h, c);
	} else if (c->kind == HOST_CONN_CTL) {
		on_ctl(h, c);
	}
	host_reap_doomed(h);
}
