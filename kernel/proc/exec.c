/*
 * Loading a program into a fresh address space (struct mm): a static
 * ELF64 executable for x86-64 (ET_EXEC), as `musl-gcc -static` makes,
 * or a script starting with "#!", which runs its interpreter instead.
 *
 * Nothing is read into memory here but the headers: each PT_LOAD segment
 * becomes an area (mm_map_fixed) backed by the file, private, with its
 * permissions, and its bss past the file's bytes reads as zeros; page
 * faults load the pages when the program touches them. The stack is an
 * area that ends at USER_STACK_TOP and grows down on faults. The heap
 * (brk) starts at the page after the highest segment.
 *
 * Then the initial stack, which is how a program learns its arguments
 * (System V AMD64 ABI, 3.4.1), from the top down, written through the
 * new mm's own page tables (mm_write), since it is not loaded yet:
 *
 *   strings: the path, "x86_64", argv[] and envp[] strings, 16 random bytes
 *   auxv:    (AT_PHDR, ...) (AT_PHENT, 56) ... (AT_NULL, 0)
 *   envp[0] ... NULL
 *   argv[0] ... NULL
 *   argc                       <- rsp, 16-byte aligned
 *
 * execve, the system call (at the end of the file), copies the path, argv
 * and envp into the kernel (at most 4096 strings, 256 KiB), loads the
 * program into a new mm, and only then drops the old one: a failed exec
 * returns its error to the old program, untouched.
 *
 * ELF layouts: the System V gABI, chapters 4 and 5. docs/memory.md,
 * "User memory", has the address-space picture; docs/processes.md says
 * what else execve resets.
 */
#include "fs/fdtable.h"
#include "fs/fs_syscalls.h"
#include "fs/vfs.h"
#include "proc/proc.h"
#include "proc/table.h"
#include <kestrel/mman.h>

#define ELF_MAGIC \
	"\x7f"    \
	"ELF"
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 64

/* Auxiliary vector types (Linux's include/uapi/linux/auxvec.h). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

/* The stack area exec makes; it grows on faults up to RLIMIT_STACK. */
#define USER_STACK_INITIAL (128 * 1024)
/* Linux's limits on the arguments: one string at most 32 pages
 * (MAX_ARG_STRLEN); all strings and their pointers at most a quarter of
 * the stack limit. */
#define ARG_STRLEN_MAX (32 * PAGE_SIZE)
/* "#!" lines: the bytes read (Linux's BINPRM_BUF_SIZE), and how many
 * interpreters may be scripts in turn. */
#define SCRIPT_LINE_MAX 256
#define SCRIPT_DEPTH_MAX 4

struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
} __packed;

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
} __packed;

static int load(struct mm *mm, const char *path, char *const argv[],
		char *const envp[], struct cred *cred, uint64_t *entry,
		uint64_t *user_rsp, int depth);

static int not_executable(const char *path, const char *why)
{
	kprintf("exec: %s: %s\n", path, why);
	return -ENOEXEC;
}

/* ---- ELF ----------------------------------------------------------------- */

static int check_header(const char *path, const struct elf64_ehdr *eh)
{
	if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
	    eh->e_ident[6] != EV_CURRENT || eh->e_machine != EM_X86_64)
		return not_executable(path, "not a 64-bit x86-64 ELF file");
	if (eh->e_type != ET_EXEC)
		return not_executable(path, "not a static executable "
					    "(ET_EXEC); build it with "
					    "musl-gcc -static");
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return not_executable(path, "bad program header table");
	if (eh->e_entry >= USER_TOP)
		return not_executable(path, "entry point outside user space");
	return 0;
}

/* Make the PT_LOAD segment ph an area of mm, widened to whole pages (the
 * file offset and the address agree modulo the page size). *end becomes
 * the segment's end if that is higher. */
