// SPDX-License-Identifier: BSD-2-Clause
/*
 * The normal-world vsock stack of a VM process: bus, virtio-vsock driver,
 * portable socket layer and heaps, and the socket calls under one lock.
 *
 * Transport pump. The driver is not re-entrant and the socket layer's
 * send_pkt must not call back into the protocol, so received packets never
 * go to the socket layer from inside the driver: the driver's rx callback
 * copies them onto a backlog, and nwd_pump() hands the backlog over once
 * the driver returned. send_pkt only queues on tx (tx_dirty); the pump
 * kicks. Because the secure side handles a kick synchronously, what it
 * answers is in the rx ring when the kick returns, and one pump after each
 * call delivers it.
 *
 * Waiting. The socket layer's wait op pumps; if nothing arrived it asks
 * the device for used-buffer notifications (the driver keeps them off
 * while it polls), drops the lock and sleeps on the VM's interrupt
 * descriptor for at most WAIT_SLICE_MS, so a secure-side event (say a
 * REQUEST from a secure client) wakes every sleeper at once and another
 * thread can run meanwhile. A waker takes the interrupt and drains the
 * bus's events: the device notifies again only once its event queue was
 * emptied.
 *
 * A device that fails (a kick or poll errs: SP dead, bus broken) is gone
 * for good: every connection is reset once, as on TRANSPORT_RESET, and
 * waits return ECONNRESET from then on.
 */
#include "nwd_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tzshare/nwd.h>

#define WAIT_SLICE_MS 20
#define SEND_RETRIES 64
#define DEFAULT_DEV_NUM 2u
#define MAILBOX_RESERVE (1u << 20)

uint64_t nwd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---------------------------------------------------------------------- */
/* Transport                                                               */

static void backlog_add(struct tzs_nwd_vsock *n, struct nwd_rx *r)
{
	r->next = NULL;
	if (n->rx_tail) {
		n->rx_tail->next = r;
	} else {
		n->rx_head = r;
	}
	n->rx_tail = r;
}

static void backlog_rx(void *ctx, const struct vsock_pkt *pkt)
{
	struct tzs_nwd_vsock *n = ctx;
	struct nwd_rx *r = calloc(1, sizeof(*r) + pkt->payload_len);

	if (!r) {
		/* A lost packet would corrupt the credit accounting: treat it
		 * as the transport failing. */
		n->gone = true;
		return;
	}
	r->pkt = *pkt;
	memcpy(r->data, pkt->payload, pkt->payload_len);
	r->pkt.payload = r->data;
	backlog_add(n, r);
}

/* TRANSPORT_RESET: queued in order, acted on by the pump (this may run
 * inside send_pkt, where the socket layer must not be re-entered). */
static void backlog_reset(void *ctx)
{
	struct tzs_nwd_vsock *n = ctx;
	struct nwd_rx *r = calloc(1, sizeof(*r));

	if (!r) {
		n->gone = true;
		return;
	}
	r->reset = true;
	backlog_add(n, r);
}

static int drv_poll(struct tzs_nwd_vsock *n, int timeout_ms)
{
	const struct tzs_vsock_drv_cb cb = {
		.rx = backlog_rx,
		.reset = backlog_reset,
		.ctx = n,
	};
	int rc = tzs_vsock_drv_poll(n->drv, &cb, timeout_ms);

	if (rc < 0) {
		n->gone = true;
	}
	return rc;
}

static int deliver_backlog(struct tzs_nwd_vsock *n)
{
	struct nwd_rx *r = NULL;
	int count = 0;

	while ((r = n->rx_head)) {
		n->rx_head = r->next;
		if (!n->rx_head) {
			n->rx_tail = NULL;
		}
		if (r->reset) {
			vsk_stack_transport_reset(&n->st);
		} else {
			vsk_stack_rx(&n->st, &r->pkt);
		}
		free(r);
		count++;
	}
	return count;
}

int nwd_pump(struct tzs_nwd_vsock *n)
{
	int count = 0;
	int round = 0;

	/* Answers to what we deliver (credit updates, echoes) queue more tx:
	 * go round until the device has nothing more to say. */
	for (round = 0; round < 64 && !n->gone; round++) {
		if (n->tx_dirty) {
			n->tx_dirty = false;
			if (tzs_vsock_drv_kick(n->drv) < 0) {
				n->gone = true;
				break;
			}
		}
		drv_poll(n, 0);
		if (!n->rx_head && !n->tx_dirty) {
			break;
		}
		count += deliver_backlog(n);
	}
	/* The device is gone (SP dead, bus broken): nothing will answer, so
	 * every connection ends now with ECONNRESET, as on TRANSPORT_RESET;
	 * else a send on one would "succeed" into a dead ring. Counts as a
	 * change, so a waiting call looks at its socket again. */
	if (n->gone && !n->gone_reset) {
		n->gone_reset = true;
		count += deliver_backlog(n);
		vsk_stack_transport_reset(&n->st);
		count++;
	}
	vsk_stack_tick(&n->st);
	return count;
}

