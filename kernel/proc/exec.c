/*
 * Loading a program: a static ELF64 executable for x86-64 (ET_EXEC), as
 * `musl-gcc -static` makes. Each PT_LOAD segment is mapped page by page
 * into the process's address space with its permissions (R, W, X), the
 * file's bytes are copied in and the rest (bss) is zero. Then the initial
 * stack, which is how a program learns its arguments (System V AMD64 ABI,
 * 3.4.1), from the top down:
 *
 *   strings: "x86_64", argv[] and envp[] strings, 16 random bytes
 *   auxv:    (AT_PHDR, ...) (AT_PHENT, 56) ... (AT_NULL, 0)
 *   envp[0] ... NULL
 *   argv[0] ... NULL
 *   argc                       <- rsp, 16-byte aligned
 *
 * The program's pages are new frames the address space owns; the file is
 * only read. ELF layouts: the System V gABI, chapter 4 and 5.
 */
#include "fs/vfs.h"
#include "proc/proc.h"

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

#define USER_STACK_SIZE (128 * 1024)
#define ARG_MAX_COUNT 1024
#define ARG_MAX_BYTES (64 * 1024)

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

/* Copy len bytes to user address va of vs, whose pages are mapped. */
static int copy_to_space(struct vm_space *vs, uint64_t va, const void *src,
			 size_t len)
{
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		physaddr_t pa;

		if (vm_walk(vs, va & ~(uint64_t)(PAGE_SIZE - 1), &pa, NULL))
			return -EFAULT;
		memcpy((uint8_t *)phys_to_virt(pa) + (va & (PAGE_SIZE - 1)),
		       src, n);
		va += n;
		src = (const uint8_t *)src + n;
		len -= n;
	}
	return 0;
}

/* Make [start, end) mapped in vs with at least prot, with zeroed new
 * pages (two segments may share a page: it gets both's permissions). */
static int map_zeroed(struct vm_space *vs, uint64_t start, uint64_t end,
		      unsigned int prot)
{
	for (uint64_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end;
	     va += PAGE_SIZE) {
		unsigned int old;
		physaddr_t pa;
		int err;

		if (vm_walk(vs, va, NULL, &old) == 0) {
			err = vm_protect(vs, va, PAGE_SIZE, old | prot);
			if (err)
				return err;
			continue;
		}
		pa = frame_alloc();
		if (!pa)
			return -ENOMEM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		err = vm_map(vs, va, pa, PAGE_SIZE, prot);
		if (err) {
			frame_free(pa);
			return err;
		}
	}
	return 0;
}

static int not_executable(const char *path, const char *why)
{
	kprintf("exec: %s: %s\n", path, why);
	return -ENOEXEC;
}

