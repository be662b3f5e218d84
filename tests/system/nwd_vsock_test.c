// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: the normal-world vsock stack (<tzshare/nwd_vsock.h>) across
 * processes. The test process is VM 1 with its socket layer over the
 * virtio-vsock driver and the virtio-msg FF-A bus; the secure side is the
 * device of tzshare-sp (echo 5000, sinks 5003 / 5004). Every call's result
 * is asserted exactly (negative Linux errno values, docs/vsock.md).
 *
 * SEQPACKET: tzshare-sp runs every service as STREAM only, so the data
 * path of SEQPACKET is not covered here (tests/unit/vsock covers it); what
 * is checked is that a SEQPACKET connect to the STREAM echo port is
 * refused.
 */
#include <pthread.h>

#include "nwd_sys.h"

__attribute__((constructor)) static void nw_timeout(void)
{
	test_set_timeout(VS_TEST_TIMEOUT_S);
}

/* Echo sizes 1 B .. 256 KiB, send then recv (less than what the two
 * sides buffer together, so a blocking send never waits on our recv). */
static void echo_sizes(struct tzs_nwd_vsock_opts o)
{
	static const uint32_t lens[] = {
		1, 7, 4096, 4097, 65536, 100000, 262144
	};
	static uint8_t out[262144 + 8], back[262144];
	struct nw w;
	unsigned int i = 0;
	int sd = 0;

	nw_start(&w, &o);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	nw_fill(out, sizeof(out), 1);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(back, 0, lens[i]);
		ASSERT_EQ(tzs_nwd_send(w.n, sd, out + i, lens[i], 0), lens[i]);
		ASSERT_EQ(tzs_nwd_recv(w.n, sd, back, lens[i], VSK_MSG_WAITALL),
			  lens[i]);
		ASSERT_MEM_EQ(back, out + i, lens[i]);
	}
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

TEST(echo_over_direct_messages_with_notifications)
{
	echo_sizes((struct tzs_nwd_vsock_opts){ 0 });
}

TEST(echo_over_indirect_messages_with_notifications)
{
	echo_sizes((struct tzs_nwd_vsock_opts){ .indirect = true });
}

TEST(echo_over_direct_messages_with_poll_events)
{
	echo_sizes((struct tzs_nwd_vsock_opts){ .poll_events = true });
}

TEST(echo_over_indirect_messages_with_poll_events)
{
	echo_sizes((struct tzs_nwd_vsock_opts){ .indirect = true,
						.poll_events = true });
}

/* ---------------------------------------------------------------------- */
/* 64 connections at once (the echo service serves 64)                    */

#define NW_FLOWS 64u
#define NW_FLOW_MAX (96u << 10)

static void flows_init(struct nw_flow *f, uint32_t count, uint32_t seed)
{
	uint32_t rng = seed, i = 0;

	for (i = 0; i < count; i++) {
		f[i].len = nw_rand(&rng) % NW_FLOW_MAX + 1;
		f[i].seed = seed * 1000 + i;
		f[i].rng = 0x9e3779b9u ^ f[i].seed;
		f[i].chunk_max = 16384;
	}
}

