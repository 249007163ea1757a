/*
 * conn.c -- buffered I/O over a socket, with or without TLS.
 *
 * Every wait goes through conn_wait(), which polls: no alarms, no long
 * jumps.  One rule bounds all of them, lines, bodies, literals, TLS
 * handshakes and sends alike:
 *
 *   the time spent waiting on the server since the budget was last
 *   renewed may not exceed the timeout; the budget is renewed only when
 *   we send (a new command, the next buffer of what we send, a TLS
 *   handshake) and when PM_PROGRESS_BYTES more bytes have arrived.
 *
 * So a server must answer each command, and bring every PM_PROGRESS_BYTES
 * of a long answer, within the timeout; one that drips a byte, a line end
 * or an untagged "* OK" a second is given up after the timeout.  Only
 * time spent waiting counts: a slow sink does not eat the server's time.
 * And the process's stop flag (SIGTERM, conn_set_stop) ends every wait
 * within PM_STOP_GRACE_MS of the signal, so that a prompt server still
 * gets its QUIT or LOGOUT but a dripping one cannot hold us.  The SMTP
 * sink opts out (conn_set_stoppable): its answer to the final dot says
 * whether a message was delivered.
 * Lines are bounded; bodies are read from the same buffer in place, so a
 * message never needs to fit in memory.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "clock.h"
#include "conn.h"
#include "log.h"
#include "net.h"
#include "xmalloc.h"

#define CONN_POLL_SLICE_MS	500	/* a signal just before poll() */

/* What a connection is waiting for, for the message when it gives up. */
enum conn_op {
	CONN_OP_LINE,
	CONN_OP_BODY,
	CONN_OP_HANDSHAKE,
	CONN_OP_SEND,
};

/* The process's stop flag, and when a wait first saw it set. */
static volatile int	*conn_stop;
static long long	 conn_stop_at = -1;

struct conn {
	int		 fd;
	struct tls	*tls;
	char		*label;
	char		*peer;
	int		 timeout;	/* seconds of waiting per budget */
	volatile int	*abort;		/* set by a signal: stop waiting */
	int		 stoppable;	/* the stop flag ends its waits */
	enum conn_op	 op;		/* what the current wait is for */
	long long	 waited;	/* ms waited since the last renewal */
	size_t		 got;		/* bytes read since the last renewal */
	int		 timed_out;	/* the last wait ran out of budget */

	char		*rbuf;		/* PM_IO_BUF bytes */
	size_t		 roff;		/* first unread byte */
	size_t		 rlen;		/* end of buffered bytes */

	char		*wbuf;		/* PM_WBUF_MAX bytes */
	size_t		 wlen;
	char		*werror;	/* first write error, for conn_flush */
};

static int	conn_fill(struct conn *, char **);
static int	conn_send(struct conn *, const char *, size_t, char **);

