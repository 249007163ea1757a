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

#include <openssl/evp.h>

#include "bounce.h"
#include "bounds.h"
#include "config.h"
#include "conn.h"
#include "envelope.h"
#include "header.h"
#include "log.h"
#include "mimedecode.h"
#include "multidrop.h"
#include "net.h"
#include "portcheck.h"
#include "rewrite.h"
#include "session.h"
#include "sink.h"
#include "tls.h"
#include "uidstore.h"
#include "xmalloc.h"

#define SESSION_CHUNK	65536
/* Group commit (Maildir): one directory fsync per this many messages. */
#define SESSION_BATCH		32
#define SESSION_BATCH_OCTETS	(8ULL * 1024 * 1024)

struct poll_stats {
	unsigned int	found;
	unsigned int	delivered;
	unsigned int	failed;
	unsigned int	fetched;	/* tried, for fetchlimit */
	unsigned int	oversized;	/* over "limit", left or flushed */
	unsigned int	flushed;	/* delivered before, deleted now */
	int		limited;	/* fetchlimit stopped the poll */
	int		stopped;	/* the stop flag did, with mail left */
	uint64_t	octets;		/* as the server declared them */
	struct timespec	start;		/* for the progress line */
	struct timespec	drawn;		/* when it was last drawn */
	time_t		since;		/* the last report (wall clock) */
	unsigned int	sent;		/* delivered, already reported */
	uint64_t	sent_octets;
};

/*
 * Add a size the server declared to a sum.  The server may lie (up to
 * LLONG_MAX, or negative): each size counts for at most PM_MESSAGE_MAX,
 * and the sum saturates instead of wrapping.
 */
static uint64_t
octets_add(uint64_t sum, long long size)
{
	uint64_t	n;

	n = size < 0 ? 0 : size > PM_MESSAGE_MAX ? PM_MESSAGE_MAX :
	    (uint64_t)size;
	return (sum > UINT64_MAX - n ? UINT64_MAX : sum + n);
}

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
static void
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
static int	session_expunge(struct session *);
static int	session_flush_seen(struct session *, char **);
static const char *session_result_text(int);

/* The UID journal of one folder during a poll. */
struct folder_state {
	char		*folder;
	struct uidstore	*store;
	int		 full;	/* the scan listed every message by UID */
};

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
	    "\tfor <%s> (%s); %s\r\n",
	    account_host(a), conn_peer_addr(s->conn), me, s->driver->name,
	    conn_is_tls(s->conn) ? "S" : "", PACKAGE_VERSION,
	    e->rcpts.n > 0 ? e->rcpts.v[0] : a->user, account_multidrop(a) ?
	    "multi-drop" : "single-drop", date);
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
 * Multidrop without an envelope address: the same message arrives once
 * per local recipient, each copy already addressed to all of them, so
 * consecutive messages with an identical header are one message
 * (fetchmail compares MD5s; SHA-256 here).  Remembers this header.
 */
static int
session_duplicate(struct session *s, const struct envelope *e,
    const char *hdr, size_t hdrlen)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	int		dup;

	if (!account_multidrop(s->account) || (e->multidrop & MD_ENVELOPE) ||
	    hdrlen == 0 || EVP_Digest(hdr, hdrlen, md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != sizeof(s->last_header)) {
		s->have_last_header = 0;
		return (0);
	}
	dup = s->have_last_header && memcmp(md, s->last_header, mdlen) == 0;
	memcpy(s->last_header, md, mdlen);
	s->have_last_header = 1;
	return (dup);
}

/*
 * Say what ends the poll (cause is freed), and keep the first such cause
 * for the summary line.
 */
static void
session_warn(struct session *s, char *cause)
{
	log_warnx("%s@%s: %s", s->account->user, s->account->name, cause);
	if (s->why == NULL)
		s->why = cause;
	else
		free(cause);
}

static int
session_drained_badly(struct session *s, char *cause)
{
	session_warn(s, cause);
	return (s->fail != 0 ? s->fail : PM_PROTOCOL);
}

/*
 * What goes before the body: our Received line, a warning when the
 * postmaster gets a message nobody matched, and the header, its bare
 * addresses qualified with the server's name unless "no rewrite".
 */
static enum sink_result
session_head(struct session *s, struct sink *sk, const struct envelope *e,
    const char *hdr, size_t hdrlen, char **cause)
{
	const struct account	*a = s->account;
	enum sink_result	 r;
	char			*text, *rewritten = NULL;
	size_t			 len;

	text = session_received(s, e);
	r = sk->ops->write(sk, text, strlen(text), cause);
	free(text);
	if (r == SINK_OK && (e->multidrop & MD_POSTMASTER)) {
		xasprintf(&text, "X-Fetchmail-Warning: no recipient address "
		    "matched a local name; delivered to the postmaster\r\n");
		r = sk->ops->write(sk, text, strlen(text), cause);
		free(text);
	}
	if (r == SINK_OK && a->rewrite == 1 && hdrlen > 0) {
		rewritten = rewrite_addresses(hdr, hdrlen, account_host(a),
		    &len);
		hdr = rewritten;
		hdrlen = len;
	}
	if (r == SINK_OK)
		r = sk->ops->write(sk, hdr, hdrlen, cause);
	free(rewritten);
	return (r);
}