static int load_segment(struct mm *mm, struct file *f, const char *path,
			const struct elf64_phdr *ph, uint64_t *end)
{
	uint64_t in_page = ph->p_vaddr % PAGE_SIZE;
	uint64_t start = ph->p_vaddr - in_page;
	int prot = 0;

	if (ph->p_filesz > ph->p_memsz || ph->p_vaddr >= USER_TOP ||
	    ph->p_memsz > USER_TOP - ph->p_vaddr)
		return not_executable(path, "a segment outside user space");
	if (ph->p_offset % PAGE_SIZE != in_page)
		return not_executable(path, "a segment whose file offset and "
					    "address disagree within a page");
	if (ph->p_offset + ph->p_filesz < ph->p_offset ||
	    ph->p_offset + ph->p_filesz > f->inode->size)
		return not_executable(path, "a segment past the end of the "
					    "file");
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_flags & PF_R)
		prot |= PROT_READ;
	if (ph->p_flags & PF_W)
		prot |= PROT_WRITE;
	if (ph->p_flags & PF_X)
		prot |= PROT_EXEC;
	*end = MAX(*end, ph->p_vaddr + ph->p_memsz);
	return mm_map_fixed(mm, start, in_page + ph->p_memsz, prot, f,
			    ph->p_offset - in_page, in_page + ph->p_filesz);
}

/* Where the program headers are in memory, for AT_PHDR. */
static uint64_t phdr_address(const struct elf64_ehdr *eh,
			     const struct elf64_phdr *ph)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			return ph[i].p_vaddr + eh->e_phoff - ph[i].p_offset;
	return 0;
}

/* ---- the initial stack ------------------------------------------------- */

/* How many strings v has; adds their bytes and pointers to *bytes.
 * -E2BIG for a string longer than Linux allows. */
static long count_strings(char *const v[], size_t *bytes)
{
	long n = 0;

	for (; v && v[n]; n++) {
		size_t len = strnlen(v[n], ARG_STRLEN_MAX) + 1;

		if (len > ARG_STRLEN_MAX)
			return -E2BIG;
		*bytes += len + sizeof(char *);
	}
	return n;
}

/* Push len bytes below *sp; their address in *at. */
static int push(struct mm *mm, uint64_t *sp, const void *src, size_t len,
		uint64_t *at)
{
	*sp -= len;
	*at = *sp;
	return mm_write(mm, *sp, src, len);
}

/* Push the strings of v (n of them) below *sp, recording their user
 * addresses in addrs. */
static int push_strings(struct mm *mm, uint64_t *sp, char *const v[], size_t n,
			uint64_t *addrs)
{
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = push(mm, sp, v[i], strlen(v[i]) + 1, &addrs[i]);
	return err;
}

static void random_bytes(struct mm *mm, uint8_t buf[16])
{
	for (size_t i = 0; i < 16; i += 8) {
		uint64_t r = rdtsc() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)mm;

		memcpy(buf + i, &r, 8);
	}
}