TEST(sixty_four_nonblocking_connections_driven_by_poll_keep_their_data)
{
	static struct nw_flow f[NW_FLOWS];
	struct vsk_pollfd p[NW_FLOWS];
	struct nw w;
	uint32_t i = 0, writable = 0;
	uint32_t len = 0;
	int err = 0;

	nw_start(&w, NULL);
	flows_init(f, NW_FLOWS, 7);
	for (i = 0; i < NW_FLOWS; i++) {
		f[i].sd = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
		ASSERT_TRUE(f[i].sd >= 0);
		ASSERT_EQ(tzs_nwd_connect(w.n, f[i].sd, VSOCK_CID_HOST,
					  TZS_VSOCK_PORT_ECHO),
			  -EINPROGRESS);
	}
	/* Established: writable, SO_ERROR 0, connect again EISCONN. */
	while (writable < NW_FLOWS) {
		for (i = 0; i < NW_FLOWS; i++) {
			p[i].sd = f[i].sd;
			p[i].events = VSK_POLLOUT;
		}
		ASSERT_TRUE(tzs_nwd_poll(w.n, p, NW_FLOWS, NW_WAIT_MS) > 0);
		writable = 0;
		for (i = 0; i < NW_FLOWS; i++) {
			ASSERT_EQ(p[i].revents & ~VSK_POLLOUT, 0);
			writable += p[i].revents == VSK_POLLOUT;
		}
	}
	for (i = 0; i < NW_FLOWS; i++) {
		len = sizeof(err);
		ASSERT_EQ(tzs_nwd_getsockopt(w.n, f[i].sd, VSK_SOL_SOCKET,
					     VSK_SO_ERROR, &err, &len),
			  0);
		ASSERT_EQ(err, 0);
		ASSERT_EQ(tzs_nwd_connect(w.n, f[i].sd, VSOCK_CID_HOST,
					  TZS_VSOCK_PORT_ECHO),
			  -EISCONN);
	}
	nw_flows_run(w.n, f, NW_FLOWS);
	for (i = 0; i < NW_FLOWS; i++) {
		ASSERT_EQ(tzs_nwd_close(w.n, f[i].sd), 0);
	}
	nw_stop(&w);
}

/* Eight threads, eight blocking sockets each: the stack's one lock is
 * dropped while a call sleeps, so every thread makes progress. */
#define NW_THREADS 8u
#define NW_PER_THREAD (NW_FLOWS / NW_THREADS)
#define NW_CHUNK_MAX (64u << 10)

struct nw_worker {
	struct tzs_nwd_vsock *n;
	struct nw_flow f[NW_PER_THREAD];
	uint8_t out[NW_CHUNK_MAX], back[NW_CHUNK_MAX];
	uint64_t bytes;
};

static void *blocking_worker(void *arg)
{
	struct nw_worker *k = arg;
	uint32_t i = 0, j = 0, left = NW_PER_THREAD;

	for (i = 0; i < NW_PER_THREAD; i++) {
		k->f[i].sd = nw_connect(k->n, TZS_VSOCK_PORT_ECHO);
	}
	while (left) {
		left = 0;
		for (i = 0; i < NW_PER_THREAD; i++) {
			struct nw_flow *f = &k->f[i];
			uint32_t chunk = nw_rand(&f->rng) % NW_CHUNK_MAX + 1;

			if (f->sent == f->len) {
				continue;
			}
			if (chunk > f->len - f->sent) {
				chunk = f->len - f->sent;
			}
			for (j = 0; j < chunk; j++) {
				k->out[j] = nw_byte(f->seed, f->sent + j);
			}
			ASSERT_EQ(tzs_nwd_send(k->n, f->sd, k->out, chunk, 0),
				  chunk);
			f->sent += chunk;
			ASSERT_EQ(tzs_nwd_recv(k->n, f->sd, k->back, chunk,
					       VSK_MSG_WAITALL),
				  chunk);
			ASSERT_MEM_EQ(k->back, k->out, chunk);
			f->got += chunk;
			k->bytes += chunk;
			left += f->sent < f->len;
		}
	}
	for (i = 0; i < NW_PER_THREAD; i++) {
		ASSERT_EQ(tzs_nwd_close(k->n, k->f[i].sd), 0);
	}
	return NULL;
}

TEST(eight_threads_with_blocking_sockets_share_the_stack)
{
	static struct nw_worker k[NW_THREADS];
	pthread_t t[NW_THREADS];
	uint64_t want = 0, got = 0;
	struct nw w;
	uint32_t i = 0, j = 0;

	nw_start(&w, NULL);
	for (i = 0; i < NW_THREADS; i++) {
		k[i].n = w.n;
		flows_init(k[i].f, NW_PER_THREAD, 100 + i);
		for (j = 0; j < NW_PER_THREAD; j++) {
			want += k[i].f[j].len;
		}
		ASSERT_EQ(pthread_create(&t[i], NULL, blocking_worker, &k[i]),
			  0);
	}
	for (i = 0; i < NW_THREADS; i++) {
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
		got += k[i].bytes;
	}
	ASSERT_EQ(got, want);
	nw_stop(&w);
}