/* What a bounce needs from a message the forwarder refused for good. */
struct refusal {
	char	*from;
	char	*rcpt;
	char	*hdr;
	size_t	 hdrlen;
	char	*reply;
};

static void
refusal_free(struct refusal *rf)
{
	free(rf->from);
	free(rf->rcpt);
	free(rf->hdr);
	free(rf->reply);
	memset(rf, 0, sizeof(*rf));
}

/* Keep what a bounce would need, only when one may be sent. */
static void
refusal_note(struct session *s, struct refusal *rf, const struct envelope *e,
    const char *hdr, size_t hdrlen)
{
	if (s->opts->softbounce)
		return;
	refusal_free(rf);
	rf->from = xstrdup(e->from);
	rf->rcpt = xstrdup(e->rcpts.n > 0 ? e->rcpts.v[0] : s->account->user);
	rf->hdr = xstrndup(hdr, hdrlen);
	rf->hdrlen = strlen(rf->hdr);
}

/* Body bytes to the sink, through mimedecode when it is on. */
struct body_out {
	struct sink		*sk;
	enum sink_result	 r;
	char			**cause;
};

static int
session_emit(void *arg, const char *p, size_t n)
{
	struct body_out	*out = arg;

	out->r = out->sk->ops->write(out->sk, p, n, out->cause);
	return (out->r == SINK_OK ? 0 : -1);
}

/*
 * The rest of the message: buf[from..have) already read, then whatever
 * the driver still has (more).  Returns 0 with *r the sink's answer, or
 * a pm_result when the server failed (the sink was aborted).
 */
static int
session_body(struct session *s, struct sink *sk, struct mimedec *md,
    char *buf, size_t from, size_t have, int more, enum sink_result *r,
    char **cause)
{
	struct body_out	 out = { sk, SINK_OK, cause };
	ssize_t		 n;

	if (md != NULL) {
		md->emit = session_emit;
		md->arg = &out;
	}
	n = have - from;
	memmove(buf, buf + from, n);
	for (;;) {
		if (n > 0 && (md != NULL ? mime_feed(md, buf, n) :
		    session_emit(&out, buf, n)) != 0)
			break;
		if (!more)
			break;
		if ((n = s->driver->body_read(s, buf, SESSION_CHUNK,
		    cause)) < 0) {
			sk->ops->abort(sk);
			*r = SINK_TEMPFAIL;
			return (s->fail != 0 ? s->fail : PM_PROTOCOL);
		}
		more = n != 0;
	}
	if (out.r == SINK_OK && md != NULL)
		(void)mime_end(md);
	*r = out.r;
	return (0);
}

/*
 * Deliver one message.  Returns 0 when the poll may go on (whatever
 * happened to this message; *result_r says), or a pm_result that ends it.
 */
