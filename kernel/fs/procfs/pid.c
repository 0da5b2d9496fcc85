/*
 * The files of /proc/PID, each in Linux's format (proc(5); Linux's
 * fs/proc/array.c prints the same fields in the same order). A value
 * Kestrel does not keep is printed as Linux prints it for a process that
 * has none: 0, or an empty list. Each generator is handed a referenced
 * process (procfs.c); it may be a zombie, whose memory is already gone,
 * and the process may exit while the text is being made, so the address
 * space is only used through a reference of our own (proc_mm_get).
 * docs/procfs.md.
 */
#include "fs/procfs/internal.h"
#include "arch/x86_64/memlayout.h"
#include "fs/fdtable.h"

#define KB_PER_PAGE (PAGE_SIZE / 1024)

/* No controlling terminal known to procfs. */
#define NO_TTY_PGRP (-1)

/* Pending, blocked, ignored and caught signals, as bit masks (bit
 * sig - 1), read together under the process's signal lock. */
struct sig_masks {
	uint64_t pending, blocked, ignored, caught;
};

static void sig_masks(struct proc *p, struct sig_masks *m)
{
	struct sighand *h = signal_lock(p);

	m->pending = p->sig.pending | p->tg->shared_pending;
	m->blocked = p->sig.blocked;
	m->ignored = m->caught = 0;
	for (int sig = 1; sig <= NSIG; sig++) {
		uint64_t handler = h->action[sig - 1].handler;

		if (handler == SIG_IGN)
			m->ignored |= SIGBIT(sig);
		else if (handler != SIG_DFL)
			m->caught |= SIGBIT(sig);
	}
	signal_unlock(h);
}

struct state_query {
	struct proc *p;
	char letter;
};

/* Under proc_lock, which a process holds to become a zombie before its
 * task goes: so a live process's task is there to be asked. */
static void find_state(struct proc *p, void *arg)
{
	struct state_query *q = arg;

	if (p != q->p)
		return;
	if (p->state == PROC_ZOMBIE)
		q->letter = 'Z';
	else if (signal_stopped(p))
		q->letter = 'T';
	else
		q->letter = task_state_char(p->task);
}

/* Linux's one-letter state: R running or runnable, S asleep, T stopped,
 * Z a zombie (also once reaped, while we still hold it). */
static char state_letter(struct proc *p)
{
	struct state_query q = { p, 'Z' };

	proc_for_each(find_state, &q);
	return q.letter;
}

