/*
 * The terminal devices (tty.h): /dev/console and /dev/tty as files, their
 * ioctls, and the sessions and process groups a terminal serves. The line
 * discipline itself, what happens to each byte typed or written, is in
 * tty.c; this file is what a process sees when it opens a terminal.
 *
 * A session leader that opens a terminal nobody controls (without
 * O_NOCTTY) makes it its controlling terminal, and its process group the
 * foreground one, so that ^C reaches the shell and its children. A
 * process has no pointer to its terminal: its controlling terminal is the
 * tty whose session is its own, found on the list of terminals, and
 * /dev/tty opens that one. docs/tty.md.
 */
#include "drivers/tty.h"
#include "fs/chardev.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "proc/proc.h"

#define USER_CHUNK 128 /* bytes a write copies in from the user at a time */

/* Linux's numbers (Documentation/admin-guide/devices.txt). */
#define TTYAUX_MAJOR 5
#define TTY_MINOR 0     /* /dev/tty: the controlling terminal */
#define CONSOLE_MINOR 1 /* /dev/console */

/* Protects the list of terminals (each tty's fields have its own lock). */
static struct spinlock ttys_lock = SPINLOCK_INIT("ttys");
static struct tty *ttys;

/* ---- sessions and the foreground process group ---------------------------------- */

struct group_query {
	int pgid, sid;      /* in: the group, and the session */
	bool found;         /* out: a live member (a live leader) */
	bool other_session; /* out: a member of pgid outside sid */
};

static void match_group(struct proc *p, void *arg)
{
	struct group_query *q = arg;

	if (p->state == PROC_ALIVE && p->pgid == q->pgid) {
		q->found = true;
		q->other_session |= p->sid != q->sid;
	}
}

static void match_leader(struct proc *p, void *arg)
{
	struct group_query *q = arg;

	if (p->state == PROC_ALIVE && p->tgid == q->sid && p->sid == q->sid)
		q->found = true;
}

/* A session keeps its terminal while its leader lives (Linux releases the
 * terminal when the leader exits). */
static bool session_leader_alive(int sid)
{
	struct group_query q = { .sid = sid };

	proc_for_each(match_leader, &q);
	return q.found;
}

/* Is tty the controlling terminal of p's session? */
static bool controls(struct tty *tty, const struct proc *p)
{
	bool yes;

	spin_lock(&tty->lock);
	yes = p && tty->session && tty->session == p->sid;
	spin_unlock(&tty->lock);
	return yes;
}

/* The controlling terminal of session sid, or NULL. Takes ttys_lock,
 * then each tty's lock. */
static struct tty *tty_of_session(int sid)
{
	struct tty *t;

	if (sid <= 0)
		return NULL;
	spin_lock(&ttys_lock);
	for (t = ttys; t; t = t->next) {
		bool match;

		spin_lock(&t->lock);
		match = t->session == sid;
		spin_unlock(&t->lock);
		if (match)
			break;
	}
	spin_unlock(&ttys_lock);
	return t;
}

/*
 * Make tty the controlling terminal of p's session, with p's group in the
 * foreground, if p leads its session, the session has no terminal yet,
 * and no live session holds tty (unless steal). 0 or -EPERM.
 */
