/*
 * Tests of processes (suite proc): real programs from the root image
 * (/bin/true and /bin/false, static musl binaries, so their start-up code
 * makes real system calls), tiny programs assembled here and written to
 * the disk (a fault, an illegal instruction, a write to kernel memory, a
 * system call that does not exist, getpid), and files that are not
 * programs. Every process's memory goes back to the allocator.
 * The lab boots with the root image (root=vda).
 */
#include "fs/vfs.h"
#include "lib/ktest.h"
#include "proc/proc.h"

#define TEST_DIR "/tmp"
#define LOAD_ADDRESS 0x400000

/* A minimal static ELF: the header, one PT_LOAD for the whole file, and
 * the code right after (file offset = entry - LOAD_ADDRESS). */
struct tiny_elf {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
	uint8_t code[32];
} __packed;

/* Write a program whose code is code[0..len) to path. */
static int write_program(const char *path, const uint8_t *code, size_t len)
{
	struct tiny_elf e = {
		.ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
		.type = 2, /* ET_EXEC */
		.machine = 62,
		.version = 1,
		.entry = LOAD_ADDRESS + offsetof(struct tiny_elf, code),
		.phoff = offsetof(struct tiny_elf, p_type),
		.ehsize = offsetof(struct tiny_elf, p_type),
		.phentsize = 56,
		.phnum = 1,
		.p_type = 1,  /* PT_LOAD */
		.p_flags = 5, /* R+X */
		.p_vaddr = LOAD_ADDRESS,
		.p_filesz = sizeof(struct tiny_elf),
		.p_memsz = sizeof(struct tiny_elf),
		.p_align = PAGE_SIZE,
	};
	struct file *f;
	ssize_t n;
	int err;

	memcpy(e.code, code, len);
	err = vfs_mkdir(NULL, TEST_DIR, 01777);
	if (err && err != -EEXIST)
		return err;
	err = vfs_open(NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0755, &f);
	if (err)
		return err;
	n = vfs_write(f, &e, sizeof(e));
	vfs_close(f);
	return n == sizeof(e) ? 0 : -EIO;
}

/* Run path, return its wait status (or a negative errno from spawn). */
static int run(const char *path)
{
	char *argv[] = { (char *)path, "test-argument", NULL };
	char *envp[] = { "KESTREL=ktest", NULL };
	struct proc *p;
	int err = proc_spawn(path, argv, envp, &p);

	return err ? err : proc_wait(p);
}

static int run_code(const char *name, const uint8_t *code, size_t len)
{
	char path[64];
	int err;

	ksnprintf(path, sizeof(path), TEST_DIR "/%s", name);
	err = write_program(path, code, len);
	if (!err)
		err = run(path);
	vfs_unlink(NULL, path);
	return err;
}

KTEST(proc, true_and_false)
{
	struct frame_stats before, after;

	/* The first runs read the programs into the buffer cache, which
	 * keeps them: count frames around the runs after that. */
	KT_ASSERT_EQ(run("/bin/true"), WAIT_EXITED(0));
	KT_ASSERT_EQ(run("/bin/false"), WAIT_EXITED(1));
	kmalloc_trim();
	frames_get_stats(&before);
	for (int i = 0; i < 10; i++) {
		KT_ASSERT_EQ(run("/bin/true"), WAIT_EXITED(0));
		KT_ASSERT_EQ(run("/bin/false"), WAIT_EXITED(1));
	}
	kmalloc_trim();
	frames_get_stats(&after);
	KT_ASSERT_EQ(after.free, before.free);
}