struct conn *
conn_connect(const char *host, int port, int timeout, const char *label,
    int *dns_r, char **cause)
{
	struct conn	*c;
	char		*peer = NULL;
	int		 fd;

	*dns_r = 0;
	if (*host == '/') {
		fd = net_connect_unix(host, cause);
		peer = xstrdup("local");
	} else
		fd = net_connect(host, port, timeout, &peer, cause);
	if (fd < 0) {
		*dns_r = fd == NET_ERR_DNS;
		return (NULL);
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->label = xstrdup(label);
	c->peer = peer;
	c->timeout = timeout;
	c->stoppable = 1;
	c->rbuf = xmalloc(PM_IO_BUF);
	c->wbuf = xmalloc(PM_WBUF_MAX);
	return (c);
}

const char *
conn_peer_addr(struct conn *c)
{
	return (c->peer);
}

const char *
conn_label(struct conn *c)
{
	return (c->label);
}

int
conn_is_tls(struct conn *c)
{
	return (c->tls != NULL);
}

const char *
conn_tls_summary(struct conn *c)
{
	return (c->tls != NULL ? tls_summary(c->tls) : "plain text");
}

/* A fresh budget: we sent something, or enough bytes came. */
static void
conn_renew(struct conn *c)
{
	c->waited = 0;
	c->got = 0;
}

void
conn_set_timeout(struct conn *c, int seconds, volatile int *abort)
{
	c->timeout = seconds;
	c->abort = abort;
	conn_renew(c);
}

int
conn_timed_out(struct conn *c)
{
	return (c->timed_out);
}

struct tls *
conn_tls(struct conn *c)
{
	return (c->tls);
}

char *
conn_tls_report(struct conn *c)
{
	return (c->tls != NULL ? tls_verify_report(c->tls) : NULL);
}

void
conn_set_stoppable(struct conn *c, int on)
{
	c->stoppable = on;
}

void
conn_set_stop(volatile int *stop)
{
	conn_stop = stop;
	conn_stop_at = -1;
}

/* The budget ran out: say what was awaited and what came. */
static void
conn_late(struct conn *c, char **cause)
{
	const char	*what = "the end of the reply";

	c->timed_out = 1;
	switch (c->op) {
	case CONN_OP_BODY:
		what = "the rest of the message body or literal";
		/* FALLTHROUGH */
	case CONN_OP_LINE:
		if (c->got == 0 && c->rlen == c->roff)
			xasprintf(cause, "%s: no answer within %d seconds",
			    c->label, c->timeout);
		else
			xasprintf(cause, "%s: too slow: %zu bytes in %d "
			    "seconds, still waiting for %s (within the "
			    "timeout a server must finish its answer or send "
			    "%d bytes)", c->label, c->got, c->timeout, what,
			    PM_PROGRESS_BYTES);
		break;
	case CONN_OP_HANDSHAKE:
		xasprintf(cause, "%s: the TLS handshake did not complete "
		    "within %d seconds", c->label, c->timeout);
		break;
	case CONN_OP_SEND:
		xasprintf(cause, "%s: the server did not take what we sent "
		    "within %d seconds", c->label, c->timeout);
		break;
	}
}

/*
 * Wait until fd is ready for events, the budget of waiting runs out
 * (see the top of this file) or a stop signal's grace runs out.
 */
static int
conn_wait(struct conn *c, short events, char **cause)
{
	struct pollfd	pfd;
	long long	now, left, grace;
	int		n, stopping;

	c->timed_out = 0;
	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		now = clock_ms();
		left = (long long)c->timeout * 1000 - c->waited;
		stopping = 0;
		if (c->stoppable && conn_stop != NULL && *conn_stop) {
			if (conn_stop_at < 0)
				conn_stop_at = now;
			grace = conn_stop_at + PM_STOP_GRACE_MS - now;
			if (grace < left) {
				left = grace;
				stopping = 1;
			}
		}
		if (c->abort != NULL && *c->abort) {
			xasprintf(cause, "%s: interrupted", c->label);
			return (-1);
		}
		if (left <= 0) {
			if (stopping)
				xasprintf(cause, "%s: stopped by a signal",
				    c->label);
			else
				conn_late(c, cause);
			return (-1);
		}
		/* A signal between the checks above and poll() is seen
		 * within a slice. */
		if (conn_stop != NULL && left > CONN_POLL_SLICE_MS)
			left = CONN_POLL_SLICE_MS;
		n = poll(&pfd, 1, (int)left);
		c->waited += clock_ms() - now;
		if (n == 1)
			return (0);
		if (n == -1 && errno != EINTR) {
			xasprintf(cause, "poll: %s", strerror(errno));
			return (-1);
		}
	}
}

/* A TLS call did not complete: wait as it asks.  0 to retry, -1 to stop. */
static int
conn_tls_retry(struct conn *c, enum tls_io r, char **cause)
{
	if (r == TLS_IO_EOF) {
		xasprintf(cause, "%s: connection closed by the server",
		    c->label);
		return (-1);
	}
	if (r == TLS_IO_ERROR)
		return (-1);
	return (conn_wait(c, r == TLS_IO_WANT_READ ? POLLIN : POLLOUT, cause));
}

