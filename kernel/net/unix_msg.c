/*
 * AF_UNIX sending and receiving (the sockets themselves are unix.c's):
 * a send copies the user's buffers into a new struct unix_msg with no
 * lock held, takes the files of SCM_RIGHTS, then under unix_lock checks
 * the peer, waits for room, and queues the message; a receive claims
 * its socket (one reader at a time), copies out with the lock let go,
 * and installs passed files as new descriptors. sendmsg/recvmsg's
 * struct sock_msg comes from msg.c; the user buffers are walked with an
 * iov_cursor. docs/net.md, "AF_UNIX".
 */
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "net/unix_internal.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"

/* ---- user buffers ------------------------------------------------------- */

void iov_cursor_init(struct iov_cursor *c, const struct sock_msg *m)
{
	c->iov = m->iov;
	c->cnt = m->iovcnt;
	c->off = 0;
}

static int iov_copy(struct iov_cursor *c, void *kbuf, size_t n, bool in)
{
	uint8_t *k = kbuf;

	while (n) {
		size_t step;

		if (c->cnt == 0)
			return -EFAULT; /* more than the buffers hold: a bug */
		step = MIN(n, c->iov->len - c->off);
		if (step && (in ? copy_from_user(k, c->iov->base + c->off, step)
				: copy_to_user(c->iov->base + c->off, k, step)))
			return -EFAULT;
		k += step;
		n -= step;
		c->off += step;
		if (c->off == c->iov->len) {
			c->iov++;
			c->cnt--;
			c->off = 0;
		}
	}
	return 0;
}

int iov_copy_in(struct iov_cursor *c, void *dst, size_t n)
{
	return iov_copy(c, dst, n, true);
}

int iov_copy_out(struct iov_cursor *c, const void *src, size_t n)
{
	return iov_copy(c, (void *)src, n, false);
}

/* ---- ancillary data -------------------------------------------------------- */

/* What a sendmsg's control buffer asked for. */
struct scm {
	struct file **files; /* referenced */
	int nfiles;
	bool has_cred;
	struct ucred cred;
};

static void scm_drop(struct scm *scm)
{
	for (int i = 0; i < scm->nfiles; i++)
		vfs_close(scm->files[i]);
	kfree(scm->files);
	scm->files = NULL;
	scm->nfiles = 0;
}

/* SCM_RIGHTS: the files behind n descriptors at data, added to scm. */
static int scm_take_files(struct scm *scm, const int *fds, int n)
{
	struct file **files;

	if (scm->nfiles + n > SCM_MAX_FD)
		return -EINVAL;
	files = kmalloc(sizeof(*files) * (size_t)(scm->nfiles + n));
	if (!files)
		return -ENOMEM;
	for (int i = 0; i < scm->nfiles; i++)
		files[i] = scm->files[i];
	kfree(scm->files);
	scm->files = files;
	for (int i = 0; i < n; i++) {
		struct file *f = file_get(fds[i]);

		if (!f)
			return -EBADF;
		scm->files[scm->nfiles++] = f;
	}
	return 0;
}

/* Parse the control buffer (SOL_SOCKET's SCM_RIGHTS, SCM_CREDENTIALS;
 * other levels ignored, as Linux): 0, -EINVAL, -EBADF, -EPERM, -EFAULT,
 * -ENOBUFS. On error nothing stays taken. */
static int scm_parse(const struct sock_msg *m, struct scm *scm)
{
	uint8_t *buf;
	size_t off = 0;
	int err = 0;

	memset(scm, 0, sizeof(*scm));
	if (m->controllen < sizeof(struct cmsghdr))
		return 0;
	if (m->controllen > CONTROL_MAX)
		return -ENOBUFS;
	buf = kmalloc(m->controllen);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, m->control, m->controllen))
		err = -EFAULT;
	while (!err && m->controllen - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr h;
		size_t data_len;

		memcpy(&h, buf + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > m->controllen - off) {
			err = -EINVAL;
			break;
		}
		data_len = h.len - CMSG_HDR;
		if (h.level != SOL_SOCKET) {
			/* not ours */
		} else if (h.type == SCM_RIGHTS) {
			if (data_len / sizeof(int) > 0)
				err = scm_take_files(
					scm,
					(const int *)(buf + off + CMSG_HDR),
					(int)(data_len / sizeof(int)));
		} else if (h.type == SCM_CREDENTIALS &&
			   data_len == sizeof(struct ucred)) {
			struct ucred c;

			memcpy(&c, buf + off + CMSG_HDR, sizeof(c));
			/* Everyone is root, but a pid must be the sender's:
			 * Linux lets root name any live process; here only
			 * its own. */
			if (c.pid != proc_current()->tgid)
				err = -EPERM;
			scm->cred = c;
			scm->has_cred = true;
		} else {
			err = -EINVAL;
		}
		off += CMSG_ALIGN(h.len);
		if (off > m->controllen)
			break;
	}
	kfree(buf);
	if (err)
		scm_drop(scm);
	return err;
}

