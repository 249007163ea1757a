/*
 * conn.c -- buffered I/O over a socket, with or without TLS.
 *
 * Every wait goes through conn_wait(), which polls under the connection's
 * timeout: no alarms, no long jumps.  Lines are bounded; bodies are read
 * from the same buffer in place, so a message never needs to fit in memory.
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
#include "conn.h"
#include "log.h"
#include "net.h"
#include "xmalloc.h"

struct conn {
	int		 fd;
	struct tls	*tls;
	char		*label;
	char		*peer;
	int		 timeout;	/* seconds of silence we accept */
	volatile int	*abort;		/* set by a signal: stop waiting */

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

void
conn_set_timeout(struct conn *c, int seconds, volatile int *abort)
{
	c->timeout = seconds;
	c->abort = abort;
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

/* Wait until fd is ready for events, or the timeout passes. */
static int
conn_wait(struct conn *c, short events, char **cause)
{
	struct pollfd	pfd;
	struct timespec	start, now;
	long		left_ms;
	int		n;

	clock_gettime(CLOCK_MONOTONIC, &start);
	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Recomputed each time: signals don't extend the wait. */
		left_ms = (long)c->timeout * 1000 -
		    ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left_ms <= 0) {
			xasprintf(cause, "%s: no answer within %d seconds",
			    c->label, c->timeout);
			return (-1);
		}
		n = poll(&pfd, 1, (int)left_ms);
		if (n == 1)
			return (0);
		if (n == -1 && errno != EINTR) {
			xasprintf(cause, "poll: %s", strerror(errno));
			return (-1);
		}
		if (n == -1 && c->abort != NULL && *c->abort) {
			xasprintf(cause, "%s: interrupted", c->label);
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
	for (;;) {
		r = tls_handshake(c->tls, cause);
		if (r == TLS_IO_OK)
			break;
		if (conn_tls_retry(c, r, cause) != 0) {
			tls_free(&c->tls);
			return (-1);
		}
	}
	log_debug("%s: %s", c->label, tls_summary(c->tls));
	return (0);
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
				c->rlen += got;
				return (0);
			}
			if (conn_tls_retry(c, r, cause) != 0)
				return (-1);
			continue;
		}
		n = read(c->fd, c->rbuf + c->rlen, PM_IO_BUF - c->rlen);
		if (n > 0) {
			c->rlen += n;
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

static long
conn_ms_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/*
 * One line, which must arrive whole within the timeout: the timeout
 * alone bounds only the silence between bytes, and a server dripping a
 * byte a second would hold us forever.
 */
int
conn_readline(struct conn *c, char **line_r, size_t *len_r, char **cause)
{
	struct timespec	 t0;
	char		*start, *lf;
	size_t		 avail, len, scanned = 0;
	int		 waited = 0;

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
		if (waited && conn_ms_since(&t0) > (long)c->timeout * 1000) {
			xasprintf(cause, "%s: a line took more than %d seconds "
			    "to arrive", c->label, c->timeout);
			return (-1);
		}
		if (!waited) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			waited = 1;
		}
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

int
conn_peek(struct conn *c, const char **p_r, size_t *avail_r, char **cause)
{
	if (c->roff == c->rlen && conn_fill(c, cause) != 0)
		return (-1);
	*p_r = c->rbuf + c->roff;
	*avail_r = c->rlen - c->roff;
	return (0);
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

size_t
conn_pending_output(struct conn *c)
{
	return (c->wlen);
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
