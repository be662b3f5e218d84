/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal-world vsock "kernel" of a VM process: AF_VSOCK-like sockets
 * over the virtio-vsock device of the secure partition, and dma-buf
 * sharing with SCM_VSOCK_SHMEM (architecture.md §3, docs/vsock.md).
 *
 * One struct tzs_nwd_vsock per VM: it opens the virtio-msg FF-A bus, the
 * virtio-vsock driver (dev_num 2), the portable socket layer
 * (<tzshare/vsock_socket.h>) at the device's guest CID, and the dma-buf
 * heaps (<tzshare/dma_heap.h>). Every call takes one lock; blocking calls
 * drop it while they sleep, so several threads may use it.
 *
 * The socket calls mirror the Linux system calls: same arguments, same
 * flags, and errors as negative Linux errno values (the errno table is in
 * docs/vsock.md). Socket descriptors and dma-buf descriptors are small
 * integers of this object, not kernel file descriptors.
 *
 * SCM_VSOCK_SHMEM (tzs_nwd_sendmsg): every control message must be
 * level SOL_VSOCK (287), type SCM_VSOCK_SHMEM (1), with 8, 16 or 32 data
 * bytes (struct tzs_vsock_shmem_cmsg, its first 8 bytes, or Design A's
 * 32-byte form). OFFER hands the buffer to
 * the peer the way its heap decides (system: FFA_MEM_SHARE, ffa:
 * FFA_MEM_LEND, protected,*: SEND_SECURE of the pool the heap lent), as a
 * bus area, then OP_SHMEM OFFER; REVOKE (same dma-buf descriptor) runs the
 * handshake OP_SHMEM REVOKE -> REVOKE_DONE -> AREA_UNSHARE -> reclaim, and
 * returns only when the buffer is the VM's again. Offers left when a
 * socket is closed are revoked the same way.
 *
 * The SP dies (the device fails a kick or poll): every connection is
 * reset (its calls report ECONNRESET once, then end of stream and EPIPE;
 * new connects fail with ECONNRESET), and REVOKE or close reclaims an
 * offered buffer directly (the SPMC relinquished the dead SP's hold).
 */
#ifndef TZSHARE_NWD_VSOCK_H
#define TZSHARE_NWD_VSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <tzshare/conduit.h>
#include <tzshare/dma_heap.h>
#include <tzshare/vmsg_host.h>
#include <tzshare/vsock_socket.h>

/* linux/vm_sockets.h (Design A uapi, virtio-msg.md §3). */
#define TZS_SOL_VSOCK 287
#define TZS_SCM_VSOCK_SHMEM 1
#define TZS_VSOCK_SHMEM_SUBOP_OFFER 0u
#define TZS_VSOCK_SHMEM_SUBOP_REVOKE 1u

/* What the caller may ask for; the heap decides, a mismatch is -EINVAL. */
#define TZS_VSOCK_SHMEM_KIND_HEAP 0u /* whatever the heap does */
#define TZS_VSOCK_SHMEM_KIND_SHARE 1u
#define TZS_VSOCK_SHMEM_KIND_LEND 2u
#define TZS_VSOCK_SHMEM_KIND_SEND_SECURE 3u

/*
 * cmsg data, little-endian as the host writes it: 0 u32 subop, 4 s32 fd
 * (a dma-buf descriptor of this object), 8 u32 kind (optional), 12 u32
 * reserved, must be 0 (optional). Design A's 32-byte form (subop, fd,
 * 24 reserved zero bytes) is accepted too.
 */
struct tzs_vsock_shmem_cmsg {
	uint32_t subop;
	int32_t fd;
	uint32_t kind;
	uint32_t reserved;
};
#define TZS_VSOCK_SHMEM_CMSG_MIN 8u

struct tzs_nwd_vsock_opts {
	bool indirect; /* bus carriage FFA_MSG_SEND2; else DIRECT_REQ2 */
	bool poll_events; /* EVENT_POLL; else FF-A notifications */
	uint16_t dev_num; /* 0 = 2 */
	/* DRAM split: the bus gets [base, base + bus_bytes), the heaps the
	 * rest below the mailboxes. 0 = half of the DRAM. */
	uint64_t bus_bytes;
	uint32_t protected_pool_pages; /* 0 = the heaps' default */
	int revoke_timeout_ms; /* REVOKE_DONE wait; 0 = 5000 */
};

struct tzs_nwd_vsock;

int tzs_nwd_vsock_open(struct tzs_ep *vm, const struct tzs_nwd_vsock_opts *o,
		       struct tzs_nwd_vsock **out);
/* Close every socket (revoking offers), the driver, the heaps, the bus. */
void tzs_nwd_vsock_close(struct tzs_nwd_vsock *n);

uint64_t tzs_nwd_vsock_cid(const struct tzs_nwd_vsock *n);
struct tzs_heaps *tzs_nwd_vsock_heaps(struct tzs_nwd_vsock *n);
struct tzs_vmsg_bus *tzs_nwd_vsock_bus(struct tzs_nwd_vsock *n);

/* Sockets (see <tzshare/vsock_socket.h> for flags and option names). */
int tzs_nwd_socket(struct tzs_nwd_vsock *n, int type, int flags);
int tzs_nwd_bind(struct tzs_nwd_vsock *n, int sd, uint32_t cid, uint32_t port);
int tzs_nwd_listen(struct tzs_nwd_vsock *n, int sd, int backlog);
int tzs_nwd_accept(struct tzs_nwd_vsock *n, int sd, int flags,
		   uint32_t *peer_cid, uint32_t *peer_port);
int tzs_nwd_connect(struct tzs_nwd_vsock *n, int sd, uint32_t cid,
		    uint32_t port);
long tzs_nwd_send(struct tzs_nwd_vsock *n, int sd, const void *buf, size_t len,
		  int flags);
long tzs_nwd_recv(struct tzs_nwd_vsock *n, int sd, void *buf, size_t len,
		  int flags);
/*
 * sendmsg: @control / @control_len hold cmsgs in the host's struct
 * cmsghdr layout (CMSG_* macros). All are checked first (-EINVAL before
 * anything is done), then acted on in order, then the data in @iov is
 * sent (may be empty). The first failing one fails the call before any
 * data is sent; what earlier ones of the same call did stays done.
 */
long tzs_nwd_sendmsg(struct tzs_nwd_vsock *n, int sd, const struct iovec *iov,
		     size_t iovcnt, const void *control, size_t control_len,
		     int flags);
/*
 * Convenience: sendmsg with one SCM_VSOCK_SHMEM control message
 * {@subop, @fd, @kind} and no data (what an application builds with the
 * CMSG_* macros; it takes the same path).
 */
long tzs_nwd_shmem(struct tzs_nwd_vsock *n, int sd, uint32_t subop, int fd,
		   uint32_t kind);
long tzs_nwd_recvmsg(struct tzs_nwd_vsock *n, int sd, const struct iovec *iov,
		     size_t iovcnt, int flags, int *msg_flags);
int tzs_nwd_shutdown(struct tzs_nwd_vsock *n, int sd, int how);
int tzs_nwd_close(struct tzs_nwd_vsock *n, int sd);
int tzs_nwd_poll(struct tzs_nwd_vsock *n, struct vsk_pollfd *fds, uint32_t nfds,
		 int timeout_ms);
int tzs_nwd_setsockopt(struct tzs_nwd_vsock *n, int sd, int level, int name,
		       const void *val, uint32_t len);
int tzs_nwd_getsockopt(struct tzs_nwd_vsock *n, int sd, int level, int name,
		       void *val, uint32_t *len);

/* Offers of a socket still live (tests, tools). */
unsigned int tzs_nwd_offers(struct tzs_nwd_vsock *n, int sd);

struct tzs_nwd_vsock_stats {
	uint64_t offers; /* OFFERs sent */
	uint64_t rejects; /* OFFER_REJECT received */
	uint64_t revokes; /* REVOKE handshakes completed */
	uint64_t revoke_timeouts;
	uint64_t unshare_busy; /* AREA_UNSHARE answered BUSY */
	uint64_t late_shmem; /* OP_SHMEM naming no offer we wait on */
};
void tzs_nwd_vsock_get_stats(struct tzs_nwd_vsock *n,
			     struct tzs_nwd_vsock_stats *st);

#endif /* TZSHARE_NWD_VSOCK_H */