int nwd_wait(struct tzs_nwd_vsock *n, int timeout_ms)
{
	struct pollfd pfd = { .fd = tzs_vm_irq_fd(n->vm), .events = POLLIN };
	int slice = timeout_ms < 0 || timeout_ms > WAIT_SLICE_MS ?
			    WAIT_SLICE_MS :
			    timeout_ms;
	int rc = 0;

	if (nwd_pump(n) > 0) {
		return 0;
	}
	if (n->gone) {
		return VSK_ECONNRESET;
	}
	/* Entries that came meanwhile: pump them rather than sleep. */
	if (!tzs_vsock_drv_arm(n->drv)) {
		nwd_pump(n);
		return 0;
	}
	pthread_mutex_unlock(&n->lock);
	rc = poll(&pfd, 1, slice);
	pthread_mutex_lock(&n->lock);
	if (rc > 0) {
		(void)tzs_vmsg_bus_events(n->bus, 0);
	}
	nwd_pump(n);
	return 0;
}

bool nwd_sd_valid(struct tzs_nwd_vsock *n, int sd)
{
	return !(vsk_poll_mask(&n->st, sd) & VSK_POLLNVAL);
}

/* ---------------------------------------------------------------------- */
/* Socket layer ops                                                        */

static int op_send_pkt(void *ctx, const struct vsock_pkt *pkt)
{
	struct tzs_nwd_vsock *n = ctx;
	int tries = 0;
	int rc = 0;

	for (tries = 0; tries < SEND_RETRIES; tries++) {
		rc = tzs_vsock_drv_send(n->drv, pkt);
		if (rc != VSOCK_ENOBUFS) {
			break;
		}
		/* tx full: let the device consume; what comes back waits on
		 * the backlog (we must not re-enter the socket layer). */
		if (tzs_vsock_drv_kick(n->drv) < 0 || drv_poll(n, 0) < 0) {
			return VSOCK_ECONNRESET;
		}
	}
	if (rc == VSOCK_OK) {
		n->tx_dirty = true;
	}
	return rc == VSOCK_ENOBUFS ? VSOCK_EAGAIN : rc;
}

static int op_wait(void *ctx, int timeout_ms)
{
	return nwd_wait(ctx, timeout_ms);
}

static uint64_t op_now_ms(void *ctx)
{
	(void)ctx;
	return nwd_now_ms();
}

static void op_shmem(void *ctx, int sd, const struct vsock_shmem *m)
{
	nwd_shmem_rx(ctx, sd, m);
}

static const struct vsk_ops nwd_ops = {
	.send_pkt = op_send_pkt,
	.wait = op_wait,
	.now_ms = op_now_ms,
	.shmem = op_shmem,
};

/* ---------------------------------------------------------------------- */
/* Open / close                                                            */

static int open_bus(struct tzs_nwd_vsock *n, struct tzs_ep *vm)
{
	struct tzs_vmsg_bus_opts bo;
	uint64_t size = tzs_ep_mem_size(vm);

	memset(&bo, 0, sizeof(bo));
	bo.indirect = n->o.indirect;
	bo.poll_events = n->o.poll_events;
	bo.notify_id = 7;
	bo.mem_pa = tzs_ep_mem_base(vm);
	bo.mem_size = n->o.bus_bytes ? n->o.bus_bytes : size / 2;
	if (bo.mem_size >= size - MAILBOX_RESERVE) {
		return -EINVAL;
	}
	return tzs_vmsg_bus_open(vm, &bo, &n->bus);
}

static int open_heaps(struct tzs_nwd_vsock *n, struct tzs_ep *vm)
{
	struct tzs_vcpu *v = NULL;
	struct tzs_heaps_opts ho;
	uint64_t base = tzs_ep_mem_base(vm);
	uint64_t size = tzs_ep_mem_size(vm);
	uint64_t bus = n->o.bus_bytes ? n->o.bus_bytes : size / 2;

	memset(&ho, 0, sizeof(ho));
	ho.mem_pa = base + bus;
	ho.mem_size = size - MAILBOX_RESERVE - bus;
	ho.sp_id = tzs_vmsg_bus_sp_id(n->bus);
	ho.protected_pool_pages = n->o.protected_pool_pages;
	ho.pool_release = nwd_pool_release;
	ho.ctx = n;
	/* Its own vCPU when there is one: the app may free buffers while the
	 * bus is in use on vCPU 0. */
	v = tzs_ep_exec_count(vm) > 1 ? tzs_ep_vcpu(vm, 1) : tzs_ep_vcpu(vm, 0);
	if (!v) {
		return -ENODEV;
	}
	return tzs_heaps_create(vm, v, &ho, &n->heaps);
}

