/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System-test helpers: every test starts its own platform (tzshare-spmc
 * and its SPs as processes), attaches the test process as a VM, and stops
 * the platform at the end, asserting that the SPMC exited cleanly (under
 * ASan a memory error or leak in the SPMC fails the test here).
 */
#ifndef TZS_SYS_H
#define TZS_SYS_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tzshare/conduit.h>
#include <tzshare/lib.h>
#include <tzshare/nwd.h>
#include <tzshare/platform.h>
#include <tzshare/sp.h>

#include "services/test_sp.h"
#include "test.h"

#define SYS_VM1 0x0001
#define SYS_VM2 0x0002
#define SYS_SP1 0x8001
#define SYS_SP2 0x8002
#define SYS_VM1_BASE 0x80000000ull
#define SYS_VM2_BASE 0xA0000000ull

/* VM 1 (2 vCPUs, 512 MiB), VM 2 (1 vCPU, 16 MiB), two test SPs. */
#define SYS_PLATFORM                                                   \
	"spmc max_mem_shares=16384\n"                                  \
	"vm 1 vcpus=2 mem=0x80000000:512M\n"                           \
	"vm 2 vcpus=1 mem=0xA0000000:16M\n"                            \
	"sp 0x8001 vcpus=2 mem=0x10000000:16M program=tzshare-test-sp" \
	" uuid=" TSP_UUID_STR "\n"                                     \
	"sp 0x8002 vcpus=1 mem=0x11000000:16M program=tzshare-test-sp" \
	" uuid=" TSP_UUID_STR "\n"

/* Wait status of a clean exit. */
#define SYS_EXIT_OK 0

static inline void sys_start_opts(struct tzs_launch *l,
				  const struct tzs_launch_opts *o)
{
	int rc = tzs_launch_start(o, l);

	if (rc == -ENOENT) {
		test_skip("tzshare-spmc not built");
	}
	ASSERT_EQ(rc, 0);
}

static inline void sys_start(struct tzs_launch *l, const char *text)
{
	struct tzs_launch_opts o;

	memset(&o, 0, sizeof(o));
	o.platform_text = text;
	sys_start_opts(l, &o);
}

static inline struct tzs_ep *sys_attach(struct tzs_launch *l, uint16_t id)
{
	struct tzs_ep *ep = NULL;
	int fd = tzs_launch_take_vm(l, id);

	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(tzs_vm_attach(fd, NULL, &ep), 0);
	ASSERT_EQ(tzs_ep_id(ep), id);
	return ep;
}

/* vCPU 0 of @vm; fails the test when it has none. */
static inline struct tzs_vcpu *sys_vcpu0(struct tzs_ep *vm)
{
	struct tzs_vcpu *v = tzs_ep_vcpu(vm, 0);

	ASSERT_TRUE(v != NULL);
	return v;
}

/* Detach the VM (NULL: none left) and expect tzshare-spmc to exit 0. */
static inline void sys_stop(struct tzs_launch *l, struct tzs_ep *vm)
{
	int status = 0;

	tzs_ep_detach(vm);
	status = tzs_launch_stop(l, 10000);
	ASSERT_TRUE(status >= 0);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* One test-SP command; returns the response x3 (FF-A status) and fills
 * @ret[0..4] = x3..x7. Fails the test if the request itself fails. */
static inline int sys_cmd(struct tzs_vcpu *v, uint16_t sp, uint32_t cmd,
			  uint64_t a, uint64_t b, uint64_t c, uint64_t ret[5])
{
	uint64_t args[5] = { cmd, a, b, c, 0 };
	uint64_t tmp[5];

	ASSERT_EQ(tzs_vcpu_direct_req(v, sp, args, ret ? ret : tmp), FFA_OK);
	return (int32_t)(uint32_t)(ret ? ret[0] : tmp[0]);
}

/* Test SP retrieve: x6 = owner | kind << 16 | rf << 24. */
static inline int sys_retrieve(struct tzs_vcpu *v, uint16_t sp, uint64_t handle,
			       uint64_t tag, uint16_t owner,
			       enum ffa_mem_kind kind, uint32_t rf)
{
	return sys_cmd(v, sp, TSP_CMD_RETRIEVE, handle, tag,
		       (uint64_t)owner | (uint64_t)kind << 16 |
			       (uint64_t)rf << 24,
		       NULL);
}

static inline void sys_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/*
 * Poll STATS until live_shares == @want (the SPMC notices a death
 * asynchronously). Bounded: gives up after ~5 s and returns the last value.
 */
static inline uint32_t sys_wait_live_shares(struct tzs_vcpu *v, uint32_t want)
{
	struct tzs_host_stats st;
	unsigned int i = 0;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(tzs_vcpu_stats(v, &st), 0);
		if (st.live_shares == want) {
			break;
		}
		sys_sleep_ms(5);
	}
	return st.live_shares;
}

/* Poll STATS until partitions_alive == @want (a death is noticed
 * asynchronously); bounded like sys_wait_live_shares(). */
static inline uint32_t sys_wait_partitions_alive(struct tzs_vcpu *v,
						 uint32_t want)
{
	struct tzs_host_stats st;
	unsigned int i = 0;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(tzs_vcpu_stats(v, &st), 0);
		if (st.partitions_alive == want) {
			break;
		}
		sys_sleep_ms(5);
	}
	return st.partitions_alive;
}

/* Fill @pages pages at @va with the test pattern (as the test SP does). */
static inline void sys_fill(uint8_t *va, uint64_t pages, uint64_t seed)
{
	uint64_t p = 0, off = 0;

	for (p = 0; p < pages; p++) {
		for (off = 0; off < 4096; off += 8) {
			uint64_t w = tsp_word(seed, p, off);

			memcpy(va + p * 4096 + off, &w, 8);
		}
	}
}

/* True when the page at @va holds pattern page @p of @seed. */
static inline bool sys_page_ok(const uint8_t *va, uint64_t p, uint64_t seed)
{
	uint64_t off = 0;

	for (off = 0; off < 4096; off += 8) {
		uint64_t w = tsp_word(seed, p, off);

		if (memcmp(va + off, &w, 8)) {
			return false;
		}
	}
	return true;
}

/*
 * Fork a child that touches @va; returns its wait status. The child
 * restores the default SIGSEGV action first (sanitizers install their own
 * handler, which would turn the fault into an exit code).
 */
static inline int sys_touch_in_child(volatile uint8_t *va, bool write)
{
	struct sigaction sa;
	int status = 0;
	pid_t pid = fork();

	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		if (write) {
			*va = 0x5a;
		} else {
			(void)*va;
		}
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

#endif /* TZS_SYS_H */
