/*
 * sink_mbox.c -- append to an mbox file.
 *
 * Locked the two ways mail programs agree on: an fcntl lock on the file
 * and a "PATH.lock" dot-lock file (skipped with a debug line when the
 * directory does not let us create one, as for /var/mail without group
 * mail).  Each message gets a "From " line and mboxrd quoting, and is
 * fsync'ed before it counts; an abort cuts the file back to where it was.
 *
 * The directory that holds the mbox is opened by safedir (no link that
 * another user controls is followed on the way) and the file and its
 * dot-lock are opened, checked and removed relative to that descriptor:
 * a user who swaps the directory for a link cannot steer root's writes.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "dotstuff.h"
#include "durable.h"
#include "log.h"
#include "mboxrd.h"
#include "result.h"
#include "safedir.h"
#include "sink.h"
#include "xmalloc.h"

#define MBOX_BUF	65536

struct mbox {
	char			*path;
	char			*lockname;	/* "NAME.lock", in dirfd */
	int			 dirfd;		/* the directory holding it */
	int			 fd;
	int			 dotlocked;
	off_t			 start;		/* size before this message */
	size_t			 used;
	struct crlf_stripper	 strip;
	struct mboxrd		 quote;
	char			 tmp[MBOX_BUF / 2 + 8];
	char			 buf[MBOX_BUF];
};

/* A full tmp, quoted at its worst, fits an empty buf. */
_Static_assert(MBOXRD_OUT_MAX(MBOX_BUF / 2) + MBOXRD_END_MAX <= MBOX_BUF,
    "mbox buffer too small for quoting");