static int build_stack(struct mm *mm, const char *path,
		       const struct elf64_ehdr *eh, uint64_t phdr,
		       char *const argv[], char *const envp[],
		       const struct cred *cred, bool secure, uint64_t *user_rsp)
{
	size_t bytes = 0, nwords, w = 0;
	long argc = count_strings(argv, &bytes);
	long envc = count_strings(envp, &bytes);
	uint64_t sp = mm->stack_top, execfn, platform, random, *words;
	uint8_t rnd[16];
	int err;

	if (argc < 0 || envc < 0 || bytes > mm->stack_limit / 4)
		return -E2BIG;
	/* The random bytes seed musl's stack protector and pointer guard. */
	random_bytes(mm, rnd);
	err = push(mm, &sp, path, strlen(path) + 1, &execfn);
	if (!err)
		err = push(mm, &sp, "x86_64", sizeof("x86_64"), &platform);
	if (!err)
		err = push(mm, &sp, rnd, sizeof(rnd), &random);
	if (err)
		return err;

	/* argc, argv + NULL, envp + NULL, 16 auxv pairs: laid out in a
	 * kernel array, then copied below the strings. */
	nwords = 1 + argc + 1 + envc + 1 + 2 * 16;
	words = kzalloc(nwords * sizeof(uint64_t));
	if (!words)
		return -ENOMEM;
	words[w++] = argc;
	err = push_strings(mm, &sp, argv, argc, words + w);
	w += argc + 1;
	if (!err)
		err = push_strings(mm, &sp, envp, envc, words + w);
	w += envc + 1;
	if (err)
		goto out;
	const uint64_t auxv[][2] = {
		{ AT_PHDR, phdr },
		{ AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, eh->e_phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_ENTRY, eh->e_entry },
		{ AT_UID, cred->uid },
		{ AT_EUID, cred->euid },
		{ AT_GID, cred->gid },
		{ AT_EGID, cred->egid },
		{ AT_SECURE, secure },
		{ AT_CLKTCK, 100 },
		{ AT_HWCAP, 0 },
		{ AT_RANDOM, random },
		{ AT_PLATFORM, platform },
		{ AT_EXECFN, execfn },
		{ AT_NULL, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		words[w++] = auxv[i][0];
		words[w++] = auxv[i][1];
	}
	sp = ALIGN_DOWN(sp - w * sizeof(uint64_t), 16);
	err = mm_write(mm, sp, words, w * sizeof(uint64_t));
	*user_rsp = sp;
out:
	kfree(words);
	return err;
}

/* The stack's limit: the caller's RLIMIT_STACK (a process being made by
 * the kernel has the default). */
static void set_stack_limit(struct mm *mm)
{
	struct proc *p = proc_current();
	uint64_t limit = p ? p->rlim[RLIMIT_STACK].cur : 0;

	if (limit >= PAGE_SIZE)
		mm->stack_limit =
			MIN(ALIGN_DOWN(limit, PAGE_SIZE), mm->stack_top / 2);
}

/* May this exec honour the file's set-user-ID and set-group-ID bits?
 * Linux refuses them to a traced caller (its tracer would get the new
 * ids' power) and on a nosuid mount (Kestrel has none yet: that check
 * goes here too). */
/* Do f's set-user-ID and set-group-ID bits count? Not for a traced
 * caller, nor on a nosuid mount (as Linux). */
static bool setid_allowed(const struct file *f)
{
	struct proc *p = proc_current(); /* NULL: init, spawned by the kernel */

	if (f->inode->sb->mnt_flags & MNT_NOSUID)
		return false;
	return !p || !ptrace_tracer_pid(p);
}

/* Load the ELF executable f (its header eh already read) into mm. */
static int load_elf(struct mm *mm, struct file *f, const char *path,
		    const struct elf64_ehdr *eh, char *const argv[],
		    char *const envp[], struct cred *cred, uint64_t *entry,
		    uint64_t *user_rsp)
{
	size_t size = eh->e_phnum * sizeof(struct elf64_phdr);
	struct elf64_phdr *ph;
	uint64_t end = 0;
	ssize_t got;
	int err = check_header(path, eh);

	if (err)
		return err;
	ph = kmalloc(size);
	if (!ph)
		return -ENOMEM;
	got = vfs_pread(f, ph, size, eh->e_phoff);
	if (got != (ssize_t)size)
		err = got < 0 ? (int)got : not_executable(path, "truncated");
	for (int i = 0; i < eh->e_phnum && !err; i++) {
		if (ph[i].p_type == PT_INTERP)
			err = not_executable(path, "dynamically linked");
		else if (ph[i].p_type == PT_LOAD)
			err = load_segment(mm, f, path, &ph[i], &end);
	}
	if (!err && end == 0)
		err = not_executable(path, "no loadable segment");
	if (!err) {
		mm_name_file(mm, f, path);
		mm->brk_start = mm->brk = ALIGN_UP(end, PAGE_SIZE);
		set_stack_limit(mm);
		err = mm_map_fixed(mm, mm->stack_top - USER_STACK_INITIAL,
				   USER_STACK_INITIAL, PROT_READ | PROT_WRITE,
				   NULL, 0, 0);
	}
	if (!err) {
		bool secure = cred_exec(cred, cred, f->inode->mode,
					f->inode->uid, f->inode->gid,
					setid_allowed(f));
		err = build_stack(mm, path, eh, phdr_address(eh, ph), argv,
				  envp, cred, secure, user_rsp);
	}
	*entry = eh->e_entry;
	kfree(ph);
	return err;
}

/* ---- scripts --------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A "#!" script: run "interpreter [arg] path argv[1...]", as Linux does
 * (the rest of the line after the interpreter, trimmed, is one argument).
 * line holds the first bytes of the file, NUL-terminated.
 */
static int load_script(struct mm *mm, const char *path, char *line,
		       char *const argv[], char *const envp[],
		       struct cred *cred, uint64_t *entry, uint64_t *user_rsp,
		       int depth)
{
	char *interp, *arg, *nl = strchr(line, '\n'), *end;
	char **args;
	size_t argc = 0, n = 0;
	int err;

	if (depth >= SCRIPT_DEPTH_MAX)
		return -ELOOP;
	if (!nl)
		return not_executable(path, "#! line too long");
	*nl = 0;
	for (interp = line + 2; is_blank(*interp); interp++)
		;
	for (arg = interp; *arg && !is_blank(*arg); arg++)
		;
	if (*arg)
		*arg++ = 0;
	while (is_blank(*arg))
		arg++;
	for (end = arg + strlen(arg); end > arg && is_blank(end[-1]); end--)
		;
	*end = 0;
	if (!*interp)
		return not_executable(path, "#! names no interpreter");
	while (argv && argv[argc])
		argc++;
	args = kmalloc((argc + 3) * sizeof(char *));
	if (!args)
		return -ENOMEM;
	args[n++] = interp;
	if (*arg)
		args[n++] = arg;
	args[n++] = (char *)path;
	for (size_t i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	err = load(mm, interp, args, envp, cred, entry, user_rsp, depth + 1);
	kfree(args);
	return err;
}

/* ---- exec ---------------------------------------------------------------- */

static int load(struct mm *mm, const char *path, char *const argv[],
		char *const envp[], struct cred *cred, uint64_t *entry,
		uint64_t *user_rsp, int depth)
{
	struct proc *p = proc_current();
	union {
		struct elf64_ehdr eh;
		char line[SCRIPT_LINE_MAX + 1];
	} * head;
	struct inode *cwd;
	struct file *f;
	ssize_t got;
	int err;

	cwd = p ? proc_cwd_get(p) : NULL;
	err = vfs_open_exec(cwd, path, &f);
	if (cwd)
		vfs_iput(cwd);
	if (err)
		return err;
	head = kzalloc(sizeof(*head));
	if (!head)
		err = -ENOMEM;
	if (err)
		goto out;
	got = vfs_pread(f, head, SCRIPT_LINE_MAX, 0);
	if (got < 0)
		err = (int)got;
	else if (got >= 2 && head->line[0] == '#' && head->line[1] == '!')
		err = load_script(mm, path, head->line, argv, envp, cred, entry,
				  user_rsp, depth);
	else if (got < (ssize_t)sizeof(head->eh) ||
		 memcmp(head->eh.e_ident, ELF_MAGIC, 4) != 0)
		err = not_executable(path, "not an ELF file or a #! script");
	else
		err = load_elf(mm, f, path, &head->eh, argv, envp, cred, entry,
			       user_rsp);
out:
	kfree(head);
	vfs_close(f);
	return err;
}

int exec_load(struct mm *mm, const char *path, char *const argv[],
	      char *const envp[], struct cred *cred, uint64_t *entry,
	      uint64_t *user_rsp)
{
	return load(mm, path, argv, envp, cred, entry, user_rsp, 0);
}

/* ---- execve: the system call ----------------------------------------- */

#define EXEC_MAX_ARGS 4096
#define EXEC_MAX_BYTES (256 * 1024)

/* A NULL-terminated vector of strings copied from user space into one
 * kmalloc'd block (pointers first, then the strings); *bytes counts the
 * strings' sizes against the limit. */
static int copy_strings(uaddr_t uvec, char ***out, size_t *bytes)
{
	char **vec;
	char *strs;
	size_t n = 0, used = 0;

	*out = NULL;
	vec = kmalloc(EXEC_MAX_ARGS * sizeof(char *) + EXEC_MAX_BYTES);
	if (!vec)
		return -ENOMEM;
	strs = (char *)(vec + EXEC_MAX_ARGS);
	for (; uvec; n++) {
		uint64_t ustr;
		long len;

		if (n == EXEC_MAX_ARGS - 1 ||
		    get_user(ustr, uvec + n * sizeof(uint64_t)))
			goto fault;
		if (!ustr)
			break;
		len = strncpy_from_user(strs + used, ustr,
					EXEC_MAX_BYTES - *bytes - used);
		if (len < 0) {
			kfree(vec);
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		}
		vec[n] = strs + used;
		used += len + 1;
	}
	vec[n] = NULL;
	*bytes += used;
	*out = vec;
	return 0;
fault:
	kfree(vec);
	return n == EXEC_MAX_ARGS - 1 ? -E2BIG : -EFAULT;
}

/*
 * execve by a thread of a group with others: they all end (SIGKILL,
 * which proc_exit sees as exec's, not a group exit), and the caller
 * waits for them; if it is not the leader, it then takes the leader's
 * pid and place (proc_exec_takeover_locked), as in Linux. -EAGAIN if
 * the group is already exiting, or another thread execs.
 */
static int exec_end_other_threads(struct proc *p)
{
	struct thread_group *tg = p->tg;
	struct proc *old_leader = NULL;

	spin_lock(&proc_lock);
	if (tg->live == 1 && tg->leader == p) {
		spin_unlock(&proc_lock);
		return 0;
	}
	if (tg->group_exit || tg->exec_thread) {
		spin_unlock(&proc_lock);
		return -EAGAIN;
	}
	tg->exec_thread = p;
	signal_kill_other_threads_locked(p);
	while (tg->live > 1)
		sleep_on(&tg->exec_wait, &proc_lock);
	if (tg->leader != p) {
		old_leader = tg->leader;
		old_leader->refcount++; /* for itimer_exit below */
		proc_exec_takeover_locked(p);
	}
	tg->exec_thread = NULL;
	spin_unlock(&proc_lock);
	if (old_leader) {
		/* Its timer is not carried over (docs/threads.md). */
		itimer_exit(old_leader);
		proc_put(old_leader);
	}
	return 0;
}

static long sys_execve(uaddr_t upath, uaddr_t uargv, uaddr_t uenvp)
{
	struct proc *p = proc_current();
	struct trapframe *tf = user_frame();
	char *path = NULL, **argv = NULL, **envp = NULL, *exe_path = NULL;
	struct inode *cwd;
	struct cred cred = *cred_current();
	size_t bytes = 0;
	uint64_t entry, rsp;
	struct mm *mm, *old;
	struct inode *exe = NULL;
	int err, old_pid = p->pid;

	err = user_path(upath, &path);
	if (!err)
		err = copy_strings(uargv, &argv, &bytes);
	if (!err)
		err = copy_strings(uenvp, &envp, &bytes);
	mm = err ? NULL : mm_create();
	if (!err && !mm)
		err = -ENOMEM;
	if (!err)
		err = exec_load(mm, path, argv, envp, &cred, &entry, &rsp);
	if (err) {
		if (mm)
			mm_put(mm);
		goto out;
	}
	/* /proc/PID/exe: the program's real path (best effort: without
	 * memory for it, there is no exe link). */
	exe_path = kmalloc(VFS_PATH_MAX);
	cwd = proc_cwd_get(p);
	if (exe_path && real_path(cwd, path, exe_path, &exe) < 0) {
		kfree(exe_path);
		exe_path = NULL;
	}
	if (cwd)
		vfs_iput(cwd);
	/* No way back from here: the other threads end, then the old
	 * program is gone. */
	posix_timer_group_exit(p->tg); /* timers do not survive exec */
	err = exec_end_other_threads(p);
	if (err) {
		mm_put(mm);
		if (exe)
			vfs_iput(exe);
		kfree(exe_path);
		goto out;
	}
	p->clear_child_tid = 0;
	p->robust_list = 0;
	cred_commit(&cred);
	spin_lock(&proc_lock);
	old = p->mm;
	p->mm = mm;
	{ /* the old program's go */
		struct inode *new_exe = exe;
		char *new_path = exe_path;

		exe = p->exe;
		exe_path = p->exe_path;
		p->exe = new_exe;
		p->exe_path = new_path;
	}
	spin_unlock(&proc_lock);
	if (exe)
		vfs_iput(exe);
	kfree(exe_path);
	mm_inherit_faults(mm, old); /* the counts survive exec, as Linux's */
	task_set_vs(&mm->vs);
	mm_put(old);
	proc_vfork_release(p);
	fdtable_exec(p->files);
	signal_state_exec(&p->sig);
	proc_set_name(p, path);
	proc_set_cmdline(p, argv);
	task_reset_user_state();
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = rsp;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	tf->vector = 256; /* still a syscall frame */
	p->frame_rewritten = true;
	if (ptrace_traced(p))
		ptrace_exec(old_pid);
out:
	kfree(path);
	kfree(argv);
	kfree(envp);
	return err;
}
SYSCALL(execve, sys_execve);