static int acquire(struct tty *tty, struct proc *p, bool steal)
{
	int holder;

	if (p->tgid != p->sid) /* any thread of the session leader */
		return -EPERM;
	spin_lock(&tty->lock);
	holder = tty->session;
	spin_unlock(&tty->lock);
	if (holder == p->sid)
		return 0;
	if (tty_of_session(p->sid))
		return -EPERM;
	/* A session whose leader has gone holds nothing. */
	if (holder && !steal && session_leader_alive(holder))
		return -EPERM;
	spin_lock(&tty->lock);
	if (tty->session == holder) { /* nobody took it meanwhile */
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	holder = tty->session;
	spin_unlock(&tty->lock);
	return holder == p->sid ? 0 : -EPERM;
}

/* TIOCSPGRP: the new foreground group must be alive and in the caller's
 * session. */
static int set_pgrp(struct tty *tty, struct proc *p, int pgrp)
{
	struct group_query q = { .pgid = pgrp, .sid = p->sid };

	if (pgrp <= 0)
		return -EINVAL;
	proc_for_each(match_group, &q);
	if (!q.found)
		return -ESRCH;
	if (q.other_session)
		return -EPERM;
	spin_lock(&tty->lock);
	tty->pgrp = pgrp;
	spin_unlock(&tty->lock);
	return 0;
}

/* ---- the device: file operations ------------------------------------------------ */

static int tty_open(struct inode *inode, struct file *f)
{
	struct proc *p = proc_current();

	/* The first terminal a session leader opens becomes its controlling
	 * terminal, unless it says O_NOCTTY. Not being able to is fine.
	 * Never init's (process 1): ^C must not reach it, and the shells
	 * it starts in sessions of their own must be able to take the
	 * console. (Linux never makes /dev/console anyone's controlling
	 * terminal; Kestrel's shells run on it, so it does for them.) */
	if (p && p->tgid != 1 && !(f->flags & O_NOCTTY))
		acquire(f->private, p, false);
	return 0;
}

static ssize_t tty_file_read(struct file *f, uint64_t ubuf, size_t n,
			     uint64_t *pos)
{
	char *kbuf;
	ssize_t r;

	if (n == 0)
		return 0;
	if (!user_range_ok(ubuf, n))
		return -EFAULT; /* before taking input that would be lost */
	n = MIN(n, TTY_BUF_SIZE);
	kbuf = kmalloc(n);
	if (!kbuf)
		return -ENOMEM;
	r = tty_read(f->private, kbuf, n, f->flags & O_NONBLOCK);
	if (r > 0 && copy_to_user(ubuf, kbuf, (size_t)r))
		r = -EFAULT;
	kfree(kbuf);
	return r;
}

/* Write the count buffers (total bytes) as one write, under the
 * terminal's write lock; a bad buffer ends it with the bytes written so
 * far, or -EFAULT. */
static ssize_t tty_file_writev(struct file *f, const struct iovec *iov,
			       int count, size_t total)
{
	struct tty *tty = f->private;
	char chunk[USER_CHUNK];
	size_t done = 0;

	sleep_lock(&tty->write_lock);
	for (int i = 0; i < count && done < total; i++) {
		size_t left = MIN(iov[i].len, total - done);

		for (size_t at = 0; at < left;) {
			size_t len = MIN(left - at, sizeof(chunk));

			if (copy_from_user(chunk, iov[i].base + at, len))
				goto out;
			tty_write(tty, chunk, len);
			at += len;
			done += len;
		}
	}
out:
	sleep_unlock(&tty->write_lock);
	return done || total == 0 ? (ssize_t)done : -EFAULT;
}

static ssize_t tty_file_write(struct file *f, uint64_t ubuf, size_t n,
			      uint64_t *pos)
{
	struct iovec one = { ubuf, n };

	(void)pos;
	return tty_file_writev(f, &one, 1, n);
}

static unsigned int tty_poll(struct file *f)
{
	return (tty_readable(f->private) ? POLLIN | POLLRDNORM : 0) | POLLOUT |
	       POLLWRNORM;
}

static long ioctl_termios(struct tty *tty, unsigned int cmd, uint64_t arg)
{
	struct termios t;

	if (cmd == TCGETS) {
		spin_lock(&tty->lock);
		t = tty->termios;
		spin_unlock(&tty->lock);
		return copy_to_user(arg, &t, sizeof(t)) ? -EFAULT : 0;
	}
	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	/* TCSETSW waits for output to drain: it is written synchronously. */
	tty_set_termios(tty, &t, cmd == TCSETSF);
	return 0;
}

static long ioctl_winsize(struct tty *tty, unsigned int cmd, uint64_t arg)
{
	struct winsize ws;
	bool changed;
	int pgrp;

	if (cmd == TIOCGWINSZ) {
		spin_lock(&tty->lock);
		ws = tty->winsize;
		spin_unlock(&tty->lock);
		return copy_to_user(arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	}
	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	spin_lock(&tty->lock);
	changed = memcmp(&ws, &tty->winsize, sizeof(ws)) != 0;
	tty->winsize = ws;
	pgrp = tty->pgrp;
	spin_unlock(&tty->lock);
	if (changed && pgrp > 0)
		signal_send_pgrp(pgrp, SIGWINCH);
	return 0;
}

/* The calls about the caller's own controlling terminal: -ENOTTY if tty
 * is not it, as on Linux. */
static long ioctl_job_control(struct tty *tty, unsigned int cmd, uint64_t arg)
{
	struct proc *p = proc_current();
	int pgrp;

	if (cmd == TIOCSCTTY)
		return p ? acquire(tty, p, arg == 1) : -EPERM;
	if (!controls(tty, p))
		return -ENOTTY;
	if (cmd == TIOCSPGRP) {
		if (get_user(pgrp, arg))
			return -EFAULT;
		return set_pgrp(tty, p, pgrp);
	}
	spin_lock(&tty->lock);
	pgrp = cmd == TIOCGPGRP ? tty->pgrp : tty->session;
	spin_unlock(&tty->lock);
	return put_user(pgrp, arg) ? -EFAULT : 0;
}

/* TIOCSTI: as if the byte at arg had been typed (tests use it to type).
 * Linux allows it on one's controlling terminal, or to root: everyone is
 * root here. */
static long simulate_input(struct tty *tty, uint64_t arg)
{
	char c;

	if (get_user(c, arg))
		return -EFAULT;
	tty_receive(tty, c);
	return 0;
}

static long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct tty *tty = f->private;

	switch (cmd) {
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return ioctl_termios(tty, cmd, arg);
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		return ioctl_winsize(tty, cmd, arg);
	case TIOCSCTTY:
	case TIOCGPGRP:
	case TIOCSPGRP:
	case TIOCGSID:
		return ioctl_job_control(tty, cmd, arg);
	case FIONREAD:
		return put_user((int)tty_readable(tty), arg) ? -EFAULT : 0;
	case TIOCSTI:
		return simulate_input(tty, arg);
	case TIOCOUTQ: /* output is written synchronously: nothing queued */
		return put_user((int)0, arg) ? -EFAULT : 0;
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH)
			tty_flush_input(tty);
		return 0;
	default:
		return -ENOTTY;
	}
}

const struct file_operations tty_fops = {
	.open = tty_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.writev = tty_file_writev,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
};

/* /dev/tty: the opener's controlling terminal, whichever it is. */
static int ctty_open(struct inode *inode, struct file *f)
{
	struct proc *p = proc_current();
	struct tty *tty = p ? tty_of_session(p->sid) : NULL;

	if (!tty)
		return -ENXIO;
	f->private = tty;
	return 0;
}

static const struct file_operations ctty_fops = {
	.open = ctty_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.writev = tty_file_writev,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
};

static struct chardev console_dev = {
	.name = "console",
	.major = TTYAUX_MAJOR,
	.minor = CONSOLE_MINOR,
	.mode = 0600,
	.fops = &tty_fops,
	.private = &console_tty,
};

static struct chardev ctty_dev = {
	.name = "tty",
	.major = TTYAUX_MAJOR,
	.minor = TTY_MINOR,
	.mode = 0666,
	.fops = &ctty_fops,
};

void tty_init(void)
{
	spin_lock(&ttys_lock);
	console_tty.next = ttys;
	ttys = &console_tty;
	spin_unlock(&ttys_lock);
	chardev_register(&console_dev);
	chardev_register(&ctty_dev);
}