int
conn_starttls(struct conn *c, const struct tls_policy *p, char **cause)
{
	enum tls_io	r;
	size_t		stale = c->rlen - c->roff;

	if (stale != 0) {
		xasprintf(cause, "%s: %zu byte%s arrived after the STARTTLS "
		    "go-ahead and before the handshake (possible injection); "
		    "connection abandoned", c->label, stale,
		    stale == 1 ? "" : "s");
		c->roff = c->rlen = 0;
		return (-1);
	}
	if (c->tls != NULL)
		fatalx("%s: TLS started twice", __func__);
	if ((c->tls = tls_client(c->fd, p, cause)) == NULL)
		return (-1);
	/* We send a ClientHello: a fresh budget for the whole handshake. */
	c->op = CONN_OP_HANDSHAKE;
	conn_renew(c);
	for (;;) {
		r = tls_handshake(c->tls, cause);
		if (r == TLS_IO_OK)
			break;
		if (conn_tls_retry(c, r, cause) != 0) {
			tls_free(&c->tls);
			return (-1);
		}
	}
	return (0);
}

/* n bytes arrived: PM_PROGRESS_BYTES of them renew the budget. */
static void
conn_got(struct conn *c, size_t n)
{
	c->rlen += n;
	c->got += n;
	if (c->got >= PM_PROGRESS_BYTES)
		conn_renew(c);
}

/* Read more bytes into the buffer; an error if the buffer is full. */
static int
conn_fill(struct conn *c, char **cause)
{
	enum tls_io	r;
	ssize_t		n;
	size_t		got;

	if (c->roff == c->rlen)
		c->roff = c->rlen = 0;
	else if (c->roff > 0 && c->rlen == PM_IO_BUF) {
		memmove(c->rbuf, c->rbuf + c->roff, c->rlen - c->roff);
		c->rlen -= c->roff;
		c->roff = 0;
	}
	if (c->rlen == PM_IO_BUF)
		fatalx("%s: buffer full", __func__);
	for (;;) {
		if (c->tls != NULL) {
			r = tls_read(c->tls, c->rbuf + c->rlen,
			    PM_IO_BUF - c->rlen, &got, cause);
			if (r == TLS_IO_OK) {
				conn_got(c, got);
				return (0);
			}
			if (conn_tls_retry(c, r, cause) != 0)
				return (-1);
			continue;
		}
		n = read(c->fd, c->rbuf + c->rlen, PM_IO_BUF - c->rlen);
		if (n > 0) {
			conn_got(c, n);
			return (0);
		}
		if (n == 0) {
			xasprintf(cause, "%s: connection closed by the server",
			    c->label);
			return (-1);
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			xasprintf(cause, "%s: read: %s", c->label,
			    strerror(errno));
			return (-1);
		}
		if (conn_wait(c, POLLIN, cause) != 0)
			return (-1);
	}
}

/* One line; its waits count against the budget (top of this file). */
int
conn_readline(struct conn *c, char **line_r, size_t *len_r, char **cause)
{
	char		*start, *lf;
	size_t		 avail, len, scanned = 0;

	for (;;) {
		start = c->rbuf + c->roff;
		avail = c->rlen - c->roff;
		if ((lf = memchr(start + scanned, '\n', avail - scanned)) !=
		    NULL)
			break;
		scanned = avail;
		if (avail >= PM_LINE_MAX) {
			xasprintf(cause, "%s: line longer than %d bytes",
			    c->label, PM_LINE_MAX);
			return (-1);
		}
		c->op = CONN_OP_LINE;
		if (conn_fill(c, cause) != 0)
			return (-1);
	}
	len = lf - start;
	c->roff += len + 1;
	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (memchr(start, '\0', len) != NULL) {
		xasprintf(cause, "%s: NUL byte in a protocol line", c->label);
		return (-1);
	}
	start[len] = '\0';
	log_trace("%s < %s", c->label, start);
	*line_r = start;
	*len_r = len;
	return (0);
}

/* Body bytes; their waits count against the budget (top of this file). */
int
conn_peek(struct conn *c, const char **p_r, size_t *avail_r, char **cause)
{
	if (c->roff == c->rlen) {
		c->op = CONN_OP_BODY;
		if (conn_fill(c, cause) != 0)
			return (-1);
	}
	*p_r = c->rbuf + c->roff;
	*avail_r = c->rlen - c->roff;
	return (0);
}

