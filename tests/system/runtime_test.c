// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: the partition runtime when the world around it races or
 * misbehaves (hosted.md §5-6).
 *
 * VM 2 attaches through a proxy: a thread between its runtime and the SPMC
 * that relays every record (and passed descriptor) of the control socket
 * and of each vCPU connection, and can act before a chosen record is
 * forwarded or answer it itself. That makes the one-call-wide windows of
 * the runtime deterministic: the proxy sees the runtime's next CALL only
 * after the previous RESULT, so whatever it does first happens exactly
 * between the two calls.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>

#include "sys.h"

#define TAG 0x7e57u
#define PX_MAX 8

struct proxy;
/* Called for each record the runtime sends on a vCPU connection; true
 * when the hook answered it (it is then not forwarded). */
typedef bool (*px_hook)(struct proxy *px, int app, uint32_t type,
			const uint8_t *b, int len);

struct px_pair {
	int app; /* the SPMC end the runtime handed over */
	int spmc; /* our new connection to the real SPMC */
};

struct proxy {
	int app_ctl; /* the runtime's control socket */
	int my_ctl; /* our end of it */
	int spmc_ctl; /* the real control socket */
	int stop[2];
	unsigned int n;
	struct px_pair pairs[PX_MAX];
	px_hook hook;
	void *arg;
	pthread_t thread;
};

static void px_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Relay one record from @from to @to; false when @from is gone. */
static bool px_relay(int from, int to)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int fd = -1, len = tzc_recv(from, &type, b, sizeof(b), &fd, -1);

	if (len < 0) {
		return false;
	}
	(void)tzc_send(to, type, b, (size_t)len, fd);
	px_close(&fd);
	return true;
}

/* An ATTACH from the runtime: hand the SPMC our own connection instead. */
static void px_attach(struct proxy *px)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int sv[2], fd = -1;
	int len = tzc_recv(px->my_ctl, &type, b, sizeof(b), &fd, -1);

	if (len < 0) {
		px_close(&px->spmc_ctl); /* the VM went away */
		px_close(&px->my_ctl);
		return;
	}
	if (type != TZC_MSG_ATTACH || fd < 0 || px->n == PX_MAX ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		(void)tzc_send(px->spmc_ctl, type, b, (size_t)len, fd);
		px_close(&fd);
		return;
	}
	(void)tzc_send(px->spmc_ctl, type, b, (size_t)len, sv[1]);
	close(sv[1]);
	px->pairs[px->n].app = fd;
	px->pairs[px->n].spmc = sv[0];
	px->n++;
}

static void px_from_app(struct proxy *px, struct px_pair *p)
{
	uint8_t b[TZC_MSG_MAX];
	uint32_t type = 0;
	int fd = -1, len = tzc_recv(p->app, &type, b, sizeof(b), &fd, -1);

	if (len < 0) {
		px_close(&p->app);
		px_close(&p->spmc);
		return;
	}
	if (!px->hook || !px->hook(px, p->app, type, b, len)) {
		(void)tzc_send(p->spmc, type, b, (size_t)len, fd);
	}
	px_close(&fd);
}

static void *px_main(void *arg)
{
	struct proxy *px = arg;
	struct pollfd pf[3 + 2 * PX_MAX];
	unsigned int i = 0, n = 0;

	for (;;) {
		pf[0] = (struct pollfd){ .fd = px->stop[0], .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = px->my_ctl, .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = px->spmc_ctl, .events = POLLIN };
		n = px->n;
		for (i = 0; i < n; i++) {
			pf[3 + 2 * i] = (struct pollfd){ .fd = px->pairs[i].app,
							 .events = POLLIN };
			pf[4 + 2 * i] =
				(struct pollfd){ .fd = px->pairs[i].spmc,
						 .events = POLLIN };
		}
		if (poll(pf, 3 + 2 * n, -1) < 0 && errno != EINTR) {
			break;
		}
		if (pf[0].revents) {
			break;
		}
		if (pf[1].revents) {
			px_attach(px);
		}
		if (pf[2].revents && !px_relay(px->spmc_ctl, px->my_ctl)) {
			px_close(&px->spmc_ctl);
			px_close(&px->my_ctl);
		}
		for (i = 0; i < n; i++) {
			struct px_pair *p = &px->pairs[i];

			if (pf[3 + 2 * i].revents && p->app >= 0) {
				px_from_app(px, p);
			}
			if (pf[4 + 2 * i].revents && p->spmc >= 0 &&
			    !px_relay(p->spmc, p->app)) {
				px_close(&p->app);
				px_close(&p->spmc);
			}
		}
	}
	return NULL;
}

