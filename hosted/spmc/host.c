// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare-spmc host: builds the SPMC core from a platform description,
 * launches the SPs, and runs the single-threaded event loop.
 *
 * Boot order follows a real system: SPs boot first (every execution context
 * parks in FFA_MSG_WAIT), only then are VM control sockets served, so a VM's
 * first direct request finds its SP ready. An SP that does not boot within
 * the boot timeout (10 s) is left behind and VMs are let in anyway.
 *
 * The SPMC exits when every VM control socket has closed (or on SIGTERM /
 * SIGINT): it closes the SPs' sockets, which makes their runtimes exit, and
 * kills whatever is still running after a grace period.
 */
#include "spmc_host.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tzshare/lib.h>

#define BOOT_TIMEOUT_MS 10000
#define EXIT_GRACE_MS 2000
#define DEFAULT_MAX_MEM_SHARES 16384

void host_log(const struct host *h, const char *fmt, ...)
{
	va_list ap;

	if (!h->verbose) {
		return;
	}
	fprintf(stderr, "[spmc] ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *ops_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return calloc(1, len);
}

static void ops_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static void ops_log(void *ctx, const char *msg)
{
	host_log(ctx, "core: %s", msg);
}

static const struct spmc_ops host_ops = {
	.alloc = ops_alloc,
	.free = ops_free,
	.phys_to_virt = host_phys_to_virt,
	.log = ops_log,
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void part_init(struct host *h, struct host_part *p,
		      const struct tzs_plat_part *cfg)
{
	unsigned int i = 0;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->id = cfg->id;
	p->is_sp = cfg->is_sp;
	p->alive = cfg->is_sp; /* a VM lives once it has a control socket */
	p->ctl = (struct host_conn){ .kind = HOST_CONN_CTL,
				     .fd = -1,
				     .part = p };
	for (i = 0; i < SPMC_MAX_VCPUS; i++) {
		p->vcpu[i] = (struct host_conn){ .kind = HOST_CONN_VCPU,
						 .fd = -1,
						 .part = p,
						 .vcpu = (uint16_t)i };
	}
	(void)h;
}

static int core_create(struct host *h)
{
	struct spmc_config cfg = h->plat.cfg;
	uint32_t i = 0;
	int rc = 0;

	if (!cfg.max_mem_shares) {
		cfg.max_mem_shares = DEFAULT_MAX_MEM_SHARES;
	}
	if (getrandom(&cfg.handle_secret, sizeof(cfg.handle_secret), 0) !=
	    sizeof(cfg.handle_secret)) {
		return -EIO;
	}
	h->spmc = spmc_create(&host_ops, h, &cfg);
	if (!h->spmc) {
		return -ENOMEM;
	}
	for (i = 0; i < h->part_count && !rc; i++) {
		const struct tzs_plat_part *c = h->parts[i].cfg;
		struct spmc_partition_config pc;
		struct spmc_mem_region_config rc_cfg;

		memset(&pc, 0, sizeof(pc));
		pc.id = c->id;
		pc.exec_count = c->exec_count;
		pc.props = c->props;
		pc.uuid_count = c->uuid_count;
		memcpy(pc.uuids, c->uuids, sizeof(pc.uuids));
		rc = spmc_partition_add(h->spmc, &pc);
		if (rc) {
			break;
		}
		memset(&rc_cfg, 0, sizeof(rc_cfg));
		rc_cfg.base = c->mem_base;
		rc_cfg.page_count = c->mem_size / TZS_PAGE_SIZE;
		rc_cfg.owner = c->id;
		rc_cfg.type = SPMC_MEM_NORMAL;
		rc_cfg.secure = c->is_sp;
		rc = spmc_mem_region_add(h->spmc, &rc_cfg);
	}
	if (rc) {
		fprintf(stderr, "tzshare-spmc: core refused partition %u: %s\n",
			i, ffa_error_name(rc));
		return -EINVAL;
	}
	return 0;
}

/* Child side: only async-signal-safe calls until exec. */
static void exec_sp(const char *path, const char *name, int ctl, pid_t spmc)
{
	char fdstr[16];
	char *argv[] = { (char *)name, "--ctl", fdstr, NULL };
	sigset_t none;
	int n = ctl, i = 0;

	/* The SPMC dies -> so does the SP (no orphaned secure world). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != spmc) {
		_exit(127);
	}
	/* Format without snprintf (not async-signal-safe). */
	do {
		fdstr[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i < 15);
	fdstr[i] = '\0';
	for (n = 0; n < i / 2; n++) {
		char t = fdstr[n];

		fdstr[n] = fdstr[i - 1 - n];
		fdstr[i - 1 - n] = t;
	}
	if (fcntl(ctl, F_SETFD, 0) < 0) {
		_exit(127);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	_exit(127);
}

static int launch_sp(struct host *h, struct host_part *p)
{
	char path[PATH_MAX + TZS_PLAT_PROGRAM_MAX + 2];
	pid_t self = getpid(), pid = 0;
	int sv[2];

	snprintf(path, sizeof(path), "%s/%s", h->bin_dir, p->cfg->program);
	if (access(path, X_OK)) {
		fprintf(stderr, "tzshare-spmc: SP 0x%04x: %s: %s\n", p->id,
			path, strerror(errno));
		return -ENOENT;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		exec_sp(path, p->cfg->program, sv[1], self);
	}
	close(sv[1]);
	p->pid = pid;
	p->ctl.fd = sv[0];
	host_log(h, "SP 0x%04x: started %s (pid %d)", p->id, path, (int)pid);
	return host_watch(h, &p->ctl);
}

static bool all_sps_booted(struct host *h)
{
	uint32_t i = 0;
	unsigned int v = 0;

	for (i = 0; i < h->part_count; i++) {
		const struct host_part *p = &h->parts[i];
		unsigned int parked = 0;

		if (!p->is_sp || !p->alive) {
			continue;
		}
		for (v = 0; v < p->cfg->exec_count; v++) {
			parked += p->vcpu[v].fd >= 0 && p->vcpu[v].pending;
		}
		if (parked < p->cfg->exec_count) {
			return false;
		}
	}
	return true;
}

/* Let the VMs in. */
static int admit_vms(struct host *h)
{
	uint32_t i = 0;
	int rc = 0;

	h->sps_booted = true;
	host_log(h, "SPs booted; serving VMs");
	for (i = 0; i < h->part_count; i++) {
		struct host_part *p = &h->parts[i];

		if (p->is_sp || !p->alive) {
			continue;
		}
		rc = host_watch(h, &p->ctl);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

void host_check_quit(struct host *h)
{
	uint32_t i = 0;

	for (i = 0; i < h->part_count; i++) {
		if (!h->parts[i].is_sp && h->parts[i].alive) {
			return;
		}
	}
	h->quit = true;
}

static void on_signals(struct host *h)
{
	struct signalfd_siginfo si;
	int status = 0;
	pid_t pid = 0;
	uint32_t i = 0;

	while (read(h->sig.fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			host_log(h, "signal %u: exiting", si.ssi_signo);
			h->quit = true;
		}
	}
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < h->part_count; i++) {
			struct host_part *p = &h->parts[i];

			if (p->pid != pid) {
				continue;
			}
			p->pid = 0;
			host_part_dead(h, p,
				       WIFSIGNALED(status) ?
					       "SP killed by signal" :
					       "SP exited");
		}
	}
}

static int signals_init(struct host *h)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		return -errno;
	}
	signal(SIGPIPE, SIG_IGN);
	h->sig.kind = HOST_CONN_SIGNAL;
	h->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (h->sig.fd < 0) {
		return -errno;
	}
	return host_watch(h, &h->sig);
}

int host_init(struct host *h, const struct tzs_plat *plat,
	      const struct host_vm_fd *vms, unsigned int vm_count,
	      const char *bin_dir, bool verbose)
{
	uint32_t i = 0;
	unsigned int j = 0;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->epfd = -1;
	h->sig.fd = -1;
	h->verbose = verbose;
	h->plat = *plat;
	snprintf(h->bin_dir, sizeof(h->bin_dir), "%s", bin_dir);
	for (i = 0; i < h->plat.part_count; i++) {
		part_init(h, &h->parts[i], &h->plat.parts[i]);
	}
	h->part_count = h->plat.part_count;
	for (j = 0; j < vm_count; j++) {
		struct host_part *p = host_part_find(h, vms[j].id);

		if (!p || p->is_sp || p->ctl.fd >= 0) {
			fprintf(stderr, "tzshare-spmc: --vm %u: no such VM\n",
				vms[j].id);
			return -EINVAL;
		}
		p->ctl.fd = vms[j].fd;
		p->alive = true;
		/* Inherited through exec without FD_CLOEXEC: an SP forked
		 * later must not hold a VM's control socket (it could read
		 * the VM's ATTACHes, and the VM would not see it close). */
		if (fcntl(p->ctl.fd, F_SETFD, FD_CLOEXEC) < 0) {
			return -errno;
		}
	}
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (h->epfd < 0) {
		return -errno;
	}
	rc = host_regions_create(h);
	if (!rc) {
		rc = core_create(h);
	}
	if (!rc) {
		rc = signals_init(h);
	}
	return rc;
}

static int launch_sps(struct host *h)
{
	uint32_t i = 0;
	int rc = 0;

	for (i = 0; i < h->part_count; i++) {
		if (!h->parts[i].is_sp) {
			continue;
		}
		rc = launch_sp(h, &h->parts[i]);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

int host_run(struct host *h)
{
	struct epoll_event ev[16];
	int64_t boot_deadline = 0;
	int rc = 0, n = 0, i = 0;

	host_check_quit(h);
	if (h->quit) {
		fprintf(stderr, "tzshare-spmc: no VM control socket given\n");
		return -EINVAL;
	}
	rc = launch_sps(h);
	if (rc) {
		return rc;
	}
	boot_deadline = now_ms() + BOOT_TIMEOUT_MS;
	while (!h->quit) {
		int timeout = -1;

		if (!h->sps_booted) {
			if (all_sps_booted(h) || now_ms() >= boot_deadline) {
				rc = admit_vms(h);
				if (rc) {
					return rc;
				}
				continue;
			}
			timeout = (int)(boot_deadline - now_ms());
		}
		n = epoll_wait(h->epfd, ev, 16, timeout);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return -errno;
		}
		for (i = 0; i < n && !h->quit; i++) {
			struct host_conn *c = ev[i].data.ptr;

			if (c->kind == HOST_CONN_SIGNAL) {
				on_signals(h);
			} else {
				host_conn_event(h, c);
			}
		}
	}
	return 0;
}

static void close_all(struct host *h)
{
	uint32_t i = 0;
	unsigned int v = 0;

	for (i = 0; i < h->part_count; i++) {
		struct host_part *p = &h->parts[i];

		if (p->ctl.fd >= 0) {
			close(p->ctl.fd);
			p->ctl.fd = -1;
		}
		for (v = 0; v < SPMC_MAX_VCPUS; v++) {
			if (p->vcpu[v].fd >= 0) {
				close(p->vcpu[v].fd);
				p->vcpu[v].fd = -1;
			}
		}
	}
}

/*
 * Wait for the SPs to leave after their sockets closed; kill the rest.
 * Returns how many SPs that were alive until shutdown exited with a
 * non-zero status: an SP runtime exits 0 when the SPMC goes away, so
 * anything else (a sanitizer's leak report) is a failure worth the SPMC's
 * own exit status. An SP that died earlier may still be a zombie here
 * (its SIGCHLD not read yet); its status is not counted.
 */
static unsigned int reap_sps(struct host *h)
{
	int64_t deadline = now_ms() + EXIT_GRACE_MS;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 2000000 };
	unsigned int failed = 0;
	bool left = true;
	int status = 0;
	uint32_t i = 0;

	while (left) {
		left = false;
		for (i = 0; i < h->part_count; i++) {
			struct host_part *p = &h->parts[i];

			if (p->pid <= 0) {
				continue;
			}
			if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
				/* Only SPs alive until now were asked to
				 * leave; the dead died for their own reasons. */
				if (p->alive && WIFEXITED(status) &&
				    WEXITSTATUS(status)) {
					fprintf(stderr,
						"tzshare-spmc: SP 0x%04x exited "
						"with status %d\n",
						p->id, WEXITSTATUS(status));
					failed++;
				}
				p->pid = 0;
				continue;
			}
			if (now_ms() >= deadline) {
				kill(p->pid, SIGKILL);
				waitpid(p->pid, NULL, 0);
				p->pid = 0;
				continue;
			}
			left = true;
		}
		if (left) {
			nanosleep(&ts, NULL);
		}
	}
	return failed;
}

int host_fini(struct host *h)
{
	unsigned int failed = 0;

	close_all(h);
	failed = reap_sps(h);
	if (h->spmc) {
		spmc_destroy(h->spmc);
		h->spmc = NULL;
	}
	host_regions_destroy(h);
	if (h->sig.fd >= 0) {
		close(h->sig.fd);
	}
	if (h->epfd >= 0) {
		close(h->epfd);
	}
	return failed ? -ECHILD : 0;
}
