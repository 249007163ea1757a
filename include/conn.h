/*
 * conn.h -- a buffered connection (plain or TLS) whose waits share one
 * timeout budget, renewed only by what we send and by every
 * PM_PROGRESS_BYTES received (the rule is spelt out in conn.c).
 *
 * Reading: conn_readline() for protocol lines (bounded by PM_LINE_MAX),
 * conn_peek()/conn_consume() to stream bodies straight out of the read
 * buffer.  Writing: conn_write()/conn_printf() buffer; conn_flush() sends.
 * A write error is remembered and reported by the next conn_flush().
 */

#ifndef PM_CONN_H
#define PM_CONN_H

#include <stddef.h>

#include "tls.h"

struct conn;

/*
 * Connect to host:port ("/path" for a UNIX socket: port ignored).
 * label names the peer in messages and traces ("imap.example.org").
 * Returns NULL with *cause set; *dns_r is set when the name did not
 * resolve (fetchmail's exit 11).
 */
struct conn	*conn_connect(const char *host, int port, int timeout,
		    const char *label, int *dns_r, char **cause);
/*
 * Start TLS on c.  Fails, without touching the network, if bytes are
 * already buffered: they arrived before the handshake and may have been
 * injected.  Either way the read buffer is empty afterwards.
 */
int		 conn_starttls(struct conn *, const struct tls_policy *,
		    char **cause);
int		 conn_is_tls(struct conn *);
const char	*conn_tls_summary(struct conn *);
char		*conn_tls_report(struct conn *);
const char	*conn_peer_addr(struct conn *);
const char	*conn_label(struct conn *);

/* The next line without CR LF, NUL-terminated in the read buffer and
 * valid until the next read.  A NUL byte inside the line is an error. */
int		 conn_readline(struct conn *, char **line_r, size_t *len_r,
		    char **cause);
/* At least one buffered byte: *p_r and *avail_r describe all of them. */
int		 conn_peek(struct conn *, const char **p_r, size_t *avail_r,
		    char **cause);
void		 conn_consume(struct conn *, size_t);
/*
 * Has the peer sent anything within ms milliseconds (or before)?  1 yes,
 * 0 not yet.  Reads nothing; the wait counts against the budget.
 */
int		 conn_wait_readable(struct conn *, int ms);

void		 conn_write(struct conn *, const void *, size_t);
void		 conn_printf(struct conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Send "prefix secret\r\n"; the trace shows "prefix <secret>". */
void		 conn_send_secret(struct conn *, const char *prefix,
		    const char *secret);
int		 conn_flush(struct conn *, char **cause);

void		 conn_close(struct conn **);

/*
 * Change the timeout (IDLE waits for minutes) and renew the budget: from
 * now on, at most that many seconds of waiting until we send something
 * or PM_PROGRESS_BYTES arrive.  With abort set, a signal that sets
 * *abort ends a wait at once with an error.
 */
void		 conn_set_timeout(struct conn *, int seconds,
		    volatile int *abort);
/* The last failed wait ran out of its budget (not an error or signal). */
int		 conn_timed_out(struct conn *);
/*
 * The process's stop flag (a worker's SIGTERM): once it is set, every
 * wait of every stoppable connection ends within a second, with an error.
 */
void		 conn_set_stop(volatile int *stop);
/*
 * on = 0: the stop flag does not cut this connection's waits short (the
 * SMTP/LMTP server, whose answer to the end of DATA decides whether a
 * message was delivered; only the timeout bounds them).
 */
void		 conn_set_stoppable(struct conn *, int on);

/* The TLS session, or NULL before STARTTLS / on a plain connection. */
struct tls	*conn_tls(struct conn *);

#endif