/* ---------------------------------------------------------------------- */
/* Flags and options                                                       */

/* Wait until @sd is readable. */
static void wait_readable(struct tzs_nwd_vsock *n, int sd)
{
	struct vsk_pollfd p = { .sd = sd, .events = VSK_POLLIN };

	ASSERT_EQ(tzs_nwd_poll(n, &p, 1, NW_WAIT_MS), 1);
	ASSERT_EQ(p.revents, VSK_POLLIN);
}

TEST(msg_peek_leaves_the_data_queued)
{
	static const char msg[] = "peekaboo";
	char buf[64];
	struct nw w;
	int sd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, msg, 8, 0), 8);
	wait_readable(w.n, sd);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf), VSK_MSG_PEEK), 8);
	ASSERT_MEM_EQ(buf, msg, 8);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, 4, VSK_MSG_PEEK), 4);
	/* WAITALL is ignored with PEEK: what is queued. */
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf),
			       VSK_MSG_PEEK | VSK_MSG_WAITALL),
		  8);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf), 0), 8);
	ASSERT_MEM_EQ(buf, msg, 8);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf),
			       VSK_MSG_PEEK | VSK_MSG_DONTWAIT),
		  -EAGAIN);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

TEST(msg_dontwait_and_nonblocking_sockets_return_eagain)
{
	struct nw w;
	char c = 'x';
	int sd = 0, nb = 0, lsd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, VSK_MSG_DONTWAIT), -EAGAIN);
	/* The blocking socket is unchanged: a byte sent comes back. */
	ASSERT_EQ(tzs_nwd_send(w.n, sd, &c, 1, VSK_MSG_DONTWAIT), 1);
	c = 0;
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, 0), 1);
	ASSERT_EQ(c, 'x');
	/* A non-blocking socket: recv and accept do not wait. */
	nb = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_TRUE(nb >= 0);
	ASSERT_EQ(tzs_nwd_connect(w.n, nb, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO),
		  -EINPROGRESS);
	ASSERT_EQ(tzs_nwd_recv(w.n, nb, &c, 1, 0), -EAGAIN);
	lsd = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, VSK_NONBLOCK);
	ASSERT_TRUE(lsd >= 0);
	ASSERT_EQ(tzs_nwd_bind(w.n, lsd, VSK_CID_ANY, 6000), 0);
	ASSERT_EQ(tzs_nwd_listen(w.n, lsd, 1), 0);
	ASSERT_EQ(tzs_nwd_accept(w.n, lsd, 0, NULL, NULL), -EAGAIN);
	ASSERT_EQ(tzs_nwd_close(w.n, lsd), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, nb), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

TEST(so_rcvtimeo_expiry_returns_eagain)
{
	struct vsk_timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	struct vsk_timeval got;
	uint32_t len = sizeof(got);
	struct nw w;
	char c = 'r';
	int sd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_setsockopt(w.n, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				     &tv, sizeof(tv)),
		  0);
	ASSERT_EQ(tzs_nwd_getsockopt(w.n, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				     &got, &len),
		  0);
	ASSERT_EQ(len, sizeof(got));
	ASSERT_EQ(got.tv_sec, 0);
	ASSERT_EQ(got.tv_usec, 100000);
	/* Nothing was sent: the blocking recv returns at the timeout. */
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, 0), -EAGAIN);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, VSK_MSG_WAITALL), -EAGAIN);
	/* Bad values are refused and change nothing. */
	tv.tv_usec = 1000000;
	ASSERT_EQ(tzs_nwd_setsockopt(w.n, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				     &tv, sizeof(tv)),
		  -EDOM);
	ASSERT_EQ(tzs_nwd_setsockopt(w.n, sd, VSK_SOL_SOCKET, VSK_SO_RCVTIMEO,
				     &tv, 8),
		  -EINVAL);
	/* The connection still works after the timeouts. */
	ASSERT_EQ(tzs_nwd_send(w.n, sd, &c, 1, 0), 1);
	c = 0;
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, 0), 1);
	ASSERT_EQ(c, 'r');
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/*
 * A 4 KiB receive buffer: the echo may have at most 4 KiB in flight to us.
 * Sending without reading stalls (credit exhausted on both sides) well
 * before 1 MiB; reading lets the whole MiB through intact.
 */
