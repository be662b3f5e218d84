// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: tzshare-spmc never waits for a partition (hosted.md §3).
 * A partition makes the sockets it hands over; it can fill them before the
 * SPMC answers, or keep its own copy of the SPMC's end and clear O_NONBLOCK
 * on the shared open file description. Either way the SPMC must not block
 * in sendmsg/recvmsg: a refusal it cannot deliver is dropped, an answer it
 * cannot deliver closes that partition, and everyone else is served on.
 * VM 2 talks raw conduit records; VM 1 uses the runtime as the witness.
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "sys.h"

#define RAW_TIMEOUT_MS 10000

/* Fill the @a -> peer direction of a socketpair until it would block. */
static void prefill(int a)
{
	uint8_t junk[200];
	int n = 0;

	memset(junk, 0, sizeof(junk));
	while (send(a, junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0) {
		n++;
	}
	ASSERT_EQ(errno, EAGAIN);
	ASSERT_TRUE(n > 0);
}

/* ATTACH(@idx) on @ctl handing over @end (our copy stays open). */
static void send_attach(int ctl, uint32_t idx, int end)
{
	uint8_t b[TZC_ATTACH_SIZE];

	le32_put(b, idx);
	le32_put(b + 4, 0);
	ASSERT_EQ(tzc_send(ctl, TZC_MSG_ATTACH, b, sizeof(b), end), 0);
}

/* Wait until every other holder of @s's peer has closed it (POLLRDHUP is
 * reported even with records still queued). */
static void expect_peer_closed(int s)
{
	struct pollfd p = { .fd = s, .events = POLLRDHUP };

	ASSERT_EQ(poll(&p, 1, RAW_TIMEOUT_MS), 1);
	ASSERT_TRUE(p.revents & POLLRDHUP);
}

/* The SPMC still serves: VM 1 attaches and makes a direct request. */
static struct tzs_ep *expect_vm1_served(struct tzs_launch *l)
{
	uint64_t args[5] = { 1, 2, 3, 4, 5 }, ret[5];
	struct tzs_ep *vm = sys_attach(l, SYS_VM1);

	ASSERT_EQ(tzs_vcpu_direct_req(sys_vcpu0(vm), SYS_SP1, args, ret),
		  FFA_OK);
	ASSERT_MEM_EQ(args, ret, sizeof(args));
	return vm;
}

/* A refused ATTACH (index out of range) on a connection the VM filled
 * first: the refusal cannot be delivered, so it is dropped with the
 * connection; the VM itself stays alive. */
TEST(refused_attach_on_a_full_socket_is_dropped_not_waited_for)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	int sv[2], ctl = -1;

	sys_start(&l, SYS_PLATFORM);
	ctl = tzs_launch_take_vm(&l, SYS_VM2);
	ASSERT_TRUE(ctl >= 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	prefill(sv[1]);
	send_attach(ctl, 7, sv[1]); /* VM 2 has one vCPU */
	close(sv[1]);
	expect_peer_closed(sv[0]);
	vm = expect_vm1_served(&l);
	ASSERT_EQ(sys_wait_partitions_alive(sys_vcpu0(vm), 4), 4);
	close(sv[0]);
	close(ctl);
	sys_stop(&l, vm);
}

/* A valid ATTACH whose ATTACH_RESP does not fit: the VM is closed. */
TEST(attach_answer_that_would_block_closes_the_vm)
{
	uint8_t b[TZC_MSG_MAX];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t type = 0;
	int sv[2], ctl = -1;

	sys_start(&l, SYS_PLATFORM);
	ctl = tzs_launch_take_vm(&l, SYS_VM2);
	ASSERT_TRUE(ctl >= 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	prefill(sv[1]);
	send_attach(ctl, 0, sv[1]);
	close(sv[1]);
	ASSERT_EQ(tzc_recv(ctl, &type, b, sizeof(b), NULL, RAW_TIMEOUT_MS),
		  -EPIPE);
	expect_peer_closed(sv[0]);
	vm = expect_vm1_served(&l);
	ASSERT_EQ(sys_wait_partitions_alive(sys_vcpu0(vm), 3), 3);
	close(sv[0]);
	close(ctl);
	sys_stop(&l, vm);
}

/* VM 2 keeps its copy of the SPMC's end of its vCPU connection, clears
 * O_NONBLOCK on the open file description they share, fills the reply
 * direction and calls: the RESULT cannot be sent, so VM 2 is closed. */
TEST(partition_clearing_o_nonblock_is_closed_not_waited_for)
{
	uint8_t b[TZC_MSG_MAX];
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs in;
	uint32_t type = 0;
	int sv[2], ctl = -1, fd = -1;

	sys_start(&l, SYS_PLATFORM);
	ctl = tzs_launch_take_vm(&l, SYS_VM2);
	ASSERT_TRUE(ctl >= 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	send_attach(ctl, 0, sv[1]);
	ASSERT_EQ(tzc_recv(sv[0], &type, b, sizeof(b), &fd, RAW_TIMEOUT_MS),
		  TZC_ATTACH_RESP_SIZE);
	ASSERT_EQ(type, TZC_MSG_ATTACH_RESP);
	ASSERT_EQ((int32_t)le32_get(b), FFA_OK);
	close(fd);
	/* The SPMC set O_NONBLOCK on this description; undo it. */
	ASSERT_TRUE(fcntl(sv[1], F_GETFL) & O_NONBLOCK);
	ASSERT_EQ(fcntl(sv[1], F_SETFL, 0), 0);
	prefill(sv[1]);
	ffa_regs_clear(&in);
	in.x[0] = FFA_ID_GET;
	tzc_frame_encode(b, &in);
	ASSERT_EQ(tzc_send(sv[0], TZC_MSG_CALL, b, TZC_FRAME_SIZE, -1), 0);
	ASSERT_EQ(tzc_recv(ctl, &type, b, sizeof(b), NULL, RAW_TIMEOUT_MS),
		  -EPIPE);
	vm = expect_vm1_served(&l);
	ASSERT_EQ(sys_wait_partitions_alive(sys_vcpu0(vm), 3), 3);
	close(sv[0]);
	close(sv[1]);
	close(ctl);
	sys_stop(&l, vm);
}