static int
session_one(struct session *s, struct sink *sk, const struct msg *m,
    char *buf, enum sink_result *result_r, struct refusal *rf)
{
	const struct account	*a = s->account;
	struct envelope		 env;
	enum sink_result	 r;
	size_t			 have = 0, hend = 0, kept;
	ssize_t			 n = 1;
	char			*cause = NULL;
	size_t			 bad;
	struct mimedec		 md;
	int			 rc, mime = 0;

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
	envelope_build(&env, a, buf, hend != 0 ? hend : have, m->size,
	    s->opts->postmaster);
	if (hend != 0) {
		/* Status and Delivered-To lines, as fetchmail drops them. */
		kept = header_filter(buf, hend, a->dropstatus == 1,
		    a->dropdelivered == 1);
		memmove(buf + kept, buf + hend, have - hend);
		have -= hend - kept;
		hend = kept;
	}
	memset(&md, 0, sizeof(md));
	if (a->mimedecode == 1 && hend != 0) {
		/* Decoded QP text is 8-bit: SMTP must say BODY=8BITMIME. */
		kept = hend;
		if ((mime = mime_begin(&md, buf, &kept, NULL, NULL)) != 0)
			env.eightbit = 1;
		memmove(buf + kept, buf + hend, have - hend);
		have -= hend - kept;
		hend = kept;
	}

	refusal_note(s, rf, &env, buf, hend);
	if (env.rcpts.n == 0) {
		/* Multidrop, no match, and "set postmaster" is empty. */
		xasprintf(&cause, "nobody to deliver it to (no local name "
		    "matches and the postmaster is empty); left on the server");
		r = SINK_TEMPFAIL;
	} else if (a->badheader != 1 && hend != 0 &&
	    (bad = header_bad_line(buf, hend)) != 0) {
		xasprintf(&cause, "header line %zu is not a \"Name: value\" "
		    "field; left on the server (\"bad-header accept\" "
		    "forwards such messages)", bad);
		r = SINK_TEMPFAIL;
	} else if (session_duplicate(s, &env, buf, hend)) {
		log_info("%s@%s: message %u has the same header as the one "
		    "before and no envelope address: a duplicate of a "
		    "multidrop message, not delivered twice", a->user,
		    a->name, m->num);
		envelope_free(&env);
		mime_free(&md);
		*result_r = SINK_OK;
		return (n != 0 && session_drain(s, buf, &cause) != 0 ?
		    session_drained_badly(s, cause) : 0);
	} else
		r = sk->ops->begin(sk, &env, &cause);
	if (r != SINK_OK) {
		log_warnx("%s@%s: message %u: %s", a->user, a->name,
		    m->num, cause);
		if (r == SINK_PERMFAIL && rf->from != NULL)
			rf->reply = xstrdup(cause);
		free(cause);
		cause = NULL;
		envelope_free(&env);
		mime_free(&md);
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
	r = session_head(s, sk, &env, buf, hend, &cause);
	envelope_free(&env);
	if (r == SINK_OK && (rc = session_body(s, sk, mime ? &md : NULL, buf,
	    hend, have, n != 0, &r, &cause)) != 0) {
		mime_free(&md);
		goto fatal;
	}
	mime_free(&md);
	if (r == SINK_OK)
		r = sk->ops->commit(sk, &cause);
	else
		sk->ops->abort(sk);
	*result_r = r;
	if (r != SINK_OK)
		s->have_last_header = 0;
	if (r != SINK_OK) {
		log_warnx("%s@%s: message %u not delivered, left on the "
		    "server: %s", a->user, a->name, m->num, cause);
		if (r == SINK_PERMFAIL && rf->from != NULL)
			rf->reply = xstrdup(cause);
		free(cause);
		return (r == SINK_FATAL ? sk->fail : 0);
	}
	return (0);

fatal:
	session_warn(s, cause);
	return (rc != 0 ? rc : PM_PROTOCOL);
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
	if ((rc = s->driver->dispose(s, m, DISP_DELETE, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

/* The key a message is recorded under: POP3 UIDL, IMAP UID. */
static const char *
session_msg_key(const struct session *s, const struct msg *m, char *buf,
    size_t size)
{
	if (s->driver->key == MSG_KEY_UID) {
		snprintf(buf, size, "%u", m->uid);
		return (buf);
	}
	return (m->uidl);
}

/* The UID journal of a folder, opened on first use and kept open. */
static struct folder_state *
session_state(struct session *s, const char *folder, int *rc)
{
	const struct account	*a = s->account;
	const int		 per_folder = s->driver->folders;
	struct folder_state	*fs;
	struct uidstore		*st;
	char			*key, *cause = NULL;
	size_t			 i, bad;
	int			 n;

	for (i = 0; i < s->nfolders; i++) {
		if (strcmp(s->folders[i].folder, folder) == 0)
			return (&s->folders[i]);
	}
	xasprintf(&key, "%s %s@%s%s%s", s->driver->journal, a->user,
	    a->name, per_folder ? " " : "", per_folder ? folder : "");
	*rc = uidstore_open(s->opts->statedir, key, s->check, &st, &cause);
	free(key);
	if (*rc != 0) {
		log_warnx("%s@%s: UID state: %s", a->user, a->name, cause);
		free(cause);
		return (NULL);
	}
	if ((bad = uidstore_bad_lines(st)) > 0)
		log_warnx("%s@%s: %s: %zu damaged line%s ignored", a->user,
		    a->name, uidstore_path(st), bad, bad == 1 ? "" : "s");
	/* Switching from fetchmail must not fetch its kept mail again. */
	/* fetchmail's .fetchids holds POP3 UIDLs. */
	if (s->driver->key == MSG_KEY_UIDL && uidstore_is_new(st) &&
	    s->opts->idfile != NULL) {
		n = uidstore_import_fetchids(st, s->opts->idfile, a->user,
		    account_host(a), &cause);
		if (n < 0) {
			log_warnx("%s@%s: fetchmail's UID file not imported: "
			    "%s", a->user, a->name, cause);
			free(cause);
		} else if (n > 0)
			log_info("%s@%s: %d UID%s imported from %s: fetchmail "
			    "already fetched those messages", a->user, a->name,
			    n, n == 1 ? "" : "s", s->opts->idfile);
	}
	s->folders = xreallocarray(s->folders, s->nfolders + 1,
	    sizeof(*s->folders));
	fs = &s->folders[s->nfolders++];
	fs->folder = xstrdup(folder);
	fs->store = st;
	fs->full = 0;
	*rc = 0;
	return (fs);
}

/*
 * IMAP lists only unseen mail, so the journal cannot tell which of its
 * UIDs left the server.  Once it records more UIDs than the folder holds,
 * some certainly did: list every UID once, so that they are forgotten
 * when the poll ends and the journal stays the size of the folder.
 */
static int
session_prune_listing(struct session *s, struct folder_state *fs,
    char **cause)
{
	struct msgset	 all = { 0 };
	char		 buf[16];
	const char	*key;
	size_t		 i;
	int		 rc;

	if (fs->full || s->check || s->driver->list_all == NULL ||
	    uidstore_count(fs->store) <= s->driver->folder_size(s))
		return (0);
	if ((rc = s->driver->list_all(s, &all, cause)) == 0) {
		for (i = 0; i < all.n; i++) {
			if ((key = session_msg_key(s, &all.v[i], buf,
			    sizeof(buf))) != NULL)
				uidstore_mark(fs->store, key);
		}
		fs->full = 1;
	} else if (rc != PM_SOCKET) {
		/* Only tidying: a refusal must not hold up the mail. */
		log_warnx("%s@%s: %s (the journal is tidied another time)",
		    s->account->user, s->account->name, *cause);
		free(*cause);
		*cause = NULL;
		rc = 0;
	}
	msgset_clear(&all);
	return (rc);
}

/* Look each message up in the journal; returns how many to fetch. */
static size_t
session_classify(struct session *s, struct folder_state *fs,
    struct msgset *ms)
{
	char		 buf[16];
	const char	*key;
	size_t		 i, fresh = 0;

	fs->full = s->driver->list_all == NULL;	/* the scan lists all */
	for (i = 0; i < ms->n; i++) {
		key = session_msg_key(s, &ms->v[i], buf, sizeof(buf));
		if (key == NULL) {
			fs->full = 0;
			ms->v[i].recorded = UID_NONE;
		} else {
			ms->v[i].recorded = uidstore_get(fs->store, key);
			uidstore_mark(fs->store, key);
		}
		/* What this poll will fetch: fetchall takes kept mail too. */
		if (ms->v[i].recorded == UID_NONE ||
		    (ms->v[i].recorded == UID_KEPT && s->account->fetchall))
			fresh++;
	}
	return (fresh);
}

struct leftover {
	struct session		*s;
	struct uidlist		 scanned;	/* the scan's UIDs, sorted */
	int			 rc;
};

static int
session_uid_cmp(const void *a, const void *b)
{
	const uint32_t	*x = a, *y = b;

	return (*x < *y ? -1 : *x > *y);
}

static int
session_leftover(const char *uid, enum uid_state state, void *arg)
{
	struct leftover	*lo = arg;
	struct msg	 m;
	const char	*errstr;
	char		*cause = NULL;

	if (state != UID_DELETE)
		return (0);
	memset(&m, 0, sizeof(m));
	m.uid = m.num = strtonum(uid, 1, UINT32_MAX, &errstr);
	if (errstr != NULL)
		return (0);
	if (lo->scanned.n > 0 && bsearch(&m.uid, lo->scanned.v,
	    lo->scanned.n, sizeof(*lo->scanned.v), session_uid_cmp) != NULL)
		return (0);	/* in the scan: handled there */
	if ((lo->rc = lo->s->driver->dispose(lo->s, &m, DISP_DELETE,
	    &cause)) != 0) {
		session_warn(lo->s, cause);
		return (1);
	}
	return (0);
}

/*
 * IMAP: messages delivered before whose deletion never reached the
 * server (pullmail was killed before EXPUNGE) are deleted now.  The
 * scan does not list them when they already carry \Deleted.  (A UIDL
 * driver's scan lists every message, so these are in it.)
 */
static int
session_leftovers(struct session *s, struct folder_state *fs,
    const struct msgset *ms)
{
	struct leftover	lo = { s, { NULL, 0, 0 }, 0 };
	size_t		i;

	if (s->driver->key != MSG_KEY_UID || s->check)
		return (0);
	/* A lookup per journal line, so a large scan costs n log n. */
	for (i = 0; i < ms->n; i++)
		(void)uidlist_add(&lo.scanned, ms->v[i].uid, SIZE_MAX);
	(void)uidlist_finish(&lo.scanned, SIZE_MAX);
	uidstore_each(fs->store, session_leftover, &lo);
	uidlist_clear(&lo.scanned);
	return (lo.rc);
}

/* A message delivered on an earlier poll: delete it, or leave it. */
static int
session_old(struct session *s, struct folder_state *fs, struct msg *m,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	enum disposition	 d = DISP_DELETE;
	char			 buf[16], *cause = NULL;
	const char		*key = session_msg_key(s, m, buf, sizeof(buf));
	int			 rc;

	if (m->recorded == UID_KEPT) {
		if (a->flush != 1)
			d = DISP_SEEN;	/* IMAP: set \Seen if it was lost */
		else if (uidstore_record(fs->store, key, UID_DELETE,
		    &cause) != 0) {
			session_warn(s, cause);
			return (PM_IOERR);
		}
	}
	if (d == DISP_DELETE)
		st->flushed++;
	if ((rc = s->driver->dispose(s, m, d, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

static int
session_is_spam(const struct account *a, int code)
{
	size_t	i;

	for (i = 0; i < a->antispam.n; i++) {
		if (code > 0 && atoi(a->antispam.v[i]) == code)
			return (1);
	}
	return (0);
}

/* Send the notice through the sink that refused the message. */
static int
session_bounce(struct session *s, struct sink *sk, const struct refusal *rf,
    const char *to, char **cause)
{
	const struct account	*a = s->account;
	struct bounce_info	 b;
	struct envelope		 env;
	char			 me[256], date[64], boundary[64], acct[512];
	char			*text;
	size_t			 len;
	enum sink_result	 r;

	net_local_hostname(me, sizeof(me));
	session_date(date, sizeof(date));
	snprintf(boundary, sizeof(boundary), "pullmail-%ld-%lld",
	    (long)getpid(), (long long)time(NULL));
	snprintf(acct, sizeof(acct), "%s@%s", a->user, a->name);
	memset(&b, 0, sizeof(b));
	b.me = me;
	b.to = to;
	b.rcpt = rf->rcpt;
	b.reply = rf->reply != NULL ? rf->reply : "refused";
	b.account = acct;
	b.hdr = rf->hdr;
	b.hdrlen = rf->hdrlen;
	b.date = date;
	b.boundary = boundary;
	if ((text = bounce_build(&b, &len)) == NULL) {
		xasprintf(cause, "cannot build the bounce");
		return (-1);
	}
	memset(&env, 0, sizeof(env));
	env.from = xstrdup("");		/* a bounce never bounces */
	strlist_add(&env.rcpts, to);
	env.size = len;
	if ((r = sk->ops->begin(sk, &env, cause)) == SINK_OK) {
		if ((r = sk->ops->write(sk, text, len, cause)) == SINK_OK)
			r = sk->ops->commit(sk, cause);
		else
			sk->ops->abort(sk);
	}
	if (r != SINK_OK && *cause == NULL)
		xasprintf(cause, "refused");
	envelope_free(&env);
	free(text);
	return (r == SINK_OK ? 0 : -1);
}

/*
 * The forwarder refused a message for good and softbounce is off
 * (fetchmail's rules): an antispam code deletes it without a word unless
 * spambounce; anything else is bounced to the sender (the postmaster
 * with "no bouncemail"), at most once, and deleted only once the bounce
 * was accepted.  Other sinks' refusals are kept: there is no bounce path.
 */
static int
session_refused(struct session *s, struct sink *sk, struct folder_state *fs,
    const struct msg *m, const struct refusal *rf)
{
	const struct account	*a = s->account;
	const struct poll_opts	*o = s->opts;
	char			 kbuf[16], *cause = NULL;
	const char		*key = session_msg_key(s, m, kbuf, sizeof(kbuf));
	const char		*to;
	int			 rc;

	if (sk->code == 0 || rf->from == NULL)
		return (0);
	if (session_is_spam(a, sk->code) && !o->spambounce) {
		log_info("%s@%s: message %u refused as spam (%d); deleted "
		    "without a bounce (no softbounce)", a->user, a->name,
		    m->num, sk->code);
	} else {
		to = o->bouncemail && rf->from[0] != '\0' ? rf->from :
		    o->postmaster;
		if (to == NULL || *to == '\0') {
			log_warnx("%s@%s: message %u: nobody to bounce it to; "
			    "left on the server", a->user, a->name, m->num);
			return (0);
		}
		/* Written first: killed during the bounce, never again. */
		if (key != NULL && uidstore_record(fs->store, key, UID_BOUNCE,
		    &cause) != 0)
			goto fail;
		if (session_bounce(s, sk, rf, to, &cause) != 0) {
			log_warnx("%s@%s: message %u: the bounce to <%s> was "
			    "not sent (%s); the message stays on the server",
			    a->user, a->name, m->num, to, cause);
			free(cause);
			cause = NULL;
			if (key != NULL && uidstore_record(fs->store, key,
			    UID_NONE, &cause) != 0)
				goto fail;
			return (0);
		}
		log_info("%s@%s: message %u bounced to <%s> and deleted (no "
		    "softbounce)", a->user, a->name, m->num, to);
	}
	if (key != NULL && uidstore_record(fs->store, key, UID_DELETE,
	    &cause) != 0)
		goto fail;
	if ((rc = s->driver->dispose(s, m, DISP_DELETE, &cause)) != 0) {
		session_warn(s, cause);
		return (rc);
	}
	return (0);
fail:
	session_warn(s, cause);
	return (PM_IOERR);
}

/* What the loop below does with m; the plan and the loop share it. */
enum fate {
	FATE_FETCH,
	FATE_BOUNCING,		/* a bounce for it was in flight */
	FATE_OLD,		/* delivered before */
	FATE_OVERSIZED,		/* over "limit" */
};

static enum fate
session_fate(const struct session *s, const struct msg *m)
{
	const struct account	*a = s->account;

	if (m->recorded == UID_BOUNCE)
		return (FATE_BOUNCING);
	/* Delivered before: the journal says so, the UID proves it. */
	if (m->recorded == UID_DELETE || (m->recorded == UID_KEPT &&
	    !a->fetchall))
		return (FATE_OLD);
	if (a->limit > 0 && m->size > a->limit)
		return (FATE_OVERSIZED);
	return (FATE_FETCH);
}

/*
 * Tell the driver what comes, so that it can ask for it ahead: no more
 * than fetchlimit still allows, nothing that would be drained unread.
 */
static void
session_plan(struct session *s, const struct msgset *ms,
    const struct poll_stats *st)
{
	const struct account	 *a = s->account;
	const struct msg	**v;
	size_t			  i, n = 0, cap = ms->n;

	if (s->driver->upcoming == NULL)
		return;
	if (a->fetchlimit > 0)
		cap = st->fetched >= (unsigned)a->fetchlimit ? 0 :
		    a->fetchlimit - st->fetched;
	v = xreallocarray(NULL, ms->n > 0 ? ms->n : 1, sizeof(*v));
	for (i = 0; i < ms->n && n < cap; i++) {
		if (session_fate(s, &ms->v[i]) == FATE_FETCH)
			v[n++] = &ms->v[i];
	}
	s->driver->upcoming(s, v, n);
	free(v);
}

/*
 * Messages a group-committing sink (Maildir) holds but has not yet made
 * durable: indexes into the folder's msgset.
 */
struct staged {
	size_t		*v;
	size_t		 n;
	size_t		 cap;
	uint64_t	 octets;
};

static void
staged_add(struct staged *sg, size_t i, long long size)
{
	if (sg->n == sg->cap) {
		sg->cap = sg->cap == 0 ? SESSION_BATCH : sg->cap * 2;
		sg->v = xreallocarray(sg->v, sg->cap, sizeof(*sg->v));
	}
	sg->v[sg->n++] = i;
	sg->octets = octets_add(sg->octets, size);
}

/*
 * "expunge N": deletions made real every N of them, not only at the
 * end: IMAP expunges, POP3 (whose deletions become real only at QUIT)
 * logs out and in again.  N, or 0 when that does not apply.
 */
static unsigned int
session_expunge_every(const struct session *s)
{
	const struct account	*a = s->account;

	if (a->keep || a->expunge <= 0)
		return (0);
	return ((unsigned int)a->expunge);
}

/*
 * A batch is bounded in count and size: a crash re-fetches at most that
 * much, and "expunge N" still means N.
 */
static int
session_batch_full(const struct session *s, const struct staged *sg)
{
	unsigned int	n = session_expunge_every(s);

	if (sg->n >= SESSION_BATCH || sg->octets >= SESSION_BATCH_OCTETS)
		return (1);
	return (n > 0 && s->deletions + sg->n >= n);
}

/*
 * A message the sink holds for good: counted, and recorded before the
 * server hears of it, so that killed from here on it is never delivered
 * again.
 */
static void
session_record(struct session *s, struct folder_state *fs,
    const struct msg *m, struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL, kbuf[16];
	const char		*key;

	st->delivered++;
	st->octets = octets_add(st->octets, m->size);
	log_debug("%s@%s: message %u delivered", a->user, a->name, m->num);
	session_progress(s, st);
	key = session_msg_key(s, m, kbuf, sizeof(kbuf));
	if (key != NULL && uidstore_record(fs->store, key, a->keep ?
	    UID_KEPT : UID_DELETE, &cause) != 0) {
		log_warnx("%s@%s: %s; message %u may be fetched again",
		    a->user, a->name, cause, m->num);
		free(cause);
	}
}

/* Then the server deletes it, or marks it seen with "keep". */
static int
session_dispose(struct session *s, const struct msg *m)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	int			 rc;

	if ((rc = s->driver->dispose(s, m, a->keep ? DISP_SEEN :
	    DISP_DELETE, &cause)) != 0) {
		session_warn(s, cause);
		return (rc);
	}
	if (session_expunge_every(s) > 0)
		s->deletions++;
	return (0);
}

/*
 * Make the staged batch durable, then record and dispose of each message
 * in it.  If the sink cannot, the whole batch stays on the server.
 */
static int
session_settle(struct session *s, struct sink *sk, struct folder_state *fs,
    struct msgset *ms, struct staged *sg, struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	size_t			 i, n = sg->n;
	int			 rc = 0;

	sg->n = 0;
	sg->octets = 0;
	if (n == 0)
		return (0);
	if (sk->ops->sync(sk, &cause) != SINK_OK) {
		log_warnx("%s@%s: %zu message%s not delivered, left on the "
		    "server: %s", a->user, a->name, n, n == 1 ? "" : "s",
		    cause);
		free(cause);
		st->failed += n;
		return (sk->fail);
	}
	for (i = 0; i < n; i++)
		session_record(s, fs, &ms->v[sg->v[i]], st);
	for (i = 0; i < n && rc == 0; i++)
		rc = session_dispose(s, &ms->v[sg->v[i]]);
	return (rc);
}

static int
session_folder(struct session *s, struct sink *sk, int *sink_open,
    const char *folder, struct poll_stats *st)
{
	const struct account	*a = s->account;
	struct msgset		 ms = { 0 };
	struct folder_state	*fs;
	struct msg		*m;
	struct refusal		 rf;
	enum sink_result	 r;
	char			*cause = NULL, *buf;
	uint32_t		 oldv;
	size_t			 i, fresh;
	struct staged		 sg = { NULL, 0, 0, 0 };
	const unsigned int	 expunge_n = session_expunge_every(s);
	int			 rc, r2;

	memset(&rf, 0, sizeof(rf));
	if ((rc = s->driver->select(s, folder, &cause)) != 0)
		goto fail;
	if ((fs = session_state(s, folder, &rc)) == NULL)
		return (rc);
	if (s->driver->key == MSG_KEY_UID) {
		rc = uidstore_validity(fs->store, s->uidvalidity, &oldv,
		    &cause);
		if (rc < 0) {
			rc = PM_IOERR;
			goto fail;
		}
		if (rc > 0)
			log_info("%s@%s: folder %s: UIDVALIDITY changed from "
			    "%u to %u; its recorded UIDs are forgotten (the "
			    "\\Seen flags still tell old mail from new)",
			    a->user, a->name, folder, oldv, s->uidvalidity);
	}
	if ((rc = session_flush_seen(s, &cause)) != 0 ||
	    (rc = s->driver->scan(s, &ms, &cause)) != 0)
		goto fail;
	fresh = session_classify(s, fs, &ms);
	st->found += fresh;
	if ((rc = session_prune_listing(s, fs, &cause)) != 0)
		goto fail;
	if (!s->driver->folders)
		folder = NULL;	/* not in the messages below */
	if (ms.n > fresh)
		log_info("%zu new message%s (%zu seen before) for %s at "
		    "%s%s%s", fresh, fresh == 1 ? "" : "s", ms.n - fresh,
		    a->user, a->name, folder != NULL ? " folder " : "",
		    folder != NULL ? folder : "");
	else if (ms.n > 0 || s->check)
		log_info("%zu message%s for %s at %s%s%s", fresh,
		    fresh == 1 ? "" : "s", a->user, a->name,
		    folder != NULL ? " folder " : "",
		    folder != NULL ? folder : "");
	if (s->check) {
		msgset_clear(&ms);
		return (0);
	}
	if ((rc = session_leftovers(s, fs, &ms)) != 0) {
		msgset_clear(&ms);
		return (rc);
	}
	session_plan(s, &ms, st);
	buf = xmalloc(PM_HEADER_MAX > SESSION_CHUNK ? PM_HEADER_MAX :
	    SESSION_CHUNK);
	for (i = 0; i < ms.n; i++) {
		m = &ms.v[i];
		switch (session_fate(s, m)) {
		case FATE_BOUNCING:
			log_warnx("%s@%s: message %u was refused and pullmail "
			    "stopped while bouncing it; left on the server, "
			    "never bounced twice", a->user, a->name, m->num);
			continue;
		case FATE_OLD:
			if ((rc = session_old(s, fs, m, st)) != 0)
				break;
			continue;
		case FATE_OVERSIZED:
			if ((rc = session_oversized(s, m, st)) != 0)
				break;
			continue;
		case FATE_FETCH:
			break;
		}
		if (rc != 0)
			break;
		if (s->stop != NULL && *s->stop) {
			/* --deadline or SIGTERM: the message in hand was
			 * finished; the rest waits for the next poll, and
			 * the poll is not a success (session_poll). */
			st->stopped = 1;
			log_info("%s@%s: stopping; %zu message%s left for the "
			    "next poll", a->user, a->name, ms.n - i,
			    ms.n - i == 1 ? "" : "s");
			break;
		}
		if (a->fetchlimit > 0 && st->fetched >= (unsigned)a->fetchlimit) {
			st->limited = 1;
			log_info("%s@%s: fetchlimit %d reached; %zu message%s "
			    "left for the next poll", a->user, a->name,
			    a->fetchlimit, ms.n - i, ms.n - i == 1 ? "" : "s");
			break;
		}
		if (!*sink_open) {
			if ((rc = sk->ops->open(sk, &cause)) != 0) {
				log_warnx("%s@%s: %s; nothing fetched",
				    a->user, a->name, cause);
				free(cause);
				break;
			}
			*sink_open = 1;
		}
		st->fetched++;
		rc = session_one(s, sk, m, buf, &r, &rf);
		if (rc == 0 && r == SINK_PERMFAIL && !s->opts->softbounce)
			rc = session_refused(s, sk, fs, m, &rf);
		refusal_free(&rf);
		if (rc != 0)
			break;
		if (r != SINK_OK) {
			st->failed++;
			continue;
		}
		if (sk->ops->sync != NULL) {
			staged_add(&sg, i, m->size);
			if (!session_batch_full(s, &sg))
				continue;
			rc = session_settle(s, sk, fs, &ms, &sg, st);
		} else {
			session_record(s, fs, m, st);
			rc = session_dispose(s, m);
		}
		if (rc != 0)
			break;
		if (expunge_n > 0 && s->deletions >= expunge_n &&
		    i + 1 < ms.n) {
			if (s->driver->commits_at_quit) {
				s->reopen = 1;	/* QUIT, log in again */
				break;
			}
			if ((rc = session_expunge(s)) != 0)
				break;
		}
	}
	/* Whatever ended the loop: what was staged is made durable. */
	if ((r2 = session_settle(s, sk, fs, &ms, &sg, st)) != 0 && rc == 0)
		rc = r2;
	free(sg.v);
	free(buf);
	msgset_clear(&ms);
	return (rc);

fail:
	session_warn(s, cause);
	msgset_clear(&ms);
	return (rc);
}

/* Before the server removes anything for good: the journal on disk. */
static int
session_sync(struct session *s)
{
	char	*cause = NULL;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < s->nfolders; i++) {
		if (uidstore_sync(s->folders[i].store, &cause) != 0) {
			log_warnx("%s@%s: %s", s->account->user,
			    s->account->name, cause);
			free(cause);
			cause = NULL;
			rc = PM_IOERR;
		}
	}
	return (rc);
}

/*
 * Deletions made real now (IMAP EXPUNGE), never before the journal that
 * says what was delivered is on disk.  A driver whose deletions become
 * real at QUIT has nothing to do here.
 */
static int
session_expunge(struct session *s)
{
	char	*cause = NULL;
	int	 rc;

	s->deletions = 0;
	if (s->check || s->driver->expunge == NULL)
		return (0);
	if ((rc = session_sync(s)) != 0)
		return (rc);
	if ((rc = s->driver->expunge(s, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

/*
 * fetchmail's "flush" where the scan leaves read mail out (IMAP): the
 * read messages are deleted first, unfetched.  (Where the scan lists
 * them, session_old does it from the journal.)
 */
static int
session_flush_seen(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct msgset		 old = { 0 };
	size_t			 i;
	int			 rc;

	if (a->flush != 1 || a->fetchall || s->check ||
	    s->driver->seen == NULL)
		return (0);
	if ((rc = s->driver->seen(s, &old, cause)) != 0)
		goto out;
	if (old.n > 0)
		log_info("%s@%s: flushing %zu old message%s", a->user, a->name,
		    old.n, old.n == 1 ? "" : "s");
	for (i = 0; i < old.n && rc == 0; i++)
		rc = s->driver->dispose(s, &old.v[i], DISP_DELETE, cause);
out:
	msgset_clear(&old);
	return (rc);
}

/* The server confirmed: forget what it deleted, close the journals. */
static void
session_states_close(struct session *s, int confirmed)
{
	struct folder_state	*fs;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < s->nfolders; i++) {
		fs = &s->folders[i];
		if (confirmed && uidstore_finish(fs->store, fs->full,
		    &cause) != 0) {
			log_warnx("%s@%s: %s", s->account->user,
			    s->account->name, cause);
			free(cause);
			cause = NULL;
		}
		uidstore_close(fs->store);
		free(fs->folder);
	}
	free(s->folders);
	s->folders = NULL;
	s->nfolders = 0;
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
	if (a->folders.n > 1 && ((rc = session_expunge(s)) != 0 ||
	    (rc = s->driver->select(s, folder, &cause)) != 0))
		goto fail;
	setproctitle("%s@%s: idle in %s", a->user, a->name, folder);
	/* What the poll before the first IDLE delivered is news too. */
	if (st->delivered > st->sent)
		session_report(s, st, 0, 0);
	while (s->stop == NULL || !*s->stop) {
		if ((rc = session_expunge(s)) != 0)
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
		if (news)
			session_report(s, st, 0, 0);
	}
	return (0);
fail:
	session_warn(s, cause);
	return (rc);
}

/*
 * Dovecot and others check a client certificate at login, not in the
 * handshake, so a refused certificate looks like a wrong password: say
 * which certificate went, and what else looks like this.
 */
static void
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
	synced = session_sync(s) == 0;
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
	session_states_close(s, confirmed);
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
		if (i > 0 && (rc = session_expunge(s)) != 0)
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
	s.account = a;
	s.opts = o;
	s.check = o->check;
	s.stop = o->stop;
	s.driver = driver_for(a->proto);
	if ((rc = session_open(&s)) != 0) {
		s.driver->free(&s);
		conn_close(&s.conn);
		session_report(&s, &st, rc, 1);
		free(s.why);
		return (rc);
	}
	sink_init(&sk, a);
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