/* Append one control message to the user's buffer at *used: false if it
 * did not fit (MSG_CTRUNC). */
static bool put_cmsg(struct sock_msg *m, size_t *used, int type,
		     const void *data, size_t len, int *err)
{
	struct cmsghdr h = { CMSG_HDR + len, SOL_SOCKET, type };

	if (m->controllen < *used || m->controllen - *used < CMSG_HDR + len)
		return false;
	if (copy_to_user(m->control + *used, &h, sizeof(h)) ||
	    copy_to_user(m->control + *used + CMSG_HDR, data, len))
		*err = -EFAULT;
	*used += MIN(CMSG_ALIGN(CMSG_HDR + len), m->controllen - *used);
	return true;
}

/* Give a received message's credentials (if SO_PASSCRED) and files
 * (installed as new descriptors; those that do not fit are closed) to
 * the receiver. Files are consumed. 0 or -EFAULT. */
static int scm_deliver(struct sock_msg *m, int flags, bool passcred,
		       const struct ucred *cred, struct file **files,
		       int nfiles)
{
	size_t used = 0;
	int err = 0, installed = 0;
	int *fds = NULL;

	if (passcred &&
	    !put_cmsg(m, &used, SCM_CREDENTIALS, cred, sizeof(*cred), &err))
		m->out_flags |= MSG_CTRUNC;
	if (nfiles) {
		size_t room = m->controllen > used + CMSG_HDR
				      ? m->controllen - used - CMSG_HDR
				      : 0;
		int fit = (int)MIN(room / sizeof(int), (size_t)nfiles);

		fds = kmalloc(sizeof(int) * (size_t)nfiles);
		for (; fds && !err && installed < fit; installed++) {
			int fd = file_install(files[installed], 0,
					      flags & MSG_CMSG_CLOEXEC);

			if (fd < 0)
				break;
			fds[installed] = fd; /* the table owns the file now */
		}
		if (installed < nfiles)
			m->out_flags |= MSG_CTRUNC;
		if (installed)
			put_cmsg(m, &used, SCM_RIGHTS, fds,
				 sizeof(int) * (size_t)installed, &err);
		kfree(fds);
	}
	for (int i = installed; i < nfiles; i++)
		vfs_close(files[i]);
	m->controllen = used;
	return err;
}

/* ---- sending ------------------------------------------------------------ */

/* A new message holding the next len bytes of the user's buffers. */
static int msg_new(struct iov_cursor *c, size_t len, struct unix_msg **out)
{
	struct unix_msg *m = kzalloc(sizeof(*m) + len);

	if (!m)
		return -ENOBUFS;
	m->len = len;
	if (iov_copy_in(c, m->data, len)) {
		kfree(m);
		return -EFAULT;
	}
	*out = m;
	return 0;
}

/* Caller holds unix_lock: queue m at to, charged to from. */
static void msg_queue(struct unix_sock *from, struct unix_sock *to,
		      struct unix_msg *m)
{
	unix_sock_get(from);
	m->from = from;
	from->wmem += m->len;
	unix_rq_append(to, m);
	wake_up(&to->wait);
}

static void msg_set_scm(struct unix_msg *m, struct scm *scm)
{
	m->files = scm->files;
	m->nfiles = scm->nfiles;
	scm->files = NULL;
	scm->nfiles = 0;
	if (scm->has_cred)
		m->cred = scm->cred;
	else
		unix_current_cred(&m->cred);
}

static void sigpipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send(proc_current(), SIGPIPE, NULL);
}

