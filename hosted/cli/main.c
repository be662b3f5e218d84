// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare: the command-line front end.
 *
 *   tzshare demo   start the SPMC, the default secure partition and a VM;
 *                  discover the SP, exchange a direct message, share a
 *                  buffer holding "Hello World!" (the SP prints it), lend
 *                  one (the VM cannot read it while lent), reclaim both;
 *                  end with a one-line verdict.
 *   tzshare info   list the partitions the SPMC reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tzshare/conduit.h>
#include <tzshare/nwd.h>
#include <tzshare/platform.h>
#include <tzshare/sp.h>

#define DEMO_SP 0x8001
#define HELLO "Hello World!"

struct demo {
	struct tzs_launch launch;
	struct tzs_ep *vm;
	struct tzs_vcpu *v;
	unsigned int steps;
	unsigned int passed;
	uint64_t t0;
	int sp_out; /* read end of the SPMC's and SPs' stderr */
	char said[1024];
};

/*
 * Collect what the secure side printed (it writes before it answers) into
 * d->said; true when it contains the SP's "Hello World!" line.
 */
static bool collect_secure_output(struct demo *d, int wait_ms)
{
	struct pollfd pfd = { .fd = d->sp_out, .events = POLLIN };
	size_t used = 0;
	ssize_t n = 0;

	d->said[0] = '\0';
	while (used < sizeof(d->said) - 1 && poll(&pfd, 1, wait_ms) > 0) {
		n = read(d->sp_out, d->said + used, sizeof(d->said) - 1 - used);
		if (n <= 0) {
			break;
		}
		used += (size_t)n;
		d->said[used] = '\0';
		wait_ms = 0;
	}
	return strstr(d->said, "] " HELLO) != NULL;
}

