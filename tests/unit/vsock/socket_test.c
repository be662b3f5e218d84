// SPDX-License-Identifier: BSD-2-Clause
/*
 * core/vsock/socket*.c: the AF_VSOCK-like socket layer, two stacks back to
 * back (vsk_fixture.h: blocking calls pump both directions on a fake
 * clock). Every error a call documents is asserted exactly; the constants
 * are checked against the Linux headers of this machine.
 */
#include "vsk_fixture.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include <linux/vm_sockets.h>

static struct sf f;

/* ---- Constants --------------------------------------------------------- */

_Static_assert(VSK_EBADF == -EBADF && VSK_EAGAIN == -EAGAIN &&
		       VSK_EINVAL == -EINVAL && VSK_EMFILE == -EMFILE &&
		       VSK_EPIPE == -EPIPE && VSK_EDOM == -EDOM &&
		       VSK_ERANGE == -ERANGE && VSK_EPROTO == -EPROTO &&
		       VSK_EMSGSIZE == -EMSGSIZE &&
		       VSK_ENOPROTOOPT == -ENOPROTOOPT &&
		       VSK_ESOCKTNOSUPPORT == -ESOCKTNOSUPPORT &&
		       VSK_EOPNOTSUPP == -EOPNOTSUPP &&
		       VSK_EADDRINUSE == -EADDRINUSE &&
		       VSK_EADDRNOTAVAIL == -EADDRNOTAVAIL &&
		       VSK_ECONNRESET == -ECONNRESET &&
		       VSK_ENOBUFS == -ENOBUFS && VSK_EISCONN == -EISCONN &&
		       VSK_ENOTCONN == -ENOTCONN &&
		       VSK_ETIMEDOUT == -ETIMEDOUT &&
		       VSK_EALREADY == -EALREADY &&
		       VSK_EINPROGRESS == -EINPROGRESS,
	       "errno values");
_Static_assert(VSK_CID_ANY == VMADDR_CID_ANY &&
		       VSK_PORT_ANY == VMADDR_PORT_ANY &&
		       VSK_NONBLOCK == SOCK_NONBLOCK &&
		       VSK_AF_VSOCK == AF_VSOCK,
	       "addresses and flags");
_Static_assert(VSK_MSG_OOB == MSG_OOB && VSK_MSG_PEEK == MSG_PEEK &&
		       VSK_MSG_TRUNC == MSG_TRUNC &&
		       VSK_MSG_DONTWAIT == MSG_DONTWAIT &&
		       VSK_MSG_EOR == MSG_EOR &&
		       VSK_MSG_WAITALL == MSG_WAITALL &&
		       VSK_MSG_NOSIGNAL == MSG_NOSIGNAL,
	       "MSG_*");
_Static_assert(VSK_SHUT_RD == SHUT_RD && VSK_SHUT_WR == SHUT_WR &&
		       VSK_SHUT_RDWR == SHUT_RDWR,
	       "SHUT_*");
_Static_assert(VSK_POLLIN == POLLIN && VSK_POLLOUT == POLLOUT &&
		       VSK_POLLERR == POLLERR && VSK_POLLHUP == POLLHUP &&
		       VSK_POLLNVAL == POLLNVAL && VSK_POLLRDHUP == POLLRDHUP,
	       "POLL*");
_Static_assert(VSK_SOL_SOCKET == SOL_SOCKET && VSK_SO_TYPE == SO_TYPE &&
		       VSK_SO_ERROR == SO_ERROR &&
		       VSK_SO_RCVTIMEO == SO_RCVTIMEO_OLD &&
		       VSK_SO_SNDTIMEO == SO_SNDTIMEO_OLD &&
		       VSK_SO_RCVTIMEO_NEW == SO_RCVTIMEO_NEW &&
		       VSK_SO_SNDTIMEO_NEW == SO_SNDTIMEO_NEW,
	       "SOL_SOCKET options");
_Static_assert(VSK_SO_VM_SOCKETS_BUFFER_SIZE == SO_VM_SOCKETS_BUFFER_SIZE &&
		       VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE ==
			       SO_VM_SOCKETS_BUFFER_MIN_SIZE &&
		       VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE ==
			       SO_VM_SOCKETS_BUFFER_MAX_SIZE &&
		       VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT ==
			       SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD &&
		       VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW ==
			       SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
	       "AF_VSOCK options");
#ifdef SOL_VSOCK
_Static_assert(VSK_SOL_VSOCK == SOL_VSOCK, "SOL_VSOCK");
#endif
/* Our timeval is the 64-bit Linux one (the _OLD options on LP64). */
_Static_assert(sizeof(struct vsk_timeval) == sizeof(struct timeval) &&
		       sizeof(long) == 8,
	       "timeval");

TEST(stack_init_rejects_missing_ops_and_storage)
{
	static struct vsk_stack st;
	static struct vsk_sock socks[2];
	static struct vsock_conn conns[2];
	static uint8_t mem[128];
	struct vsk_ops ops = sf_ops;

	ASSERT_EQ(
		vsk_stack_init(&st, 3, NULL, NULL, socks, 2, conns, 2, mem, 64),
		VSK_EINVAL);
	ops.send_pkt = NULL;
	ASSERT_EQ(
		vsk_stack_init(&st, 3, &ops, NULL, socks, 2, conns, 2, mem, 64),
		VSK_EINVAL);
	ops = sf_ops;
	ops.now_ms = NULL;
	ASSERT_EQ(
		vsk_stack_init(&st, 3, &ops, NULL, socks, 2, conns, 2, mem, 64),
		VSK_EINVAL);
	ASSERT_EQ(vsk_stack_init(&st, 3, &sf_ops, NULL, socks, 0, conns, 2, mem,
				 64),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_init(&st, 3, &sf_ops, NULL, NULL, 2, conns, 2, mem,
				 64),
		  VSK_EINVAL);
	/* The proto's own checks: reserved CID 1, no slots. */
	ASSERT_EQ(vsk_stack_init(&st, 1, &sf_ops, NULL, socks, 2, conns, 2, mem,
				 64),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_init(&st, 3, &sf_ops, NULL, socks, 2, conns, 0, mem,
				 64),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_stack_init(&st, 3, &sf_ops, NULL, socks, 2, conns, 2, mem,
				 64),
		  0);
}

/* ---- socket, bind, listen, descriptors --------------------------------- */

TEST(socket_checks_type_and_flags_and_table_size)
{
	int sd = 0, i = 0;

	sf_init(&f, 4096);
	/* Only the two virtio types (header values: SEQPACKET is 2). */
	ASSERT_EQ(vsk_socket(&f.a.st, 0, 0), VSK_ESOCKTNOSUPPORT);
	ASSERT_EQ(vsk_socket(&f.a.st, 3, 0), VSK_ESOCKTNOSUPPORT);
	ASSERT_EQ(vsk_socket(&f.a.st, 5, 0), VSK_ESOCKTNOSUPPORT);
	ASSERT_EQ(vsk_socket(&f.a.st, -1, 0), VSK_ESOCKTNOSUPPORT);
	ASSERT_EQ(vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0x1), VSK_EINVAL);
	for (i = 0; i < (int)SF_SOCKS; i++) {
		sd = vsk_socket(&f.a.st,
				(i & 1) ? VSOCK_TYPE_SEQPACKET :
					  VSOCK_TYPE_STREAM,
				(i & 2) ? VSK_NONBLOCK : 0);
		ASSERT_EQ(sd, i);
	}
	ASSERT_EQ(vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0), VSK_EMFILE);
	ASSERT_EQ(vsk_close(&f.a.st, 17), 0);
	ASSERT_EQ(vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0), 17);
}

/* Every call on a descriptor that is not open: EBADF (poll: POLLNVAL). */
TEST(bad_descriptors_are_ebadf)
{
	const int bad[] = { -1, (int)SF_SOCKS, 5, 0x7fffffff };
	struct vsock_shmem m = { .type = VSOCK_SHMEM_TYPE_FFA };
	struct vsk_msghdr msg = { 0 };
	uint32_t cid = 0, port = 0, len = 4;
	uint8_t buf[8];
	size_t i = 0;
	int v = 0;

	sf_init(&f, 4096);
	ASSERT_EQ(vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0), 0);
	ASSERT_EQ(vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0), 1);
	ASSERT_EQ(vsk_close(&f.a.st, 1), 0);
	ASSERT_EQ(vsk_close(&f.a.st, 1), VSK_EBADF);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int sd = bad[i];

		ASSERT_EQ(vsk_bind(&f.a.st, sd, VSK_CID_ANY, 5), VSK_EBADF);
		ASSERT_EQ(vsk_listen(&f.a.st, sd, 1), VSK_EBADF);
		ASSERT_EQ(vsk_accept(&f.a.st, sd, 0, NULL, NULL), VSK_EBADF);
		ASSERT_EQ(vsk_connect(&f.a.st, sd, SF_CID_B, 5), VSK_EBADF);
		ASSERT_EQ(vsk_send(&f.a.st, sd, buf, 1, 0), VSK_EBADF);
		ASSERT_EQ(vsk_recv(&f.a.st, sd, buf, 1, 0), VSK_EBADF);
		ASSERT_EQ(vsk_sendmsg(&f.a.st, sd, &msg, 0), VSK_EBADF);
		ASSERT_EQ(vsk_recvmsg(&f.a.st, sd, &msg, 0), VSK_EBADF);
		ASSERT_EQ(vsk_shutdown(&f.a.st, sd, VSK_SHUT_RDWR), VSK_EBADF);
		ASSERT_EQ(vsk_close(&f.a.st, sd), VSK_EBADF);
		ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET,
					 VSK_SO_TYPE, &v, 4),
			  VSK_EBADF);
		ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET,
					 VSK_SO_TYPE, &v, &len),
			  VSK_EBADF);
		ASSERT_EQ(vsk_getsockname(&f.a.st, sd, &cid, &port), VSK_EBADF);
		ASSERT_EQ(vsk_getpeername(&f.a.st, sd, &cid, &port), VSK_EBADF);
		ASSERT_EQ(vsk_set_nonblock(&f.a.st, sd, true), VSK_EBADF);
		ASSERT_EQ(vsk_send_shmem(&f.a.st, sd, &m), VSK_EBADF);
		ASSERT_TRUE(vsk_conn(&f.a.st, sd) == NULL);
		ASSERT_EQ(vsk_poll_mask(&f.a.st, sd), VSK_POLLNVAL);
	}
}