/* Stream and seqpacket: to the connected peer, a stream in pieces. */
static long send_connected(struct unix_sock *us, struct sock_msg *m,
			   struct scm *scm, int flags, bool nonblock)
{
	struct iov_cursor c;
	size_t sent = 0, sndbuf;
	uint64_t deadline;
	bool first = true;

	spin_lock(&unix_lock);
	sndbuf = (size_t)us->sndbuf;
	deadline = unix_deadline_for(us->sndtimeo_ns);
	spin_unlock(&unix_lock);
	iov_cursor_init(&c, m);
	if (us->type == SOCK_SEQPACKET && m->total + 32 > sndbuf)
		return -EMSGSIZE;
	while (sent < m->total || (first && us->type == SOCK_SEQPACKET)) {
		size_t size = m->total - sent;
		struct unix_msg *msg;
		int err;

		if (us->type == SOCK_STREAM)
			size = MIN(size,
				   MIN(sndbuf / 2, (size_t)UNIX_CHUNK_MAX));
		err = msg_new(&c, size, &msg);
		if (err)
			return sent ? (long)sent : err;
		msg_set_scm(msg, scm);
		spin_lock(&unix_lock);
		for (;;) {
			struct unix_sock *peer = us->peer;

			if (us->state != UNIX_CONNECTED)
				err = -ENOTCONN;
			else if ((us->shutdown & SEND_SHUTDOWN) || !peer ||
				 peer->dead || (peer->shutdown & RCV_SHUTDOWN))
				err = -EPIPE;
			else if (us->wmem &&
				 us->wmem + size > (size_t)us->sndbuf)
				err = unix_wait_locked(us, nonblock, deadline);
			else
				break;
			if (err)
				break;
		}
		if (err) {
			spin_unlock(&unix_lock);
			unix_msg_free(msg);
			if (err == -EPIPE && !sent)
				sigpipe(flags);
			return sent ? (long)sent : err;
		}
		msg_queue(us, us->peer, msg);
		spin_unlock(&unix_lock);
		poll_notify();
		sent += size;
		first = false;
	}
	return (long)sent;
}

static long send_dgram(struct unix_sock *us, struct sock_msg *m,
		       struct scm *scm, bool nonblock)
{
	struct unix_sock *to = NULL;
	struct unix_msg *msg;
	struct iov_cursor c;
	uint64_t deadline;
	size_t sndbuf;
	int err;

	spin_lock(&unix_lock);
	sndbuf = (size_t)us->sndbuf;
	deadline = unix_deadline_for(us->sndtimeo_ns);
	spin_unlock(&unix_lock);
	if (m->total + 32 > sndbuf)
		return -EMSGSIZE;
	if (m->name) {
		struct unix_addr a;

		err = unix_addr_from_user(m->name, (uint64_t)m->namelen, &a);
		if (!err && a.len == sizeof(a.sun.family))
			err = -EINVAL;
		if (!err)
			err = unix_lookup_name(&a, SOCK_DGRAM, &to);
		if (err)
			return err;
	}
	iov_cursor_init(&c, m);
	err = msg_new(&c, m->total, &msg);
	if (err)
		goto out;
	msg_set_scm(msg, scm);
	spin_lock(&unix_lock);
	if (!to && us->peer) {
		to = us->peer;
		unix_sock_get(to);
	}
	for (;;) {
		if (!to) {
			err = -ENOTCONN;
		} else if (to->dead) {
			err = -ECONNREFUSED;
			if (us->peer == to) { /* Linux disconnects, too */
				us->peer = NULL;
				unix_sock_put(to);
			}
		} else if (to->peer && to->peer != us) {
			err = -EPERM;
		} else if (us->shutdown & SEND_SHUTDOWN) {
			err = -EPIPE;
		} else if (to->peer != us && to->rq_count > UNIX_DGRAM_QLEN) {
			err = unix_wait_locked(to, nonblock, deadline);
			if (!err)
				continue;
		} else if (us->wmem &&
			   us->wmem + msg->len > (size_t)us->sndbuf) {
			err = unix_wait_locked(us, nonblock, deadline);
			if (!err)
				continue;
		} else {
			break;
		}
		break;
	}
	if (!err) {
		if (us->passcred)
			unix_autobind_locked(us);
		msg->addr = us->addr;
		msg_queue(us, to, msg);
		msg = NULL;
	}
	spin_unlock(&unix_lock);
	poll_notify();
	if (msg)
		unix_msg_free(msg);
out:
	if (to) {
		spin_lock(&unix_lock);
		unix_sock_put(to);
		spin_unlock(&unix_lock);
	}
	return err ? err : (long)m->total;
}

