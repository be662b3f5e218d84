/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the normal-world vsock stack (hosted/socket/): the object
 * both stack.c (sockets, transport pump) and shmem.c (SCM_VSOCK_SHMEM
 * offers) work on.
 *
 * Locks: n->lock (recursive: the socket layer's wait op and the offer
 * paths re-enter the pump) guards everything but the pool table, which
 * has n->pool_lock because the heaps call pool_release from whatever
 * thread drops the last buffer of a pool. Order: n->lock, heaps lock,
 * n->pool_lock, bus lock.
 */
#ifndef NWD_PRIV_H
#define NWD_PRIV_H

#include <pthread.h>

#include <tzshare/nwd_vsock.h>
#include <tzshare/vsock_host.h>

#define NWD_SOCKETS 128u
#define NWD_CONNS 128u
#define NWD_RX_LEN 262144u /* per-connection receive buffer (Linux's) */
#define NWD_OFFERS 64u
#define NWD_POOLS 4u

enum offer_state {
	OFFER_FREE = 0,
	OFFER_LIVE, /* OFFER sent, the peer may use it */
	OFFER_REVOKING, /* REVOKE sent, waiting for REVOKE_DONE */
	OFFER_DONE, /* REVOKE_DONE: the peer let go */
	OFFER_REJECTED, /* OFFER_REJECT: the peer never took it */
};

struct nwd_offer {
	enum offer_state state;
	bool revoking; /* a thread runs revoke() on it (lock may be dropped) */
	int sd;
	struct tzs_dmabuf *buf;
	struct vsock_shmem m; /* what we announced */
	uint16_t
		area_id; /* SHARE / LEND: its own area (SEND_SECURE: the pool's) */
};

struct nwd_pool {
	bool used;
	uint64_t handle;
	uint16_t area_id;
	uint64_t bus_addr;
};

/* A received packet waiting for the socket layer (see stack.c). */
struct nwd_rx {
	struct nwd_rx *next;
	bool reset; /* a TRANSPORT_RESET event, in order with the packets */
	struct vsock_pkt pkt;
	uint8_t data[];
};

struct tzs_nwd_vsock {
	pthread_mutex_t lock;
	struct tzs_ep *vm;
	struct tzs_vmsg_bus *bus;
	struct tzs_vsock_drv *drv;
	struct tzs_heaps *heaps;
	struct tzs_nwd_vsock_opts o;
	bool tx_dirty; /* packets queued since the last kick */
	bool gone; /* the device failed: every wait returns ECONNRESET */
	bool gone_reset; /* ... and every connection was reset */
	struct nwd_rx *rx_head, *rx_tail;

	struct vsk_stack st;
	struct vsk_sock socks[NWD_SOCKETS];
	struct vsock_conn conns[NWD_CONNS];
	uint8_t *rx_mem;

	uint64_t next_offer_id;
	struct nwd_offer offers[NWD_OFFERS];
	pthread_mutex_t pool_lock;
	struct nwd_pool pools[NWD_POOLS];
	struct tzs_nwd_vsock_stats stats;
};

/* stack.c */
/* Kick what is queued and hand what arrived to the socket layer. Returns
 * the number of packets delivered. */
int nwd_pump(struct tzs_nwd_vsock *n);
/* Pump, and sleep up to @timeout_ms (lock dropped) if nothing came. */
int nwd_wait(struct tzs_nwd_vsock *n, int timeout_ms);
uint64_t nwd_now_ms(void);
bool nwd_sd_valid(struct tzs_nwd_vsock *n, int sd);

/* shmem.c */
void nwd_shmem_rx(struct tzs_nwd_vsock *n, int sd, const struct vsock_shmem *m);
int nwd_shmem_cmsgs(struct tzs_nwd_vsock *n, int sd, const void *control,
		    size_t control_len);
/*
 * Revoke every live offer of @sd (close, connection lost). Offers whose
 * revoke failed are kept as orphans (no socket: a new socket reusing the
 * number never sees them) and retried by nwd_shmem_revoke_all(n, -1).
 */
void nwd_shmem_revoke_all(struct tzs_nwd_vsock *n, int sd);
#define NWD_ORPHAN (-1)
int nwd_pool_release(void *ctx, uint64_t handle);

#endif /* NWD_PRIV_H */
