// SPDX-License-Identifier: BSD-2-Clause
/*
 * vsk_stack_wrap(): sockets on a proto someone else owns, as the secure
 * side's device does (its services keep their own connections on the same
 * proto). Side B of vsk_fixture.h is rebuilt here: an "owner" proto whose
 * ops queue packets like the fixture's and pass events on to the wrapped
 * stack, and B's stack wraps it without a wait op (nothing blocks, as in a
 * secure partition). Side A is an ordinary blocking stack.
 */
#include "vsk_fixture.h"

static struct sf f;
static struct vsock_proto owner;
static uint8_t owner_rx[SF_CONNS * 4096];
static bool forward = true; /* the owner passes events on */
static uint32_t owner_events;

static int owner_send(void *ctx, const struct vsock_pkt *pkt)
{
	return sf_send_pkt(ctx, pkt);
}

static void owner_notify(void *ctx, struct vsock_conn *c, enum vsock_event ev)
{
	struct sf_side *s = ctx;

	owner_events++;
	if (forward) {
		vsk_stack_notify(&s->st, c, ev);
	}
}

static const struct vsock_proto_ops owner_ops = {
	.send_pkt = owner_send,
	.notify = owner_notify,
};

/* No send_pkt: a wrapped stack's packets leave through the owner's ops. */
static const struct vsk_ops wrap_ops = {
	.now_ms = sf_now,
};

static void wrap_init(void)
{
	sf_init(&f, 4096);
	ASSERT_EQ(vsock_proto_init(&owner, SF_CID_B, &owner_ops, &f.b,
				   f.b.conns, SF_CONNS, owner_rx, 4096),
		  VSOCK_OK);
	owner.max_pkt_len = SF_PKT_MAX;
	ASSERT_EQ(vsk_stack_wrap(&f.b.st, &owner, &wrap_ops, &f.b, f.b.socks,
				 SF_SOCKS),
		  0);
	ASSERT_TRUE(f.b.st.proto == &owner);
}

/* A's listener on @port; B (wrapped) connects without blocking. */
static int wrapped_connect(uint32_t port, int *listener)
{
	int sd = vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, 0);

	*listener = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(&f.a.st, *listener, VSK_CID_ANY, port), 0);
	ASSERT_EQ(vsk_listen(&f.a.st, *listener, 4), 0);
	ASSERT_TRUE(sd >= 0);
	/* No wait op: every call is non-blocking. */
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, port), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, port), VSK_EALREADY);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, sd), 0);
	sf_pump(&f);
	return sd;
}

TEST(wrap_rejects_missing_proto_ops_and_storage)
{
	static struct vsk_stack st;
	static struct vsk_sock socks[2];
	struct vsk_ops ops = wrap_ops;

	wrap_init();
	ASSERT_EQ(vsk_stack_wrap(&st, NULL, &wrap_ops, NULL, socks, 2),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, NULL, NULL, socks, 2),
		  VSK_EINVAL);
	ops.now_ms = NULL;
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, &ops, NULL, socks, 2),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, &wrap_ops, NULL, NULL, 2),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, &wrap_ops, NULL, socks, 0),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, &wrap_ops, NULL, socks,
				 0x80000000u),
		  VSK_EINVAL);
	/* An own stack still needs send_pkt; a wrapped one does not. */
	ASSERT_EQ(vsk_stack_init(&st, 3, &wrap_ops, NULL, socks, 2, f.a.conns,
				 2, owner_rx, 64),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_wrap(&st, &owner, &wrap_ops, NULL, socks, 2), 0);
}