long unix_sendmsg(struct unix_sock *us, struct sock_msg *m, int flags,
		  bool nonblock)
{
	struct scm scm;
	long r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_DONTWAIT)
		nonblock = true;
	if (us->type == SOCK_STREAM && m->name) {
		spin_lock(&unix_lock);
		r = us->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		spin_unlock(&unix_lock);
		return r;
	}
	r = scm_parse(m, &scm);
	if (r)
		return r;
	if (us->type == SOCK_DGRAM)
		r = send_dgram(us, m, &scm, nonblock);
	else
		r = send_connected(us, m, &scm, flags, nonblock);
	scm_drop(&scm); /* what no message took */
	return r;
}

/* ---- receiving ------------------------------------------------------------ */

/* Caller holds unix_lock. Become us's one reader. */
static int reader_claim(struct unix_sock *us, bool nonblock, uint64_t deadline)
{
	while (us->reading) {
		int err = unix_wait_locked(us, nonblock, deadline);

		if (err)
			return err;
	}
	us->reading = true;
	return 0;
}

/* Caller holds unix_lock. */
static void reader_leave(struct unix_sock *us)
{
	us->reading = false;
	wake_up(&us->wait);
}

/* Caller holds unix_lock and is us's reader: the files and credentials
 * of m move to the caller (MSG_PEEK: new references to its files). */
static void take_scm(struct unix_msg *m, bool peek, struct file ***files,
		     int *nfiles)
{
	*files = NULL;
	*nfiles = 0;
	if (!m->nfiles)
		return;
	if (!peek) {
		*files = m->files;
		*nfiles = m->nfiles;
		m->files = NULL;
		m->nfiles = 0;
		return;
	}
	*files = kmalloc(sizeof(**files) * (size_t)m->nfiles);
	if (!*files)
		return;
	for (int i = 0; i < m->nfiles; i++) {
		vfs_file_ref(m->files[i]);
		(*files)[i] = m->files[i];
	}
	*nfiles = m->nfiles;
}

/* Datagram and seqpacket: one message a call. Caller holds unix_lock
 * and is us's reader; returns with unix_lock held. */
static long recv_record(struct unix_sock *us, struct sock_msg *m, int flags,
			bool nonblock, uint64_t deadline)
{
	struct unix_msg *msg;
	struct iov_cursor c;
	struct file **files;
	struct ucred cred;
	int nfiles, err;
	size_t n, whole;
	bool peek = flags & MSG_PEEK, passcred = us->passcred;

	while (!us->rq_head) {
		if (us->err) {
			err = -us->err;
			us->err = 0;
			return err;
		}
		if (us->type == SOCK_SEQPACKET) {
			if (us->state != UNIX_CONNECTED)
				return -ENOTCONN;
			if (us->shutdown & RCV_SHUTDOWN)
				return 0;
		} else if (us->shutdown & RCV_SHUTDOWN) {
			return 0;
		}
		err = unix_wait_locked(us, nonblock, deadline);
		if (err)
			return err;
	}
	msg = us->rq_head;
	if (!peek) {
		unix_rq_pop(us);
		unix_msg_unaccount(msg);
		wake_up(&us->wait); /* senders waiting for queue room */
	}
	take_scm(msg, peek, &files, &nfiles);
	cred = msg->cred;
	whole = msg->len;
	spin_unlock(&unix_lock);
	if (!peek)
		poll_notify();
	n = MIN(m->total, whole);
	iov_cursor_init(&c, m);
	err = iov_copy_out(&c, msg->data, n);
	if (!err && m->name && us->type == SOCK_DGRAM) {
		/* recvmsg's msg_namelen: the sender's name, 0 if none */
		size_t len = MIN((size_t)m->namelen, msg->addr.len);

		if (msg->addr.len && copy_to_user(m->name, &msg->addr.sun, len))
			err = -EFAULT;
		m->namelen = (int)msg->addr.len;
	} else {
		m->namelen = 0;
	}
	if (whole > n)
		m->out_flags |= MSG_TRUNC;
	if (!err)
		err = scm_deliver(m, flags, passcred, &cred, files, nfiles);
	else
		for (int i = 0; i < nfiles; i++)
			vfs_close(files[i]);
	kfree(files);
	if (!peek)
		unix_msg_free(msg);
	spin_lock(&unix_lock);
	if (err)
		return err;
	return (flags & MSG_TRUNC) ? (long)whole : (long)n;
}