static int open_stack(struct tzs_nwd_vsock *n)
{
	n->rx_mem = calloc(NWD_CONNS, NWD_RX_LEN);
	if (!n->rx_mem) {
		return -ENOMEM;
	}
	return vsk_stack_init(&n->st, tzs_vsock_drv_cid(n->drv), &nwd_ops, n,
			      n->socks, NWD_SOCKETS, n->conns, NWD_CONNS,
			      n->rx_mem, NWD_RX_LEN);
}

static int vmsg_errno(int rc)
{
	return rc == VMSG_T_E_NOMEM ? -ENOMEM : rc < -200 ? rc : -ENODEV;
}

int tzs_nwd_vsock_open(struct tzs_ep *vm, const struct tzs_nwd_vsock_opts *o,
		       struct tzs_nwd_vsock **out)
{
	struct tzs_nwd_vsock *n = calloc(1, sizeof(*n));
	pthread_mutexattr_t ma;
	int rc = 0;

	if (!n) {
		return -ENOMEM;
	}
	if (o) {
		n->o = *o;
	}
	n->vm = vm;
	n->next_offer_id = 1;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&n->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_init(&n->pool_lock, NULL);
	rc = open_bus(n, vm);
	if (rc) {
		rc = vmsg_errno(rc);
		goto fail;
	}
	rc = tzs_vsock_drv_open(n->bus,
				n->o.dev_num ? n->o.dev_num : DEFAULT_DEV_NUM,
				NULL, &n->drv);
	if (rc) {
		rc = vmsg_errno(rc);
		goto fail;
	}
	rc = open_heaps(n, vm);
	if (!rc) {
		rc = open_stack(n);
	}
	if (rc) {
		goto fail;
	}
	*out = n;
	return 0;
fail:
	tzs_nwd_vsock_close(n);
	return rc;
}

