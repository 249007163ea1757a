/*
 * sink_maildir.c -- deliver into a Maildir.
 *
 * A message is written to tmp/ and staged.  sync then makes the staged
 * batch durable: each file fsync'ed, linked into new/, and new/ fsync'ed
 * once for all of them.  Only then are they delivered, and only then may
 * they leave the mail server; until then nothing shows in new/, so a
 * crash leaves files in tmp/ (which Maildir readers clean up) and the
 * messages on the server.  Line ends become LF, as local mail readers
 * expect.  An abort removes the file from tmp/.
 *
 * root delivers into directories its users own, so every step goes
 * through descriptors: the maildir and tmp/, new/ and cur/ are opened by
 * safedir (no link another user controls is followed) and the files are
 * made with openat, linkat and unlinkat relative to them.  A user who
 * swaps new/ for a link to elsewhere gets a refusal, not root's writes.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotstuff.h"
#include "durable.h"
#include "log.h"
#include "net.h"
#include "result.h"
#include "safedir.h"
#include "sink.h"
#include "xmalloc.h"

#define MAILDIR_BUF	65536

/* Written and closed for writing, not yet durable nor in new/. */
struct maildir_staged {
	char			*base;
	char			*tmpname;
	int			 fd;
	long long		 size;
};

struct maildir {
	char			*path;
	struct maildir_staged	*staged;
	size_t			 nstaged;
	size_t			 capstaged;
	char			*tmpname;	/* tmp/<unique> while writing */
	char			*base;		/* <unique> */
	int			 fd;
	int			 tmpfd;		/* tmp/ */
	int			 newfd;		/* new/, kept open to fsync */
	unsigned int		 count;
	long long		 size;		/* bytes written */
	size_t			 used;
	struct crlf_stripper	 strip;
	char			 host[128];
	char			 buf[MAILDIR_BUF];
};

/* The host name with '/' and ':' replaced, as the Maildir spec says. */
static void
maildir_host(char *buf, size_t size)
{
	char	*p;

	net_local_hostname(buf, size);
	for (p = buf; *p != '\0'; p++) {
		if (*p == '/')
			*p = '_';
		else if (*p == ':')
			*p = '.';
	}
}

static int
maildir_open(struct sink *sk, char **cause)
{
	struct maildir	*m;
	const char	*sub = NULL;
	char		*why = NULL;
	int		 rootfd, curfd;

	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(sk->account->maildir);
	m->fd = m->tmpfd = m->newfd = -1;
	maildir_host(m->host, sizeof(m->host));
	if ((rootfd = safedir_openat(AT_FDCWD, NULL, m->path, 0700,
	    &why)) == -1)
		goto fail;
	m->tmpfd = safedir_openat(rootfd, m->path, "tmp", 0700, &why);
	if (m->tmpfd != -1)
		m->newfd = safedir_openat(rootfd, m->path, "new", 0700, &why);
	curfd = m->newfd == -1 ? -1 :
	    safedir_openat(rootfd, m->path, "cur", 0700, &why);
	close(rootfd);
	if (curfd == -1)
		goto fail;
	close(curfd);
	/* Fail now, before anything is fetched, if we may not write. */
	if (faccessat(m->tmpfd, ".", W_OK, 0) != 0)
		sub = "tmp";
	else if (faccessat(m->newfd, ".", W_OK, 0) != 0)
		sub = "new";
	if (sub != NULL) {
		xasprintf(&why, "%s/%s: %s", m->path, sub, strerror(errno));
		goto fail;
	}
	sk->data = m;
	return (0);

fail:
	xasprintf(cause, "maildir %s", why);
	free(why);
	if (m->tmpfd != -1)
		close(m->tmpfd);
	if (m->newfd != -1)
		close(m->newfd);
	free(m->path);
	free(m);
	return (PM_IOERR);
}