/* Stream: bytes across messages, until the buffers are full (MSG_WAITALL)
 * or something was read and no more is queued; a message with files
 * ends the read, as on Linux. Caller holds unix_lock and is us's reader;
 * returns with unix_lock held. */
static long recv_stream(struct unix_sock *us, struct sock_msg *m, int flags,
			bool nonblock, uint64_t deadline)
{
	bool peek = flags & MSG_PEEK, passcred = us->passcred;
	size_t target = (flags & MSG_WAITALL) ? m->total : 1;
	size_t copied = 0, peek_off = 0;
	struct unix_msg *msg = NULL, *done = NULL;
	struct file **files = NULL;
	struct ucred cred = { 0, 0, 0 };
	struct iov_cursor c;
	int nfiles = 0, err = 0;

	if (us->state != UNIX_CONNECTED)
		return -EINVAL;
	iov_cursor_init(&c, m);
	while (copied < m->total) {
		size_t n, off;

		msg = peek ? (msg ? msg : us->rq_head) : us->rq_head;
		if (peek && msg && peek_off == msg->len - msg->off) {
			msg = msg->next;
			peek_off = 0;
		}
		if (!msg) {
			if (copied >= target)
				break;
			if (us->err) {
				err = -us->err;
				us->err = 0;
				break;
			}
			if (us->shutdown & RCV_SHUTDOWN)
				break;
			err = unix_wait_locked(us, nonblock, deadline);
			if (err)
				break;
			msg = NULL;
			continue;
		}
		/* With SO_PASSCRED, one sender's bytes at a time. */
		if (copied && passcred && msg->cred.pid != cred.pid)
			break;
		cred = msg->cred;
		off = msg->off + peek_off;
		n = MIN(m->total - copied, msg->len - off);
		spin_unlock(&unix_lock);
		err = iov_copy_out(&c, msg->data + off, n);
		spin_lock(&unix_lock);
		if (err)
			break;
		copied += n;
		if (peek) {
			peek_off += n;
			if (msg->nfiles) {
				take_scm(msg, true, &files, &nfiles);
				break;
			}
			continue;
		}
		msg->off += n;
		us->rq_bytes -= n;
		if (msg->nfiles)
			take_scm(msg, false, &files, &nfiles);
		if (msg->off == msg->len) {
			unix_rq_pop(us);
			unix_msg_unaccount(msg);
			msg->next = done;
			done = msg;
		}
		if (nfiles)
			break;
	}
	spin_unlock(&unix_lock);
	if (done)
		poll_notify();
	while (done) {
		msg = done;
		done = msg->next;
		unix_msg_free(msg);
	}
	m->namelen = 0;
	if (copied && (nfiles || passcred)) {
		int e = scm_deliver(m, flags, passcred, &cred, files, nfiles);

		err = err ? err : e;
	} else {
		for (int i = 0; i < nfiles; i++)
			vfs_close(files[i]);
		m->controllen = 0;
	}
	kfree(files);
	spin_lock(&unix_lock);
	if (copied)
		return (long)copied;
	return err;
}

long unix_recvmsg(struct unix_sock *us, struct sock_msg *m, int flags,
		  bool nonblock)
{
	uint64_t deadline;
	long r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_DONTWAIT)
		nonblock = true;
	m->out_flags = 0;
	spin_lock(&unix_lock);
	deadline = unix_deadline_for(us->rcvtimeo_ns);
	r = reader_claim(us, nonblock, deadline);
	if (r) {
		spin_unlock(&unix_lock);
		return r;
	}
	if (us->type == SOCK_STREAM)
		r = recv_stream(us, m, flags, nonblock, deadline);
	else
		r = recv_record(us, m, flags, nonblock, deadline);
	reader_leave(us);
	spin_unlock(&unix_lock);
	if (!(m->out_flags & MSG_CTRUNC) && r < 0)
		m->controllen = 0;
	return r;
}