TEST(small_receive_buffer_exhausts_credit_and_recovers)
{
	static uint8_t out[1u << 20];
	uint64_t size = 4096, got_size = 0;
	uint32_t len = sizeof(got_size);
	struct vsk_pollfd p;
	struct nw_flow f;
	uint8_t *peek = malloc(65536);
	struct nw w;
	long rc = 0;

	ASSERT_TRUE(peek);
	nw_start(&w, NULL);
	memset(&f, 0, sizeof(f));
	f.sd = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(f.sd >= 0);
	ASSERT_EQ(tzs_nwd_setsockopt(w.n, f.sd, VSK_AF_VSOCK,
				     VSK_SO_VM_SOCKETS_BUFFER_SIZE, &size,
				     sizeof(size)),
		  0);
	ASSERT_EQ(
		tzs_nwd_connect(w.n, f.sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO),
		0);
	ASSERT_EQ(tzs_nwd_getsockopt(w.n, f.sd, VSK_SOL_VSOCK,
				     VSK_SO_VM_SOCKETS_BUFFER_SIZE, &got_size,
				     &len),
		  0);
	ASSERT_EQ(got_size, 4096);
	f.len = sizeof(out);
	f.seed = 42;
	f.rng = 42;
	f.chunk_max = 65536;
	nw_fill(out, sizeof(out), f.seed);
	/* Send without reading until the echo's credit runs out. */
	while (f.sent < f.len) {
		rc = tzs_nwd_send(w.n, f.sd, out + f.sent,
				  f.len - f.sent < 65536 ? f.len - f.sent :
							   65536,
				  VSK_MSG_DONTWAIT);
		if (rc == -EAGAIN) {
			break;
		}
		ASSERT_TRUE(rc > 0);
		f.sent += (uint32_t)rc;
	}
	ASSERT_EQ(rc, -EAGAIN);
	ASSERT_TRUE(f.sent < f.len);
	/* At most what the echo buffers (its receive buffer and its copy). */
	ASSERT_TRUE(f.sent <= VDEV_VSOCK_RX_LEN + VDEV_VSOCK_ECHO_BUF);
	p.sd = f.sd;
	p.events = VSK_POLLOUT;
	ASSERT_EQ(tzs_nwd_poll(w.n, &p, 1, 0), 0);
	/* The echo has more for us, but sent what our buffer takes. */
	wait_readable(w.n, f.sd);
	rc = tzs_nwd_recv(w.n, f.sd, peek, 65536, VSK_MSG_PEEK);
	ASSERT_EQ(rc, 4096);
	ASSERT_MEM_EQ(peek, out, (size_t)rc);
	/* Reading brings the credit back. */
	nw_flows_run(w.n, &f, 1);
	ASSERT_EQ(f.got, sizeof(out));
	ASSERT_EQ(tzs_nwd_close(w.n, f.sd), 0);
	free(peek);
	nw_stop(&w);
}

/* ---------------------------------------------------------------------- */
/* Connection ends and refusals                                            */

TEST(shut_wr_gets_the_echo_back_then_end_of_stream)
{
	char buf[8];
	struct nw w;
	int sd = 0;

	nw_start(&w, NULL);
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, "bye", 3, 0), 3);
	ASSERT_EQ(tzs_nwd_shutdown(w.n, sd, VSK_SHUT_WR), 0);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, "x", 1, 0), -EPIPE);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf), VSK_MSG_WAITALL), 3);
	ASSERT_MEM_EQ(buf, "bye", 3);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(tzs_nwd_shutdown(w.n, sd, 3), -EINVAL);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), -EBADF);
	nw_stop(&w);
}

