// SPDX-License-Identifier: BSD-2-Clause
/*
 * System test: memory a partition was not granted cannot be reached through
 * /proc (hosted.md §5, "What /proc can reach").
 *
 * - tzshare-spmc and every attached partition are not dumpable, so a
 *   process of the same uid without CAP_SYS_PTRACE can open neither
 *   /proc/<pid>/fd/N (the DRAM memfds) nor /proc/<pid>/mem.
 * - The region memfds have mode 0, so a read-only borrower cannot reopen
 *   its O_RDONLY memfd read-write through /proc/self/fd; a borrower of
 *   another uid cannot chmod it back either.
 *
 * root bypasses both (CAP_SYS_PTRACE, CAP_DAC_OVERRIDE, CAP_FOWNER): when
 * the suite runs as root, the partitions under test drop to uid 65534
 * first, which is what the rule is about.
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "sys.h"

#define TAG 0x9e0cu
#define NOBODY 65534

/* Become an unprivileged uid when root; returns true if it did. */
static bool drop_root(void)
{
	if (geteuid() != 0) {
		return false;
	}
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		return false;
	}
	return true;
}

/* Start SYS_PLATFORM as the current (unprivileged) uid. */
static void start_unprivileged(struct tzs_launch *l)
{
	struct tzs_launch_opts o;
	int rc = 0;

	memset(&o, 0, sizeof(o));
	o.platform_text = SYS_PLATFORM;
	rc = tzs_launch_start(&o, l);
	if (rc == -ENOENT) {
		test_skip("tzshare-spmc not reachable by this uid");
	}
	ASSERT_EQ(rc, 0);
}

/* Nothing of @pid's descriptors or memory opens, read-only or not. */
static void expect_proc_closed(pid_t pid)
{
	char path[64];
	DIR *d = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	errno = 0;
	d = opendir(path);
	if (d) {
		closedir(d);
	}
	ASSERT_TRUE(d == NULL);
	ASSERT_EQ(errno, EACCES);
	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, n);
		ASSERT_EQ(open(path, O_RDWR), -1);
		ASSERT_EQ(errno, EACCES);
		ASSERT_EQ(open(path, O_RDONLY), -1);
		ASSERT_EQ(errno, EACCES);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	ASSERT_EQ(open(path, O_RDWR), -1);
	ASSERT_EQ(errno, EACCES);
}

/* A forked child of the same uid cannot reach into its parent (a VM). */
static int child_expects_parent_closed(pid_t parent)
{
	char path[64];
	DIR *d = NULL;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)parent);
	errno = 0;
	d = opendir(path);
	if (d) {
		closedir(d);
		return 1;
	}
	return errno == EACCES ? 0 : 2;
}

TEST(same_uid_process_cannot_open_spmc_or_partition_memory_via_proc)
{
	struct tzs_launch l;
	struct tzs_ep *vm = NULL;
	uint64_t ret[5];
	pid_t self = getpid(), pid = 0;
	int status = 0;

	(void)drop_root();
	ASSERT_TRUE(geteuid() != 0);
	start_unprivileged(&l);
	vm = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(sys_cmd(sys_vcpu0(vm), SYS_SP1, TSP_CMD_GETPID, 0, 0, 0, ret),
		  FFA_OK);
	expect_proc_closed(l.spmc_pid);
	expect_proc_closed((pid_t)ret[1]);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		_exit(child_expects_parent_closed(self));
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	sys_stop(&l, vm);
}

/*
 * VM 2 (a forked process; uid 65534 when the suite runs as root, i.e. not
 * the owner of the memfd inode) retrieves a read-only share and asks for
 * the region's memfd: the O_RDONLY descriptor does not reopen O_RDWR
 * through /proc/self/fd. Exit status: 0, or the failing step.
 */
static int ro_borrower(int ctl, uint64_t pa, uint64_t handle)
{
	struct tzs_mem_retrieve_args a;
	struct tzs_mem_map *m = NULL;
	struct tzs_mem_fd mfd;
	struct tzs_ep *vm2 = NULL;
	char path[64];
	bool other_uid = drop_root();
	int fd = -1, rc = 0;

	if (geteuid() == 0) {
		return 10;
	}
	if (tzs_vm_attach(ctl, NULL, &vm2)) {
		return 11;
	}
	memset(&a, 0, sizeof(a));
	a.handle = handle;
	a.owner = SYS_VM1;
	a.tag = TAG;
	a.kind = FFA_MEM_KIND_SHARE;
	a.perms = FFA_PERM_DATA_RO;
	a.flags = FFA_MEM_FLAG_BYPASS_BORROWER_CHECK;
	if (tzs_ep_mem_retrieve(tzs_ep_vcpu(vm2, 0), &a, &m) != FFA_OK) {
		return 12;
	}
	if (tzs_vcpu_mem_fd(tzs_ep_vcpu(vm2, 0), pa, 4096, &mfd) != FFA_OK ||
	    mfd.perm != FFA_PERM_DATA_RO) {
		return 13;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd.fd);
	fd = open(path, O_RDWR);
	if (fd >= 0 || errno != EACCES) {
		rc = 14;
	}
	/* Not the inode's owner: it cannot give itself the mode back. */
	if (!rc && other_uid &&
	    (fchmod(mfd.fd, 0600) != -1 || errno != EPERM ||
	     open(path, O_RDWR) != -1 || errno != EACCES)) {
		rc = 15;
	}
	if (!rc && tzs_ep_mem_relinquish(tzs_ep_vcpu(vm2, 0), m, 0) != FFA_OK) {
		rc = 16;
	}
	if (fd >= 0) {
		close(fd);
	}
	close(mfd.fd);
	tzs_ep_detach(vm2);
	return rc;
}

TEST(read_only_memfd_does_not_reopen_read_write_through_proc)
{
	uint16_t rcv[2] = { SYS_SP1, SYS_VM2 };
	uint64_t pa = SYS_VM1_BASE + 0x500000, handle = 0;
	struct tzs_launch l;
	struct tzs_ep *vm1 = NULL;
	int status = 0;
	pid_t pid = 0;

	sys_start(&l, SYS_PLATFORM);
	vm1 = sys_attach(&l, SYS_VM1);
	ASSERT_EQ(tzs_vm_mem_share(sys_vcpu0(vm1), rcv, 2, FFA_PERM_DATA_RO, pa,
				   1, TAG, &handle),
		  FFA_OK);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		_exit(ro_borrower(tzs_launch_take_vm(&l, SYS_VM2), pa, handle));
	}
	/* The child owns VM 2's control socket now. */
	close(tzs_launch_take_vm(&l, SYS_VM2));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(tzs_ep_mem_reclaim(sys_vcpu0(vm1), handle, 0), FFA_OK);
	sys_stop(&l, vm1);
}