TEST(bind_checks_address_and_port_use)
{
	uint32_t cid = 0, port = 0;
	int a = 0, b = 0, c = 0, d = 0;

	sf_init(&f, 4096);
	a = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	b = vsk_socket(&f.a.st, VSOCK_TYPE_SEQPACKET, 0);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	d = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	/* Unbound: ANY/ANY, as Linux. */
	ASSERT_EQ(vsk_getsockname(&f.a.st, a, &cid, &port), 0);
	ASSERT_EQ(cid, VSK_CID_ANY);
	ASSERT_EQ(port, VSK_PORT_ANY);
	/* Only our CID or ANY. */
	ASSERT_EQ(vsk_bind(&f.a.st, a, SF_CID_B, 5000), VSK_EADDRNOTAVAIL);
	ASSERT_EQ(vsk_bind(&f.a.st, a, 1, 5000), VSK_EADDRNOTAVAIL);
	ASSERT_EQ(vsk_bind(&f.a.st, a, SF_CID_A, 5000), 0);
	ASSERT_EQ(vsk_getsockname(&f.a.st, a, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_A);
	ASSERT_EQ(port, 5000);
	ASSERT_EQ(vsk_bind(&f.a.st, a, SF_CID_A, 5001), VSK_EINVAL);
	/* One port per stack, whatever the type (Linux's bind table). */
	ASSERT_EQ(vsk_bind(&f.a.st, b, VSK_CID_ANY, 5000), VSK_EADDRINUSE);
	ASSERT_EQ(vsk_bind(&f.a.st, c, VSK_CID_ANY, 5000), VSK_EADDRINUSE);
	/* PORT_ANY: an ephemeral port nobody holds. */
	ASSERT_EQ(vsk_bind(&f.a.st, b, VSK_CID_ANY, VSK_PORT_ANY), 0);
	ASSERT_EQ(vsk_getsockname(&f.a.st, b, &cid, &port), 0);
	ASSERT_EQ(cid, VSK_CID_ANY);
	ASSERT_EQ(port, VSOCK_EPHEMERAL_FIRST);
	ASSERT_EQ(vsk_bind(&f.a.st, c, VSK_CID_ANY, VSOCK_EPHEMERAL_FIRST + 1),
		  0);
	ASSERT_EQ(vsk_bind(&f.a.st, d, VSK_CID_ANY, VSK_PORT_ANY), 0);
	ASSERT_EQ(vsk_getsockname(&f.a.st, d, &cid, &port), 0);
	ASSERT_EQ(port, VSOCK_EPHEMERAL_FIRST + 2);
	/* Closing frees the port. */
	ASSERT_EQ(vsk_close(&f.a.st, a), 0);
	a = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(&f.a.st, a, VSK_CID_ANY, 5000), 0);
}

TEST(listen_needs_a_bound_unconnected_socket)
{
	int l = 0, u = 0, c = 0, s = 0, l2 = 0;

	sf_init(&f, 4096);
	u = vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_listen(&f.b.st, u, 4), VSK_EINVAL);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_listen(&f.a.st, c, 4), VSK_EINVAL);
	ASSERT_EQ(vsk_listen(&f.b.st, s, 4), VSK_EINVAL);
	/* Listening again only changes the backlog. */
	ASSERT_EQ(vsk_listen(&f.b.st, l, 1), 0);
	ASSERT_EQ(vsk_conn(&f.b.st, l)->backlog, 1);
	ASSERT_EQ(vsk_listen(&f.b.st, l, 0), 0);
	ASSERT_EQ(vsk_conn(&f.b.st, l)->backlog, 1);
	ASSERT_EQ(vsk_listen(&f.b.st, l, -1), 0);
	ASSERT_EQ(vsk_conn(&f.b.st, l)->backlog, SF_CONNS);
	/* SEQPACKET listens too. */
	l2 = vsk_socket(&f.b.st, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(vsk_bind(&f.b.st, l2, VSK_CID_ANY, 2000), 0);
	ASSERT_EQ(vsk_listen(&f.b.st, l2, 2), 0);
}

/* The proto is out of slots: ENOBUFS from listen and connect. */
TEST(no_free_proto_slot_is_enobufs)
{
	static struct vsk_stack st;
	static struct vsk_sock socks[4];
	static struct vsock_conn conns[1];
	static uint8_t mem[256];
	int a = 0, b = 0;

	sf_init(&f, 4096);
	ASSERT_EQ(vsk_stack_init(&st, 7, &sf_ops_nowait, &f.a, socks, 4, conns,
				 1, mem, 256),
		  0);
	a = vsk_socket(&st, VSOCK_TYPE_STREAM, 0);
	b = vsk_socket(&st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(&st, a, VSK_CID_ANY, 80), 0);
	ASSERT_EQ(vsk_listen(&st, a, 1), 0);
	ASSERT_EQ(vsk_bind(&st, b, VSK_CID_ANY, 81), 0);
	ASSERT_EQ(vsk_listen(&st, b, 1), VSK_ENOBUFS);
	ASSERT_EQ(vsk_connect(&st, b, SF_CID_B, 80), VSK_ENOBUFS);
	ASSERT_EQ(vsk_close(&st, a), 0);
	ASSERT_EQ(vsk_listen(&st, b, 1), 0);
}

/* ---- connect and accept ------------------------------------------------ */

TEST(blocking_connect_and_accept_report_addresses)
{
	uint32_t cid = 0, port = 0, pcid = 0, pport = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	/* It waited once: the wait op pumped REQUEST and RESPONSE. */
	ASSERT_EQ(f.a.waits, 1);
	s = vsk_accept(&f.b.st, l, 0, &pcid, &pport);
	ASSERT_TRUE(s >= 0);
	ASSERT_EQ(pcid, SF_CID_A);
	ASSERT_EQ(pport, VSOCK_EPHEMERAL_FIRST);
	/* Autobound to an ephemeral port; ours is the local CID now. */
	ASSERT_EQ(vsk_getsockname(&f.a.st, c, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_A);
	ASSERT_EQ(port, VSOCK_EPHEMERAL_FIRST);
	ASSERT_EQ(vsk_getpeername(&f.a.st, c, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_B);
	ASSERT_EQ(port, 1024);
	ASSERT_EQ(vsk_getsockname(&f.b.st, s, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_B);
	ASSERT_EQ(port, 1024);
	ASSERT_EQ(vsk_getpeername(&f.b.st, s, &cid, &port), 0);
	ASSERT_EQ(cid, SF_CID_A);
	ASSERT_EQ(port, VSOCK_EPHEMERAL_FIRST);
	/* A listener and a fresh socket have no peer. */
	ASSERT_EQ(vsk_getpeername(&f.b.st, l, &cid, &port), VSK_ENOTCONN);
	/* Connected: a second connect or bind is refused. */
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EISCONN);
	ASSERT_EQ(vsk_bind(&f.a.st, c, VSK_CID_ANY, 7), VSK_EINVAL);
	ASSERT_EQ(vsk_bind(&f.b.st, s, VSK_CID_ANY, 7), VSK_EINVAL);
}

/* Linux: connect to a port nobody listens on is reset: ECONNRESET. */
TEST(connect_to_unbound_port_is_econnreset)
{
	uint32_t len = sizeof(int);
	int c = 0, err = -1;

	sf_init(&f, 4096);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 4444), VSK_ECONNRESET);
	ASSERT_EQ(f.b.sent_ops[VSOCK_OP_RST], 1);
	/* Reported once: SO_ERROR is clear, the socket may try again. */
	ASSERT_EQ(vsk_getsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, 0);
	ASSERT_TRUE(vsk_conn(&f.a.st, c) == NULL);
	sf_listen(&f, VSOCK_TYPE_STREAM, 4444);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 4444), 0);
	ASSERT_TRUE(sf_all_free(&f.a) == false);
}

/* Wrong type on the port is reset too (listeners are per type). */
TEST(connect_with_other_type_is_econnreset)
{
	int c = 0;

	sf_init(&f, 4096);
	sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ECONNRESET);
}

