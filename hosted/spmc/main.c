// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare-spmc: the FF-A partition manager of the hosted platform.
 *
 *   tzshare-spmc [--platform FILE | --platform-fd N] --vm ID:FD...
 *                [--bin-dir DIR] [-v]
 *
 * Without a platform the embedded default is used. Each --vm hands over the
 * SPMC end of a VM's control socket; SPs are started from DIR (default: the
 * directory of this program). TZS_LOG=1 or -v logs to stderr.
 *
 * Exit status: 0; 1 on a setup or runtime failure of the SPMC; 3 when an
 * SP exited with a non-zero status at shutdown (e.g. a sanitizer report).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "spmc_host.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: tzshare-spmc [--platform FILE | --platform-fd N]"
		" --vm ID:FD... [--bin-dir DIR] [-v]\n");
	exit(2);
}

static char *read_all(FILE *f)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0) {
			break;
		}
		if (cap - len - 1 == 0) {
			char *nb =
				cap > (1u << 20) ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf) {
		buf[len] = '\0';
	}
	return buf;
}

static char *load_platform(const char *file, int fd)
{
	FILE *f = NULL;
	char *text = NULL;

	if (!file && fd < 0) {
		return strdup(tzs_plat_default_text());
	}
	f = file ? fopen(file, "r") : fdopen(fd, "r");
	if (!f) {
		perror("tzshare-spmc: platform");
		return NULL;
	}
	if (!file) {
		rewind(f); /* a memfd written by the launcher */
	}
	text = read_all(f);
	fclose(f);
	return text;
}

static int parse_vm(const char *arg, struct host_vm_fd *vm)
{
	char *end = NULL;
	unsigned long id = strtoul(arg, &end, 0), fd = 0;

	if (*end != ':' || id > 0x7FFF) {
		return -EINVAL;
	}
	fd = strtoul(end + 1, &end, 10);
	if (*end || fd > INT_MAX) {
		return -EINVAL;
	}
	vm->id = (uint16_t)id;
	vm->fd = (int)fd;
	return 0;
}

static const char *self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash = NULL;

	if (n <= 0) {
		return ".";
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
	}
	return buf;
}

int main(int argc, char **argv)
{
	static struct host h;
	struct host_vm_fd vms[TZS_PLAT_MAX_PARTS];
	unsigned int vm_count = 0;
	const char *file = NULL, *bin_dir = NULL;
	const char *env = getenv("TZS_LOG");
	char dirbuf[PATH_MAX], err[160];
	bool verbose = env && *env && strcmp(env, "0");
	struct tzs_plat plat;
	char *text = NULL;
	int pfd = -1, rc = 0, i = 0;

	/* Not dumpable: /proc/<pid>/fd, /mem and ptrace of the SPMC (which
	 * holds every world's DRAM memfd) are closed to other processes of
	 * the same uid that lack CAP_SYS_PTRACE (hosted.md §5). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		perror("tzshare-spmc: PR_SET_DUMPABLE");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--platform") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "--platform-fd") && i + 1 < argc) {
			pfd = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--vm") && i + 1 < argc) {
			if (vm_count == TZS_PLAT_MAX_PARTS ||
			    parse_vm(argv[++i], &vms[vm_count])) {
				usage();
			}
			vm_count++;
		} else if (!strcmp(argv[i], "--bin-dir") && i + 1 < argc) {
			bin_dir = argv[++i];
		} else if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else {
			usage();
		}
	}
	text = load_platform(file, pfd);
	if (!text) {
		return 1;
	}
	rc = tzs_plat_parse(text, &plat, err, sizeof(err));
	free(text);
	if (rc) {
		fprintf(stderr, "tzshare-spmc: platform: %s\n", err);
		return 1;
	}
	if (!bin_dir) {
		bin_dir = self_dir(dirbuf, sizeof(dirbuf));
	}
	rc = host_init(&h, &plat, vms, vm_count, bin_dir, verbose);
	if (!rc) {
		rc = host_run(&h);
	}
	if (host_fini(&h) && !rc) {
		return 3; /* an SP failed on its way out (see stderr) */
	}
	if (rc) {
		fprintf(stderr, "tzshare-spmc: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
