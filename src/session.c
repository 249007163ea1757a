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
#include "clock.h"
#include "conn.h"
#include "log.h"
#include "session_int.h"
#include "xmalloc.h"

static double
elapsed(const struct timespec *from, const struct timespec *to)
{
	return ((to->tv_sec - from->tv_sec) +
	    (to->tv_nsec - from->tv_nsec) / 1e9);
}

/*
 * On a terminal, a poll that takes more than a second shows how far it
 * got, at most five times a second.
 */
void
session_progress(struct session *s, struct poll_stats *st)
{
	struct timespec	now;
	double		secs;

	if (!s->opts->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = elapsed(&st->start, &now);
	if (secs < 1 || elapsed(&st->drawn, &now) < 0.2)
		return;
	st->drawn = now;
	log_progress("%s@%s: %u of %u messages, %.1f MB, %.1f MB/s",
	    s->account->user, s->account->name, st->delivered, st->found,
	    st->octets / 1e6, st->octets / 1e6 / secs);
}

static void	session_report(struct session *, struct poll_stats *, int, int);
static const char *session_result_text(int);

/*
 * Say what ends the poll (cause is freed), and keep the first such cause
 * for the summary line.
 */
void
session_warn(struct session *s, char *cause)
{
	log_warnx("%s@%s: %s", s->account->user, s->account->name, cause);
	if (s->why == NULL)
		s->why = cause;
	else
		free(cause);
}

/* One folder's pass: what the message loop shares. */
struct pass {
	struct sink		*sk;
	int			*sink_open;
	struct folder_state	*fs;
	struct msgset		 ms;
	struct staged		 sg;
	struct poll_stats	*st;
	char			*buf;	/* a header, or a chunk of body */
};

/*
 * Select the folder and find what is in it: its journal, the scan, which
 * messages are new; the journal pruned of what left the server.
 */
static int
session_look(struct session *s, const char *folder, struct pass *p)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	size_t			 fresh;
	int			 rc;

	if ((rc = s->driver->select(s, folder, &cause)) != 0)
		goto fail;
	if ((p->fs = ledger_folder(s, folder, &rc)) == NULL)
		return (rc);
	if ((rc = ledger_validity(s, p->fs, folder, &cause)) != 0 ||
	    (rc = ledger_flush_seen(s, &cause)) != 0 ||
	    (rc = s->driver->scan(s, &p->ms, &cause)) != 0)
		goto fail;
	fresh = ledger_classify(s, p->fs, &p->ms);
	p->st->found += fresh;
	if ((rc = ledger_prune(s, p->fs, &cause)) != 0)
		goto fail;
	if (!s->driver->folders)
		folder = NULL;	/* not in the messages below */
	if (p->ms.n > fresh)
		log_info("%zu new message%s (%zu seen before) for %s at "
		    "%s%s%s", fresh, fresh == 1 ? "" : "s", p->ms.n - fresh,
		    a->user, a->name, folder != NULL ? " folder " : "",
		    folder != NULL ? folder : "");
	else if (p->ms.n > 0 || s->check)
		log_info("%zu message%s for %s at %s%s%s", fresh,
		    fresh == 1 ? "" : "s", a->user, a->name,
		    folder != NULL ? " folder " : "",
		    folder != NULL ? folder : "");
	return (0);
fail:
	session_warn(s, cause);
	return (rc);
}

/* Is this where the loop stops: a signal, --deadline, fetchlimit? */
static int
session_enough(struct session *s, struct pass *p, size_t i)
{
	const struct account	*a = s->account;
	size_t			 left = p->ms.n - i;

	if (s->stop != NULL && *s->stop) {
		/* --deadline or SIGTERM: the message in hand was finished;
		 * the rest waits for the next poll, and the poll is not a
		 * success (session_poll). */
		p->st->stopped = 1;
		log_info("%s@%s: stopping; %zu message%s left for the next "
		    "poll", a->user, a->name, left, left == 1 ? "" : "s");
		return (1);
	}
	if (a->fetchlimit > 0 && p->st->fetched >= (unsigned)a->fetchlimit) {
		p->st->limited = 1;
		log_info("%s@%s: fetchlimit %d reached; %zu message%s left "
		    "for the next poll", a->user, a->name, a->fetchlimit,
		    left, left == 1 ? "" : "s");
		return (1);
	}
	return (0);
}

