// SPDX-License-Identifier: BSD-2-Clause
/*
 * tzshare: the command-line front end.
 *
 *   tzshare demo              the end-to-end story (hosted/cli/demo.c):
 *                             vsock echo, a system buffer shared and an ffa
 *                             buffer lent to the secure side, which prints
 *                             "Hello World!" from each; one-line verdict.
 *   tzshare xtest [CASE...]   named cases, pass/fail table (xtest.c).
 *   tzshare info              list the partitions the SPMC reports.
 */
#include "cli.h"

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
	fprintf(f, "usage: tzshare demo | xtest [CASE...] | info | help\n");
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "demo")) {
		return cli_demo();
	}
	if (!strcmp(argv[1], "xtest")) {
		return cli_xtest(argc - 2, argv + 2);
	}
	if (!strcmp(argv[1], "info")) {
		return cmd_info();
	}
	usage(stderr);
	return 2;
}
