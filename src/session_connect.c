/*
 * session_connect.c -- the connection of a poll: TCP, the implicit-TLS
 * guess, STARTTLS, and what a refused client certificate looks like.
 */

#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "log.h"
#include "portcheck.h"
#include "session_int.h"
#include "tls.h"
#include "xmalloc.h"

ssize_t
session_fail(struct session *s, int result)
{
	s->fail = result;
	return (-1);
}

/*
 * A POP3 or IMAP server greets at once.  One that stays silent for a few
 * seconds may be an implicit-TLS port waiting for our handshake: a side
 * connection finds out, instead of waiting out the whole timeout.
 */
static int
session_tls_port(struct session *s, int port)
{
	const struct account	*a = s->account;
	long long		 half = (long long)a->timeout * 500;
	int			 quiet = PM_GREETING_QUIET_MS;

	/*
	 * Only for a port the user chose, not the plain ones a server
	 * without "ssl" has by default: a slow greeter on 110 or 143 gets
	 * no second connection.
	 */
	if (a->service == NULL || port == 110 || port == 143)
		return (0);
	if (quiet > half)
		quiet = (int)half;
	if (conn_wait_readable(s->conn, quiet) || (s->stop != NULL &&
	    *s->stop))
		return (0);
	log_debug("%s: no greeting after %d ms: does port %d want TLS?",
	    conn_label(s->conn), quiet, port);
	return (port_speaks_tls(account_host(a), port, account_host(a),
	    quiet / 1000 + 1));
}

int
session_connect(struct session *s, int port, char **cause)
{
	const struct account	*a = s->account;
	int			 dns;

	s->conn = conn_connect(account_host(a), port, a->timeout,
	    account_host(a), &dns, cause);
	if (s->conn == NULL)
		return (dns ? PM_DNS : PM_SOCKET);
	if (a->tls.mode == TLS_MODE_IMPLICIT)
		return (session_starttls(s, cause));
	if (session_tls_port(s, port)) {
		xasprintf(cause, "%s: port %d says nothing and waits for a TLS "
		    "handshake first (implicit TLS, as on ports 993 and 995): "
		    "add \"ssl\" to the poll", conn_label(s->conn), port);
		conn_close(&s->conn);
		return (PM_SOCKET);
	}
	if (a->tls.mode == TLS_MODE_PLAIN)
		log_warnx("%s@%s: WARNING: plain text session (sslproto ''): "
		    "mail can be read and changed on the way", a->user,
		    a->name);
	return (0);
}

int
session_starttls(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct tls_policy	 p = a->tls;	/* shallow: only read */
	struct tls		*t;
	char			*report, *desc;
	int			 days;

	/* ALPN (RFC 7301): say which protocol this is (ALPACA). */
	p.alpn = s->driver->alpn;
	if (conn_starttls(s->conn, &p, cause) != 0)
		return (PM_SOCKET);
	t = conn_tls(s->conn);
	if (log_verbosity() >= 1) {
		desc = tls_describe(t);
		log_info("%s@%s: %s", a->user, a->name, desc);
		free(desc);
	}
	if ((report = conn_tls_report(s->conn)) != NULL) {
		if (tls_pinned(t))
			log_info("%s@%s: %s, but the pinned fingerprint "
			    "matches (no sslcertck with sslfingerprint)",
			    a->user, a->name, report);
		else
			log_warnx("%s@%s: WARNING: %s; the connection is "
			    "encrypted but NOT authenticated (no sslcertck)",
			    a->user, a->name, report);
		free(report);
	}
	if ((days = tls_days_left(t)) < 30)
		log_warnx("%s@%s: the server certificate %s", a->user,
		    a->name, days < 0 ? "has expired" : days == 0 ?
		    "expires today" : "expires within 30 days");
	return (0);
}

/*
 * Dovecot and others check a client certificate at login, not in the
 * handshake, so a refused certificate looks like a wrong password: say
 * which certificate went, and what else looks like this.
 */
void
session_cert_refused(struct session *s, char **cause)
{
	struct tls	*t;
	char		*report, *more;

	if (s->conn == NULL || (t = conn_tls(s->conn)) == NULL ||
	    (report = tls_client_cert_report(t)) == NULL)
		return;
	if (s->account->tls.certfile == NULL || !tls_client_cert_asked(t))
		xasprintf(&more, "%s; %s", *cause, report);
	else
		xasprintf(&more, "%s; %s.  A login refused with a client "
		    "certificate may be the certificate: revoked, from a CA "
		    "the server does not trust, or checked against an "
		    "out-of-date CRL on the server all look like this (see "
		    "README.SSL, section 8)", *cause, report);
	free(report);
	free(*cause);
	*cause = more;
}