static void print_secure_output(struct demo *d)
{
	char *line = NULL, *save = NULL;

	for (line = strtok_r(d->said, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		printf("         secure side says: %s\n", line);
	}
	d->said[0] = '\0';
	fflush(stdout);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void step(struct demo *d, bool ok, uint64_t t_start, const char *what)
{
	d->steps++;
	d->passed += ok;
	printf("  [%s] %-58s %7.2f ms\n", ok ? " ok " : "FAIL", what,
	       (double)(now_us() - t_start) / 1000.0);
	fflush(stdout);
}

static int demo_start(struct demo *d)
{
	struct tzs_launch_opts lo = { 0 };
	uint64_t t = now_us();
	int pfd[2] = { -1, -1 };
	int rc = 0;

	if (pipe2(pfd, O_CLOEXEC)) {
		return -errno;
	}
	lo.stderr_fd = pfd[1];
	rc = tzs_launch_start(&lo, &d->launch);
	close(pfd[1]);
	d->sp_out = pfd[0];
	if (rc) {
		fprintf(stderr, "tzshare: cannot start tzshare-spmc: %s\n",
			strerror(-rc));
		return rc;
	}
	rc = tzs_vm_attach(tzs_launch_take_vm(&d->launch, 1), NULL, &d->vm);
	if (rc) {
		fprintf(stderr, "tzshare: VM attach failed: %d\n", rc);
		tzs_launch_stop(&d->launch, 2000);
		return rc;
	}
	d->v = tzs_ep_vcpu(d->vm, 0);
	step(d, true, t, "SPMC, SP 0x8001 (tzshare-sp) and VM 1 up");
	return 0;
}

static void demo_discover(struct demo *d)
{
	struct ffa_partition_info info[4];
	uint32_t count = 0;
	uint64_t t = now_us();
	int rc = tzs_vcpu_partition_info(d->v, TZS_UUID_ECHO, info, 4, &count);
	char what[96];

	snprintf(what, sizeof(what),
		 "PARTITION_INFO_GET(echo UUID): %u SP, id 0x%04x, %u ctx",
		 count, count ? info[0].id : 0, count ? info[0].exec_count : 0);
	step(d, rc == FFA_OK && count == 1 && info[0].id == DEMO_SP, t, what);
}

static void demo_direct(struct demo *d)
{
	uint64_t args[14] = { 0 }, ret[14] = { 0 };
	const char msg[] = "ping from VM 1";
	char back[sizeof(args)] = { 0 };
	uint64_t t = now_us();
	char what[96];
	int rc = 0;

	memcpy(args, msg, sizeof(msg));
	rc = tzs_vcpu_direct_req2(d->v, DEMO_SP, TZS_UUID_ECHO, args, ret);
	memcpy(back, ret, sizeof(back) - 1);
	snprintf(what, sizeof(what), "DIRECT_REQ2 \"%s\" -> echo \"%.20s\"",
		 msg, rc == FFA_OK ? back : "?");
	step(d, rc == FFA_OK && !memcmp(args, ret, sizeof(args)), t, what);
}

/* Ask the SP to retrieve, print and relinquish @handle. */
static int sp_read(struct demo *d, uint64_t handle, enum ffa_mem_kind kind,
		   uint64_t *printed)
{
	uint64_t args[5] = { TZS_SP_CMD_MEM_READ, handle, 0,
			     (uint64_t)tzs_ep_id(d->vm) | (uint64_t)kind << 16,
			     sizeof(HELLO) - 1 };
	uint64_t ret[5] = { 0 };
	int rc = tzs_vcpu_direct_req(d->v, DEMO_SP, args, ret);

	if (rc != FFA_OK) {
		return rc;
	}
	*printed = ret[1];
	return (int32_t)(uint32_t)ret[0];
}

/* Does touching @p in a child process fault? (It must while lent.) */
static bool child_faults(const volatile uint8_t *p)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		volatile uint8_t x = 0;

		/* A plain fault, even under a sanitizer's SIGSEGV handler. */
		signal(SIGSEGV, SIG_DFL);
		x = *p;
		(void)x;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		return false;
	}
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void demo_share(struct demo *d, enum ffa_mem_kind kind, uint64_t page)
{
	uint64_t pa = tzs_ep_mem_base(d->vm) + page * 4096;
	uint8_t *va = tzs_ep_pa(d->vm, pa, 4096);
	uint16_t sp = DEMO_SP;
	uint64_t handle = 0, printed = 0, t = now_us();
	bool lend = kind == FFA_MEM_KIND_LEND, ok = true, faulted = false;
	char what[96];
	int rc = 0;

	memset(va, 0, 4096);
	memcpy(va, HELLO, sizeof(HELLO));
	rc = lend ? tzs_vm_mem_lend(d->v, &sp, 1, FFA_PERM_DATA_RW, pa, 1, 0, 0,
				    &handle) :
		    tzs_vm_mem_share(d->v, &sp, 1, FFA_PERM_DATA_RW, pa, 1, 0,
				     &handle);
	snprintf(what, sizeof(what), "FFA_MEM_%s 1 page \"%s\", handle %#llx",
		 lend ? "LEND" : "SHARE", HELLO, (unsigned long long)handle);
	step(d, rc == FFA_OK, t, what);
	if (rc != FFA_OK) {
		return;
	}
	if (lend) {
		t = now_us();
		faulted = child_faults(va);
		step(d, faulted, t,
		     "VM reads the lent page: SIGSEGV (no access)");
	}
	t = now_us();
	rc = sp_read(d, handle, kind, &printed);
	snprintf(what, sizeof(what),
		 "SP retrieves, prints %llu bytes, relinquishes",
		 (unsigned long long)printed);
	ok = rc == FFA_OK && printed == sizeof(HELLO) - 1;
	ok = collect_secure_output(d, 1000) && ok;
	step(d, ok, t, what);
	print_secure_output(d);
	t = now_us();
	rc = tzs_ep_mem_reclaim(d->v, handle, 0);
	ok = rc == FFA_OK && !memcmp(va, HELLO, sizeof(HELLO));
	if (lend) {
		ok = ok && !child_faults(va);
	}
	step(d, ok, t,
	     lend ? "FFA_MEM_RECLAIM: the VM reads its page again" :
		    "FFA_MEM_RECLAIM: the buffer is the VM's again");
}

static int cmd_demo(void)
{
	struct demo d;
	int status = 0;

	memset(&d, 0, sizeof(d));
	d.t0 = now_us();
	printf("tzshare demo: a VM and a secure partition over FF-A "
	       "(each a process)\n");
	if (demo_start(&d)) {
		printf("demo: FAIL (could not start)\n");
		return 1;
	}
	demo_discover(&d);
	demo_direct(&d);
	demo_share(&d, FFA_MEM_KIND_SHARE, 16);
	demo_share(&d, FFA_MEM_KIND_LEND, 17);
	tzs_ep_detach(d.vm);
	status = tzs_launch_stop(&d.launch, 5000);
	collect_secure_output(&d, 0);
	print_secure_output(&d);
	close(d.sp_out);
	if (status != 0) {
		d.steps++;
		printf("  [FAIL] tzshare-spmc exit status %d\n", status);
	}
	printf("demo: %s (%u/%u steps, %.1f ms)\n",
	       d.passed == d.steps ? "PASS" : "FAIL", d.passed, d.steps,
	       (double)(now_us() - d.t0) / 1000.0);
	return d.passed == d.steps ? 0 : 1;
}

static int cmd_info(void)
{
	struct ffa_partition_info info[16];
	struct tzs_launch_opts lo = { 0 };
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint32_t count = 0, i = 0;
	int rc = tzs_launch_start(&lo, &l);

	if (rc) {
		fprintf(stderr, "tzshare: cannot start tzshare-spmc: %s\n",
			strerror(-rc));
		return 1;
	}
	rc = tzs_vm_attach(tzs_launch_take_vm(&l, 1), NULL, &vm);
	if (!rc) {
		rc = tzs_vcpu_partition_info(tzs_ep_vcpu(vm, 0), NULL, info, 16,
					     &count);
	}
	for (i = 0; rc == FFA_OK && i < count && i < 16; i++) {
		printf("partition 0x%04x  contexts %u  props 0x%03x  uuid ",
		       info[i].id, info[i].exec_count, info[i].props);
		for (unsigned int b = 0; b < 16; b++) {
			printf("%02x%s", info[i].uuid[b],
			       (b == 3 || b == 5 || b == 7 || b == 9) ? "-" :
									"");
		}
		printf("\n");
	}
	if (vm) {
		tzs_ep_detach(vm);
	}
	tzs_launch_stop(&l, 5000);
	return rc ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tzshare demo | info | help\n");
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "demo")) {
		return cmd_demo();
	}
	if (!strcmp(argv[1], "info")) {
		return cmd_info();
	}
	usage(stderr);
	return 2;
}