/* No answer: ETIMEDOUT after exactly the connect timeout (2 s default). */
TEST(connect_timeout_is_etimedout_on_the_fake_clock)
{
	struct vsk_timeval tv = { 0, 500000 };
	uint64_t t0 = 0;
	int c = 0;

	sf_init(&f, 4096);
	f.b.deaf = true;
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	t0 = f.now;
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ETIMEDOUT);
	ASSERT_EQ(f.now - t0, VSOCK_CONNECT_TIMEOUT_MS);
	ASSERT_EQ(f.a.last_timeout, VSOCK_CONNECT_TIMEOUT_MS);
	ASSERT_TRUE(sf_all_free(&f.a));
	/* SO_VM_SOCKETS_CONNECT_TIMEOUT shortens it. */
	ASSERT_EQ(vsk_setsockopt(&f.a.st, c, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
				 sizeof(tv)),
		  0);
	t0 = f.now;
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ETIMEDOUT);
	ASSERT_EQ(f.now - t0, 500);
	/* ... or lengthens it beyond the proto's default. */
	tv.tv_sec = 5;
	tv.tv_usec = 1;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, c, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
				 sizeof(tv)),
		  0);
	t0 = f.now;
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ETIMEDOUT);
	ASSERT_EQ(f.now - t0, 5001);
}

TEST(nonblocking_connect_inprogress_then_pollout_and_so_error)
{
	uint32_t len = sizeof(int);
	int c = 0, err = -1;

	sf_init(&f, 4096);
	sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EALREADY);
	/* Still connecting: no peer yet, sends and receives refused. */
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, 0), VSK_ENOTCONN);
	ASSERT_EQ(vsk_recv(&f.a.st, c, &err, 1, 0), VSK_ENOTCONN);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_WR), VSK_ENOTCONN);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(len, sizeof(int));
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EISCONN);
	ASSERT_EQ(f.a.waits, 0);
}

TEST(nonblocking_connect_failure_is_pollerr_and_so_error_once)
{
	uint32_t len = sizeof(int);
	int c = 0, err = 0;

	sf_init(&f, 4096);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	sf_pump(&f);
	/* Linux: a failed (TCP_CLOSE) socket polls writable with POLLERR. */
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT | VSK_POLLERR);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, ECONNRESET);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, 0);
	/* Again: a new attempt; this time connect itself reports it. */
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	sf_pump(&f);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ECONNRESET);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT);
	/* And the failed attempt left no slot behind. */
	ASSERT_TRUE(sf_all_free(&f.a));
}

/* A blocking connect() after EINPROGRESS waits for the same attempt. */
TEST(blocking_connect_completes_an_attempt_in_progress)
{
	int c = 0;

	sf_init(&f, 4096);
	sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_set_nonblock(&f.a.st, c, false), 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_REQUEST], 1);
}

TEST(connect_refuses_listeners_and_wildcard_peers)
{
	int l = 0, c = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(vsk_connect(&f.b.st, l, SF_CID_A, 1024), VSK_EINVAL);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, VSK_CID_ANY, 1024), VSK_EINVAL);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, VSK_PORT_ANY), VSK_EINVAL);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_REQUEST], 0);
}

/* Two sockets bound to one port may not reach the same peer port. */
TEST(connect_with_a_tuple_in_use_is_eaddrinuse)
{
	int l = 0, c1 = 0, c2 = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	(void)l;
	c1 = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(&f.a.st, c1, VSK_CID_ANY, 3000), 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c1, SF_CID_B, 1024), 0);
	/* The first socket closed, its connection lingers in CLOSING. */
	ASSERT_EQ(vsk_close(&f.a.st, c1), 0);
	f.b.deaf = true;
	sf_pump(&f);
	c2 = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_bind(&f.a.st, c2, VSK_CID_ANY, 3000), 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c2, SF_CID_B, 1024), VSK_EADDRINUSE);
}

TEST(accept_errors_and_nonblocking_eagain)
{
	int l = 0, u = 0, c = 0, i = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	u = vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_accept(&f.b.st, u, 0, NULL, NULL), VSK_EINVAL);
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0x1, NULL, NULL), VSK_EINVAL);
	ASSERT_EQ(vsk_set_nonblock(&f.b.st, l, true), 0);
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_EAGAIN);
	ASSERT_EQ(f.b.waits, 0);
	/* A full table: EMFILE even with a connection waiting. */
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	for (i = 0; vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, 0) >= 0; i++) {
	}
	ASSERT_EQ(i, SF_SOCKS - 2);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), VSK_POLLIN);
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_EMFILE);
	ASSERT_EQ(vsk_close(&f.b.st, u), 0);
	ASSERT_EQ(vsk_accept(&f.b.st, l, VSK_NONBLOCK, NULL, NULL), u);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), 0);
	/* The child is non-blocking as asked. */
	ASSERT_EQ(vsk_recv(&f.b.st, u, &i, 1, 0), VSK_EAGAIN);
}

/* SO_RCVTIMEO bounds a blocking accept: EAGAIN at exactly the timeout. */
TEST(accept_times_out_after_so_rcvtimeo)
{
	struct vsk_timeval tv = { 1, 250000 };
	uint64_t t0 = 0;
	int l = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(vsk_setsockopt(&f.b.st, l, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv)),
		  0);
	t0 = f.now;
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_EAGAIN);
	ASSERT_EQ(f.now - t0, 1250);
	ASSERT_EQ(f.b.waits, 1);
	ASSERT_EQ(f.b.last_timeout, 1250);
}

/* The peer application connects while accept() sleeps. */
static int late_client = -1;

static void connect_late(struct sf *fx, struct sf_side *waiter)
{
	if (waiter == &fx->b && late_client < 0) {
		late_client =
			vsk_socket(&fx->a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
		ASSERT_EQ(vsk_connect(&fx->a.st, late_client, SF_CID_B, 1024),
			  VSK_EINPROGRESS);
	}
}

TEST(blocking_accept_waits_for_a_connection)
{
	uint32_t pport = 0;
	int l = 0, s = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	f.on_wait = connect_late;
	s = vsk_accept(&f.b.st, l, 0, NULL, &pport);
	ASSERT_TRUE(s >= 0);
	ASSERT_EQ(pport, VSOCK_EPHEMERAL_FIRST);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, late_client), VSK_POLLOUT);
}

/* Closing the listener from "another thread" ends the wait: EBADF. */
static bool reopen;

static void close_listener(struct sf *fx, struct sf_side *waiter)
{
	(void)waiter;
	ASSERT_EQ(vsk_close(&fx->b.st, 0), 0);
	if (reopen) {
		/* Same descriptor again, a new socket: still EBADF. */
		ASSERT_EQ(sf_listen(fx, VSOCK_TYPE_STREAM, 1024), 0);
		reopen = false;
		fx->on_wait = NULL;
	}
}

TEST(socket_closed_during_a_wait_is_ebadf)
{
	int l = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(l, 0);
	f.on_wait = close_listener;
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_EBADF);
	ASSERT_EQ(f.b.wakes, 1);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(l, 0);
	f.on_wait = close_listener;
	reopen = true;
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_EBADF);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, 0), 0);
}

/* The wait op's error (device gone) ends a blocking call with it. */
TEST(wait_op_error_is_returned)
{
	int l = 0, c = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	f.b.wait_rc = VSK_ECONNRESET;
	ASSERT_EQ(vsk_accept(&f.b.st, l, 0, NULL, NULL), VSK_ECONNRESET);
	f.a.wait_rc = VSK_ECONNRESET;
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_ECONNRESET);
}

/* A stack without a wait op never blocks (a secure partition service). */
TEST(stack_without_wait_op_never_blocks)
{
	int c = 0, l = 0, s = 0;
	uint8_t b = 0;

	sf_init(&f, 4096);
	sf_side_init(&f, &f.a, 0, SF_CID_A, 4096, &sf_ops_nowait);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EALREADY);
	sf_pump(&f);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EISCONN);
	ASSERT_EQ(vsk_recv(&f.a.st, c, &b, 1, 0), VSK_EAGAIN);
	s = vsk_accept(&f.b.st, l, 0, NULL, NULL);
	ASSERT_TRUE(s >= 0);
	ASSERT_EQ(vsk_send(&f.b.st, s, "z", 1, 0), 1);
	sf_pump(&f);
	ASSERT_EQ(vsk_recv(&f.a.st, c, &b, 1, 0), 1);
	ASSERT_EQ(b, 'z');
}

/* ---- send and recv ----------------------------------------------------- */