TEST(wrapped_nonblocking_client_connects_sends_and_receives)
{
	char buf[16];
	uint32_t cid = 0, port = 0;
	int l = -1, sd = -1, a = -1;

	wrap_init();
	sd = wrapped_connect(1234, &l);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 1234), VSK_EISCONN);
	ASSERT_EQ(vsk_getpeername(&f.b.st, sd, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_A);
	ASSERT_EQ(port, 1234);
	ASSERT_EQ(vsk_getsockname(&f.b.st, sd, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_B);
	ASSERT_TRUE(port >= VSOCK_EPHEMERAL_FIRST);
	ASSERT_TRUE(vsk_stack_owns(&f.b.st, vsk_conn(&f.b.st, sd)));
	a = vsk_accept(&f.a.st, l, 0, &cid, NULL);
	ASSERT_TRUE(a >= 0);
	ASSERT_EQ(cid, SF_CID_B);
	ASSERT_EQ(vsk_send(&f.b.st, sd, "secure", 6, 0), 6);
	ASSERT_EQ(vsk_recv(&f.a.st, a, buf, sizeof(buf), 0), 6);
	ASSERT_MEM_EQ(buf, "secure", 6);
	ASSERT_EQ(vsk_send(&f.a.st, a, "normal", 6, 0), 6);
	/* Nothing arrived yet on B's side, and B may not wait. */
	ASSERT_EQ(vsk_recv(&f.b.st, sd, buf, sizeof(buf), 0), VSK_EAGAIN);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, sd), VSK_POLLIN | VSK_POLLOUT);
	ASSERT_EQ(vsk_recv(&f.b.st, sd, buf, sizeof(buf), 0), 6);
	ASSERT_MEM_EQ(buf, "normal", 6);
	ASSERT_EQ(vsk_close(&f.b.st, sd), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_recv(&f.a.st, a, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_close(&f.a.st, a), 0);
	sf_pump(&f);
	ASSERT_TRUE(sf_all_free(&f.b));
}

TEST(wrapped_connect_to_nobody_is_econnreset_once)
{
	int sd = -1;

	wrap_init();
	sd = vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 4321), VSK_EINPROGRESS);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, sd), VSK_POLLOUT | VSK_POLLERR);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 4321), VSK_ECONNRESET);
	/* Reported once; then a new attempt starts. */
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 4321), VSK_EINPROGRESS);
}

/*
 * The owner's notify passes CONNECTED on: a connection that is established
 * and closed by the peer before the socket looks again reads as a
 * connection that ended (EOF), not as a refused connect.
 */
TEST(forwarded_connected_event_survives_an_immediate_peer_close)
{
	char c = 0;
	int l = -1, sd = -1, a = -1;

	wrap_init();
	sd = wrapped_connect(1234, &l);
	a = vsk_accept(&f.a.st, l, 0, NULL, NULL);
	ASSERT_TRUE(a >= 0);
	ASSERT_EQ(vsk_close(&f.a.st, a), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 1234), VSK_EISCONN);
	ASSERT_EQ(vsk_recv(&f.b.st, sd, &c, 1, 0), 0);
	ASSERT_TRUE(owner_events > 0);
}

/* Without the forwarding the same sequence looks like a failed connect:
 * the reason vsk_stack_wrap() asks the owner to forward. */
TEST(unforwarded_events_turn_that_close_into_a_failed_connect)
{
	int l = -1, sd = -1, a = -1;

	forward = false;
	wrap_init();
	sd = wrapped_connect(1234, &l);
	a = vsk_accept(&f.a.st, l, 0, NULL, NULL);
	ASSERT_TRUE(a >= 0);
	ASSERT_EQ(vsk_close(&f.a.st, a), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_connect(&f.b.st, sd, SF_CID_A, 1234), VSK_ECONNRESET);
}

/* The owner's listeners and their connections are not the sockets'. */
TEST(owner_connections_stay_the_owners)
{
	struct vsock_conn *ol = NULL, *child = NULL;
	int a = -1, sd = -1;

	wrap_init();
	ASSERT_EQ(vsock_listen(&owner, 7, VSOCK_TYPE_STREAM, 2, &ol), VSOCK_OK);
	a = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, a, SF_CID_B, 7), 0);
	ASSERT_EQ(vsock_accept(&owner, ol, &child), VSOCK_OK);
	ASSERT_FALSE(vsk_stack_owns(&f.b.st, child));
	ASSERT_FALSE(vsk_stack_owns(&f.b.st, ol));
	ASSERT_FALSE(vsk_stack_owns(&f.b.st, NULL));
	/* The port is the owner's, whatever the type. */
	sd = vsk_socket(&f.b.st, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(vsk_bind(&f.b.st, sd, VSK_CID_ANY, 7), VSK_EADDRINUSE);
	ASSERT_EQ(vsk_bind(&f.b.st, sd, VSK_CID_ANY, 8), 0);
	ASSERT_EQ(vsk_listen(&f.b.st, sd, 1), 0);
	ASSERT_TRUE(vsk_stack_owns(&f.b.st, vsk_conn(&f.b.st, sd)));
	/* The owner's connection carries on beside them. */
	ASSERT_EQ(vsock_send(&owner, child, "x", 1), 1);
	sf_pump(&f);
	ASSERT_EQ(vsk_recv(&f.a.st, a, &(char){ 0 }, 1, 0), 1);
}