/*
 * Message i that is to be fetched: delivered, then recorded and disposed
 * of (at once, or with its staged batch).  0 to go on, a pm_result to
 * stop, or -1 to stop the loop without an error.
 */
static int
session_fetch(struct session *s, struct pass *p, size_t i)
{
	const struct account	*a = s->account;
	const struct msg	*m = &p->ms.v[i];
	const unsigned int	 every = ledger_expunge_every(s);
	struct refusal		 rf;
	enum sink_result	 r;
	char			*cause = NULL;
	int			 rc;

	if (!*p->sink_open) {
		if ((rc = p->sk->ops->open(p->sk, &cause)) != 0) {
			log_warnx("%s@%s: %s; nothing fetched", a->user,
			    a->name, cause);
			free(cause);
			return (rc);
		}
		*p->sink_open = 1;
	}
	p->st->fetched++;
	memset(&rf, 0, sizeof(rf));
	rc = deliver_message(s, p->sk, m, p->buf, &r, &rf);
	if (rc == 0 && r == SINK_PERMFAIL && !s->opts->softbounce)
		rc = refusal_handle(s, p->sk, p->fs, m, &rf);
	refusal_free(&rf);
	if (rc != 0)
		return (rc);
	if (r != SINK_OK) {
		p->st->failed++;
		return (0);
	}
	if (p->sk->ops->sync != NULL) {
		staged_add(&p->sg, i, m->size);
		if (!ledger_batch_full(s, &p->sg))
			return (0);
		rc = ledger_settle(s, p->sk, p->fs, &p->ms, &p->sg, p->st);
	} else {
		ledger_record(s, p->fs, m, p->st);
		rc = ledger_dispose(s, m);
	}
	if (rc != 0 || every == 0 || s->deletions < every ||
	    i + 1 == p->ms.n)
		return (rc);
	/* "expunge N" */
	if (s->driver->commits_at_quit) {
		s->reopen = 1;	/* QUIT, log in again */
		return (-1);
	}
	return (ledger_expunge(s));
}

/* Each message of the folder by its fate, until done or told to stop. */
static int
session_messages(struct session *s, struct pass *p)
{
	const struct account	*a = s->account;
	struct msg		*m;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < p->ms.n && rc == 0; i++) {
		m = &p->ms.v[i];
		switch (ledger_fate(s, m)) {
		case FATE_BOUNCING:
			log_warnx("%s@%s: message %u was refused and pullmail "
			    "stopped while bouncing it; left on the server, "
			    "never bounced twice", a->user, a->name, m->num);
			break;
		case FATE_OLD:
			rc = ledger_old(s, p->fs, m, p->st);
			break;
		case FATE_OVERSIZED:
			rc = ledger_oversized(s, m, p->st);
			break;
		case FATE_FETCH:
			if (session_enough(s, p, i))
				return (0);
			rc = session_fetch(s, p, i);
			break;
		}
	}
	return (rc < 0 ? 0 : rc);
}

static int
session_folder(struct session *s, struct sink *sk, int *sink_open,
    const char *folder, struct poll_stats *st)
{
	struct pass	p;
	int		rc, r2;

	memset(&p, 0, sizeof(p));
	p.sk = sk;
	p.sink_open = sink_open;
	p.st = st;
	if ((rc = session_look(s, folder, &p)) != 0 || s->check ||
	    (rc = ledger_leftovers(s, p.fs, &p.ms)) != 0) {
		msgset_clear(&p.ms);
		return (rc);
	}
	ledger_plan(s, &p.ms, st);
	p.buf = xmalloc(PM_HEADER_MAX > SESSION_CHUNK ? PM_HEADER_MAX :
	    SESSION_CHUNK);
	rc = session_messages(s, &p);
	/* Whatever ended the loop: what was staged is made durable. */
	if ((r2 = ledger_settle(s, sk, p.fs, &p.ms, &p.sg, st)) != 0 &&
	    rc == 0)
		rc = r2;
	free(p.sg.v);
	free(p.buf);
	msgset_clear(&p.ms);
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
	/* The last folder's deletions are made real before leaving it. */
	if (a->folders.n > 1 && ((rc = ledger_expunge(s)) != 0 ||
	    (rc = s->driver->select(s, folder, &cause)) != 0))
		goto fail;
	setproctitle("%s@%s: idle in %s", a->user, a->name, folder);
	/* What the poll before the first IDLE delivered is news too. */
	if (st->delivered > st->sent)
		session_report(s, st, 0, 0);
	while (s->stop == NULL || !*s->stop) {
		if ((rc = ledger_expunge(s)) != 0)
			return (rc);
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
		if (news && st->delivered > st->sent)
			session_report(s, st, 0, 0);
	}
	return (0);
fail:
	session_warn(s, cause);
	return (rc);
}