TEST(stream_send_recv_peek_and_dontwait)
{
	char buf[32] = { 0 };
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), VSK_MSG_DONTWAIT),
		  VSK_EAGAIN);
	ASSERT_EQ(f.b.waits, 0);
	ASSERT_EQ(vsk_send(&f.a.st, c, "hello ", 6, 0), 6);
	ASSERT_EQ(vsk_send(&f.a.st, c, "world", 5, VSK_MSG_NOSIGNAL), 5);
	/* Blocking recv pumps the queued packets in its wait. */
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 3, VSK_MSG_PEEK), 3);
	ASSERT_MEM_EQ(buf, "hel", 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), VSK_MSG_PEEK), 11);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 4, 0), 4);
	ASSERT_MEM_EQ(buf, "hell", 4);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 7);
	ASSERT_MEM_EQ(buf, "o world", 7);
	/* A zero-length buffer returns 0 at once (Linux). */
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 0, 0), 0);
	ASSERT_EQ(vsk_send(&f.a.st, c, buf, 0, 0), 0);
	/* Out-of-band data does not exist. */
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, VSK_MSG_OOB), VSK_EOPNOTSUPP);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 1, VSK_MSG_OOB), VSK_EOPNOTSUPP);
	/* Not connected: a listener and a fresh socket. */
	ASSERT_EQ(vsk_recv(&f.b.st, l, buf, 1, 0), VSK_ENOTCONN);
	ASSERT_EQ(vsk_send(&f.b.st, l, "x", 1, 0), VSK_ENOTCONN);
	l = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_recv(&f.a.st, l, buf, 1, 0), VSK_ENOTCONN);
	ASSERT_EQ(vsk_send(&f.a.st, l, "x", 1, 0), VSK_ENOTCONN);
}

TEST(recv_times_out_after_so_rcvtimeo)
{
	struct vsk_timeval tv = { 0, 1500 }; /* 1.5 ms: rounds up to 2 */
	uint64_t t0 = 0;
	char b = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_setsockopt(&f.b.st, s, VSK_SOL_SOCKET,
				 VSK_SO_RCVTIMEO_NEW, &tv, sizeof(tv)),
		  0);
	t0 = f.now;
	ASSERT_EQ(vsk_recv(&f.b.st, s, &b, 1, 0), VSK_EAGAIN);
	ASSERT_EQ(f.now - t0, 2);
	ASSERT_EQ(f.b.waits, 1);
	/* A negative timeout means "do not wait" (Linux). */
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	ASSERT_EQ(vsk_setsockopt(&f.b.st, s, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_recv(&f.b.st, s, &b, 1, 0), VSK_EAGAIN);
	ASSERT_EQ(f.b.waits, 1);
	/* Non-blocking mode ignores the timeout. */
	tv.tv_sec = 9;
	ASSERT_EQ(vsk_setsockopt(&f.b.st, s, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_set_nonblock(&f.b.st, s, true), 0);
	ASSERT_EQ(vsk_recv(&f.b.st, s, &b, 1, 0), VSK_EAGAIN);
	ASSERT_EQ(f.b.waits, 1);
}

/* WAITALL: the whole buffer, from several arrivals. */
static int wa_sd;
static uint32_t wa_sent;

static void send_in_pieces(struct sf *fx, struct sf_side *waiter)
{
	static const char text[] = "abcdefghijklmnopqrstuvwxyz";

	if (waiter == &fx->b && wa_sent < 26) {
		ASSERT_EQ(vsk_send(&fx->a.st, wa_sd, text + wa_sent, 5,
				   VSK_MSG_DONTWAIT),
			  5);
		wa_sent += 5;
	}
}

TEST(recv_waitall_collects_the_whole_buffer)
{
	char buf[32] = { 0 };
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	wa_sd = c;
	f.on_wait = send_in_pieces;
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 18, VSK_MSG_WAITALL), 18);
	ASSERT_MEM_EQ(buf, "abcdefghijklmnopqr", 18);
	ASSERT_EQ(f.b.waits, 4);
	/* Without WAITALL: what is there (2 of the 20 sent so far). */
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 2);
	/* WAITALL stops early at end of stream with what it has. */
	f.on_wait = NULL;
	ASSERT_EQ(vsk_send(&f.a.st, c, "XYZ", 3, 0), 3);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_WR), 0);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), VSK_MSG_WAITALL), 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), VSK_MSG_WAITALL), 0);
}

/* WAITALL and a timeout: the bytes so far, else EAGAIN. */
TEST(recv_waitall_timeout_returns_what_arrived)
{
	struct vsk_timeval tv = { 2, 0 };
	char buf[32];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_setsockopt(&f.b.st, s, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_send(&f.a.st, c, "abc", 3, 0), 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 10, VSK_MSG_WAITALL), 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, 10, VSK_MSG_WAITALL), VSK_EAGAIN);
}

/* Peer SHUT_WR: data, then EOF (0) for every later recv; RDHUP. */
TEST(peer_shut_wr_is_eof_after_the_data)
{
	char buf[8];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, "bye", 3, 0), 3);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_WR), 0);
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, 0), VSK_EPIPE);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s),
		  VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLOUT);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(f.b.waits, 0);
	/* The other direction still works. */
	ASSERT_EQ(vsk_send(&f.b.st, s, "ok", 2, 0), 2);
	ASSERT_EQ(vsk_recv(&f.a.st, c, buf, sizeof(buf), 0), 2);
	/* Our side shut writing, the peer's too: POLLHUP. */
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), 0);
	ASSERT_EQ(vsk_shutdown(&f.b.st, s, VSK_SHUT_WR), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c),
		  VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLHUP);
}

/* Our SHUT_RD: recv returns 0 at once (even with data), peer gets EPIPE. */
TEST(shut_rd_ends_our_reading_and_the_peers_writing)
{
	char buf[8];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, "data", 4, 0), 4);
	sf_pump(&f);
	ASSERT_EQ(vsk_shutdown(&f.b.st, s, VSK_SHUT_RD), 0);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s),
		  VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLOUT);
	sf_pump(&f);
	ASSERT_EQ(vsk_send(&f.a.st, c, "more", 4, 0), VSK_EPIPE);
	ASSERT_EQ(vsk_send(&f.b.st, s, "back", 4, 0), 4);
	ASSERT_EQ(vsk_recv(&f.a.st, c, buf, sizeof(buf), 0), 4);
}

/* SHUT_RDWR: both, POLLHUP at once; the shutdown arguments are checked. */
TEST(shut_rdwr_and_shutdown_errors)
{
	char buf[8];
	int l = 0, c = 0, s = 0, u = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, 3), VSK_EINVAL);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, -1), VSK_EINVAL);
	ASSERT_EQ(vsk_shutdown(&f.b.st, l, VSK_SHUT_RD), VSK_ENOTCONN);
	u = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_shutdown(&f.a.st, u, VSK_SHUT_RDWR), VSK_ENOTCONN);
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_RDWR), 0);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c),
		  VSK_POLLHUP | VSK_POLLRDHUP | VSK_POLLIN);
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, 0), VSK_EPIPE);
	ASSERT_EQ(vsk_recv(&f.a.st, c, buf, sizeof(buf), 0), 0);
	/* The peer sees both bits and resets: an orderly end, EOF. */
	sf_pump(&f);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_send(&f.b.st, s, "x", 1, 0), VSK_EPIPE);
	/* Shutting a closed connection again is harmless. */
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_RD), 0);
	ASSERT_EQ(vsk_shutdown(&f.b.st, s, VSK_SHUT_RDWR), 0);
}

/*
 * Reset by the peer (its close timed out): ECONNRESET once from the first
 * send or recv (TCP-like), then recv 0 and send EPIPE.
 */
TEST(reset_by_peer_is_econnreset_once)
{
	char buf[8];
	int l = 0, c = 0, s = 0, err = 0;
	uint32_t len = sizeof(err);

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.b.st, s, "last", 4, 0), 4);
	sf_pump(&f);
	/* A's close: SHUTDOWN lost, no RST from B; timeout -> RST. */
	f.b.deaf = true;
	ASSERT_EQ(vsk_close(&f.a.st, c), 0);
	sf_pump(&f);
	f.b.deaf = false;
	f.now += VSOCK_CLOSE_TIMEOUT_MS;
	vsk_stack_tick(&f.a.st);
	sf_pump(&f);
	ASSERT_TRUE(sf_all_free(&f.a));
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s),
		  VSK_POLLERR | VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLOUT);
	ASSERT_EQ(vsk_send(&f.b.st, s, "x", 1, 0), VSK_ECONNRESET);
	ASSERT_EQ(vsk_send(&f.b.st, s, "x", 1, 0), VSK_EPIPE);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_getsockopt(&f.b.st, s, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, 0);
}

/* Queued data comes before the pending error; SO_ERROR also takes it. */
TEST(reset_error_comes_after_queued_data)
{
	char buf[8];
	int l = 0, c = 0, s = 0, err = 0;
	uint32_t len = sizeof(err);

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, "abc", 3, 0), 3);
	sf_pump(&f);
	vsk_stack_transport_reset(&f.b.st);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 3);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), VSK_ECONNRESET);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	/* A second connection: this time SO_ERROR reads the error. */
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	vsk_stack_transport_reset(&f.a.st);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_ERROR, &err,
				 &len),
		  0);
	ASSERT_EQ(err, ECONNRESET);
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, 0), VSK_EPIPE);
	ASSERT_EQ(vsk_recv(&f.a.st, c, buf, sizeof(buf), 0), 0);
}

/* A blocked reader is released by the peer's close: EOF. */
static void close_peer(struct sf *fx, struct sf_side *waiter)
{
	if (waiter == &fx->b) {
		ASSERT_EQ(vsk_close(&fx->a.st, wa_sd), 0);
		fx->on_wait = NULL;
	}
}