static int check_header(const char *path, const struct elf64_ehdr *eh)
{
	if (memcmp(eh->e_ident, ELF_MAGIC, 4) != 0)
		return not_executable(path, "not an ELF file");
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

/* Map one PT_LOAD segment and copy its file bytes in. */
static int load_segment(struct mm *mm, struct file *f, const char *path,
			const struct elf64_phdr *ph, uint8_t *page)
{
	unsigned int prot = VM_USER;
	uint64_t done = 0;
	int err;

	if (ph->p_filesz > ph->p_memsz || ph->p_vaddr >= USER_TOP ||
	    ph->p_memsz > USER_TOP - ph->p_vaddr)
		return not_executable(path, "a segment outside user space");
	if (ph->p_flags & PF_W)
		prot |= VM_WRITE;
	if (ph->p_flags & PF_X)
		prot |= VM_EXEC;
	err = map_zeroed(&mm->vs, ph->p_vaddr, ph->p_vaddr + ph->p_memsz, prot);
	if (err)
		return err;
	while (done < ph->p_filesz) {
		size_t n = MIN(ph->p_filesz - done, PAGE_SIZE);
		ssize_t got = vfs_pread(f, page, n, ph->p_offset + done);

		if (got < 0)
			return got;
		if ((size_t)got != n)
			return not_executable(path, "a segment past the end "
						    "of the file");
		err = copy_to_space(&mm->vs, ph->p_vaddr + done, page, n);
		if (err)
			return err;
		done += n;
	}
	return 0;
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

static size_t count_strings(char *const v[], size_t *bytes)
{
	size_t n = 0;

	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

/* Push the strings of v below *sp, recording their user addresses. */
static int push_strings(struct vm_space *vs, uint64_t *sp, char *const v[],
			size_t n, uint64_t *addrs)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		*sp -= len;
		addrs[i] = *sp;
		if (copy_to_space(vs, *sp, v[i], len))
			return -EFAULT;
	}
	return 0;
}

static int build_stack(struct mm *mm, const struct elf64_ehdr *eh,
		       uint64_t phdr, char *const argv[], char *const envp[],
		       uint64_t *user_rsp)
{
	size_t bytes = 0, argc = count_strings(argv, &bytes);
	size_t envc = count_strings(envp, &bytes);
	uint64_t sp = USER_STACK_TOP, platform, random, *words;
	uint8_t random_bytes[16];
	size_t nwords, w = 0;
	int err;

	if (argc + envc > ARG_MAX_COUNT || bytes > ARG_MAX_BYTES)
		return -E2BIG;
	err = map_zeroed(&mm->vs, USER_STACK_TOP - USER_STACK_SIZE,
			 USER_STACK_TOP, VM_USER | VM_WRITE);
	if (err)
		return err;
	/* The random bytes seed musl's stack protector and pointer guard. */
	for (size_t i = 0; i < sizeof(random_bytes); i += 8) {
		uint64_t r = rdtsc() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)mm;

		memcpy(random_bytes + i, &r, 8);
	}
	sp -= sizeof(random_bytes);
	random = sp;
	copy_to_space(&mm->vs, sp, random_bytes, sizeof(random_bytes));
	sp -= sizeof("x86_64");
	platform = sp;
	copy_to_space(&mm->vs, sp, "x86_64", sizeof("x86_64"));

	/* argc, argv + NULL, envp + NULL, 16 auxv words: laid out in a
	 * kernel array, then copied below the strings. */
	nwords = 1 + argc + 1 + envc + 1 + 2 * 16;
	words = kzalloc(nwords * sizeof(uint64_t));
	if (!words)
		return -ENOMEM;
	words[w++] = argc;
	err = push_strings(&mm->vs, &sp, argv, argc, words + w);
	w += argc + 1;
	if (!err)
		err = push_strings(&mm->vs, &sp, envp, envc, words + w);
	w += envc + 1;
	if (err)
		goto out;
	const uint64_t auxv[][2] = {
		{ AT_PHDR, phdr },
		{ AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, eh->e_phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_ENTRY, eh->e_entry },
		{ AT_UID, 0 },
		{ AT_EUID, 0 },
		{ AT_GID, 0 },
		{ AT_EGID, 0 },
		{ AT_SECURE, 0 },
		{ AT_CLKTCK, 100 },
		{ AT_HWCAP, 0 },
		{ AT_RANDOM, random },
		{ AT_PLATFORM, platform },
		{ AT_EXECFN, argc ? words[1] : platform },
		{ AT_NULL, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		words[w++] = auxv[i][0];
		words[w++] = auxv[i][1];
	}
	sp = ALIGN_DOWN(sp - w * sizeof(uint64_t), 16);
	err = copy_to_space(&mm->vs, sp, words, w * sizeof(uint64_t));
	*user_rsp = sp;
out:
	kfree(words);
	return err;
}

int exec_load(struct mm *mm, const char *path, char *const argv[],
	      char *const envp[], uint64_t *entry, uint64_t *user_rsp)
{
	struct elf64_ehdr eh;
	struct elf64_phdr *ph = NULL;
	uint8_t *page = NULL;
	struct file *f;
	ssize_t got;
	int err;

	struct proc *cur = proc_current();

	err = vfs_open(cur ? cur->cwd : NULL, path, O_RDONLY, 0, &f);
	if (err)
		return err;
	if (!S_ISREG(f->inode->mode)) {
		err = -EACCES;
		goto out;
	}
	got = vfs_pread(f, &eh, sizeof(eh), 0);
	err = got < 0             ? (int)got
	      : got != sizeof(eh) ? not_executable(path, "too short")
				  : check_header(path, &eh);
	if (err)
		goto out;
	ph = kmalloc(eh.e_phnum * sizeof(*ph));
	page = kmalloc(PAGE_SIZE);
	err = ph && page ? 0 : -ENOMEM;
	if (err)
		goto out;
	got = vfs_pread(f, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
	if (got != (ssize_t)(eh.e_phnum * sizeof(*ph))) {
		err = got < 0 ? (int)got : not_executable(path, "truncated");
		goto out;
	}
	for (int i = 0; i < eh.e_phnum && !err; i++) {
		if (ph[i].p_type == PT_INTERP)
			err = not_executable(path, "dynamically linked");
		else if (ph[i].p_type == PT_LOAD)
			err = load_segment(mm, f, path, &ph[i], page);
	}
	if (!err)
		err = build_stack(mm, &eh, phdr_address(&eh, ph), argv, envp,
				  user_rsp);
	*entry = eh.e_entry;
out:
	kfree(page);
	kfree(ph);
	vfs_close(f);
	return err;
}
