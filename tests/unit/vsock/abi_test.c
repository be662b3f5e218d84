// SPDX-License-Identifier: BSD-2-Clause
/*
 * Our vsock wire constants against the Linux uapi (linux-libc-dev 6.1,
 * ecosystem.md §2). Test-only: the cores never include kernel headers.
 * The fields are __le*, so the struct layout is the wire layout on any
 * host; only sizes, offsets and values are compared here. Later uapi
 * additions are guarded with #ifdef, as the 6.1 headers lack them.
 */
#include "test.h"

#include <stddef.h>
#include <sys/socket.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>
#include <linux/vm_sockets.h>

#include <tzshare/vsock.h>

#define H struct virtio_vsock_hdr

_Static_assert(sizeof(H) == VSOCK_HDR_SIZE, "header size");
_Static_assert(offsetof(H, src_cid) == 0, "src_cid");
_Static_assert(offsetof(H, dst_cid) == 8, "dst_cid");
_Static_assert(offsetof(H, src_port) == 16, "src_port");
_Static_assert(offsetof(H, dst_port) == 20, "dst_port");
_Static_assert(offsetof(H, len) == 24, "len");
_Static_assert(offsetof(H, type) == 28, "type");
_Static_assert(offsetof(H, op) == 30, "op");
_Static_assert(offsetof(H, flags) == 32, "flags");
_Static_assert(offsetof(H, buf_alloc) == 36, "buf_alloc");
_Static_assert(offsetof(H, fwd_cnt) == 40, "fwd_cnt");
_Static_assert(sizeof(struct virtio_vsock_config) == VSOCK_CONFIG_SIZE,
	       "config");
_Static_assert(sizeof(struct virtio_vsock_event) == VSOCK_EVENT_SIZE, "event");

_Static_assert(VIRTIO_ID_VSOCK == VSOCK_DEVICE_ID, "device id");
_Static_assert(VIRTIO_VSOCK_F_SEQPACKET == VSOCK_F_SEQPACKET, "F_SEQPACKET");
#ifdef VIRTIO_VSOCK_F_STREAM
_Static_assert(VIRTIO_VSOCK_F_STREAM == VSOCK_F_STREAM, "F_STREAM");
#endif
#ifdef VIRTIO_VSOCK_F_NO_IMPLIED_STREAM
_Static_assert(VIRTIO_VSOCK_F_NO_IMPLIED_STREAM == VSOCK_F_NO_IMPLIED_STREAM,
	       "F_NO_IMPLIED_STREAM");
#endif

_Static_assert(VIRTIO_VSOCK_TYPE_STREAM == VSOCK_TYPE_STREAM, "STREAM");
_Static_assert(VIRTIO_VSOCK_TYPE_SEQPACKET == VSOCK_TYPE_SEQPACKET, "SEQPKT");

_Static_assert((int)VIRTIO_VSOCK_OP_INVALID == (int)VSOCK_OP_INVALID,
	       "INVALID");
_Static_assert((int)VIRTIO_VSOCK_OP_REQUEST == (int)VSOCK_OP_REQUEST,
	       "REQUEST");
_Static_assert((int)VIRTIO_VSOCK_OP_RESPONSE == (int)VSOCK_OP_RESPONSE,
	       "RESPONSE");
_Static_assert((int)VIRTIO_VSOCK_OP_RST == (int)VSOCK_OP_RST, "RST");
_Static_assert((int)VIRTIO_VSOCK_OP_SHUTDOWN == (int)VSOCK_OP_SHUTDOWN,
	       "SHUTDOWN");
_Static_assert((int)VIRTIO_VSOCK_OP_RW == (int)VSOCK_OP_RW, "RW");
_Static_assert((int)VIRTIO_VSOCK_OP_CREDIT_UPDATE ==
		       (int)VSOCK_OP_CREDIT_UPDATE,
	       "CREDIT_UPDATE");
_Static_assert((int)VIRTIO_VSOCK_OP_CREDIT_REQUEST ==
		       (int)VSOCK_OP_CREDIT_REQUEST,
	       "CREDIT_REQUEST");
/* Distinct enum types: compare as int. OP_SHMEM is ours: the first op after the kernel's last. */
_Static_assert((int)VIRTIO_VSOCK_OP_CREDIT_REQUEST + 1 == (int)VSOCK_OP_SHMEM,
	       "SHMEM");

_Static_assert(VIRTIO_VSOCK_SHUTDOWN_RCV == VSOCK_SHUTDOWN_RCV, "SHUT_RCV");
_Static_assert(VIRTIO_VSOCK_SHUTDOWN_SEND == VSOCK_SHUTDOWN_SEND, "SHUT_SEND");
_Static_assert(VIRTIO_VSOCK_SEQ_EOM == VSOCK_SEQ_EOM, "SEQ_EOM");
/* An enum value since 6.1 (no #ifdef would see it): always checked. */
_Static_assert(VIRTIO_VSOCK_SEQ_EOR == VSOCK_SEQ_EOR, "SEQ_EOR");
_Static_assert(VIRTIO_VSOCK_EVENT_TRANSPORT_RESET ==
		       VSOCK_EVENT_TRANSPORT_RESET,
	       "TRANSPORT_RESET");

_Static_assert(VMADDR_CID_HYPERVISOR == VSOCK_CID_HYPERVISOR, "CID_HYP");
_Static_assert(VMADDR_CID_LOCAL == VSOCK_CID_LOCAL, "CID_LOCAL");
_Static_assert(VMADDR_CID_HOST == VSOCK_CID_HOST, "CID_HOST");
_Static_assert(VMADDR_CID_ANY == VSOCK_CID_ANY, "CID_ANY");

/*
 * The asserts above are the test; this case makes the binary report, and
 * checks at run time what a _Static_assert cannot: the kernel struct laid
 * over our encoding reads back the same values on this (LE) host.
 */
TEST(our_encoding_reads_back_through_the_kernel_struct)
{
	struct vsock_hdr h = {
		.src_cid = 3,
		.dst_cid = 2,
		.src_port = 0x11223344,
		.dst_port = 1234,
		.len = 7,
		.type = VSOCK_TYPE_SEQPACKET,
		.op = VSOCK_OP_RW,
		.flags = VSOCK_SEQ_EOM | VSOCK_SEQ_EOR,
		.buf_alloc = 262144,
		.fwd_cnt = 99,
	};
	uint8_t b[VSOCK_HDR_SIZE];
	struct virtio_vsock_hdr k;

	ASSERT_EQ(vsock_hdr_encode(&h, b, sizeof(b)), VSOCK_HDR_SIZE);
	memcpy(&k, b, sizeof(k));
	ASSERT_EQ(k.src_cid, 3);
	ASSERT_EQ(k.dst_cid, 2);
	ASSERT_EQ(k.src_port, 0x11223344);
	ASSERT_EQ(k.dst_port, 1234);
	ASSERT_EQ(k.len, 7);
	ASSERT_EQ(k.type, VIRTIO_VSOCK_TYPE_SEQPACKET);
	ASSERT_EQ(k.op, VIRTIO_VSOCK_OP_RW);
	ASSERT_EQ(k.flags, VIRTIO_VSOCK_SEQ_EOM | VIRTIO_VSOCK_SEQ_EOR);
	ASSERT_EQ(k.buf_alloc, 262144);
	ASSERT_EQ(k.fwd_cnt, 99);
}