int
conn_wait_readable(struct conn *c, int ms)
{
	struct pollfd	pfd;
	long long	start = clock_ms(), left;
	int		n = 0;

	if (c->roff < c->rlen || (c->tls != NULL && tls_pending(c->tls)))
		return (1);
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	for (;;) {
		left = start + ms - clock_ms();
		if (left <= 0 || (c->stoppable && conn_stop != NULL &&
		    *conn_stop))
			break;
		/* In slices, so that a stop signal is seen. */
		n = poll(&pfd, 1, left > CONN_POLL_SLICE_MS ?
		    CONN_POLL_SLICE_MS : (int)left);
		if (n == 1)
			break;
		if (n == -1 && errno != EINTR)
			break;
	}
	c->waited += clock_ms() - start;
	return (n == 1);
}

void
conn_consume(struct conn *c, size_t n)
{
	if (n > c->rlen - c->roff)
		fatalx("%s: consuming %zu of %zu", __func__, n,
		    c->rlen - c->roff);
	c->roff += n;
}

/* Write all of buf now; waits under the timeout. */
static int
conn_send(struct conn *c, const char *buf, size_t len, char **cause)
{
	enum tls_io	r;
	ssize_t		n;
	size_t		done;

	/* We send: a new command, or more of what we send. */
	c->op = CONN_OP_SEND;
	conn_renew(c);
	while (len > 0) {
		if (c->tls != NULL) {
			r = tls_write(c->tls, buf, len, &done, cause);
			if (r == TLS_IO_OK) {
				buf += done;
				len -= done;
				continue;
			}
			if (conn_tls_retry(c, r, cause) != 0)
				return (-1);
			continue;
		}
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0) {
			buf += n;
			len -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			xasprintf(cause, "%s: write: %s", c->label,
			    strerror(errno));
			return (-1);
		}
		if (conn_wait(c, POLLOUT, cause) != 0)
			return (-1);
	}
	return (0);
}

int
conn_flush(struct conn *c, char **cause)
{
	if (c->werror != NULL) {
		*cause = c->werror;
		c->werror = NULL;
		return (-1);
	}
	if (c->wlen == 0)
		return (0);
	if (conn_send(c, c->wbuf, c->wlen, cause) != 0) {
		c->wlen = 0;
		return (-1);
	}
	c->wlen = 0;
	return (0);
}

void
conn_write(struct conn *c, const void *data, size_t len)
{
	const char	*p = data;
	size_t		 n;

	if (c->werror != NULL)
		return;
	while (len > 0) {
		if (c->wlen == PM_WBUF_MAX &&
		    conn_send(c, c->wbuf, c->wlen, &c->werror) != 0) {
			c->wlen = 0;
			return;
		}
		if (c->wlen == PM_WBUF_MAX)
			c->wlen = 0;
		n = PM_WBUF_MAX - c->wlen;
		if (n > len)
			n = len;
		memcpy(c->wbuf + c->wlen, p, n);
		c->wlen += n;
		p += n;
		len -= n;
	}
}

void
conn_printf(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (log_verbosity() >= 2)
		log_trace("%s > %.*s", c->label,
		    n >= 2 && s[n - 2] == '\r' ? n - 2 : n, s);
	conn_write(c, s, n);
	free(s);
}

void
conn_send_secret(struct conn *c, const char *prefix, const char *secret)
{
	log_trace("%s > %s<secret>", c->label, prefix);
	conn_write(c, prefix, strlen(prefix));
	conn_write(c, secret, strlen(secret));
	conn_write(c, "\r\n", 2);
}

void
conn_close(struct conn **cp)
{
	struct conn	*c = *cp;

	if (c == NULL)
		return;
	*cp = NULL;
	tls_free(&c->tls);
	close(c->fd);
	/* Secrets may have passed through the buffers. */
	explicit_bzero(c->wbuf, PM_WBUF_MAX);
	explicit_bzero(c->rbuf, PM_IO_BUF);
	free(c->wbuf);
	free(c->rbuf);
	free(c->werror);
	free(c->label);
	free(c->peer);
	free(c);
}
