/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the normal-world vsock system tests: the default platform
 * (tzshare-spmc, tzshare-sp serving the virtio-msg bus and its vsock
 * device), the test process attached as VM 1 with its vsock stack
 * (<tzshare/nwd_vsock.h>) and heaps, and what the tests check with.
 *
 * The secure side's stderr goes to a temporary file: the shared-memory
 * services print a line per offer (tests look for it), and nw_stop() fails
 * the test with the file's text if a sanitizer reported anything there.
 */
#ifndef TZS_NWD_SYS_H
#define TZS_NWD_SYS_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include <tzshare/nwd_vsock.h>
#include <tzshare/vdev_vsock.h>
#include <tzshare/vsock_host.h>

#include "vmsg_sys.h"

#define NW_WAIT_MS 5000 /* a poll that must see something */
#define NW_IDLE_ROUNDS 20 /* polls in a row that may see nothing */

struct nw {
	struct tzs_launch l;
	struct tzs_ep *vm;
	struct tzs_nwd_vsock *n;
	struct tzs_heaps *h;
	FILE *said; /* the platform's stderr */
	uint32_t base_shares; /* live FF-A shares of the idle stack */
};

static inline void nw_start(struct nw *w, const struct tzs_nwd_vsock_opts *o)
{
	struct tzs_launch_opts lo;

	memset(w, 0, sizeof(*w));
	w->said = tmpfile();
	ASSERT_TRUE(w->said != NULL);
	/* Writers append whatever offset our reads left. */
	ASSERT_EQ(fcntl(fileno(w->said), F_SETFL, O_APPEND), 0);
	memset(&lo, 0, sizeof(lo));
	lo.stderr_fd = fileno(w->said);
	sys_start_opts(&w->l, &lo);
	w->vm = sys_attach(&w->l, SYS_VM1);
	ASSERT_EQ(tzs_nwd_vsock_open(w->vm, o, &w->n), 0);
	w->h = tzs_nwd_vsock_heaps(w->n);
	ASSERT_TRUE(w->h != NULL);
	ASSERT_EQ(tzs_nwd_vsock_cid(w->n), TZS_VSOCK_CID(SYS_VM1));
	w->base_shares = vs_live_shares(w->vm);
}

/* Everything the platform wrote to stderr so far (static buffer). */
static inline const char *nw_said(struct nw *w)
{
	static char text[65536];
	size_t got = 0;

	fflush(w->said);
	ASSERT_EQ(fseek(w->said, 0, SEEK_SET), 0);
	got = fread(text, 1, sizeof(text) - 1, w->said);
	text[got] = '\0';
	return text;
}

/* Close the stack and the platform; expect every share back and no
 * sanitizer report from the secure side. */
static inline void nw_stop(struct nw *w)
{
	const char *said = NULL;

	tzs_nwd_vsock_close(w->n);
	ASSERT_EQ(sys_wait_live_shares(tzs_ep_vcpu(w->vm, 0), 0), 0);
	sys_stop(&w->l, w->vm);
	said = nw_said(w);
	if (strstr(said, "Sanitizer") || strstr(said, "runtime error")) {
		test_fail(__FILE__, __LINE__, "the platform said:\n%s", said);
	}
	fclose(w->said);
}

/* A blocking STREAM socket connected to the secure side's @port. */
static inline int nw_connect(struct tzs_nwd_vsock *n, uint32_t port)
{
	int sd = tzs_nwd_socket(n, VSOCK_TYPE_STREAM, 0);

	ASSERT_TRUE(sd >= 0);
	ASSERT_EQ(tzs_nwd_connect(n, sd, VSOCK_CID_HOST, port), 0);
	return sd;
}

/* Pattern byte @i of flow @seed. */
static inline uint8_t nw_byte(uint32_t seed, uint64_t i)
{
	return (uint8_t)((((uint32_t)i + seed) * 2654435761u) >> 24 ^
			 (uint32_t)(i >> 12));
}

static inline void nw_fill(uint8_t *p, uint64_t len, uint32_t seed)
{
	uint64_t i = 0;

	for (i = 0; i < len; i++) {
		p[i] = nw_byte(seed, i);
	}
}

static inline uint32_t nw_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static inline uint32_t nw_fnv(const uint8_t *p, uint64_t len)
{
	return vdev_vsock_fnv32(VDEV_VSOCK_FNV32_INIT, p, (uint32_t)len);
}

/* The services' 24-byte record (<tzshare/vdev_vsock.h>). */
struct nw_record {
	uint64_t offer_id;
	uint64_t size;
	uint32_t fnv32;
	uint32_t kind;
};

static inline struct nw_record nw_record_recv(struct tzs_nwd_vsock *n, int sd)
{
	uint8_t b[VDEV_VSOCK_SHM_RECORD];
	struct nw_record r;

	ASSERT_EQ(tzs_nwd_recv(n, sd, b, sizeof(b), VSK_MSG_WAITALL),
		  sizeof(b));
	r.offer_id = le64_get(b);
	r.size = le64_get(b + 8);
	r.fnv32 = le32_get(b + 16);
	r.kind = le32_get(b + 20);
	return r;
}

