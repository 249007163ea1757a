/*
 * sink_maildir.c -- deliver into a Maildir.
 *
 * The message is written to tmp/, fsync'ed, then linked into new/ and
 * the new/ directory fsync'ed: only then is it delivered, and only then
 * may it leave the mail server.  Line ends become LF, as local mail
 * readers expect.  An abort removes the file from tmp/.
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
#include "sink.h"
#include "xmalloc.h"

#define MAILDIR_BUF	65536

struct maildir {
	char			*path;
	char			*tmpname;	/* tmp/<unique> while writing */
	char			*base;		/* <unique> */
	int			 fd;
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
	const char	*sub[] = { "tmp", "new", "cur" };
	struct maildir	*m;
	char		*dir;
	size_t		 i;

	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(sk->account->maildir);
	m->fd = -1;
	maildir_host(m->host, sizeof(m->host));
	for (i = 0; i < nitems(sub); i++) {
		xasprintf(&dir, "%s/%s", m->path, sub[i]);
		if (durable_mkdirs(dir, 0700) != 0 || access(dir, W_OK) != 0)
			goto fail;
		free(dir);
	}
	xasprintf(&dir, "%s/new", m->path);
	if ((m->newfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	free(dir);
	sk->data = m;
	return (0);

fail:
	xasprintf(cause, "maildir %s: %s", dir, strerror(errno));
	free(dir);
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
	m->fd = open(m->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
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
		(void)unlink(m->tmpname);
	}
}

static enum sink_result
maildir_commit(struct sink *sk, char **cause)
{
	struct maildir	*m = sk->data;
	char		*final;
	int		 rc;

	m->used += crlf_strip_end(&m->strip, m->buf + m->used);
	if (maildir_flush(m) != 0 || fsync(m->fd) != 0) {
		xasprintf(cause, "maildir: %s: %s", m->tmpname,
		    strerror(errno));
		maildir_abort(sk);
		return (SINK_FATAL);
	}
	close(m->fd);
	m->fd = -1;
	/* ",S=size" lets Dovecot and others skip a stat. */
	xasprintf(&final, "%s/new/%s,S=%lld", m->path, m->base, m->size);
	rc = link(m->tmpname, final);
	if (rc == 0) {
		(void)unlink(m->tmpname);
		rc = fsync(m->newfd);
	}
	if (rc != 0) {
		xasprintf(cause, "maildir: %s: %s", final, strerror(errno));
		(void)unlink(m->tmpname);
	}
	free(final);
	return (rc == 0 ? SINK_OK : SINK_FATAL);
}

static void
maildir_close(struct sink *sk)
{
	struct maildir	*m = sk->data;

	if (m == NULL)
		return;
	maildir_abort(sk);
	close(m->newfd);
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
	.close = maildir_close,
};
