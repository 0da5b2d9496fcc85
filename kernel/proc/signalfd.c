/*
 * signalfd: signals read from a file descriptor. The file holds a mask;
 * read takes the reading thread's pending signals in it (its own first,
 * then its process's, as delivery would: signal_dequeue) and gives one
 * struct signalfd_siginfo (128 bytes) for each, as many as fit; poll
 * says POLLIN while one of the mask is pending for the polling thread.
 * The signals are meant to be blocked, so that delivery leaves them for
 * the file. A read with nothing pending sleeps in poll_wait: every send
 * calls poll_notify (signal.c), so the reader looks again. The mask can
 * be changed by signalfd4 on the same descriptor. docs/signals.md,
 * "signalfd".
 */
#include "fs/fs_syscalls.h"
#include "fs/poll.h"
#include "proc/proc.h"

#define SIGNALFD_SIGINFO_SIZE 128

/* Linux's struct signalfd_siginfo (include/uapi/linux/signalfd.h). */
struct signalfd_siginfo {
	uint32_t signo;
	int32_t errno_;
	int32_t code;
	uint32_t pid;
	uint32_t uid;
	int32_t fd;
	uint32_t tid;
	uint32_t band;
	uint32_t overrun;
	uint32_t trapno;
	int32_t status;
	int32_t int_;
	uint64_t ptr;
	uint64_t utime;
	uint64_t stime;
	uint64_t addr;
	uint16_t addr_lsb;
	uint8_t pad[46];
};

_Static_assert(sizeof(struct signalfd_siginfo) == SIGNALFD_SIGINFO_SIZE,
	       "Linux's signalfd_siginfo");

struct signalfd {
	uint64_t mask; /* atomic: signalfd4 may change it */
};

static bool is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE || sig == SIGTRAP;
}

/* The fields Linux copies for each kind of siginfo (its
 * signalfd_copyinfo, by the siginfo's layout). */
static void to_signalfd(const struct ksiginfo *k, struct signalfd_siginfo *s)
{
	memset(s, 0, sizeof(*s));
	s->signo = (uint32_t)k->si_signo;
	s->errno_ = k->si_errno;
	s->code = k->si_code;
	if (k->si_code == SI_TIMER) {
		s->tid = (uint32_t)k->timer.tid;
		s->overrun = (uint32_t)k->timer.overrun;
		s->ptr = k->timer.value;
		s->int_ = (int32_t)k->timer.value;
	} else if (k->si_code > 0 && is_fault(k->si_signo)) {
		s->addr = k->fault.addr;
	} else if (k->si_code > 0 && k->si_signo == SIGCHLD) {
		s->pid = (uint32_t)k->kill.pid;
		s->uid = k->kill.uid;
		s->status = k->kill.status;
		s->utime = (uint64_t)k->kill.utime;
		s->stime = (uint64_t)k->kill.stime;
	} else {
		s->pid = (uint32_t)k->rt.pid;
		s->uid = k->rt.uid;
		if (k->si_code < 0) { /* sigqueue and the like: a value */
			s->ptr = k->rt.value;
			s->int_ = (int32_t)k->rt.value;
		}
	}
}

static ssize_t signalfd_read(struct file *f, uint64_t ubuf, size_t n,
			     uint64_t *pos)
{
	struct signalfd *sfd = f->private;
	struct signalfd_siginfo out;
	struct ksiginfo k;
	size_t done = 0;

	(void)pos;
	if (n < SIGNALFD_SIGINFO_SIZE)
		return -EINVAL;
	while (done + SIGNALFD_SIGINFO_SIZE <= n) {
		uint64_t gen = poll_generation();
		uint64_t mask = __atomic_load_n(&sfd->mask, __ATOMIC_RELAXED);

		if (!signal_dequeue(mask, &k)) {
			if (done)
				break; /* what there was */
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (poll_wait(gen, 0) == -EINTR)
				return -ERESTARTSYS;
			continue;
		}
		to_signalfd(&k, &out);
		if (copy_to_user(ubuf + done, &out, sizeof(out)))
			return done ? (ssize_t)done : -EFAULT;
		done += sizeof(out);
	}
	return (ssize_t)done;
}

static unsigned int signalfd_poll(struct file *f)
{
	struct signalfd *sfd = f->private;

	return signal_pending_in(__atomic_load_n(&sfd->mask, __ATOMIC_RELAXED))
		       ? POLLIN
		       : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->private);
}

static int signalfd_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = 0600;
	st->nlink = 1;
	return 0;
}

static const struct file_operations signalfd_ops = {
	.release = signalfd_release,
	.read = signalfd_read,
	.poll = signalfd_poll,
	.stat = signalfd_stat,
};

/* signalfd4: a new signalfd for mask (fd -1), or a new mask for the
 * signalfd at fd (EINVAL for another kind of file). SIGKILL and SIGSTOP
 * are never read. */
static long sys_signalfd4(int64_t fd, uaddr_t umask, uint64_t size,
			  uint64_t flags)
{
	struct signalfd *sfd;
	struct file *f;
	uint64_t mask;
	int nfd;

	if (size != sizeof(mask) ||
	    (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK)))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if ((int)fd != -1) {
		f = file_get((int)fd);
		if (!f)
			return -EBADF;
		if (f->fops != &signalfd_ops) {
			vfs_close(f);
			return -EINVAL;
		}
		sfd = f->private;
		__atomic_store_n(&sfd->mask, mask, __ATOMIC_RELAXED);
		vfs_close(f);
		poll_notify(); /* pollers look again with the new mask */
		return (int)fd;
	}
	sfd = kzalloc(sizeof(*sfd));
	if (!sfd)
		return -ENOMEM;
	sfd->mask = mask;
	f = vfs_file_alloc(&signalfd_ops, sfd, NULL,
			   O_RDONLY | ((int)flags & O_NONBLOCK));
	if (!f) {
		kfree(sfd);
		return -ENOMEM;
	}
	nfd = file_install(f, 0, flags & O_CLOEXEC);
	if (nfd < 0)
		vfs_close(f);
	return nfd;
}
SYSCALL(signalfd4, sys_signalfd4);

static long sys_signalfd(int64_t fd, uaddr_t umask, uint64_t size)
{
	return sys_signalfd4(fd, umask, size, 0);
}
SYSCALL(signalfd, sys_signalfd);