void tzs_nwd_vsock_close(struct tzs_nwd_vsock *n)
{
	unsigned int sd = 0;

	if (!n) {
		return;
	}
	pthread_mutex_lock(&n->lock);
	if (n->rx_mem) {
		for (sd = 0; sd < NWD_SOCKETS; sd++) {
			if (nwd_sd_valid(n, (int)sd)) {
				nwd_shmem_revoke_all(n, (int)sd);
				vsk_close(&n->st, (int)sd);
			}
		}
		nwd_shmem_revoke_all(n, NWD_ORPHAN);
		nwd_pump(n);
	}
	pthread_mutex_unlock(&n->lock);
	if (n->heaps) {
		tzs_heaps_destroy(n->heaps);
	}
	if (n->drv) {
		tzs_vsock_drv_close(n->drv);
	}
	if (n->bus) {
		tzs_vmsg_bus_close(n->bus);
	}
	while (n->rx_head) {
		struct nwd_rx *r = n->rx_head;

		n->rx_head = r->next;
		free(r);
	}
	free(n->rx_mem);
	pthread_mutex_destroy(&n->pool_lock);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

uint64_t tzs_nwd_vsock_cid(const struct tzs_nwd_vsock *n)
{
	return tzs_vsock_drv_cid(n->drv);
}

struct tzs_heaps *tzs_nwd_vsock_heaps(struct tzs_nwd_vsock *n)
{
	return n->heaps;
}

struct tzs_vmsg_bus *tzs_nwd_vsock_bus(struct tzs_nwd_vsock *n)
{
	return n->bus;
}

void tzs_nwd_vsock_get_stats(struct tzs_nwd_vsock *n,
			     struct tzs_nwd_vsock_stats *st)
{
	pthread_mutex_lock(&n->lock);
	*st = n->stats;
	pthread_mutex_unlock(&n->lock);
}

/* ---------------------------------------------------------------------- */
/* Socket calls: the socket layer under the lock, then a pump.             */

#define LOCKED(n, expr)                           \
	({                                        \
		__typeof__(expr) _r;              \
		pthread_mutex_lock(&(n)->lock);   \
		_r = (expr);                      \
		nwd_pump(n);                      \
		pthread_mutex_unlock(&(n)->lock); \
		_r;                               \
	})

int tzs_nwd_socket(struct tzs_nwd_vsock *n, int type, int flags)
{
	return LOCKED(n, vsk_socket(&n->st, type, flags));
}

int tzs_nwd_bind(struct tzs_nwd_vsock *n, int sd, uint32_t cid, uint32_t port)
{
	return LOCKED(n, vsk_bind(&n->st, sd, cid, port));
}

int tzs_nwd_listen(struct tzs_nwd_vsock *n, int sd, int backlog)
{
	return LOCKED(n, vsk_listen(&n->st, sd, backlog));
}

int tzs_nwd_accept(struct tzs_nwd_vsock *n, int sd, int flags,
		   uint32_t *peer_cid, uint32_t *peer_port)
{
	return LOCKED(n, vsk_accept(&n->st, sd, flags, peer_cid, peer_port));
}

int tzs_nwd_connect(struct tzs_nwd_vsock *n, int sd, uint32_t cid,
		    uint32_t port)
{
	return LOCKED(n, vsk_connect(&n->st, sd, cid, port));
}

long tzs_nwd_send(struct tzs_nwd_vsock *n, int sd, const void *buf, size_t len,
		  int flags)
{
	return LOCKED(n, vsk_send(&n->st, sd, buf, len, flags));
}

long tzs_nwd_recv(struct tzs_nwd_vsock *n, int sd, void *buf, size_t len,
		  int flags)
{
	return LOCKED(n, vsk_recv(&n->st, sd, buf, len, flags));
}

/* Linux UIO_MAXIOV: more buffers than this is EMSGSIZE. */
#define NWD_MAXIOV 1024u

/*
 * The socket layer's message header over a copy of @iov (struct iovec and
 * struct vsock_iov are distinct types). Free mh->iov afterwards.
 */
static int msg_setup(struct vsk_msghdr *mh, const struct iovec *iov,
		     size_t iovcnt)
{
	struct vsock_iov *v = NULL;
	size_t i = 0;

	if (iovcnt > NWD_MAXIOV) {
		return -EMSGSIZE;
	}
	v = calloc(iovcnt ? iovcnt : 1, sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	for (i = 0; i < iovcnt; i++) {
		v[i].base = iov[i].iov_base;
		v[i].len = iov[i].iov_len;
	}
	memset(mh, 0, sizeof(*mh));
	mh->iov = v;
	mh->iovlen = (uint32_t)iovcnt;
	return 0;
}

long tzs_nwd_sendmsg(struct tzs_nwd_vsock *n, int sd, const struct iovec *iov,
		     size_t iovcnt, const void *control, size_t control_len,
		     int flags)
{
	struct vsk_msghdr mh;
	long rc = msg_setup(&mh, iov, iovcnt);

	if (rc) {
		return rc;
	}
	pthread_mutex_lock(&n->lock);
	if (control && control_len) {
		rc = nwd_shmem_cmsgs(n, sd, control, control_len);
	}
	/* Control messages alone send no data (and no empty SEQPACKET). */
	if (rc == 0 && (iovcnt || !control_len)) {
		rc = vsk_sendmsg(&n->st, sd, &mh, flags);
	}
	nwd_pump(n);
	pthread_mutex_unlock(&n->lock);
	free((void *)mh.iov);
	return rc;
}

long tzs_nwd_recvmsg(struct tzs_nwd_vsock *n, int sd, const struct iovec *iov,
		     size_t iovcnt, int flags, int *msg_flags)
{
	struct vsk_msghdr mh;
	long rc = msg_setup(&mh, iov, iovcnt);

	if (rc) {
		return rc;
	}
	rc = LOCKED(n, vsk_recvmsg(&n->st, sd, &mh, flags));
	if (msg_flags) {
		*msg_flags = mh.flags;
	}
	free((void *)mh.iov);
	return rc;
}

int tzs_nwd_shutdown(struct tzs_nwd_vsock *n, int sd, int how)
{
	return LOCKED(n, vsk_shutdown(&n->st, sd, how));
}

int tzs_nwd_close(struct tzs_nwd_vsock *n, int sd)
{
	int rc = 0;

	pthread_mutex_lock(&n->lock);
	if (nwd_sd_valid(n, sd)) {
		nwd_shmem_revoke_all(n, sd);
	}
	rc = vsk_close(&n->st, sd);
	nwd_pump(n);
	pthread_mutex_unlock(&n->lock);
	return rc;
}

int tzs_nwd_poll(struct tzs_nwd_vsock *n, struct vsk_pollfd *fds, uint32_t nfds,
		 int timeout_ms)
{
	return LOCKED(n, vsk_poll(&n->st, fds, nfds, timeout_ms));
}

int tzs_nwd_setsockopt(struct tzs_nwd_vsock *n, int sd, int level, int name,
		       const void *val, uint32_t len)
{
	return LOCKED(n, vsk_setsockopt(&n->st, sd, level, name, val, len));
}

int tzs_nwd_getsockopt(struct tzs_nwd_vsock *n, int sd, int level, int name,
		       void *val, uint32_t *len)
{
	return LOCKED(n, vsk_getsockopt(&n->st, sd, level, name, val, len));
}
