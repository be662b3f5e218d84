// SPDX-License-Identifier: BSD-2-Clause
/*
 * Launcher: starts tzshare-spmc for a platform description and keeps the
 * normal-world end of each VM's control socket until a VM process takes it.
 *
 * The description travels as an inherited memfd (--platform-fd), each VM
 * control socket as an inherited descriptor (--vm ID:FD). Every other
 * descriptor is close-on-exec, so the SPMC sees a VM's control socket close
 * exactly when the VM process (and whoever it handed the fd to) let go.
 */
#include <tzshare/platform.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPMC_PROGRAM "tzshare-spmc"
#define ARG_LEN 32

static bool has_spmc(const char *dir)
{
	char path[PATH_MAX + 16];
	int n = snprintf(path, sizeof(path), "%s/" SPMC_PROGRAM, dir);

	return n > 0 && (size_t)n < sizeof(path) && access(path, X_OK) == 0;
}

const char *tzs_launch_bin_dir(const char *hint, char *buf, size_t len)
{
	static const char *const rel[] = { "", "/../bin", "/../../bin",
					   "/../../../bin" };
	char exe[PATH_MAX];
	const char *env = getenv("TZS_BIN_DIR");
	ssize_t n = 0;
	char *slash = NULL;
	size_t i = 0;

	if (hint || env) {
		const char *dir = hint ? hint : env;

		if (!has_spmc(dir) || strlen(dir) >= len) {
			return NULL;
		}
		strcpy(buf, dir);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		return NULL;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash) {
		return NULL;
	}
	*slash = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		int m = snprintf(buf, len, "%s%s", exe, rel[i]);

		if (m > 0 && (size_t)m < len && has_spmc(buf)) {
			return buf;
		}
	}
	return NULL;
}

static int text_memfd(const char *text)
{
	size_t len = strlen(text), off = 0;
	int fd = memfd_create("tzs-platform", MFD_CLOEXEC);

	if (fd < 0) {
		return -errno;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		off += (size_t)n;
	}
	return fd;
}

static void close_vms(struct tzs_launch *l)
{
	uint32_t i = 0;

	for (i = 0; i < l->vm_count; i++) {
		if (l->vms[i].fd >= 0) {
			close(l->vms[i].fd);
			l->vms[i].fd = -1;
		}
	}
}

/* Child side of the fork: only async-signal-safe calls until exec. */
static void exec_spmc(const char *path, char **argv, const int *keep,
		      unsigned int keep_count, int stderr_fd)
{
	sigset_t none;
	unsigned int i = 0;

	if (stderr_fd > 0 && dup2(stderr_fd, STDERR_FILENO) < 0) {
		_exit(127);
	}
	for (i = 0; i < keep_count; i++) {
		if (fcntl(keep[i], F_SETFD, 0) < 0) {
			_exit(127);
		}
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	_exit(127);
}

struct launch_args {
	char path[PATH_MAX + 16];
	char *argv[4 + 2 * TZS_PLAT_MAX_PARTS + 1];
	char strs[1 + TZS_PLAT_MAX_PARTS][ARG_LEN];
	int keep[1 + TZS_PLAT_MAX_PARTS];
	int child_end[TZS_PLAT_MAX_PARTS];
	unsigned int argc;
	unsigned int keep_count;
};

static int make_vm_sockets(struct tzs_launch *l, struct launch_args *a)
{
	uint32_t i = 0;

	for (i = 0; i < l->plat.part_count; i++) {
		const struct tzs_plat_part *p = &l->plat.parts[i];
		int sv[2];

		if (p->is_sp) {
			continue;
		}
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
			return -errno;
		}
		l->vms[l->vm_count].id = p->id;
		l->vms[l->vm_count].fd = sv[0];
		a->child_end[l->vm_count] = sv[1];
		l->vm_count++;
		snprintf(a->strs[l->vm_count], ARG_LEN, "%u:%d", p->id, sv[1]);
		a->argv[a->argc++] = "--vm";
		a->argv[a->argc++] = a->strs[l->vm_count];
		a->keep[a->keep_count++] = sv[1];
	}
	return 0;
}

int tzs_launch_start(const struct tzs_launch_opts *opts, struct tzs_launch *l)
{
	static const struct tzs_launch_opts none;
	struct launch_args *a = calloc(1, sizeof(*a));
	char dir[PATH_MAX];
	int memfd = -1, rc = 0;
	uint32_t i = 0;
	pid_t pid = 0;

	if (!opts) {
		opts = &none;
	}
	memset(l, 0, sizeof(*l));
	l->spmc_pid = -1;
	if (!a) {
		return -ENOMEM;
	}
	rc = tzs_plat_parse(opts->platform_text ? opts->platform_text :
						  tzs_plat_default_text(),
			    &l->plat, NULL, 0);
	if (rc) {
		goto out_free;
	}
	if (!tzs_launch_bin_dir(opts->bin_dir, dir, sizeof(dir))) {
		rc = -ENOENT;
		goto out_free;
	}
	snprintf(a->path, sizeof(a->path), "%s/" SPMC_PROGRAM, dir);
	memfd = text_memfd(opts->platform_text ? opts->platform_text :
						 tzs_plat_default_text());
	if (memfd < 0) {
		rc = memfd;
		goto out_free;
	}
	a->argv[a->argc++] = SPMC_PROGRAM;
	a->argv[a->argc++] = "--platform-fd";
	snprintf(a->strs[0], ARG_LEN, "%d", memfd);
	a->argv[a->argc++] = a->strs[0];
	a->keep[a->keep_count++] = memfd;
	rc = make_vm_sockets(l, a);
	if (rc) {
		goto out_close;
	}
	a->argv[a->argc] = NULL;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out_close;
	}
	if (pid == 0) {
		exec_spmc(a->path, a->argv, a->keep, a->keep_count,
			  opts->stderr_fd);
	}
	l->spmc_pid = pid;
out_close:
	for (i = 0; i < l->vm_count; i++) {
		close(a->child_end[i]);
	}
	if (rc) {
		close_vms(l);
		l->vm_count = 0;
	}
	close(memfd);
out_free:
	free(a);
	return rc;
}

int tzs_launch_take_vm(struct tzs_launch *l, uint16_t id)
{
	uint32_t i = 0;
	int fd = -1;

	for (i = 0; i < l->vm_count; i++) {
		if (l->vms[i].id == id) {
			fd = l->vms[i].fd;
			l->vms[i].fd = -1;
			return fd;
		}
	}
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

int tzs_launch_stop(struct tzs_launch *l, int timeout_ms)
{
	int status = 0, waited = 0;
	pid_t r = 0;

	close_vms(l);
	if (l->spmc_pid <= 0) {
		return 0;
	}
	for (;;) {
		r = waitpid(l->spmc_pid, &status, WNOHANG);
		if (r == l->spmc_pid || (r < 0 && errno != EINTR)) {
			break;
		}
		if (waited >= timeout_ms) {
			kill(l->spmc_pid, SIGKILL);
			waitpid(l->spmc_pid, &status, 0);
			l->spmc_pid = -1;
			return -ETIMEDOUT;
		}
		sleep_ms(5);
		waited += 5;
	}
	l->spmc_pid = -1;
	return r < 0 ? -ECHILD : status;
}
