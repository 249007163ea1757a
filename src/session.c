/*
 * session.c -- one poll of one account.
 *
 * For each message: the driver streams it, the sink takes it, and only
 * when the sink has committed is the driver told to delete it (or mark it
 * seen with "keep").  Any other outcome leaves the message on the server.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "conn.h"
#include "envelope.h"
#include "header.h"
#include "log.h"
#include "net.h"
#include "session.h"
#include "sink.h"
#include "xmalloc.h"

#define SESSION_CHUNK	65536

struct poll_stats {
	unsigned int	found;
	unsigned int	delivered;
	unsigned int	failed;
	unsigned int	fetched;	/* tried, for fetchlimit */
	unsigned int	oversized;	/* over "limit", left or flushed */
	int		limited;	/* fetchlimit stopped the poll */
	long long	octets;
};

ssize_t
session_fail(struct session *s, int result)
{
	s->fail = result;
	return (-1);
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
	struct tls		*t;
	char			*report, *desc;
	int			 days;

	if (conn_starttls(s->conn, &a->tls, cause) != 0)
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

/* RFC 5322 date for the Received line. */
static void
session_date(char *buf, size_t size)
{
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	if (strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		strlcpy(buf, "Thu, 01 Jan 1970 00:00:00 +0000", size);
}

static char *
session_received(struct session *s, const struct envelope *e)
{
	const struct account	*a = s->account;
	char			 me[256], date[64], *r;

	net_local_hostname(me, sizeof(me));
	session_date(date, sizeof(date));
	xasprintf(&r, "Received: from %s [%s]\r\n"
	    "\tby %s with %s%s (pullmail-%s)\r\n"
	    "\tfor <%s> (single-drop); %s\r\n",
	    account_host(a), conn_peer_addr(s->conn), me, s->driver->name,
	    conn_is_tls(s->conn) ? "S" : "", PACKAGE_VERSION,
	    e->rcpts.n > 0 ? e->rcpts.v[0] : a->user, date);
	return (r);
}

/* Read and discard the rest of a message so the protocol stays in step. */
static int
session_drain(struct session *s, char *buf, char **cause)
{
	ssize_t	n;

	while ((n = s->driver->body_read(s, buf, SESSION_CHUNK, cause)) > 0)
		;
	return (n == 0 ? 0 : -1);
}

/*
 * Deliver one message.  Returns 0 when the poll may go on (whatever
 * happened to this message; *result_r says), or a pm_result that ends it.
 */
static int
session_one(struct session *s, struct sink *sk, const struct msg *m,
    char *buf, enum sink_result *result_r)
{
	const struct account	*a = s->account;
	struct envelope		 env;
	enum sink_result	 r;
	size_t			 have = 0, hend = 0;
	ssize_t			 n = 1;
	char			*cause = NULL, *received;
	int			 rc;

	*result_r = SINK_TEMPFAIL;
	if ((rc = s->driver->body_begin(s, m, &cause)) != 0)
		goto fatal;

	/* The header block first: the envelope is made from it. */
	while (hend == 0 && have < PM_HEADER_MAX) {
		n = s->driver->body_read(s, buf + have, PM_HEADER_MAX - have,
		    &cause);
		if (n < 0) {
			rc = s->fail;
			goto fatal;
		}
		if (n == 0)
			break;
		have += n;
		hend = header_end(buf, have);
	}
	envelope_build(&env, a, buf, hend != 0 ? hend : have, m->size);

	r = sk->ops->begin(sk, &env, &cause);
	if (r != SINK_OK) {
		log_warnx("%s@%s: message %u: %s", a->user, a->name,
		    m->num, cause);
		free(cause);
		cause = NULL;
		envelope_free(&env);
		*result_r = r;
		if (r == SINK_FATAL) {
			/* The sink is gone; drain the message if we can. */
			if (n != 0)
				(void)session_drain(s, buf, &cause);
			free(cause);
			return (sk->fail);
		}
		if (n != 0 && session_drain(s, buf, &cause) != 0) {
			rc = s->fail;
			goto fatal;
		}
		return (0);
	}
	received = session_received(s, &env);
	envelope_free(&env);
	r = sk->ops->write(sk, received, strlen(received), &cause);
	free(received);
	if (r == SINK_OK)
		r = sk->ops->write(sk, buf, have, &cause);
	while (r == SINK_OK && n != 0) {
		n = s->driver->body_read(s, buf, SESSION_CHUNK, &cause);
		if (n < 0) {
			sk->ops->abort(sk);
			rc = s->fail;
			goto fatal;
		}
		if (n > 0)
			r = sk->ops->write(sk, buf, n, &cause);
	}
	if (r == SINK_OK)
		r = sk->ops->commit(sk, &cause);
	else
		sk->ops->abort(sk);
	*result_r = r;
	if (r != SINK_OK) {
		log_warnx("%s@%s: message %u not delivered, left on the "
		    "server: %s", a->user, a->name, m->num, cause);
		free(cause);
		return (r == SINK_FATAL ? sk->fail : 0);
	}
	return (0);

fatal:
	log_warnx("%s@%s: %s", a->user, a->name, cause);
	free(cause);
	return (rc != 0 ? rc : PM_PROTOCOL);
}

/* Is any message of ms small enough to be fetched? */
static int
session_wants_one(const struct account *a, const struct msgset *ms)
{
	size_t	i;

	for (i = 0; i < ms->n; i++) {
		if (a->limit <= 0 || ms->v[i].size <= a->limit)
			return (1);
	}
	return (0);
}

/* A message over "limit": left alone, or deleted with "limitflush". */
static int
session_oversized(struct session *s, const struct msg *m,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	int			 rc;

	st->oversized++;
	if (a->limitflush != 1) {
		log_info("%s@%s: message %u is %lld octets, over the limit of "
		    "%d; left on the server", a->user, a->name, m->num,
		    m->size, a->limit);
		return (0);
	}
	log_info("%s@%s: message %u is %lld octets, over the limit of %d; "
	    "deleted unread (limitflush)", a->user, a->name, m->num, m->size,
	    a->limit);
	if ((rc = s->driver->dispose(s, m, DISP_DELETE, &cause)) != 0) {
		log_warnx("%s@%s: %s", a->user, a->name, cause);
		free(cause);
	}
	return (rc);
}

static int
session_folder(struct session *s, struct sink *sk, int *sink_open,
    const char *folder, struct poll_stats *st)
{
	const struct account	*a = s->account;
	struct msgset		 ms = { NULL, 0, 0 };
	enum sink_result	 r;
	char			*cause = NULL, *buf;
	size_t			 i;
	int			 rc;

	if ((rc = s->driver->select(s, folder, &cause)) != 0 ||
	    (rc = s->driver->scan(s, &ms, &cause)) != 0) {
		log_warnx("%s@%s: %s", a->user, a->name, cause);
		free(cause);
		msgset_clear(&ms);
		return (rc);
	}
	st->found += ms.n;
	if (ms.n > 0 || s->check)
		log_info("%u message%s for %s at %s%s%s", (unsigned)ms.n,
		    ms.n == 1 ? "" : "s", a->user, a->name,
		    s->driver == &imap_driver ? " folder " : "",
		    s->driver == &imap_driver ? folder : "");
	if (s->check) {
		msgset_clear(&ms);
		return (0);
	}
	if (ms.n > 0 && !*sink_open && session_wants_one(a, &ms)) {
		if ((rc = sk->ops->open(sk, &cause)) != 0) {
			log_warnx("%s@%s: %s; nothing fetched", a->user,
			    a->name, cause);
			free(cause);
			msgset_clear(&ms);
			return (rc);
		}
		*sink_open = 1;
	}
	buf = xmalloc(PM_HEADER_MAX > SESSION_CHUNK ? PM_HEADER_MAX :
	    SESSION_CHUNK);
	for (i = 0; i < ms.n; i++) {
		if (a->limit > 0 && ms.v[i].size > a->limit) {
			if ((rc = session_oversized(s, &ms.v[i], st)) != 0)
				break;
			continue;
		}
		if (a->fetchlimit > 0 && st->fetched >= (unsigned)a->fetchlimit) {
			st->limited = 1;
			log_info("%s@%s: fetchlimit %d reached; %zu message%s "
			    "left for the next poll", a->user, a->name,
			    a->fetchlimit, ms.n - i, ms.n - i == 1 ? "" : "s");
			break;
		}
		st->fetched++;
		if ((rc = session_one(s, sk, &ms.v[i], buf, &r)) != 0)
			break;
		if (r != SINK_OK) {
			st->failed++;
			continue;
		}
		st->delivered++;
		st->octets += ms.v[i].size;
		log_debug("%s@%s: message %u delivered", a->user, a->name,
		    ms.v[i].num);
		if ((rc = s->driver->dispose(s, &ms.v[i], a->keep ? DISP_SEEN :
		    DISP_DELETE, &cause)) != 0) {
			log_warnx("%s@%s: %s", a->user, a->name, cause);
			free(cause);
			break;
		}
	}
	free(buf);
	msgset_clear(&ms);
	return (rc);
}

/*
 * "idle": stay in the first folder and fetch whatever arrives, until a
 * signal says stop.  The IDLE is renewed every 28 minutes, inside the 30
 * a server may wait before logging an idle client out.
 */
static int
session_idle(struct session *s, struct sink *sk, int *sink_open,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	const char		*folder = a->folders.n > 0 ? a->folders.v[0] :
				    "INBOX";
	char			*cause = NULL;
	int			 rc, news;

	if (s->driver->idle == NULL) {
		log_warnx("%s@%s: %s has no IDLE; polled once", a->user,
		    a->name, s->driver->name);
		return (0);
	}
	if (a->folders.n > 1 && (rc = s->driver->select(s, folder,
	    &cause)) != 0)
		goto fail;
	while (s->stop == NULL || !*s->stop) {
		if ((news = s->driver->idle(s, 28 * 60, &cause)) < 0) {
			if (s->stop != NULL && *s->stop) {
				free(cause);
				return (0);
			}
			rc = PM_SOCKET;
			goto fail;
		}
		if (news && (rc = session_folder(s, sk, sink_open, folder,
		    st)) != 0)
			return (rc);
	}
	return (0);
fail:
	log_warnx("%s@%s: %s", a->user, a->name, cause);
	free(cause);
	return (rc);
}

int
session_poll(const struct account *a, int check, volatile int *stop)
{
	struct session		 s;
	struct sink		 sk;
	struct poll_stats	 st;
	char			*cause = NULL;
	size_t			 i;
	int			 rc, sink_open = 0;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	s.account = a;
	s.check = check;
	s.stop = stop;
	s.driver = a->proto == PROTO_POP3 || a->proto == PROTO_APOP ?
	    &pop3_driver : &imap_driver;
	if ((rc = s.driver->open(&s, &cause)) != 0 && a->proto == PROTO_AUTO &&
	    rc == PM_SOCKET && s.conn == NULL) {
		/* fetchmail's "auto": IMAP first, then POP3. */
		log_debug("%s@%s: IMAP: %s; trying POP3", a->user, a->name,
		    cause);
		free(cause);
		cause = NULL;
		s.driver->free(&s);
		s.driver = &pop3_driver;
		rc = s.driver->open(&s, &cause);
	}
	if (rc != 0) {
		log_warnx("%s@%s: %s", a->user, a->name, cause);
		free(cause);
		s.driver->free(&s);
		conn_close(&s.conn);
		return (rc);
	}
	sink_init(&sk, a);
	/* No "folder": the server's default, INBOX for IMAP. */
	if (a->folders.n == 0)
		rc = session_folder(&s, &sk, &sink_open, "INBOX", &st);
	for (i = 0; i < a->folders.n && rc == 0 && !st.limited; i++) {
		if (s.driver == &pop3_driver && i > 0)
			break;
		rc = session_folder(&s, &sk, &sink_open, a->folders.v[i], &st);
	}
	if (rc == 0 && a->idle == 1 && !check)
		rc = session_idle(&s, &sk, &sink_open, &st);
	/*
	 * Close the mail session even after a sink failure: only messages
	 * the sink committed were marked, and QUIT/EXPUNGE makes it so.
	 */
	if (s.conn != NULL && (rc == 0 || rc == PM_SMTP || rc == PM_IOERR)) {
		if (s.driver->close(&s, 1, &cause) != 0) {
			log_warnx("%s@%s: %s", a->user, a->name, cause);
			free(cause);
			if (rc == 0)
				rc = PM_PROTOCOL;
		}
	}
	if (sink_open)
		sk.ops->close(&sk);
	s.driver->free(&s);
	conn_close(&s.conn);

	if (check)
		return (rc != 0 ? rc : st.found > 0 ? PM_OK : PM_NOMAIL);
	if (st.found > 0)
		log_info("%s@%s: %u delivered, %u left on the server, "
		    "%lld octets", a->user, a->name, st.delivered,
		    st.found - st.delivered, st.octets);
	if (st.limited && rc == 0)
		return (PM_MAXFETCH);	/* fetchmail: not a success */
	if (st.delivered > 0)
		return (PM_OK);
	if (rc != 0)
		return (rc);
	if (st.failed > 0)
		return (sk.fail);
	return (PM_NOMAIL);
}