/* Log in, falling back from IMAP to POP3 for "proto auto". */
static int
session_open(struct session *s)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	int			 rc;

	/*
	 * fetchmail's "auto": IMAP first, then POP3, when IMAP could not
	 * connect, or when the port greeted in POP3.
	 */
	if ((rc = s->driver->open(s, &cause)) != 0 && a->proto == PROTO_AUTO &&
	    s->driver->fallback != NULL && ((rc == PM_SOCKET && s->conn ==
	    NULL) || s->other_proto)) {
		log_debug("%s@%s: %s: %s; trying %s", a->user, a->name,
		    s->driver->name, cause, s->driver->fallback->name);
		free(cause);
		cause = NULL;
		conn_close(&s->conn);
		s->driver->free(s);
		s->driver = s->driver->fallback;
		rc = s->driver->open(s, &cause);
	}
	if (rc == PM_AUTHFAIL)
		session_cert_refused(s, &cause);
	if (rc != 0)
		session_warn(s, cause);
	return (rc);
}

/*
 * End the mail session: journals synced, then QUIT / EXPUNGE + LOGOUT,
 * which makes the deletions real.  Only a confirmed close lets the
 * journals forget the deleted UIDs.
 */
static int
session_close(struct session *s, int rc)
{
	char			*cause = NULL;
	int			 confirmed = 0, synced;

	/* What was delivered is recorded on disk, however the poll ended. */
	synced = ledger_sync(s) == 0;
	if (!synced && rc == 0)
		rc = PM_IOERR;
	/* Even after a sink failure: only committed messages were marked. */
	if (s->conn != NULL && (rc == 0 || rc == PM_SMTP || rc == PM_IOERR) &&
	    synced) {
		if ((s->driver->expunge != NULL && !s->check &&
		    s->driver->expunge(s, &cause) != 0) ||
		    s->driver->close(s, &cause) != 0) {
			session_warn(s, cause);
			if (rc == 0)
				rc = PM_PROTOCOL;
		} else
			confirmed = !s->check;
	}
	ledger_close(s, confirmed);
	s->driver->free(s);
	conn_close(&s->conn);
	return (rc);
}

static int
session_folders(struct session *s, struct sink *sk, int *sink_open,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	size_t			 i;
	int			 rc = 0;

	/* No "folder": the server's default, INBOX for IMAP. */
	if (a->folders.n == 0)
		return (session_folder(s, sk, sink_open, "INBOX", st));
	for (i = 0; i < a->folders.n && rc == 0 && !st->limited &&
	    !st->stopped && !s->reopen; i++) {
		if (!s->driver->folders && i > 0)
			break;
		/* A folder's deletions are made real before leaving it. */
		if (i > 0 && (rc = ledger_expunge(s)) != 0)
			break;
		rc = session_folder(s, sk, sink_open, a->folders.v[i], st);
	}
	return (rc);
}

/* Why a poll stopped, when no message said it. */
static const char *
session_result_text(int rc)
{
	switch (rc) {
	case PM_SOCKET:
		return ("a connection or TLS error, or a timeout");
	case PM_AUTHFAIL:
		return ("the login failed");
	case PM_PROTOCOL:
		return ("a protocol error");
	case PM_SYNTAX:
		return ("a configuration error");
	case PM_IOERR:
		return ("a file, journal or MDA error");
	case PM_ERROR:
		return ("the server reported an error");
	case PM_LOCKBUSY:
		return ("the mailbox is locked");
	case PM_SMTP:
		return ("the SMTP/LMTP server failed");
	case PM_DNS:
		return ("a name did not resolve");
	case PM_BSMTP:
		return ("the BSMTP file failed");
	default:
		return ("an error");
	}
}

/*
 * The poll's last word: what it delivered, what it left and, when it
 * was cut short, why (and the exit code that says so).
 */