static enum sink_result
maildir_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	struct maildir	*m = sk->data;
	struct timeval	 tv;

	(void)e;
	gettimeofday(&tv, NULL);
	free(m->base);
	free(m->tmpname);
	/* time.MusecPpidQcount.host: unique without any lock. */
	xasprintf(&m->base, "%lld.M%06ldP%ldQ%u.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++m->count, m->host);
	xasprintf(&m->tmpname, "%s/tmp/%s", m->path, m->base);
	m->fd = openat(m->tmpfd, m->base, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (m->fd == -1) {
		xasprintf(cause, "maildir: %s: %s", m->tmpname,
		    strerror(errno));
		return (SINK_FATAL);
	}
	m->size = 0;
	m->used = 0;
	memset(&m->strip, 0, sizeof(m->strip));
	return (SINK_OK);
}

static int
maildir_flush(struct maildir *m)
{
	if (durable_write_all(m->fd, m->buf, m->used) != 0)
		return (-1);
	m->size += m->used;
	m->used = 0;
	return (0);
}

static enum sink_result
maildir_write(struct sink *sk, const void *data, size_t len, char **cause)
{
	struct maildir	*m = sk->data;
	const char	*p = data;
	size_t		 n;

	while (len > 0) {
		/* crlf_strip writes at most n + 1 bytes. */
		n = sizeof(m->buf) - m->used - 1;
		if (n > len)
			n = len;
		m->used += crlf_strip(&m->strip, p, n, m->buf + m->used);
		p += n;
		len -= n;
		if (m->used > sizeof(m->buf) / 2 && maildir_flush(m) != 0) {
			xasprintf(cause, "maildir: %s: %s", m->tmpname,
			    strerror(errno));
			return (SINK_FATAL);
		}
	}
	return (SINK_OK);
}

static void
maildir_abort(struct sink *sk)
{
	struct maildir	*m = sk->data;

	if (m->fd != -1) {
		close(m->fd);
		m->fd = -1;
		(void)unlinkat(m->tmpfd, m->base, 0);
	}
}

static void
maildir_unstage(struct maildir *m, int unlink_tmp)
{
	struct maildir_staged	*st;
	size_t			 i;

	for (i = 0; i < m->nstaged; i++) {
		st = &m->staged[i];
		if (st->fd != -1)
			close(st->fd);
		if (unlink_tmp)
			(void)unlinkat(m->tmpfd, st->base, 0);
		free(st->base);
		free(st->tmpname);
	}
	m->nstaged = 0;
}

static enum sink_result
maildir_commit(struct sink *sk, char **cause)
{
	struct maildir		*m = sk->data;
	struct maildir_staged	*st;

	m->used += crlf_strip_end(&m->strip, m->buf + m->used);
	if (maildir_flush(m) != 0) {
		xasprintf(cause, "maildir: %s: %s", m->tmpname,
		    strerror(errno));
		maildir_abort(sk);
		return (SINK_FATAL);
	}
	/* Start the writeback now; sync's fsync then mostly waits. */
	(void)sync_file_range(m->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (m->nstaged == m->capstaged) {
		m->capstaged = m->capstaged == 0 ? 32 : m->capstaged * 2;
		m->staged = xreallocarray(m->staged, m->capstaged,
		    sizeof(*m->staged));
	}
	st = &m->staged[m->nstaged++];
	st->fd = m->fd;
	st->size = m->size;
	st->base = m->base;
	st->tmpname = m->tmpname;
	m->fd = -1;
	m->base = m->tmpname = NULL;
	return (SINK_OK);
}

static enum sink_result
maildir_sync(struct sink *sk, char **cause)
{
	struct maildir		*m = sk->data;
	struct maildir_staged	*st;
	char			*final;
	size_t			 i, linked = 0;
	int			 r;

	for (i = 0; i < m->nstaged; i++) {
		st = &m->staged[i];
		if (fsync(st->fd) != 0) {
			xasprintf(cause, "maildir: %s: %s", st->tmpname,
			    strerror(errno));
			goto fail;
		}
		close(st->fd);
		st->fd = -1;
	}
	for (; linked < m->nstaged; linked++) {
		st = &m->staged[linked];
		/* ",S=size" lets Dovecot and others skip a stat. */
		xasprintf(&final, "%s,S=%lld", st->base, st->size);
		r = linkat(m->tmpfd, st->base, m->newfd, final, 0);
		if (r != 0) {
			xasprintf(cause, "maildir: %s/new/%s: %s", m->path,
			    final, strerror(errno));
			free(final);
			goto fail;
		}
		free(final);
		(void)unlinkat(m->tmpfd, st->base, 0);
	}
	if (fsync(m->newfd) != 0) {
		xasprintf(cause, "maildir: %s/new: %s", m->path,
		    strerror(errno));
		goto fail;
	}
	maildir_unstage(m, 0);
	return (SINK_OK);

fail:
	/*
	 * The batch stays on the server.  Files already in new/ may be
	 * delivered again next poll: a duplicate, never a loss.
	 */
	maildir_unstage(m, 1);
	return (SINK_FATAL);
}

static void
maildir_close(struct sink *sk)
{
	struct maildir	*m = sk->data;

	if (m == NULL)
		return;
	maildir_abort(sk);
	maildir_unstage(m, 1);
	close(m->tmpfd);
	close(m->newfd);
	free(m->staged);
	free(m->path);
	free(m->base);
	free(m->tmpname);
	free(m);
	sk->data = NULL;
}

const struct sink_ops sink_maildir_ops = {
	.name = "maildir",
	.open = maildir_open,
	.begin = maildir_begin,
	.write = maildir_write,
	.commit = maildir_commit,
	.abort = maildir_abort,
	.sync = maildir_sync,
	.close = maildir_close,
};