KTEST(proc, faults_kill_only_the_process)
{
	static const uint8_t null_read[] = { 0x31, 0xc0, 0x48, 0x8b, 0x00 };
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	/* movabs $KERNEL_VMA, %rax; mov %rax, (%rax) */
	static const uint8_t kernel_write[] = { 0x48, 0xb8, 0x00, 0x00, 0x00,
						0x80, 0xff, 0xff, 0xff, 0xff,
						0x48, 0x89, 0x00 };

	KT_ASSERT_EQ(run_code("null", null_read, sizeof(null_read)),
		     WAIT_SIGNALED(SIGSEGV));
	KT_ASSERT_EQ(run_code("ud2", ud2, sizeof(ud2)), WAIT_SIGNALED(SIGILL));
	KT_ASSERT_EQ(run_code("kwrite", kernel_write, sizeof(kernel_write)),
		     WAIT_SIGNALED(SIGSEGV));
}

KTEST(proc, syscalls)
{
	/* mov $39 (getpid), %eax; syscall; mov %eax, %edi;
	 * mov $60 (exit), %eax; syscall */
	static const uint8_t getpid_exit[] = { 0xb8, 0x27, 0,    0,
					       0,    0x0f, 0x05, 0x89,
					       0xc7, 0xb8, 0x3c, 0,
					       0,    0,    0x0f, 0x05 };
	/* mov $500, %eax; syscall; neg %eax; mov %eax, %edi; exit */
	static const uint8_t enosys_exit[] = { 0xb8, 0xf4, 0x01, 0,    0,
					       0x0f, 0x05, 0xf7, 0xd8, 0x89,
					       0xc7, 0xb8, 0x3c, 0,    0,
					       0,    0x0f, 0x05 };
	int status;

	status = run_code("getpid", getpid_exit, sizeof(getpid_exit));
	KT_ASSERT(status >= 0 && (status & 0x7f) == 0 && (status >> 8) > 0,
		  "getpid program: wait status %#x", status);
	KT_ASSERT_EQ(run_code("enosys", enosys_exit, sizeof(enosys_exit)),
		     WAIT_EXITED(ENOSYS));
}

KTEST(proc, not_programs)
{
	KT_ASSERT_EQ(run("/bin/no-such-program"), -ENOENT);
	/* Not executable (mode 0644): Linux's EACCES, before the contents
	 * are looked at; an executable file that is no program is
	 * ENOEXEC (user/tests/t_proc.c checks both). */
	KT_ASSERT_EQ(run("/etc/motd"), -EACCES);
	KT_ASSERT_EQ(run("/bin"), -EACCES);
}

/* SMAP (on -cpu max): the kernel touching a user page outside the
 * user-copy routines is a kernel fault, reported as such; and SMEP: the
 * kernel can never run a user page. Both from a kernel task that loads an
 * address space with one user page mapped. */
static volatile uint8_t *map_user_page(uint64_t va, unsigned int prot)
{
	struct mm *mm = mm_create();
	physaddr_t pa = frame_alloc_user();

	if (!mm || !pa || vm_map(&mm->vs, va, pa, PAGE_SIZE, VM_USER | prot))
		return NULL;
	memset(phys_to_virt(pa), 0xc3, PAGE_SIZE); /* ret, ret, ... */
	task_set_vs(&mm->vs);
	return (volatile uint8_t *)va;
}

KTEST_CRASH(proc, smap_kernel_reads_user)
{
	volatile uint8_t *p = map_user_page(0x400000, VM_WRITE);

	KT_ASSERT(p != NULL, "no memory for the test page");
	kprintf("smap: %s; reading user address %p from the kernel\n",
		cpu_has_smap ? "on" : "off (this CPU lacks it)", p);
	kprintf("smap: read %#x: not stopped\n", *p);
}

KTEST_CRASH(proc, smep_kernel_runs_user)
{
	volatile uint8_t *p = map_user_page(0x400000, VM_EXEC);
	void (*fn)(void) = (void (*)(void))(uintptr_t)p;

	KT_ASSERT(p != NULL, "no memory for the test page");
	kprintf("smep: calling user address %p from the kernel\n", p);
	fn();
	kprintf("smep: the call returned: not stopped\n");
}