TEST(blocked_recv_ends_at_peer_close)
{
	char buf[8];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	wa_sd = c;
	f.on_wait = close_peer;
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(vsk_send(&f.b.st, s, "x", 1, 0), VSK_EPIPE);
	/* Both slots freed: B's RST answered A's SHUTDOWN. */
	ASSERT_TRUE(sf_all_free(&f.a));
	ASSERT_EQ(vsk_close(&f.b.st, s), 0);
	ASSERT_EQ(vsk_close(&f.b.st, l), 0);
	ASSERT_TRUE(sf_all_free(&f.b));
}

/* ---- SEQPACKET --------------------------------------------------------- */

TEST(seqpacket_keeps_boundaries_and_reports_eor_and_trunc)
{
	char buf[16] = { 0 };
	struct vsock_iov iov = { buf, sizeof(buf) };
	struct vsk_msghdr msg = { &iov, 1, 0 };
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, "one", 3, VSK_MSG_EOR), 3);
	ASSERT_EQ(vsk_send(&f.a.st, c, "second", 6, 0), 6);
	ASSERT_EQ(vsk_send(&f.a.st, c, "third!", 6, 0), 6);
	ASSERT_EQ(vsk_send(&f.a.st, c, "", 0, 0), 0);
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, 0), 3);
	ASSERT_EQ(msg.flags, VSK_MSG_EOR);
	ASSERT_MEM_EQ(buf, "one", 3);
	/* Peek: the message stays. */
	iov.len = 2;
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, VSK_MSG_PEEK), 2);
	ASSERT_EQ(msg.flags, VSK_MSG_EOR | VSK_MSG_TRUNC);
	/* MSG_TRUNC in: the real length comes back. */
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, VSK_MSG_PEEK | VSK_MSG_TRUNC),
		  6);
	/* Too small: the rest of that message is dropped. */
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, 0), 2);
	ASSERT_EQ(msg.flags, VSK_MSG_EOR | VSK_MSG_TRUNC);
	ASSERT_MEM_EQ(buf, "se", 2);
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, VSK_MSG_TRUNC), 6);
	ASSERT_EQ(msg.flags, VSK_MSG_EOR | VSK_MSG_TRUNC);
	ASSERT_MEM_EQ(buf, "th", 2);
	iov.len = sizeof(buf);
	/* The empty message. */
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &msg, 0), 0);
	ASSERT_EQ(msg.flags, VSK_MSG_EOR);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), VSK_MSG_DONTWAIT),
		  VSK_EAGAIN);
}

TEST(seqpacket_gathers_and_scatters_across_iovecs)
{
	char a[] = "head-", b[] = "body-", d[] = "tail";
	char o1[7] = { 0 }, o2[20] = { 0 };
	struct vsock_iov out[3] = { { a, 5 }, { b, 5 }, { d, 4 } };
	struct vsock_iov in[2] = { { o1, 7 }, { o2, 20 } };
	struct vsk_msghdr sm = { out, 3, 0 }, rm = { in, 2, 0 };
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsk_sendmsg(&f.a.st, c, &sm, 0), 14);
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &rm, 0), 14);
	ASSERT_EQ(rm.flags, VSK_MSG_EOR);
	ASSERT_MEM_EQ(o1, "head-bo", 7);
	ASSERT_MEM_EQ(o2, "dy-tail", 7);
}

/* A message larger than the peer's buffer can never be sent. */
TEST(seqpacket_larger_than_peer_buffer_is_emsgsize)
{
	static uint8_t big[4097];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, big, 4097, 0), VSK_EMSGSIZE);
	ASSERT_EQ(vsk_send(&f.a.st, c, big, 4096, 0), 4096);
	/* Not enough room for a second one: all or nothing, EAGAIN. */
	ASSERT_EQ(vsk_send(&f.a.st, c, big, 10, VSK_MSG_DONTWAIT), VSK_EAGAIN);
}

/* A blocked SEQPACKET sender goes on once the reader makes room. */
static int rd_sd;
static uint32_t rd_msgs;

static void read_one_message(struct sf *fx, struct sf_side *waiter)
{
	static uint8_t buf[4096];

	if (waiter == &fx->a && vsk_recv(&fx->b.st, rd_sd, buf, sizeof(buf),
					 VSK_MSG_DONTWAIT) > 0) {
		rd_msgs++;
	}
}

TEST(seqpacket_blocking_send_waits_for_room_for_the_whole_message)
{
	static uint8_t msg[3000];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_SEQPACKET, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.a.st, c, msg, 3000, 0), 3000);
	rd_sd = s;
	f.on_wait = read_one_message;
	ASSERT_EQ(vsk_send(&f.a.st, c, msg, 3000, 0), 3000);
	ASSERT_EQ(rd_msgs, 1);
	ASSERT_TRUE(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST] >= 1);
}

/* ---- blocking send, credit -------------------------------------------- */

TEST(send_times_out_after_so_sndtimeo_with_partial_count)
{
	struct vsk_timeval tv = { 0, 300000 };
	static uint8_t data[6000];
	uint64_t t0 = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, c, VSK_SOL_SOCKET, VSK_SO_SNDTIMEO,
				 &tv, sizeof(tv)),
		  0);
	t0 = f.now;
	/* 4096 fit the peer's buffer; the rest waits 300 ms in vain. */
	ASSERT_EQ(vsk_send(&f.a.st, c, data, sizeof(data), 0), 4096);
	ASSERT_EQ(f.now - t0, 300);
	t0 = f.now;
	ASSERT_EQ(vsk_send(&f.a.st, c, data, sizeof(data), 0), VSK_EAGAIN);
	ASSERT_EQ(f.now - t0, 300);
	ASSERT_EQ(vsk_send(&f.a.st, c, data, 1, VSK_MSG_DONTWAIT), VSK_EAGAIN);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), 0);
}

/*
 * Credit exhaustion and recovery: a 256-byte receive buffer, a 200 KB
 * blocking send while the reader drains in small bites; every byte in
 * order, the receiver never holds more than it advertised.
 */
#define BIG (200u * 1024u)
static uint8_t big_src[BIG], big_dst[BIG];
static uint32_t big_got, big_max_queued;

static void drain_some(struct sf *fx, struct sf_side *waiter)
{
	struct vsock_conn *sc = vsk_conn(&fx->b.st, rd_sd);
	int n = 0;

	(void)waiter;
	if (vsock_conn_rx_avail(sc) > big_max_queued) {
		big_max_queued = vsock_conn_rx_avail(sc);
	}
	n = vsk_recv(&fx->b.st, rd_sd, big_dst + big_got, 100,
		     VSK_MSG_DONTWAIT);
	if (n > 0) {
		big_got += (uint32_t)n;
	}
}

TEST(credit_exhaustion_and_recovery_with_a_small_buffer)
{
	uint64_t small = 256, v = 0;
	uint32_t len = sizeof(v), i = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	for (i = 0; i < BIG; i++) {
		big_src[i] = (uint8_t)(i * 131u + (i >> 9));
	}
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(vsk_setsockopt(&f.b.st, l, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_BUFFER_SIZE, &small,
				 sizeof(small)),
		  0);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	s = vsk_accept(&f.b.st, l, 0, NULL, NULL);
	/* The child inherited the listener's size, and the peer knows. */
	ASSERT_EQ(vsk_getsockopt(&f.b.st, s, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_BUFFER_SIZE, &v, &len),
		  0);
	ASSERT_EQ(v, 256);
	ASSERT_EQ(vsock_credit_tx_space(vsk_conn(&f.a.st, c)), 256);
	rd_sd = s;
	f.on_wait = drain_some;
	ASSERT_EQ(vsk_send(&f.a.st, c, big_src, BIG, 0), BIG);
	f.on_wait = NULL;
	while (big_got < BIG) {
		int n = vsk_recv(&f.b.st, s, big_dst + big_got, BIG - big_got,
				 0);

		ASSERT_TRUE(n > 0);
		big_got += (uint32_t)n;
	}
	ASSERT_MEM_EQ(big_dst, big_src, BIG);
	ASSERT_TRUE(big_max_queued <= 256);
	ASSERT_TRUE(f.a.waits > BIG / 256);
	ASSERT_TRUE(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST] > 0);
	ASSERT_TRUE(f.b.sent_ops[VSOCK_OP_CREDIT_UPDATE] > BIG / 256);
	ASSERT_EQ(f.a.st.proto->stats.rx_hostile +
			  f.b.st.proto->stats.rx_hostile,
		  0);
}

/* ---- options ----------------------------------------------------------- */

TEST(options_so_type_so_error_and_unknown_names)
{
	int v = 0, sd = 0, q = 0;
	uint32_t len = sizeof(v);
	uint8_t small[2];

	sf_init(&f, 4096);
	sd = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	q = vsk_socket(&f.a.st, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_TYPE, &v,
				 &len),
		  0);
	ASSERT_EQ(v, VSOCK_TYPE_STREAM);
	ASSERT_EQ(len, sizeof(int));
	ASSERT_EQ(vsk_getsockopt(&f.a.st, q, VSK_SOL_SOCKET, VSK_SO_TYPE, &v,
				 &len),
		  0);
	ASSERT_EQ(v, VSOCK_TYPE_SEQPACKET);
	/* Too small a buffer, read-only options, unknown names and levels. */
	len = sizeof(small);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_TYPE,
				 small, &len),
		  VSK_EINVAL);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_TYPE, &v,
				 sizeof(v)),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_ERROR, &v,
				 sizeof(v)),
		  VSK_ENOPROTOOPT);
	len = sizeof(v);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET, 2 /* REUSEADDR */,
				 &v, &len),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, 2, &v, sizeof(v)),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, 6 /* IPPROTO_TCP */, 1, &v, &len),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, 6, 1, &v, sizeof(v)),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 3 /* PEER_HOST_VM_ID */, &v, &len),
		  VSK_ENOPROTOOPT);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_VSOCK,
				 7 /* NONBLOCK_TXRX */, &v, sizeof(v)),
		  VSK_ENOPROTOOPT);
}