TEST(connect_to_a_port_nobody_listens_on_is_reset)
{
	struct nw w;
	char c = 0;
	int sd = 0;

	nw_start(&w, NULL);
	sd = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(sd >= 0);
	ASSERT_EQ(tzs_nwd_connect(w.n, sd, VSOCK_CID_HOST, 4999), -ECONNRESET);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, &c, 1, 0), -ENOTCONN);
	/* The socket may connect again, to a port that listens. */
	ASSERT_EQ(tzs_nwd_connect(w.n, sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO),
		  0);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, "k", 1, 0), 1);
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, &c, 1, 0), 1);
	ASSERT_EQ(c, 'k');
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/* tzshare-sp serves no SEQPACKET port: the echo is STREAM only, and a
 * SEQPACKET connect to it is refused like an unbound port. */
TEST(seqpacket_connect_to_the_stream_echo_is_reset)
{
	struct nw w;
	int sd = 0;

	nw_start(&w, NULL);
	sd = tzs_nwd_socket(w.n, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_TRUE(sd >= 0);
	ASSERT_EQ(tzs_nwd_connect(w.n, sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO),
		  -ECONNRESET);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/*
 * The SP dies. A send on a connection that was up is only queued (1: the
 * ring had room), then the stack finds the device gone and resets every
 * connection: the error is reported once (ECONNRESET), then end of stream
 * and EPIPE; a new connect fails with ECONNRESET. Nothing hangs; closing
 * the stack gets every share back.
 */
TEST(calls_after_the_sp_was_killed_fail_without_hanging)
{
	struct vsk_pollfd p;
	struct nw w;
	char c = 0;
	int up = 0, sd = 0;

	nw_start(&w, NULL);
	up = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	nw_kill_sp(&w);
	ASSERT_EQ(tzs_nwd_send(w.n, up, &c, 1, 0), 1);
	p.sd = up;
	p.events = VSK_POLLIN | VSK_POLLOUT;
	ASSERT_EQ(tzs_nwd_poll(w.n, &p, 1, 0), 1);
	/* Reset: as the peer having shut both ways, with the error. */
	ASSERT_EQ(p.revents, VSK_POLLIN | VSK_POLLOUT | VSK_POLLERR);
	ASSERT_EQ(tzs_nwd_recv(w.n, up, &c, 1, 0), -ECONNRESET);
	ASSERT_EQ(tzs_nwd_recv(w.n, up, &c, 1, 0), 0);
	ASSERT_EQ(tzs_nwd_send(w.n, up, &c, 1, 0), -EPIPE);
	sd = tzs_nwd_socket(w.n, VSOCK_TYPE_STREAM, 0);
	ASSERT_TRUE(sd >= 0);
	ASSERT_EQ(tzs_nwd_connect(w.n, sd, VSOCK_CID_HOST, TZS_VSOCK_PORT_ECHO),
		  -ECONNRESET);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, up), 0);
	nw_stop(&w);
}

TEST(seqpacket_echo_keeps_message_boundaries_across_processes)
{
	static uint8_t msg[3][65536], back[70000];
	/* The echo takes messages up to VDEV_VSOCK_ECHO_BUF. */
	const uint32_t len[3] = { 1, VDEV_VSOCK_ECHO_BUF, 4097 };
	struct nw w;
	int sd = 0, flags = 0;
	uint32_t i = 0;
	struct iovec iov = { .iov_base = back, .iov_len = sizeof(back) };

	nw_start(&w, NULL);
	sd = tzs_nwd_socket(w.n, VSOCK_TYPE_SEQPACKET, 0);
	ASSERT_EQ(tzs_nwd_connect(w.n, sd, VSOCK_CID_HOST,
				  TZS_VSOCK_PORT_ECHO_SEQ),
		  0);
	for (i = 0; i < 3; i++) {
		nw_fill(msg[i], len[i], i + 1);
		ASSERT_EQ(tzs_nwd_send(w.n, sd, msg[i], len[i], 0), len[i]);
	}
	/* One message per recv, whatever the buffer could take more. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(tzs_nwd_recvmsg(w.n, sd, &iov, 1, 0, &flags), len[i]);
		ASSERT_TRUE(flags & VSK_MSG_EOR);
		ASSERT_FALSE(flags & VSK_MSG_TRUNC);
		ASSERT_MEM_EQ(back, msg[i], len[i]);
	}
	/* A short buffer: the rest of the message is dropped, TRUNC set. */
	ASSERT_EQ(tzs_nwd_send(w.n, sd, msg[1], 5000, 0), 5000);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, msg[2], 7, 0), 7);
	iov.iov_len = 100;
	ASSERT_EQ(tzs_nwd_recvmsg(w.n, sd, &iov, 1, 0, &flags), 100);
	ASSERT_TRUE(flags & VSK_MSG_TRUNC);
	ASSERT_MEM_EQ(back, msg[1], 100);
	ASSERT_EQ(tzs_nwd_recvmsg(w.n, sd, &iov, 1, 0, &flags), 7);
	ASSERT_FALSE(flags & VSK_MSG_TRUNC);
	ASSERT_MEM_EQ(back, msg[2], 7);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