static int
mbox_open(struct sink *sk, char **cause)
{
	struct mbox	*m;
	struct stat	 sb;
	const char	*name;
	char		*dir, *why = NULL;

	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(sk->account->mbox);
	m->fd = -1;
	name = strrchr(m->path, '/') != NULL ? strrchr(m->path, '/') + 1 :
	    m->path;
	xasprintf(&m->lockname, "%s.lock", name);
	dir = xstrdup(m->path);
	m->dirfd = safedir_openat(AT_FDCWD, NULL, dirname(dir), 0, &why);
	free(dir);
	if (m->dirfd == -1) {
		xasprintf(cause, "mbox %s: %s", m->path, why);
		goto fail;
	}
	m->fd = openat(m->dirfd, name, O_RDWR | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (m->fd == -1 || fstat(m->fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_nlink != 1) {
		/* A second name could be another user's link to our file. */
		xasprintf(cause, "mbox %s: %s", m->path, m->fd == -1 ?
		    (errno == ELOOP ? "is a symbolic link" : strerror(errno)) :
		    !S_ISREG(sb.st_mode) ? "not a regular file" :
		    "has more than one name (a hard link); refused");
		goto fail;
	}
	sk->data = m;
	return (0);

fail:
	free(why);
	if (m->fd != -1)
		close(m->fd);
	if (m->dirfd != -1)
		close(m->dirfd);
	free(m->lockname);
	free(m->path);
	free(m);
	return (PM_IOERR);
}

/* 1 locked, 0 not possible here (no write access to the directory). */
static int
mbox_dotlock(struct mbox *m, char **cause)
{
	struct stat	sb;
	int		fd, i;

	for (i = 0; i < PM_MBOX_LOCK_TRIES; i++) {
		fd = openat(m->dirfd, m->lockname, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1) {
			close(fd);
			return (1);
		}
		if (errno == EACCES || errno == EROFS) {
			log_debug("mbox %s: no dot-lock (%s); fcntl lock only",
			    m->path, strerror(errno));
			return (0);
		}
		if (errno != EEXIST)
			break;
		if (fstatat(m->dirfd, m->lockname, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0 &&
		    time(NULL) - sb.st_mtime > PM_MBOX_STALE_LOCK) {
			log_warnx("mbox %s: removing a stale lock", m->path);
			(void)unlinkat(m->dirfd, m->lockname, 0);
			continue;
		}
		usleep(500000);
	}
	xasprintf(cause, "mbox %s: cannot lock: %s", m->path, errno == EEXIST ?
	    "locked by another program" : strerror(errno));
	return (-1);
}

static int
mbox_lock(struct mbox *m, char **cause)
{
	struct flock	fl;
	int		i;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (i = 0; fcntl(m->fd, F_SETLK, &fl) == -1; i++) {
		if ((errno != EAGAIN && errno != EACCES) ||
		    i >= PM_MBOX_LOCK_TRIES) {
			xasprintf(cause, "mbox %s: cannot lock: %s", m->path,
			    strerror(errno));
			return (-1);
		}
		usleep(500000);
	}
	if ((m->dotlocked = mbox_dotlock(m, cause)) == -1) {
		m->dotlocked = 0;
		fl.l_type = F_UNLCK;
		(void)fcntl(m->fd, F_SETLK, &fl);
		return (-1);
	}
	return (0);
}

static void
mbox_unlock(struct mbox *m)
{
	struct flock	fl;

	if (m->dotlocked)
		(void)unlinkat(m->dirfd, m->lockname, 0);
	m->dotlocked = 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	(void)fcntl(m->fd, F_SETLK, &fl);
}

static int
mbox_flush(struct mbox *m)
{
	if (durable_write_all(m->fd, m->buf, m->used) != 0)
		return (-1);
	m->used = 0;
	return (0);
}

static enum sink_result
mbox_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	struct mbox	*m = sk->data;
	struct stat	 sb;
	char		 tail[2], date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;
	ssize_t		 n;

	if (mbox_lock(m, cause) != 0)
		return (SINK_TEMPFAIL);
	if (fstat(m->fd, &sb) != 0) {
		xasprintf(cause, "mbox %s: %s", m->path, strerror(errno));
		mbox_unlock(m);
		return (SINK_FATAL);
	}
	m->start = sb.st_size;
	m->used = 0;
	/* The previous message must end with an empty line. */
	if (sb.st_size > 0) {
		n = pread(m->fd, tail, 2, sb.st_size >= 2 ? sb.st_size - 2 : 0);
		if (n >= 1 && tail[n - 1] != '\n')
			m->buf[m->used++] = '\n';
		if (n == 2 && !(tail[0] == '\n' && tail[1] == '\n'))
			m->buf[m->used++] = '\n';
	}
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	m->used += snprintf(m->buf + m->used, sizeof(m->buf) - m->used,
	    "From %s %s\n", e->from[0] != '\0' && strlen(e->from) < 512 &&
	    strpbrk(e->from, " \t\r\n") == NULL ? e->from : "MAILER-DAEMON",
	    date);
	memset(&m->strip, 0, sizeof(m->strip));
	mboxrd_init(&m->quote);
	return (SINK_OK);
}

static enum sink_result
mbox_write(struct sink *sk, const void *data, size_t len, char **cause)
{
	struct mbox	*m = sk->data;
	const char	*p = data;
	size_t		 n, t;

	while (len > 0) {
		/*
		 * tmp holds n + 1 after CR LF -> LF; quoting can then grow
		 * it by a sixth ("From " lines), which an empty buf always
		 * has room for.
		 */
		n = MBOX_BUF / 2 - 1;
		if (n > len)
			n = len;
		t = crlf_strip(&m->strip, p, n, m->tmp);
		if (m->used + MBOXRD_OUT_MAX(t) > sizeof(m->buf) &&
		    mbox_flush(m) != 0)
			goto fail;
		m->used += mboxrd_quote(&m->quote, m->tmp, t, m->buf + m->used);
		p += n;
		len -= n;
	}
	return (SINK_OK);
fail:
	xasprintf(cause, "mbox %s: %s", m->path, strerror(errno));
	return (SINK_FATAL);
}

static void
mbox_abort(struct sink *sk)
{
	struct mbox	*m = sk->data;

	if (m->fd == -1)
		return;
	m->used = 0;
	/* Leave the file as it was before this message. */
	if (ftruncate(m->fd, m->start) != 0)
		log_warn("mbox %s: could not remove a partial message",
		    m->path);
	mbox_unlock(m);
}

static enum sink_result
mbox_commit(struct sink *sk, char **cause)
{
	struct mbox	*m = sk->data;
	size_t		 t;

	t = crlf_strip_end(&m->strip, m->tmp);
	if (m->used + MBOXRD_OUT_MAX(t) + MBOXRD_END_MAX > sizeof(m->buf) &&
	    mbox_flush(m) != 0)
		goto fail;
	m->used += mboxrd_quote(&m->quote, m->tmp, t, m->buf + m->used);
	m->used += mboxrd_end(&m->quote, m->buf + m->used);
	if (mbox_flush(m) != 0 || fsync(m->fd) != 0)
		goto fail;
	mbox_unlock(m);
	return (SINK_OK);
fail:
	xasprintf(cause, "mbox %s: %s", m->path, strerror(errno));
	mbox_abort(sk);
	return (SINK_FATAL);
}

static void
mbox_close(struct sink *sk)
{
	struct mbox	*m = sk->data;

	if (m == NULL)
		return;
	close(m->fd);
	close(m->dirfd);
	free(m->lockname);
	free(m->path);
	free(m);
	sk->data = NULL;
}

const struct sink_ops sink_mbox_ops = {
	.name = "mbox",
	.open = mbox_open,
	.begin = mbox_begin,
	.write = mbox_write,
	.commit = mbox_commit,
	.abort = mbox_abort,
	.close = mbox_close,
};