TEST(options_timeouts_validate_and_read_back)
{
	struct vsk_timeval tv = { 3, 250000 }, out = { -1, -1 };
	uint32_t len = sizeof(out);
	int sd = 0;

	sf_init(&f, 4096);
	sd = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	/* Default: no limit, read back as {0, 0}. */
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &out, &len),
		  0);
	ASSERT_EQ(out.tv_sec, 0);
	ASSERT_EQ(out.tv_usec, 0);
	ASSERT_EQ(len, sizeof(out));
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_SNDTIMEO,
				 &tv, sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET,
				 VSK_SO_SNDTIMEO_NEW, &out, &len),
		  0);
	ASSERT_EQ(out.tv_sec, 3);
	ASSERT_EQ(out.tv_usec, 250000);
	/* Linux: usec out of range is EDOM, a short value EINVAL. */
	tv.tv_usec = 1000000;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv)),
		  VSK_EDOM);
	tv.tv_usec = -1;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_SNDTIMEO,
				 &tv, sizeof(tv)),
		  VSK_EDOM);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &tv, sizeof(tv) - 1),
		  VSK_EINVAL);
	len = sizeof(out) - 1;
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				 &out, &len),
		  VSK_EINVAL);
	/* Connect timeout: default 2 s; ERANGE when negative; 0 = default. */
	len = sizeof(out);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_SOL_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &out, &len),
		  0);
	ASSERT_EQ(out.tv_sec, 2);
	ASSERT_EQ(out.tv_usec, 0);
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW, &tv,
				 sizeof(tv)),
		  VSK_ERANGE);
	tv.tv_sec = 0;
	tv.tv_usec = 1000000;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
				 sizeof(tv)),
		  VSK_ERANGE);
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, 8),
		  VSK_EINVAL);
	tv.tv_sec = 7;
	tv.tv_usec = 5;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
				 sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW, &out,
				 &len),
		  0);
	ASSERT_EQ(out.tv_sec, 7);
	ASSERT_EQ(out.tv_usec, 5);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
				 sizeof(tv)),
		  0);
	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_CONNECT_TIMEOUT, &out, &len),
		  0);
	ASSERT_EQ(out.tv_sec, 2);
}

static uint64_t get_u64(int sd, int name)
{
	uint64_t v = 0;
	uint32_t len = sizeof(v);

	ASSERT_EQ(vsk_getsockopt(&f.a.st, sd, VSK_AF_VSOCK, name, &v, &len), 0);
	ASSERT_EQ(len, 8);
	return v;
}

static int set_u64(int sd, int name, uint64_t v)
{
	return vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK, name, &v, sizeof(v));
}

TEST(options_buffer_sizes_clamp_like_linux)
{
	int sd = 0;

	sf_init(&f, 8192);
	sd = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	/* Linux defaults, limited by the slot (8192 here). */
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 8192);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE), 128);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE), 262144);
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 1000), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 1000);
	/* Below min: min; above the slot: the slot. */
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 5), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 128);
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 1u << 20), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 8192);
	/* A new max (or min) re-clamps the size. */
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE, 600), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 600);
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE, 700), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 700);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE), 700);
	/* Zero everywhere: the proto cannot advertise 0; nothing changes. */
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MIN_SIZE, 0), 0);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 600);
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE, 0),
		  VSK_EINVAL);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_MAX_SIZE), 600);
	ASSERT_EQ(set_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 0), VSK_EINVAL);
	ASSERT_EQ(get_u64(sd, VSK_SO_VM_SOCKETS_BUFFER_SIZE), 600);
	/* Short values. */
	ASSERT_EQ(vsk_setsockopt(&f.a.st, sd, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_BUFFER_SIZE, &sd, 4),
		  VSK_EINVAL);
}

/* Set before connect, applied when the connection exists. */
TEST(buffer_size_set_before_connect_reaches_the_peer)
{
	int l = 0, c = 0, s = 0;
	char buf[400];

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(set_u64(c, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 300), 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	s = vsk_accept(&f.b.st, l, 0, NULL, NULL);
	ASSERT_EQ(vsock_credit_tx_space(vsk_conn(&f.b.st, s)), 300);
	/* And on an established connection: the peer follows. */
	ASSERT_EQ(set_u64(c, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 200), 0);
	sf_pump(&f);
	ASSERT_EQ(vsock_credit_tx_space(vsk_conn(&f.b.st, s)), 200);
	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ(vsk_send(&f.b.st, s, buf, sizeof(buf), VSK_MSG_DONTWAIT),
		  200);
}

/* ---- poll -------------------------------------------------------------- */

TEST(poll_masks_follow_the_socket_states)
{
	static uint8_t fill[128];
	int l = 0, c = 0, s = 0, u = 0;

	sf_init(&f, 4096);
	u = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	/* Unconnected: writable (Linux TCP_CLOSE). */
	ASSERT_EQ(vsk_poll_mask(&f.a.st, u), VSK_POLLOUT);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), 0);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), VSK_POLLIN);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT);
	s = vsk_accept(&f.b.st, l, 0, NULL, NULL);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), 0);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s), VSK_POLLOUT);
	ASSERT_EQ(vsk_send(&f.a.st, c, "ab", 2, 0), 2);
	sf_pump(&f);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s), VSK_POLLIN | VSK_POLLOUT);
	/* Out of credit: not writable. */
	ASSERT_EQ(set_u64(c, VSK_SO_VM_SOCKETS_BUFFER_SIZE, 128), 0);
	sf_pump(&f);
	ASSERT_EQ(vsk_send(&f.b.st, s, fill, sizeof(fill), 0), 128);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s), VSK_POLLIN);
	/* Closed socket: POLLNVAL. */
	ASSERT_EQ(vsk_close(&f.a.st, u), 0);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, u), VSK_POLLNVAL);
}

TEST(poll_filters_events_and_times_out_on_the_fake_clock)
{
	struct vsk_pollfd p[4];
	uint64_t t0 = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p[0] = (struct vsk_pollfd){ s, VSK_POLLIN, -1 };
	p[1] = (struct vsk_pollfd){ -1, VSK_POLLIN, -1 }; /* ignored */
	p[2] = (struct vsk_pollfd){ 77, 0, -1 }; /* bad: NVAL always */
	p[3] = (struct vsk_pollfd){ l, VSK_POLLIN, -1 };
	ASSERT_EQ(vsk_poll(&f.b.st, p, 4, 0), 1);
	ASSERT_EQ(p[0].revents, 0); /* writable, but only IN was asked */
	ASSERT_EQ(p[1].revents, 0);
	ASSERT_EQ(p[2].revents, VSK_POLLNVAL);
	ASSERT_EQ(p[3].revents, 0);
	/* Nothing comes: 0 after exactly the timeout. */
	t0 = f.now;
	ASSERT_EQ(vsk_poll(&f.b.st, p, 2, 750), 0);
	ASSERT_EQ(f.now - t0, 750);
	/* Data comes during the wait. */
	ASSERT_EQ(vsk_send(&f.a.st, c, "x", 1, 0), 1);
	ASSERT_EQ(vsk_poll(&f.b.st, p, 2, -1), 1);
	ASSERT_EQ(p[0].revents, VSK_POLLIN);
	/* RDHUP only when asked; HUP always. */
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_WR), 0);
	ASSERT_EQ(vsk_shutdown(&f.b.st, s, VSK_SHUT_WR), 0);
	sf_pump(&f);
	p[0].events = VSK_POLLOUT;
	ASSERT_EQ(vsk_poll(&f.b.st, p, 1, 0), 1);
	ASSERT_EQ(p[0].revents, VSK_POLLHUP);
	p[0].events = VSK_POLLRDHUP;
	ASSERT_EQ(vsk_poll(&f.b.st, p, 1, 0), 1);
	ASSERT_EQ(p[0].revents, VSK_POLLRDHUP | VSK_POLLHUP);
	/* The wait op's error. */
	p[0].events = 0;
	f.b.wait_rc = VSK_ECONNRESET;
	p[0].sd = vsk_socket(&f.b.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	p[0].events = VSK_POLLIN;
	ASSERT_EQ(vsk_poll(&f.b.st, p, 1, 10), VSK_ECONNRESET);
}