static const char *state_name(char letter)
{
	switch (letter) {
	case 'R':
		return "R (running)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

/* What procfs reports of an address space, all zero for a zombie. */
struct mem_figures {
	uint64_t resident_pages, virt_bytes;
	uint64_t minflt, majflt;
	uint64_t stack_top, brk_start;
};

/* false for a process without memory (a zombie) */
static bool mem_figures(struct proc *p, struct mem_figures *f)
{
	struct mm *mm = proc_mm_get(p);

	memset(f, 0, sizeof(*f));
	if (!mm)
		return false;
	mm_usage(mm, &f->resident_pages, &f->virt_bytes);
	f->minflt = __atomic_load_n(&mm->minflt, __ATOMIC_RELAXED);
	f->majflt = __atomic_load_n(&mm->majflt, __ATOMIC_RELAXED);
	f->stack_top = mm->stack_top;
	f->brk_start = mm->brk_start;
	mm_put(mm);
	return true;
}

/* The process's name; it may change (exec) while we copy it. */
static void copy_name(struct proc *p, char name[PROC_NAME_MAX])
{
	memcpy(name, p->name, PROC_NAME_MAX);
	name[PROC_NAME_MAX - 1] = '\0';
}

int procfs_pid_stat(struct proc *p, struct pbuf *b)
{
	struct mem_figures mem;
	struct sig_masks sig;
	struct procfs_sched_fields sched;
	char name[PROC_NAME_MAX];
	bool zombie = p->state == PROC_ZOMBIE;

	copy_name(p, name);
	mem_figures(p, &mem);
	sig_masks(p, &sig);
	procfs_sched_fields(p, &sched);
	/* Fields 1-13: pid (comm) state ppid pgrp session tty_nr tpgid
	 * flags minflt cminflt majflt cmajflt. */
	if (zombie) {
		mem.minflt = p->minflt;
		mem.majflt = p->majflt;
	}
	pbuf_printf(b, "%d (%s) %c %d %d %d 0 %d 0 %llu %llu %llu %llu ",
		    p->pid, name, state_letter(p), proc_ppid(p), p->pgid,
		    p->sid, NO_TTY_PGRP, (unsigned long long)mem.minflt,
		    (unsigned long long)p->cminflt,
		    (unsigned long long)mem.majflt,
		    (unsigned long long)p->cmajflt);
	/* 14-22: utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime, times in clock ticks. */
	pbuf_printf(b, "%llu %llu %llu %llu %d %d %u 0 %llu ",
		    (unsigned long long)ns_to_ticks(p->utime_ns),
		    (unsigned long long)ns_to_ticks(p->stime_ns),
		    (unsigned long long)ns_to_ticks(p->cutime_ns),
		    (unsigned long long)ns_to_ticks(p->cstime_ns),
		    sched.priority, sched.nice, proc_thread_count(p),
		    (unsigned long long)ns_to_ticks(p->start_ns));
	/* 23-30: vsize rss rsslim startcode endcode startstack kstkesp
	 * kstkeip. */
	pbuf_printf(b, "%llu %llu %llu 0 0 %llu 0 0 ",
		    (unsigned long long)mem.virt_bytes,
		    (unsigned long long)mem.resident_pages,
		    (unsigned long long)p->rlim[RLIMIT_RSS].cur,
		    (unsigned long long)mem.stack_top);
	/* 31-41: signal blocked sigignore sigcatch wchan nswap cnswap
	 * exit_signal processor rt_priority policy. */
	pbuf_printf(b, "%llu %llu %llu %llu 0 0 0 %d %u %u %u ",
		    (unsigned long long)sig.pending,
		    (unsigned long long)sig.blocked,
		    (unsigned long long)sig.ignored,
		    (unsigned long long)sig.caught, p->exit_signal,
		    sched.processor, sched.rt_priority, sched.policy);
	/* 42-52: delayacct_blkio_ticks guest_time cguest_time start_data
	 * end_data start_brk arg_start arg_end env_start env_end
	 * exit_code. */
	pbuf_printf(b, "0 0 0 0 0 %llu 0 0 0 0 %d\n",
		    (unsigned long long)mem.brk_start,
		    zombie ? p->exit_status : 0);
	return 0;
}

int procfs_pid_status(struct proc *p, struct pbuf *b)
{
	struct mem_figures mem;
	struct sig_masks sig;
	char name[PROC_NAME_MAX];
	int ppid = proc_ppid(p);
	struct cred cred;
	bool has_mm;

	copy_name(p, name);
	has_mm = mem_figures(p, &mem);
	sig_masks(p, &sig);
	pbuf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", name,
		    proc_umask(p), state_name(state_letter(p)));
	pbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n", p->tgid,
		    p->pid, ppid);
	cred_snapshot(p, &cred);
	pbuf_printf(b, "TracerPid:\t%d\nUid:\t%u\t%u\t%u\t%u\n",
		    ptrace_tracer_pid(p), cred.uid, cred.euid, cred.suid,
		    cred.fsuid);
	pbuf_printf(b, "Gid:\t%u\t%u\t%u\t%u\n", cred.gid, cred.egid, cred.sgid,
		    cred.fsgid);
	pbuf_printf(b, "FDSize:\t%d\nGroups:\t", p->files ? FD_MAX : 0);
	for (unsigned int i = 0; i < cred.ngroups; i++)
		pbuf_printf(b, "%u ", cred.groups[i]);
	pbuf_printf(b, "\n");
	pbuf_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    p->tgid, p->pid, p->pgid, p->sid);
	if (has_mm)
		pbuf_printf(b, "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\n",
			    (unsigned long long)mem.virt_bytes / 1024,
			    (unsigned long long)mem.resident_pages *
				    KB_PER_PAGE);
	pbuf_printf(b, "Threads:\t%u\n", proc_thread_count(p));
	pbuf_printf(b, "SigQ:\t%u/%llu\n", signal_user_queued(cred.uid),
		    (unsigned long long)p->rlim[RLIMIT_SIGPENDING].cur);
	pbuf_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n",
		    (unsigned long long)sig.pending,
		    (unsigned long long)sig.pending);
	pbuf_printf(b, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		    (unsigned long long)sig.blocked,
		    (unsigned long long)sig.ignored,
		    (unsigned long long)sig.caught);
	return 0;
}

/* Pages: size resident shared text lib data dt. */
int procfs_pid_statm(struct proc *p, struct pbuf *b)
{
	struct mem_figures mem;

	mem_figures(p, &mem);
	pbuf_printf(b, "%llu %llu 0 0 0 0 0\n",
		    (unsigned long long)(mem.virt_bytes / PAGE_SIZE),
		    (unsigned long long)mem.resident_pages);
	return 0;
}

/* The arguments, each ended by a NUL; nothing for a zombie. */
int procfs_pid_cmdline(struct proc *p, struct pbuf *b)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;

	if (p->state == PROC_ALIVE)
		b->len += proc_cmdline_copy(p, b->buf + MIN(b->len, b->size),
					    room);
	return 0;
}

int procfs_pid_comm(struct proc *p, struct pbuf *b)
{
	char name[PROC_NAME_MAX];

	copy_name(p, name);
	pbuf_printf(b, "%s\n", name);
	return 0;
}

int procfs_pid_maps(struct proc *p, struct pbuf *b)
{
	struct mm *mm = proc_mm_get(p);
	size_t room = b->len < b->size ? b->size - b->len : 0;

	if (!mm)
		return 0;
	b->len += mm_format_maps(mm, b->buf + MIN(b->len, b->size), room);
	mm_put(mm);
	return 0;
}