TEST(transport_reset_fails_live_connections_once_and_new_ones_work)
{
	uint8_t buf[64] = { 1, 2, 3 }, back[64];
	struct nw w;
	int up = 0, sd = 0;

	nw_start(&w, NULL);
	up = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_send(w.n, up, buf, sizeof(buf), 0), sizeof(buf));
	ASSERT_EQ(tzs_nwd_recv(w.n, up, back, sizeof(back), VSK_MSG_WAITALL),
		  sizeof(back));
	/* The secure side loses its connections: TRANSPORT_RESET event. */
	ASSERT_EQ(vs_cmd(w.vm, TZS_VMSG_CMD_VSOCK_RESET, TZS_VSOCK_DEV_NUM, 0,
			 NULL),
		  FFA_OK);
	ASSERT_EQ(tzs_nwd_recv(w.n, up, back, 1, 0), -ECONNRESET);
	ASSERT_EQ(tzs_nwd_recv(w.n, up, back, 1, 0), 0);
	ASSERT_EQ(tzs_nwd_send(w.n, up, buf, 1, 0), -EPIPE);
	/* The transport itself is fine: a new connection echoes. */
	sd = nw_connect(w.n, TZS_VSOCK_PORT_ECHO);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, buf, sizeof(buf), 0), sizeof(buf));
	ASSERT_EQ(tzs_nwd_recv(w.n, sd, back, sizeof(back), VSK_MSG_WAITALL),
		  sizeof(back));
	ASSERT_MEM_EQ(back, buf, sizeof(buf));
	ASSERT_EQ(tzs_nwd_close(w.n, up), 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
}

/* ---------------------------------------------------------------------- */
/* Sink services: frames of le64 length + bytes, a 24-byte record each     */

static void sink_frame(uint32_t port, uint64_t len, bool checksum)
{
	uint8_t *frame = malloc(8 + len);
	struct nw_record r;
	struct nw w;
	int sd = 0;

	ASSERT_TRUE(frame);
	le64_put(frame, len);
	nw_fill(frame + 8, len, 3);
	nw_start(&w, NULL);
	sd = nw_connect(w.n, port);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, frame, 8 + len, 0), 8 + len);
	r = nw_record_recv(w.n, sd);
	ASSERT_EQ(r.offer_id, 0);
	ASSERT_EQ(r.size, len);
	ASSERT_EQ(r.fnv32, checksum ? nw_fnv(frame + 8, len) : 0);
	ASSERT_EQ(r.kind, VDEV_VSOCK_SINK_KIND);
	/* A second frame on the same connection. */
	le64_put(frame, 5);
	ASSERT_EQ(tzs_nwd_send(w.n, sd, frame, 8 + 5, 0), 8 + 5);
	r = nw_record_recv(w.n, sd);
	ASSERT_EQ(r.size, 5);
	ASSERT_EQ(r.fnv32, checksum ? nw_fnv(frame + 8, 5) : 0);
	ASSERT_EQ(tzs_nwd_close(w.n, sd), 0);
	nw_stop(&w);
	free(frame);
}

TEST(checksum_sink_takes_8_mib_and_answers_its_fnv)
{
	sink_frame(TZS_VSOCK_PORT_SINK_SUM, 8u << 20, true);
}

TEST(plain_sink_takes_1_mib_and_answers_its_length)
{
	sink_frame(TZS_VSOCK_PORT_SINK, 1u << 20, false);
}