/* poll's wait is cut short by a proto timer: a close times out inside. */
TEST(poll_wakes_for_proto_timers)
{
	struct vsk_pollfd p;
	uint64_t t0 = 0;
	uint32_t w0 = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	f.b.deaf = true;
	ASSERT_EQ(vsk_close(&f.a.st, c), 0);
	sf_pump(&f);
	f.b.deaf = false;
	ASSERT_FALSE(sf_all_free(&f.a));
	p = (struct vsk_pollfd){ vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0),
				 VSK_POLLIN, 0 };
	t0 = f.now;
	w0 = f.a.waits;
	ASSERT_EQ(vsk_poll(&f.a.st, &p, 1, 20000), 0);
	/*
	 * Three waits: up to the close timer (8 s, then the RST goes out),
	 * one that delivers it, and the remaining 12 s.
	 */
	ASSERT_EQ(f.a.waits - w0, 3);
	ASSERT_EQ(f.a.last_timeout, 20000 - VSOCK_CLOSE_TIMEOUT_MS);
	ASSERT_EQ(f.now - t0, 20000);
	ASSERT_TRUE(sf_all_free(&f.a));
	/* B got the RST of the timed-out close. */
	ASSERT_EQ(vsk_recv(&f.b.st, s, &c, 1, 0), VSK_ECONNRESET);
}

/* ---- many connections -------------------------------------------------- */

/*
 * 64 connections at once, STREAM and SEQPACKET, non-blocking on both
 * sides and driven by poll: random sizes, small and varied buffers; every
 * byte and message boundary arrives intact.
 */
#define MANY 64
#define MANY_MSGS 256

struct many {
	int c, s, type;
	uint32_t total, sent, rcvd;
	uint32_t sizes[MANY_MSGS]; /* SEQPACKET: message sizes in order */
	uint32_t nsent, nrcvd;
};

static uint8_t many_byte(int i, uint32_t off)
{
	return (uint8_t)(i * 29 + off * 13 + (off >> 7));
}

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void many_send(struct many *m, int i, uint32_t *seed)
{
	static uint8_t buf[4096];
	uint32_t want = 1 + rnd(seed) % 3000, k = 0;
	int rc = 0;

	if (m->type == VSOCK_TYPE_SEQPACKET) {
		/* Some receivers have 1024-byte buffers: no bigger messages. */
		if (m->nsent == MANY_MSGS) {
			return;
		}
		want %= 1025;
	}
	if (want > m->total - m->sent) {
		want = m->total - m->sent;
	}
	for (k = 0; k < want; k++) {
		buf[k] = many_byte(i, m->sent + k);
	}
	rc = vsk_send(&f.a.st, m->c, buf, want, 0);
	if (rc == VSK_EAGAIN) {
		return;
	}
	ASSERT_TRUE(rc >= 0);
	if (m->type == VSOCK_TYPE_SEQPACKET) {
		ASSERT_EQ(rc, want);
		m->sizes[m->nsent++] = want;
	}
	m->sent += (uint32_t)rc;
}

static void many_recv(struct many *m, int i, uint32_t *seed)
{
	static uint8_t buf[4096];
	struct vsock_iov iov = { buf, 1 + rnd(seed) % 4096 };
	struct vsk_msghdr msg = { &iov, 1, 0 };
	int rc = vsk_recvmsg(&f.b.st, m->s, &msg, 0);
	uint32_t k = 0;

	ASSERT_TRUE(rc > 0 || m->type == VSOCK_TYPE_SEQPACKET);
	ASSERT_TRUE(rc >= 0);
	for (k = 0; k < (uint32_t)rc; k++) {
		ASSERT_EQ(buf[k], many_byte(i, m->rcvd + k));
	}
	if (m->type == VSOCK_TYPE_STREAM) {
		m->rcvd += (uint32_t)rc;
		return;
	}
	ASSERT_TRUE(m->nrcvd < m->nsent);
	ASSERT_EQ(rc,
		  m->sizes[m->nrcvd] < iov.len ? m->sizes[m->nrcvd] : iov.len);
	ASSERT_EQ(msg.flags & VSK_MSG_EOR, VSK_MSG_EOR);
	ASSERT_EQ(!!(msg.flags & VSK_MSG_TRUNC), m->sizes[m->nrcvd] > iov.len);
	m->rcvd += m->sizes[m->nrcvd++];
}

static bool many_done(const struct many *m)
{
	if (m->type == VSOCK_TYPE_SEQPACKET && m->nsent == MANY_MSGS) {
		return m->nrcvd == MANY_MSGS;
	}
	return m->rcvd == m->total;
}

TEST(sixty_four_connections_keep_their_data_intact)
{
	static struct many m[MANY];
	struct vsk_pollfd pa[MANY], pb[MANY];
	uint32_t seed = 4242, rounds = 0;
	int ls = 0, lq = 0, i = 0, done = 0;

	sf_init(&f, 8192);
	ls = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	lq = sf_listen(&f, VSOCK_TYPE_SEQPACKET, 1025);
	ASSERT_EQ(vsk_listen(&f.b.st, ls, MANY), 0);
	ASSERT_EQ(vsk_listen(&f.b.st, lq, MANY), 0);
	for (i = 0; i < MANY; i++) {
		m[i].type =
			(i % 3 == 2) ? VSOCK_TYPE_SEQPACKET : VSOCK_TYPE_STREAM;
		m[i].total = 1 + rnd(&seed) % 60000;
		m[i].c = vsk_socket(&f.a.st, m[i].type, VSK_NONBLOCK);
		ASSERT_TRUE(m[i].c >= 0);
		/* Some receivers advertise little: credit stalls. */
		if (i % 4 == 1) {
			uint64_t sz = 512 + rnd(&seed) % 2048;

			ASSERT_EQ(vsk_setsockopt(&f.a.st, m[i].c, VSK_AF_VSOCK,
						 VSK_SO_VM_SOCKETS_BUFFER_SIZE,
						 &sz, sizeof(sz)),
				  0);
		}
		ASSERT_EQ(vsk_connect(&f.a.st, m[i].c, SF_CID_B,
				      m[i].type == VSOCK_TYPE_STREAM ? 1024 :
								       1025),
			  VSK_EINPROGRESS);
	}
	sf_pump(&f);
	for (i = 0; i < MANY; i++) {
		m[i].s = vsk_accept(&f.b.st,
				    m[i].type == VSOCK_TYPE_STREAM ? ls : lq,
				    VSK_NONBLOCK, NULL, NULL);
		ASSERT_TRUE(m[i].s >= 0);
		pa[i] = (struct vsk_pollfd){ m[i].c, VSK_POLLOUT, 0 };
		pb[i] = (struct vsk_pollfd){ m[i].s, VSK_POLLIN, 0 };
	}
	/* The B receive buffers shrink for some too. */
	for (i = 0; i < MANY; i += 5) {
		uint64_t sz = 1024;

		ASSERT_EQ(vsk_setsockopt(&f.b.st, m[i].s, VSK_AF_VSOCK,
					 VSK_SO_VM_SOCKETS_BUFFER_SIZE, &sz,
					 sizeof(sz)),
			  0);
	}
	while (done < MANY) {
		ASSERT_TRUE(++rounds < 100000);
		if (vsk_poll(&f.a.st, pa, MANY, 0) > 0) {
			for (i = 0; i < MANY; i++) {
				if ((pa[i].revents & VSK_POLLOUT) &&
				    m[i].sent < m[i].total) {
					many_send(&m[i], i, &seed);
				}
			}
		}
		sf_pump(&f);
		ASSERT_TRUE(vsk_poll(&f.b.st, pb, MANY, 0) >= 0);
		for (i = 0; i < MANY; i++) {
			if (!(pb[i].revents & VSK_POLLIN) || many_done(&m[i])) {
				continue;
			}
			many_recv(&m[i], i, &seed);
			if (many_done(&m[i])) {
				done++;
			}
		}
		sf_pump(&f);
	}
	ASSERT_EQ(f.a.st.proto->stats.rx_hostile +
			  f.b.st.proto->stats.rx_hostile,
		  0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST] + f.b.sent_ops[VSOCK_OP_RST], 0);
	ASSERT_TRUE(f.a.sent_ops[VSOCK_OP_CREDIT_REQUEST] > 0);
	/* All close cleanly; no slot is left behind on either side. */
	for (i = 0; i < MANY; i++) {
		ASSERT_EQ(vsk_close(&f.a.st, m[i].c), 0);
	}
	sf_pump(&f);
	for (i = 0; i < MANY; i++) {
		ASSERT_EQ(vsk_recv(&f.b.st, m[i].s, &seed, 1, 0), 0);
		ASSERT_EQ(vsk_close(&f.b.st, m[i].s), 0);
	}
	vsk_close(&f.b.st, ls);
	vsk_close(&f.b.st, lq);
	sf_pump(&f);
	ASSERT_TRUE(sf_all_free(&f.a));
	ASSERT_TRUE(sf_all_free(&f.b));
}

/* ---- OP_SHMEM ---------------------------------------------------------- */

static const struct vsock_shmem offer = {
	.subop = VSOCK_SHMEM_OFFER,
	.type = VSOCK_SHMEM_TYPE_FFA,
	.kind = VSOCK_SHMEM_SHARE,
	.flags = VSOCK_SHMEM_F_WRITABLE,
	.offer_id = 77,
	.bus_addr = 0x0003000000002000ull,
	.size = 0x2000,
	.ffa_handle = 0x8000000000000009ull,
	.ffa_tag = 5,
};