/* Interpose on control socket @ctl; the runtime gets px->app_ctl. */
static void px_start(struct proxy *px, int ctl, px_hook hook, void *arg)
{
	int sv[2];

	memset(px, 0, sizeof(*px));
	ASSERT_TRUE(ctl >= 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ASSERT_EQ(pipe(px->stop), 0);
	px->app_ctl = sv[0];
	px->my_ctl = sv[1];
	px->spmc_ctl = ctl;
	px->hook = hook;
	px->arg = arg;
	ASSERT_EQ(pthread_create(&px->thread, NULL, px_main, px), 0);
}

/* After the runtime detached: stop relaying and close everything. */
static void px_stop(struct proxy *px)
{
	unsigned int i = 0;

	ASSERT_EQ(write(px->stop[1], "x", 1), 1);
	ASSERT_EQ(pthread_join(px->thread, NULL), 0);
	for (i = 0; i < px->n; i++) {
		px_close(&px->pairs[i].app);
		px_close(&px->pairs[i].spmc);
	}
	px_close(&px->my_ctl);
	px_close(&px->spmc_ctl);
	px_close(&px->stop[0]);
	px_close(&px->stop[1]);
}

static bool is_call_of(uint32_t type, const uint8_t *b, int len, uint32_t fid)
{
	return type == TZC_MSG_CALL && len == TZC_FRAME_SIZE &&
	       (uint32_t)le64_get(b) == fid;
}

/* ---------------------------------------------------------------------- */

struct gap {
	struct tzs_vcpu *vm1; /* VM 1's vCPU 1, used only by the proxy */
	uint64_t word;
	bool fired;
	int send2_status;
};

/* Before the runtime's first FFA_MEM_FRAG_RX: SP 1 sends VM 2 an indirect
 * message, which lands in the RX VM 2 has just released. */
static bool send2_before_frag_rx(struct proxy *px, int app, uint32_t type,
				 const uint8_t *b, int len)
{
	struct gap *g = px->arg;
	uint64_t args[5] = { TSP_CMD_SEND2, SYS_VM2, g->word, 0, 0 }, ret[5];

	(void)app;
	if (g->fired || !is_call_of(type, b, len, FFA_MEM_FRAG_RX)) {
		return false;
	}
	g->fired = true;
	g->send2_status = tzs_vcpu_direct_req(g->vm1, SYS_SP1, args, ret);
	if (g->send2_status == FFA_OK) {
		g->send2_status = (int32_t)(uint32_t)ret[0];
	}
	return false;
}

static uint64_t share_scattered(struct tzs_ep *vm1, struct tzs_range *ranges,
				uint32_t n)
{
	struct tzs_mem_receiver rcv[2] = {
		{ .id = SYS_SP1, .perms = FFA_PERM_DATA_RW },
		{ .id = SYS_VM2, .perms = FFA_PERM_DATA_RW },
	};
	uint64_t base = SYS_VM1_BASE + 0x1000000, handle = 0;
	struct tzs_mem_send_args a;
	uint32_t i = 0;

	for (i = 0; i < n; i++) {
		ranges[i].pa = base + (uint64_t)i * 2 * 4096;
		ranges[i].page_count = 1;
		sys_fill(tzs_ep_pa(vm1, ranges[i].pa, 4096), 1, 100 + i);
	}
	memset(&a, 0, sizeof(a));
	a.kind = FFA_MEM_KIND_SHARE;
	a.receiver_count = 2;
	a.receivers = rcv;
	a.range_count = n;
	a.ranges = ranges;
	a.tag = TAG;
	ASSERT_EQ(tzs_ep_mem_send(sys_vcpu0(vm1), &a, &handle), FFA_OK);
	return handle;
}

/*
 * ep_mem.c: FFA_MEM_FRAG_RX answers BUSY when a message lands in RX
 * between the runtime's RX_RELEASE and its FRAG_RX. Giving up would leave
 * the retrieval half done (nothing but VM 2's death undoes that, and VM 1
 * could never reclaim). The runtime moves the message to the stash,
 * releases RX, asks again and completes the retrieval.
 */
TEST(message_landing_before_frag_rx_does_not_break_the_retrieval)
{
	const uint32_t n = 600;
	struct tzs_range ranges[600];
	struct tzs_mem_retrieve_args a;
	struct ffa_msg_send2_hdr hdr;
	struct tzs_mem_map *m = NULL;
	struct gap g = { .word = 0x5e4d3c2b1a090807ull };
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;
	struct proxy px;
	uint8_t msg[4096];
	uint64_t handle = 0;
	uint32_t i = 0;

	sys_start(&l, SYS_PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	g.vm1 = tzs_ep_vcpu(vm1, 1);
	ASSERT_TRUE(g.vm1 != NULL);
	px_start(&px, tzs_launch_take_vm(&l, SYS_VM2), send2_before_frag_rx,
		 &g);
	ASSERT_EQ(tzs_vm_attach(px.app_ctl, NULL, &vm2), 0);
	/* The precondition: the retrieve response is fragmented. */
	ASSERT_TRUE(n * FFA_CONSTITUENT_SIZE > 2 * tzs_ep_mailbox_size(vm2));
	ASSERT_TRUE(tzs_ep_mailbox_size(vm2) <= sizeof(msg));
	handle = share_scattered(vm1, ranges, n);
	memset(&a, 0, sizeof(a));
	a.handle = handle;
	a.owner = SYS_VM1;
	a.tag = TAG;
	a.kind = FFA_MEM_KIND_SHARE;
	a.flags = FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	ASSERT_EQ(tzs_ep_mem_retrieve(sys_vcpu0(vm2), &a, &m), FFA_OK);
	ASSERT_TRUE(g.fired);
	ASSERT_EQ(g.send2_status, FFA_OK);
	ASSERT_EQ(m->page_count, n);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(
			sys_page_ok(m->va + (uint64_t)i * 4096, 0, 100 + i));
	}
	/* The message is not lost: it waits in the stash. */
	tzs_ep_mailbox_lock(vm2);
	ASSERT_EQ(tzs_ep_rx_stash_take(vm2, msg, sizeof(msg)),
		  tzs_ep_mailbox_size(vm2));
	ASSERT_EQ(tzs_ep_rx_stash_take(vm2, msg, sizeof(msg)), 0);
	tzs_ep_mailbox_unlock(vm2);
	ASSERT_EQ(ffa_msg_send2_hdr_decode(msg, sizeof(msg), &hdr), FFA_OK);
	ASSERT_EQ(hdr.sender, SYS_SP1);
	ASSERT_EQ(hdr.receiver, SYS_VM2);
	ASSERT_EQ(hdr.payload_size, 8);
	ASSERT_EQ(le64_get(msg + hdr.payload_offset), g.word);
	/* Nothing half done: VM 2 gives it back, VM 1 reclaims. */
	ASSERT_EQ(tzs_ep_mem_relinquish(sys_vcpu0(vm2), m, 0), FFA_OK);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm1), handle, 0), FFA_OK);
	tzs_ep_detach(vm2);
	px_stop(&px);
	sys_stop(&l, vm1);
}