/*
 * One echo flow on a non-blocking socket: @len bytes of pattern @seed go
 * out in random chunks of up to @chunk_max bytes and must come back
 * intact.
 */
struct nw_flow {
	int sd;
	uint32_t len, sent, got;
	uint32_t seed, rng;
	uint32_t chunk_max;
};

static inline void nw_flow_send(struct tzs_nwd_vsock *n, struct nw_flow *f,
				uint8_t *buf)
{
	uint32_t chunk = nw_rand(&f->rng) % f->chunk_max + 1;
	uint32_t i = 0;
	long rc = 0;

	if (chunk > f->len - f->sent) {
		chunk = f->len - f->sent;
	}
	for (i = 0; i < chunk; i++) {
		buf[i] = nw_byte(f->seed, f->sent + i);
	}
	rc = tzs_nwd_send(n, f->sd, buf, chunk, VSK_MSG_DONTWAIT);
	ASSERT_TRUE(rc > 0 || rc == -EAGAIN);
	f->sent += rc > 0 ? (uint32_t)rc : 0;
}

static inline void nw_flow_recv(struct tzs_nwd_vsock *n, struct nw_flow *f,
				uint8_t *buf, uint32_t room)
{
	long rc = 0, i = 0;

	while ((rc = tzs_nwd_recv(n, f->sd, buf, room, VSK_MSG_DONTWAIT)) > 0) {
		for (i = 0; i < rc; i++) {
			if (buf[i] != nw_byte(f->seed, f->got + (uint32_t)i)) {
				test_fail(__FILE__, __LINE__,
					  "flow %d: byte %u differs", f->sd,
					  f->got + (uint32_t)i);
			}
		}
		f->got += (uint32_t)rc;
		ASSERT_TRUE(f->got <= f->sent);
	}
	ASSERT_EQ(rc, -EAGAIN);
}

/* Drive @count flows with tzs_nwd_poll() until every byte came back. */
static inline void nw_flows_run(struct tzs_nwd_vsock *n, struct nw_flow *f,
				uint32_t count)
{
	struct vsk_pollfd *p = calloc(count, sizeof(*p));
	uint8_t *buf = malloc(TZS_VSOCK_PAYLOAD_MAX);
	uint32_t i = 0, done = 0;
	unsigned int idle = 0;
	int ready = 0;

	ASSERT_TRUE(p && buf);
	while (done < count) {
		for (i = 0; i < count; i++) {
			p[i].sd = f[i].got < f[i].len ? f[i].sd : -1;
			p[i].events =
				(int16_t)(VSK_POLLIN |
					  (f[i].sent < f[i].len ? VSK_POLLOUT :
								  0));
			p[i].revents = 0;
		}
		ready = tzs_nwd_poll(n, p, count, 1000);
		ASSERT_TRUE(ready >= 0);
		idle = ready ? 0 : idle + 1;
		ASSERT_TRUE(idle < NW_IDLE_ROUNDS);
		done = 0;
		for (i = 0; i < count; i++) {
			ASSERT_EQ(p[i].revents & (VSK_POLLERR | VSK_POLLHUP |
						  VSK_POLLNVAL),
				  0);
			if (p[i].revents & VSK_POLLOUT) {
				nw_flow_send(n, &f[i], buf);
			}
			if (p[i].revents & VSK_POLLIN) {
				nw_flow_recv(n, &f[i], buf,
					     TZS_VSOCK_PAYLOAD_MAX);
			}
			done += f[i].got == f[i].len;
		}
	}
	free(buf);
	free(p);
}

/* Does reading @va in a child process fault? */
static inline bool nw_faults(const volatile uint8_t *va)
{
	int status = sys_touch_in_child((volatile uint8_t *)va, false);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		return false;
	}
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGSEGV);
	return true;
}

/* Process ID of the SP serving the bus (control command GETPID). */
static inline pid_t nw_sp_pid(struct nw *w)
{
	uint64_t r[5];

	ASSERT_EQ(vs_cmd(w->vm, TZS_VMSG_CMD_GETPID, 0, 0, r), FFA_OK);
	ASSERT_TRUE(r[1] > 1);
	return (pid_t)r[1];
}

/* SIGKILL the SP and wait until the SPMC noticed. */
static inline void nw_kill_sp(struct nw *w)
{
	struct tzs_host_stats st;
	pid_t pid = nw_sp_pid(w);

	ASSERT_EQ(tzs_vcpu_stats(tzs_ep_vcpu(w->vm, 0), &st), 0);
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	ASSERT_EQ(sys_wait_partitions_alive(tzs_ep_vcpu(w->vm, 0),
					    st.partitions_alive - 1),
		  st.partitions_alive - 1);
}

#endif /* TZS_NWD_SYS_H */