TEST(shmem_reaches_the_peers_socket_descriptor)
{
	struct vsock_shmem bad = offer;
	int l = 0, c = 0, s = 0, u = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_TRUE(vsk_conn(&f.a.st, c) != NULL);
	ASSERT_TRUE(vsk_conn(&f.a.st, c) != vsk_conn(&f.b.st, s));
	ASSERT_EQ(vsk_send_shmem(&f.a.st, c, &offer), 0);
	sf_pump(&f);
	ASSERT_EQ(f.b.shmem_calls, 1);
	ASSERT_EQ(f.b.shmem_sd, s);
	ASSERT_EQ(f.b.shmem_last.offer_id, 77);
	ASSERT_EQ(f.b.shmem_last.ffa_handle, offer.ffa_handle);
	ASSERT_EQ(f.b.shmem_last.bus_addr, offer.bus_addr);
	/* After SHUT_WR a REVOKE still goes out. */
	ASSERT_EQ(vsk_shutdown(&f.a.st, c, VSK_SHUT_WR), 0);
	bad.subop = VSOCK_SHMEM_REVOKE;
	ASSERT_EQ(vsk_send_shmem(&f.a.st, c, &bad), 0);
	sf_pump(&f);
	ASSERT_EQ(f.b.shmem_calls, 2);
	ASSERT_EQ(f.b.shmem_last.subop, VSOCK_SHMEM_REVOKE);
	/* Refused payloads, sockets without a connection. */
	bad.kind = 9;
	ASSERT_EQ(vsk_send_shmem(&f.a.st, c, &bad), VSK_EINVAL);
	u = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_send_shmem(&f.a.st, u, &offer), VSK_ENOTCONN);
	ASSERT_TRUE(vsk_conn(&f.a.st, u) == NULL);
	ASSERT_EQ(vsk_send_shmem(&f.b.st, l, &offer), VSK_ENOTCONN);
	/* The connection ended: EPIPE. */
	vsk_stack_transport_reset(&f.a.st);
	ASSERT_EQ(vsk_send_shmem(&f.a.st, c, &offer), VSK_EPIPE);
}

/* ---- closing ----------------------------------------------------------- */

/* close() while connecting: RST at once, nothing stuck on either side. */
TEST(close_while_connecting_frees_the_slot)
{
	int c = 0, l = 0;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	ASSERT_EQ(vsk_close(&f.a.st, c), 0);
	ASSERT_EQ(f.a.sent_ops[VSOCK_OP_RST], 1);
	ASSERT_TRUE(sf_all_free(&f.a));
	/* B's child for the REQUEST dies with the RST: only the listener. */
	sf_pump(&f);
	ASSERT_TRUE(sf_all_free(&f.a));
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), 0);
	ASSERT_EQ(vsk_close(&f.b.st, l), 0);
	ASSERT_TRUE(sf_all_free(&f.b));
}

/* close() with unread data and a silent peer: freed by the close timer. */
TEST(close_with_a_silent_peer_is_freed_by_the_timer)
{
	int c = 0, s = 0, l = 0;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_send(&f.b.st, s, "unread", 6, 0), 6);
	sf_pump(&f);
	f.b.deaf = true;
	ASSERT_EQ(vsk_close(&f.a.st, c), 0);
	ASSERT_EQ(f.a.wakes, 1);
	f.now += VSOCK_CLOSE_TIMEOUT_MS - 1;
	vsk_stack_tick(&f.a.st);
	ASSERT_FALSE(sf_all_free(&f.a));
	f.now += 1;
	vsk_stack_tick(&f.a.st);
	ASSERT_TRUE(sf_all_free(&f.a));
}

/* A listener's unaccepted connections are reset when it closes. */
TEST(closing_a_listener_resets_its_backlog)
{
	int c = 0, l = 0;
	char b;

	sf_init(&f, 4096);
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	ASSERT_EQ(vsk_close(&f.b.st, l), 0);
	ASSERT_TRUE(sf_all_free(&f.b));
	ASSERT_EQ(vsk_recv(&f.a.st, c, &b, 1, 0), VSK_ECONNRESET);
	/* The port is free again. */
	l = sf_listen(&f, VSOCK_TYPE_STREAM, 1024);
	ASSERT_TRUE(l >= 0);
}

/* Transport reset: every connection fails, listeners stay. */
TEST(transport_reset_fails_connections_and_keeps_listeners)
{
	int c = 0, s = 0, l = 0;
	char b;

	sf_init(&f, 4096);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	vsk_stack_transport_reset(&f.b.st);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s),
		  VSK_POLLERR | VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLOUT);
	ASSERT_EQ(vsk_recv(&f.b.st, s, &b, 1, 0), VSK_ECONNRESET);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, s),
		  VSK_POLLIN | VSK_POLLRDHUP | VSK_POLLOUT);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), 0);
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, 0);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), 0);
	ASSERT_EQ(vsk_poll_mask(&f.b.st, l), VSK_POLLIN);
}

/* ---- protocol violations, scatter-gather streams ------------------------ */

/* The peer breaks the protocol while we connect: EPROTO, reported once. */
TEST(protocol_violation_while_connecting_is_eproto)
{
	struct vsock_pkt p = {
		.src_cid = SF_CID_B,
		.dst_cid = SF_CID_A,
		.src_port = 1024,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_CREDIT_UPDATE,
		.buf_alloc = 4096,
	};
	int c = 0;

	sf_init(&f, 4096);
	f.b.deaf = true;
	c = vsk_socket(&f.a.st, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EINPROGRESS);
	p.dst_port = VSOCK_EPHEMERAL_FIRST;
	vsk_stack_rx(&f.a.st, &p);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLERR | VSK_POLLOUT);
	ASSERT_EQ(vsk_connect(&f.a.st, c, SF_CID_B, 1024), VSK_EPROTO);
	ASSERT_EQ(vsk_poll_mask(&f.a.st, c), VSK_POLLOUT);
}

/* Credit violation on an established connection: EPROTO from recv. */
TEST(credit_violation_is_eproto_after_the_data)
{
	static uint8_t junk[200];
	struct vsock_pkt p = {
		.src_cid = SF_CID_A,
		.dst_cid = SF_CID_B,
		.type = VSOCK_TYPE_STREAM,
		.op = VSOCK_OP_RW,
		.buf_alloc = 4096,
		.payload = junk,
	};
	char buf[300];
	int l = 0, c = 0, s = 0;

	sf_init(&f, 256);
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	p.src_port = VSOCK_EPHEMERAL_FIRST;
	p.dst_port = 1024;
	p.len = p.payload_len = 200;
	vsk_stack_rx(&f.b.st, &p); /* fits in 256 */
	vsk_stack_rx(&f.b.st, &p); /* does not */
	ASSERT_EQ(f.b.st.proto->stats.rx_hostile, 1);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 200);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), VSK_EPROTO);
	ASSERT_EQ(vsk_recv(&f.b.st, s, buf, sizeof(buf), 0), 0);
}

/* STREAM through several buffers with credit stalls mid-buffer. */
static void drain_30(struct sf *fx, struct sf_side *waiter)
{
	int n = 0;

	(void)waiter;
	n = vsk_recv(&fx->b.st, rd_sd, big_dst + big_got, 30, VSK_MSG_DONTWAIT);
	if (n > 0) {
		big_got += (uint32_t)n;
	}
}

TEST(stream_iovecs_survive_partial_sends_and_receives)
{
	static uint8_t src[253], o1[10], o2[20], o3[300];
	struct vsock_iov out[4] = { { src, 70 },
				    { src + 70, 0 },
				    { src + 70, 150 },
				    { src + 220, 33 } };
	struct vsock_iov in[3] = { { o1, 10 }, { o2, 20 }, { o3, 300 } };
	struct vsk_msghdr sm = { out, 4, 0 }, rm = { in, 3, 0 };
	uint64_t small = 128;
	uint32_t i = 0;
	int l = 0, c = 0, s = 0;

	sf_init(&f, 4096);
	for (i = 0; i < sizeof(src); i++) {
		src[i] = (uint8_t)(i * 7 + 1);
	}
	sf_pair(&f, VSOCK_TYPE_STREAM, &c, &s, &l);
	ASSERT_EQ(vsk_setsockopt(&f.b.st, s, VSK_AF_VSOCK,
				 VSK_SO_VM_SOCKETS_BUFFER_SIZE, &small,
				 sizeof(small)),
		  0);
	sf_pump(&f);
	/* 253 bytes into 128 of credit: the reader takes 30 per wait. */
	rd_sd = s;
	big_got = 0;
	f.on_wait = drain_30;
	ASSERT_EQ(vsk_sendmsg(&f.a.st, c, &sm, 0), 253);
	f.on_wait = NULL;
	ASSERT_MEM_EQ(big_dst, src, big_got);
	/* The rest lands across three buffers (WAITALL: exactly filled). */
	ASSERT_TRUE(big_got <= 253 - 31);
	in[2].len = 253 - big_got - 30;
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &rm, VSK_MSG_WAITALL),
		  (int)(253 - big_got));
	ASSERT_EQ(vsk_recvmsg(&f.b.st, s, &rm, VSK_MSG_DONTWAIT), VSK_EAGAIN);
	memcpy(big_dst + big_got, o1, 10);
	memcpy(big_dst + big_got + 10, o2, 20);
	memcpy(big_dst + big_got + 30, o3, 253 - big_got - 30);
	ASSERT_MEM_EQ(big_dst, src, 253);
}