/*
 * sp.c: RX belongs to the partition, not to a context. SP 1's context 0
 * fills RX (PARTITION_INFO_GET) and keeps the mailbox lock, as in the
 * middle of a multi-call RX sequence; FFA_RUN makes context 1 go through
 * the runtime's FFA_MSG_WAIT. That MSG_WAIT retains RX, so context 0's
 * RX_RELEASE still finds RX its own.
 */
TEST(msg_wait_of_another_context_does_not_release_rx_in_use)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	struct ffa_regs r;

	sys_start(&l, SYS_PLATFORM);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(
		sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_RX_HOLD, 0, 0, 0, NULL),
		FFA_OK);
	ASSERT_TRUE(tzs_ep_vcpu(vm, 1) != NULL);
	r = tzs_vcpu_call8(tzs_ep_vcpu(vm, 1), FFA_RUN,
			   (uint32_t)SYS_SP1 << 16 | 1, 0, 0, 0, 0, 0, 0);
	ASSERT_EQ((uint32_t)r.x[0], FFA_MSG_WAIT);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_RX_RELEASE, 0, 0, 0,
			  NULL),
		  FFA_OK);
	sys_stop(&l, vm);
}

/* ---------------------------------------------------------------------- */

struct err_fd {
	int wfd; /* write end of a pipe the test reads */
};

/* Answer MEM_FD with ERROR and a descriptor riding on it. */
static bool error_with_fd(struct proxy *px, int app, uint32_t type,
			  const uint8_t *b, int len)
{
	struct err_fd *e = px->arg;
	uint8_t resp[TZC_ERROR_SIZE];

	(void)b;
	(void)len;
	if (type != TZC_MSG_MEM_FD || e->wfd < 0) {
		return false;
	}
	le32_put(resp, (uint32_t)FFA_NOT_SUPPORTED);
	le32_put(resp + 4, type);
	(void)tzc_send(app, TZC_MSG_ERROR, resp, sizeof(resp), e->wfd);
	px_close(&e->wfd);
	return true;
}

/* ep.c: an ERROR answer is a failure; a descriptor passed with it is
 * closed, not leaked. The pipe reads EOF only once no one holds its
 * write end. */
TEST(error_answer_carrying_a_descriptor_does_not_leak_it)
{
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL, *vm2 = NULL;
	struct tzs_mem_fd mfd;
	struct err_fd e;
	struct pollfd pfd;
	struct proxy px;
	int p[2];
	char c = 0;

	sys_start(&l, SYS_PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
	e.wfd = p[1];
	px_start(&px, tzs_launch_take_vm(&l, SYS_VM2), error_with_fd, &e);
	ASSERT_EQ(tzs_vm_attach(px.app_ctl, NULL, &vm2), 0);
	ASSERT_EQ(tzs_vcpu_mem_fd(sys_vcpu0(vm2), SYS_VM2_BASE, 4096, &mfd),
		  FFA_ABORTED);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ASSERT_EQ(poll(&pfd, 1, 5000), 1);
	ASSERT_EQ(read(p[0], &c, 1), 0);
	close(p[0]);
	tzs_ep_detach(vm2);
	px_stop(&px);
	sys_stop(&l, vm1);
}
