/*
 * sink_bsmtp.c -- append batched SMTP (MAIL, RCPT, DATA, the dot-stuffed
 * message, ".") to a file, or to standard output for "bsmtp -".
 *
 * A file is fsync'ed before a message counts, and an abort cuts it back
 * to where the message began.  Standard output cannot be taken back, so
 * an aborted message there stays without its final dot.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotstuff.h"
#include "durable.h"
#include "log.h"
#include "result.h"
#include "sink.h"
#include "xmalloc.h"

#define BSMTP_CHUNK	16384

struct bsmtp {
	int			 fd;
	int			 seekable;	/* a regular file */
	off_t			 start;
	size_t			 used;
	struct dot_encoder	 enc;
	char			 buf[4 * BSMTP_CHUNK];
};

static void	bsmtp_abort(struct sink *);

static int
bsmtp_open(struct sink *sk, char **cause)
{
	const char	*path = sk->account->bsmtp;
	struct bsmtp	*b;
	struct stat	 sb;

	b = xcalloc(1, sizeof(*b));
	if (strcmp(path, "-") == 0)
		b->fd = STDOUT_FILENO;
	else if ((b->fd = open(path, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		xasprintf(cause, "bsmtp %s: %s", path, strerror(errno));
		free(b);
		return (PM_BSMTP);
	}
	b->seekable = fstat(b->fd, &sb) == 0 && S_ISREG(sb.st_mode);
	sk->data = b;
	return (0);
}

static int
bsmtp_flush(struct bsmtp *b)
{
	if (durable_write_all(b->fd, b->buf, b->used) != 0)
		return (-1);
	b->used = 0;
	return (0);
}

static enum sink_result
bsmtp_fail(struct sink *sk, char **cause)
{
	xasprintf(cause, "bsmtp %s: %s", sk->account->bsmtp, strerror(errno));
	return (SINK_FATAL);
}

/*
 * One envelope line into buf, flushing first when it would not fit.
 * -1 (errno set) when it cannot be written or would not fit even then.
 */
static int __attribute__((format(printf, 2, 3)))
bsmtp_put(struct bsmtp *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->buf)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (b->used + n + 1 > sizeof(b->buf) && bsmtp_flush(b) != 0)
		return (-1);
	va_start(ap, fmt);
	b->used += vsnprintf(b->buf + b->used, sizeof(b->buf) - b->used, fmt,
	    ap);
	va_end(ap);
	return (0);
}

static enum sink_result
bsmtp_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	const struct account	*a = sk->account;
	struct bsmtp		*b = sk->data;
	const char		*dom = a->smtpaddress != NULL ? a->smtpaddress :
				    "localhost";
	size_t			 i;
	int			 r;

	if (b->seekable && (b->start = lseek(b->fd, 0, SEEK_END)) == -1)
		return (bsmtp_fail(sk, cause));
	b->used = 0;
	if (bsmtp_put(b, "MAIL FROM:<%s>%s\r\n", e->from, e->eightbit ?
	    " BODY=8BITMIME" : "") != 0)
		goto fail;
	for (i = 0; i < e->rcpts.n; i++) {
		if (a->smtpname != NULL)
			r = bsmtp_put(b, "RCPT TO:<%s>\r\n", a->smtpname);
		else if (strchr(e->rcpts.v[i], '@') != NULL)
			r = bsmtp_put(b, "RCPT TO:<%s>\r\n", e->rcpts.v[i]);
		else
			r = bsmtp_put(b, "RCPT TO:<%s@%s>\r\n", e->rcpts.v[i],
			    dom);
		if (r != 0)
			goto fail;
	}
	if (bsmtp_put(b, "DATA\r\n") != 0)
		goto fail;
	dot_encode_init(&b->enc);
	return (SINK_OK);
fail:
	r = bsmtp_fail(sk, cause);	/* before abort changes errno */
	bsmtp_abort(sk);
	return (r);
}

static enum sink_result
bsmtp_write(struct sink *sk, const void *data, size_t len, char **cause)
{
	struct bsmtp	*b = sk->data;
	const char	*p = data;
	size_t		 n;

	while (len > 0) {
		n = len > BSMTP_CHUNK ? BSMTP_CHUNK : len;
		if (b->used + DOT_ENCODE_MAX(n) > sizeof(b->buf) &&
		    bsmtp_flush(b) != 0)
			return (bsmtp_fail(sk, cause));
		b->used += dot_encode(&b->enc, p, n, b->buf + b->used);
		p += n;
		len -= n;
	}
	return (SINK_OK);
}

static void
bsmtp_abort(struct sink *sk)
{
	struct bsmtp	*b = sk->data;

	b->used = 0;
	if (b->seekable && ftruncate(b->fd, b->start) != 0)
		log_warn("bsmtp %s: could not remove a partial message",
		    sk->account->bsmtp);
}

static enum sink_result
bsmtp_commit(struct sink *sk, char **cause)
{
	struct bsmtp	*b = sk->data;

	if (b->used + DOT_ENCODE_END_MAX > sizeof(b->buf) &&
	    bsmtp_flush(b) != 0)
		goto fail;
	b->used += dot_encode_end(&b->enc, b->buf + b->used);
	if (bsmtp_flush(b) != 0 || (b->seekable && fsync(b->fd) != 0))
		goto fail;
	return (SINK_OK);
fail:
	bsmtp_fail(sk, cause);
	bsmtp_abort(sk);
	return (SINK_FATAL);
}

static void
bsmtp_close(struct sink *sk)
{
	struct bsmtp	*b = sk->data;

	if (b == NULL)
		return;
	if (b->fd != STDOUT_FILENO)
		close(b->fd);
	free(b);
	sk->data = NULL;
}

const struct sink_ops sink_bsmtp_ops = {
	.name = "bsmtp",
	.open = bsmtp_open,
	.begin = bsmtp_begin,
	.write = bsmtp_write,
	.commit = bsmtp_commit,
	.abort = bsmtp_abort,
	.close = bsmtp_close,
};