static void
session_summary(const struct session *s, const struct poll_stats *st,
    int rc)
{
	const struct account	*a = s->account;
	char			 why[1024], line[2048];

	why[0] = '\0';
	if (rc != 0)
		snprintf(why, sizeof(why), "; the poll stopped early (exit "
		    "%d): %s", rc, s->why != NULL ? s->why :
		    session_result_text(rc));
	else if (st->stopped)
		snprintf(why, sizeof(why), "; the poll stopped early (exit "
		    "%d): asked to stop (--deadline or a signal)", PM_SOCKET);
	snprintf(line, sizeof(line), "%s@%s: %u delivered, %u left on the "
	    "server, %llu octets%s%s", a->user, a->name, st->delivered,
	    st->found - st->delivered, (unsigned long long)st->octets,
	    st->flushed == 0 ? "" : "; old messages deleted", why);
	/* Cut short, it is a warning: -s does not hide it. */
	if (rc != 0 || st->stopped)
		log_warnx("%s", line);
	else
		log_info("%s", line);
}

/* The poll's result from how it ended and what it did. */
static int
session_result(const struct session *s, const struct poll_stats *st,
    const struct sink *sk, int rc)
{
	if (s->check)
		return (rc != 0 ? rc : st->found > 0 ? PM_OK : PM_NOMAIL);
	/* A poll cut short is not a success, whatever it delivered. */
	if (rc != 0)
		return (rc);
	if (st->stopped)
		return (PM_SOCKET);	/* as a stop inside a wait */
	if (st->limited)
		return (PM_MAXFETCH);	/* fetchmail: not a success */
	if (st->delivered > 0)
		return (PM_OK);
	if (st->failed > 0)
		return (sk->fail);
	return (PM_NOMAIL);
}

/*
 * Tell whoever asked (the worker's parent) what was delivered since the
 * last report: after each IDLE pass with news, and at the end.
 */
static void
session_report(struct session *s, struct poll_stats *st, int result,
    int final)
{
	struct poll_report	 rp;
	const char		*why = NULL;

	if (s->opts->report == NULL)
		return;
	memset(&rp, 0, sizeof(rp));
	rp.start = st->since;
	rp.end = time(NULL);
	rp.msec = (uint64_t)(clock_ms() - st->since_ms);
	rp.delivered = st->delivered - st->sent;
	rp.octets = st->octets - st->sent_octets;
	rp.left = st->found - st->delivered;
	rp.result = final ? result : PM_OK;
	rp.final = final;
	if (final && result != PM_OK && result != PM_NOMAIL)
		why = s->why != NULL ? s->why : st->stopped ?
		    "asked to stop (--deadline or a signal)" : st->limited ?
		    "fetchlimit reached" : session_result_text(result);
	if (why != NULL)
		log_visible(rp.why, sizeof(rp.why), why);
	s->opts->report(s->opts->report_arg, &rp);
	st->since = rp.end;
	st->since_ms = clock_ms();
	st->sent = st->delivered;
	st->sent_octets = st->octets;
}

int
session_poll(const struct account *a, const struct poll_opts *o)
{
	struct session		 s;
	struct sink		 sk;
	struct poll_stats	 st;
	int			 rc, sink_open = 0;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	memset(&sk, 0, sizeof(sk));
	clock_gettime(CLOCK_MONOTONIC, &st.start);
	st.since = time(NULL);
	st.since_ms = clock_ms();
	s.account = a;
	s.opts = o;
	s.check = o->check;
	s.stop = o->stop;
	s.driver = o->driver != NULL ? o->driver : driver_for(a->proto);
	if ((rc = session_open(&s)) != 0) {
		s.driver->free(&s);
		conn_close(&s.conn);
		session_report(&s, &st, rc, 1);
		free(s.why);
		return (rc);
	}
	sink_init(&sk, a);
	if (o->sink != NULL)
		sk.ops = o->sink;
	for (;;) {
		rc = session_folders(&s, &sk, &sink_open, &st);
		if (rc != 0 || !s.reopen)
			break;
		/* POP3 "expunge N": QUIT makes N deletions real, log in again. */
		s.reopen = 0;
		s.deletions = 0;
		if ((rc = session_close(&s, rc)) != 0 ||
		    (rc = session_open(&s)) != 0)
			break;
	}
	if (rc == 0 && a->idle == 1 && !s.check)
		rc = session_idle(&s, &sk, &sink_open, &st);
	rc = session_close(&s, rc);
	if (sink_open)
		sk.ops->close(&sk);

	log_progress(NULL);
	if (!s.check && (st.found > 0 || st.flushed > 0))
		session_summary(&s, &st, rc);
	rc = session_result(&s, &st, &sk, rc);
	session_report(&s, &st, rc, 1);
	free(s.why);
	return (rc);
}
