/*
 * imap.c -- the IMAP4rev1 driver (RFC 3501, 2595, 4315).
 *
 * Messages are found with UID SEARCH and sized with UID FETCH, each
 * asked a slice of PM_IMAP_SLICE messages at a time so that no line
 * grows with the folder, and read with BODY.PEEK[] so that nothing is
 * marked \Seen before it is delivered.  Literals are read by counting
 * bytes.  \Deleted is set per delivered message, in batches; EXPUNGE
 * goes out when the session says (driver.h), once the journal is synced.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "bounds.h"
#include "conn.h"
#include "imap_reply.h"
#include "log.h"
#include "sasl_conn.h"
#include "session.h"
#include "utf7.h"
#include "xmalloc.h"

struct imap {
	int		 caps;
	char		*mechs;		/* AUTH= mechanisms, space-separated */
	const char	*login_how;	/* "LOGIN" or the SASL mechanism */
	unsigned int	 tagno;
	char		 tag[16];
	int		 preauth;
	int		 bye;		/* the server said BYE */
	long long	 literal_left;	/* body bytes still to read */
	int		 in_body;
	struct msgset	*scan;		/* target of SEARCH/FETCH replies */
	uint32_t	 exists;	/* messages in the folder (EXISTS) */
	int		 grew;		/* EXISTS grew since the scan */
	struct uidlist	 deleted;	/* UIDs flagged \Deleted */
	/*
	 * The FETCH pipeline: bodies asked for PM_IMAP_BATCH at a time in one
	 * UID FETCH, whose answers come in UID order; the next batch goes
	 * out as the last body of this one begins.  Two commands in flight
	 * at most: Dovecot runs pipelined commands side by side and would
	 * mix the bodies of more.
	 */
	uint32_t	*ahead;		/* the folder's UIDs to fetch, sorted */
	size_t		 nahead;
	size_t		 next_send;	/* ahead[] index of the next batch */
	struct imap_batch {
		unsigned int	tagno;
		size_t		first;	/* ahead[] index of its first UID */
		size_t		n;
		size_t		got;	/* bodies begun */
		int		tag_done;
		int		refused;	/* tagged NO or BAD */
	}		 flight[2];
	size_t		 nflight;
	/*
	 * Flags set in one UID STORE per batch, not one per message: the
	 * UIDs alone, 4 bytes each, as a whole folder may be waiting.
	 */
	struct uidlist	 to_delete;
	struct uidlist	 to_see;
};

typedef int (*imap_untagged_fn)(struct session *, const struct imap_resp *,
    void *, char **);

static struct imap *
imap_data(struct session *s)
{
	return (s->drvdata);
}

static void imap_cmd(struct session *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Queue a command with a fresh tag. */
static void
imap_cmd(struct session *s, const char *fmt, ...)
{
	struct imap	*p = imap_data(s);
	va_list		 ap;
	char		*cmd;

	snprintf(p->tag, sizeof(p->tag), "A%04u", ++p->tagno);
	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	conn_printf(s->conn, "%s %s\r\n", p->tag, cmd);
	free(cmd);
}

/* A body we asked for but will not use: read past it, however long. */
static int
imap_discard(struct session *s, long long n, char **cause)
{
	const char	*in;
	size_t		 avail;

	while (n > 0) {
		if (conn_peek(s->conn, &in, &avail, cause) != 0)
			return (PM_SOCKET);
		if ((long long)avail > n)
			avail = n;
		conn_consume(s->conn, avail);
		n -= avail;
	}
	return (0);
}

/* Skip a literal we did not ask for; bounded, it is not a body. */
static int
imap_skip_literal(struct session *s, long long n, char **cause)
{
	if (n > PM_LITERAL_MAX) {
		xasprintf(cause, "%s: unexpected literal of %lld bytes",
		    conn_label(s->conn), n);
		return (PM_PROTOCOL);
	}
	return (imap_discard(s, n, cause));
}

/*
 * The folder's size as the server tells it in answers to any command:
 * mail that came meanwhile makes EXISTS grow (an EXPUNGE first shrinks
 * it).  Only growth is news: a server that repeats EXISTS after every
 * command must not keep us from ever waiting in IDLE.
 */
static void
imap_note(struct imap *p, const struct imap_resp *r)
{
	if (p == NULL || r->kind != IMAP_UNTAGGED || !r->has_number)
		return;
	if (imap_is(r, "EXPUNGE") && p->exists > 0)
		p->exists--;
	else if (imap_is(r, "EXISTS")) {
		if (r->number > p->exists)
			p->grew = 1;
		p->exists = r->number;
	}
}

/*
 * Read responses until the tagged one for the last command.  Untagged
 * ones go to fn (if any).  Returns 0 for OK, else a pm_result: fail for
 * NO, PM_PROTOCOL for BAD or nonsense, PM_SOCKET for I/O.
 */
static int
imap_wait_tag(struct session *s, const char *tag, const char *what, int fail,
    imap_untagged_fn fn, void *arg, char **cause)
{
	struct imap_resp	 r;
	const char		*errstr;
	char			*line;
	size_t			 len;
	int			 rc;

	for (;;) {
		if (conn_readline(s->conn, &line, &len, cause) != 0)
			return (PM_SOCKET);
		if (imap_parse(line, &r, &errstr) != 0) {
			xasprintf(cause, "%s: %s: %s: \"%.80s\"",
			    conn_label(s->conn), what, errstr, line);
			return (PM_PROTOCOL);
		}
		if (r.kind == IMAP_TAGGED) {
			if (strcmp(r.tag, tag) != 0) {
				xasprintf(cause, "%s: %s: reply with unknown "
				    "tag %s", conn_label(s->conn), what, r.tag);
				return (PM_PROTOCOL);
			}
			if (r.cond == IMAP_COND_OK)
				return (0);
			xasprintf(cause, "%s: %s: %.*s %s",
			    conn_label(s->conn), what, (int)r.keyword_len,
			    r.keyword, r.text);
			return (r.cond == IMAP_COND_NO ? fail : PM_PROTOCOL);
		}
		if (r.kind == IMAP_CONTINUE) {
			xasprintf(cause, "%s: %s: unexpected continuation",
			    conn_label(s->conn), what);
			return (PM_PROTOCOL);
		}
		if (r.cond == IMAP_COND_BYE) {
			imap_data(s)->bye = 1;
			xasprintf(cause, "%s: %s: server said BYE %s",
			    conn_label(s->conn), what, r.text);
			return (PM_ERROR);
		}
		imap_note(imap_data(s), &r);
		if (fn != NULL && (rc = fn(s, &r, arg, cause)) != 0)
			return (rc);
		if (r.literal >= 0 && (rc = imap_skip_literal(s, r.literal,
		    cause)) != 0)
			return (rc);
	}
}

static int
imap_wait(struct session *s, const char *what, int fail, imap_untagged_fn fn,
    void *arg, char **cause)
{
	return (imap_wait_tag(s, imap_data(s)->tag, what, fail, fn, arg,
	    cause));
}

/* Keep the AUTH=X words of a capability list as "X Y ...". */
static void
imap_set_mechs(struct imap *p, const char *list, size_t len)
{
	const char	*w = list, *end = list + len;
	char		*tmp;
	size_t		 n;

	free(p->mechs);
	p->mechs = xstrdup("");
	while (w < end) {
		while (w < end && *w == ' ')
			w++;
		for (n = 0; w + n < end && w[n] != ' ' && w[n] != ']'; n++)
			;
		if (n > 5 && strncasecmp(w, "AUTH=", 5) == 0) {
			xasprintf(&tmp, "%s%s%.*s", p->mechs, *p->mechs ?
			    " " : "", (int)(n - 5), w + 5);
			free(p->mechs);
			p->mechs = tmp;
		}
		if (w + n < end && w[n] == ']')
			break;
		w += n;
	}
}

static int
imap_caps_cb(struct session *s, const struct imap_resp *r, void *arg,
    char **cause)
{
	(void)arg;
	(void)cause;
	if (imap_is(r, "CAPABILITY")) {
		imap_data(s)->caps = imap_caps(r->text);
		imap_set_mechs(imap_data(s), r->text, strlen(r->text));
	}
	return (0);
}

static int
imap_capability(struct session *s, char **cause)
{
	imap_data(s)->caps = 0;
	imap_cmd(s, "CAPABILITY");
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	return (imap_wait(s, "CAPABILITY", PM_ERROR, imap_caps_cb, NULL,
	    cause));
}

static int
imap_greeting(struct session *s, char **cause)
{
	struct imap		*p = imap_data(s);
	struct imap_resp	 r;
	const char		*errstr, *caps;
	char			*line;
	size_t			 len, clen;

	if (conn_readline(s->conn, &line, &len, cause) != 0)
		return (PM_SOCKET);
	if (imap_parse(line, &r, &errstr) != 0 || r.kind != IMAP_UNTAGGED ||
	    (r.cond != IMAP_COND_OK && r.cond != IMAP_COND_PREAUTH &&
	    r.cond != IMAP_COND_BYE)) {
		/* "proto auto" goes on with POP3 on this port. */
		s->other_proto = strncmp(line, "+OK", 3) == 0;
		xasprintf(cause, "%s: not an IMAP greeting: \"%.80s\"%s",
		    conn_label(s->conn), line, s->other_proto ? " (a POP3 "
		    "server: use proto pop3)" : "");
		return (PM_PROTOCOL);
	}
	if (r.cond == IMAP_COND_BYE) {
		xasprintf(cause, "%s: server refused the connection: %s",
		    conn_label(s->conn), r.text);
		return (PM_ERROR);
	}
	p->preauth = r.cond == IMAP_COND_PREAUTH;
	if ((caps = imap_resp_code(r.text, "CAPABILITY", &clen)) != NULL) {
		p->caps = imap_caps(caps);
		imap_set_mechs(p, caps, clen);
	}
	return (0);
}

/* A quoted string for LOGIN and SELECT; NULL if s cannot be quoted. */
static char *
imap_quote(const char *str)
{
	char	*q, *o;

	if (strpbrk(str, "\r\n") != NULL)
		return (NULL);
	q = o = xmalloc(2 * strlen(str) + 3);
	*o++ = '"';
	for (; *str != '\0'; str++) {
		if (*str == '"' || *str == '\\')
			*o++ = '\\';
		*o++ = *str;
	}
	*o++ = '"';
	*o = '\0';
	return (q);
}

/*
 * AUTHENTICATE with a SASL mechanism: the initial response rides on the
 * command when the server has SASL-IR, else it answers the first "+".
 * Every response may hold a secret, so none is ever traced.
 */
static int
imap_authenticate(struct session *s, enum sasl_mech m, char **cause)
{
	const struct account	*a = s->account;
	struct imap		*p = imap_data(s);
	struct imap_resp	 r;
	struct sasl		*sa;
	const char		*errstr;
	char			*line, *init = NULL, *prefix;
	size_t			 len;
	int			 rc = PM_AUTHFAIL;

	sa = sasl_conn_new(s->conn, &m, a->user, a->password, account_host(a),
	    account_port(a, PROTO_IMAP));
	if (sasl_start_b64(sa, &init, cause) != 0)
		goto out;
	snprintf(p->tag, sizeof(p->tag), "A%04u", ++p->tagno);
	if (init != NULL && (p->caps & IMAP_CAP_SASL_IR)) {
		/* RFC 4959: an empty initial response is "=". */
		xasprintf(&prefix, "%s AUTHENTICATE %s ", p->tag, sasl_name(m));
		conn_send_secret(s->conn, prefix, *init ? init : "=");
		free(prefix);
		freezero(init, strlen(init));
		init = NULL;
	} else
		conn_printf(s->conn, "%s AUTHENTICATE %s\r\n", p->tag,
		    sasl_name(m));
	for (;;) {
		if (conn_flush(s->conn, cause) != 0 ||
		    conn_readline(s->conn, &line, &len, cause) != 0) {
			rc = PM_SOCKET;
			goto out;
		}
		if (imap_parse(line, &r, &errstr) != 0) {
			xasprintf(cause, "%s: AUTHENTICATE %s: %s",
			    conn_label(s->conn), sasl_name(m), errstr);
			rc = PM_PROTOCOL;
			goto out;
		}
		if (r.kind == IMAP_TAGGED) {
			if (strcmp(r.tag, p->tag) != 0) {
				xasprintf(cause, "%s: AUTHENTICATE: reply with "
				    "unknown tag %s", conn_label(s->conn),
				    r.tag);
				rc = PM_PROTOCOL;
			} else if (r.cond != IMAP_COND_OK) {
				xasprintf(cause, "%s: AUTHENTICATE %s: %.*s %s",
				    conn_label(s->conn), sasl_name(m),
				    (int)r.keyword_len, r.keyword, r.text);
				rc = PM_AUTHFAIL;
			} else
				rc = sasl_finished(sa, cause) == 0 ? 0 :
				    PM_AUTHFAIL;
			goto out;
		}
		if (r.kind != IMAP_CONTINUE)
			continue;	/* untagged: nothing we need */
		if ((rc = sasl_conn_answer(s->conn, sa, r.text, &init,
		    cause)) != 0)
			goto out;
	}
out:
	if (init != NULL)
		freezero(init, strlen(init));
	sasl_free(sa);
	return (rc);
}

static int
imap_login(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct imap		*p = imap_data(s);
	enum sasl_mech		 m;
	char			*user, *pass, *prefix;
	int			 rc;

	if (a->auth == AUTH_EXTERNAL && a->sslcert == NULL) {
		xasprintf(cause, "auth external logs in with a client "
		    "certificate, and none is given (sslcert)");
		return (PM_AUTHFAIL);
	}
	if ((rc = auth_choose(a, p->mechs, conn_is_tls(s->conn), &m,
	    cause)) != 0)
		return (rc);
	if (m != SASL_NONE) {
		if (m != SASL_EXTERNAL && a->password == NULL) {
			xasprintf(cause, "no password for %s at %s", a->user,
			    a->name);
			return (PM_AUTHFAIL);
		}
		p->login_how = sasl_name(m);
		return (imap_authenticate(s, m, cause));
	}
	p->login_how = "LOGIN";
	if (p->caps & IMAP_CAP_LOGINDISABLED) {
		xasprintf(cause, "%s: LOGIN is disabled by the server",
		    account_host(a));
		return (PM_AUTHFAIL);
	}
	if (a->password == NULL) {
		xasprintf(cause, "no password for %s at %s", a->user, a->name);
		return (PM_AUTHFAIL);
	}
	user = imap_quote(a->user);
	pass = imap_quote(a->password);
	if (user == NULL || pass == NULL) {
		free(user);
		freezero(pass, pass != NULL ? strlen(pass) : 0);
		xasprintf(cause, "user name or password holds a line break");
		return (PM_AUTHFAIL);
	}
	snprintf(p->tag, sizeof(p->tag), "A%04u", ++p->tagno);
	xasprintf(&prefix, "%s LOGIN %s ", p->tag, user);
	conn_send_secret(s->conn, prefix, pass);
	free(prefix);
	free(user);
	freezero(pass, strlen(pass));
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	rc = imap_wait(s, "LOGIN", PM_AUTHFAIL, NULL, NULL, cause);
	if (rc == PM_PROTOCOL)
		rc = PM_AUTHFAIL;	/* BAD to LOGIN is a refusal too */
	return (rc);
}

static int
imap_open(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct imap		*p;
	int			 rc;

	p = xcalloc(1, sizeof(*p));
	s->drvdata = p;
	if ((rc = session_connect(s, account_port(a, PROTO_IMAP), cause)) != 0)
		return (rc);
	if ((rc = imap_greeting(s, cause)) != 0)
		return (rc);
	if (a->tls.mode == TLS_MODE_STARTTLS) {
		if (p->preauth) {
			/* CVE-2021-39272: PREAUTH would skip STARTTLS. */
			xasprintf(cause, "%s sent a PREAUTH greeting, which "
			    "rules out STARTTLS; refusing to go on in plain "
			    "text", account_host(a));
			return (PM_SOCKET);
		}
		if (p->caps == 0 && (rc = imap_capability(s, cause)) != 0)
			return (rc);
		if (!(p->caps & IMAP_CAP_STARTTLS)) {
			xasprintf(cause, "%s does not offer STARTTLS, and TLS "
			    "is required; use \"ssl\" for port 993, or "
			    "sslproto '' to allow plain text", account_host(a));
			return (PM_SOCKET);
		}
		imap_cmd(s, "STARTTLS");
		if (conn_flush(s->conn, cause) != 0)
			return (PM_SOCKET);
		if ((rc = imap_wait(s, "STARTTLS", PM_SOCKET, NULL, NULL,
		    cause)) != 0)
			return (rc == PM_PROTOCOL ? PM_SOCKET : rc);
		if ((rc = session_starttls(s, cause)) != 0)
			return (rc);
		p->caps = 0;	/* forget what was said in plain text */
		free(p->mechs);
		p->mechs = NULL;
	}
	if (p->caps == 0 && (rc = imap_capability(s, cause)) != 0)
		return (rc);
	if (!p->preauth && (rc = imap_login(s, cause)) != 0)
		return (rc);
	/* Capabilities may grow after login (UIDPLUS, IDLE): ask again. */
	if (!p->preauth && (rc = imap_capability(s, cause)) != 0)
		return (rc);
	if (p->preauth)
		log_debug("%s@%s: logged in beforehand (PREAUTH) (%s)",
		    a->user, a->name, conn_tls_summary(s->conn));
	else
		log_debug("%s@%s: logged in with %s (%s)", a->user, a->name,
		    p->login_how, conn_tls_summary(s->conn));
	return (0);
}

static int
imap_select_cb(struct session *s, const struct imap_resp *r, void *arg,
    char **cause)
{
	const char	*v;
	size_t		 len;

	(void)arg;
	(void)cause;
	if (r->cond == IMAP_COND_OK &&
	    (v = imap_resp_code(r->text, "UIDVALIDITY", &len)) != NULL)
		(void)imap_next_number(&v, &s->uidvalidity);
	if (imap_is(r, "EXISTS") && r->has_number)
		imap_data(s)->exists = r->number;
	return (0);
}

/*
 * Flags not yet sent belong to the folder selected now: the session
 * expunges (sending them) before it leaves a folder or waits in IDLE.
 */
static int
imap_pending(struct session *s, const char *what, char **cause)
{
	struct imap	*p = imap_data(s);

	if (p->to_see.n == 0 && p->to_delete.n == 0 && p->deleted.n == 0)
		return (0);
	xasprintf(cause, "%s: %s with flags still to send (a bug: the "
	    "session did not expunge first)", conn_label(s->conn), what);
	return (PM_UNDEFINED);
}

static int
imap_select(struct session *s, const char *folder, char **cause)
{
	char	*q, *wire;
	int	 rc;

	if ((rc = imap_pending(s, "SELECT", cause)) != 0)
		return (rc);
	if ((wire = utf7_encode(folder)) == NULL) {
		xasprintf(cause, "folder name \"%s\" is not valid UTF-8",
		    folder);
		return (PM_SYNTAX);
	}
	q = imap_quote(wire);
	free(wire);
	if (q == NULL) {
		xasprintf(cause, "folder name holds a line break");
		return (PM_SYNTAX);
	}
	s->uidvalidity = 0;
	imap_data(s)->exists = 0;
	/* -c looks without touching: EXAMINE opens the folder read-only. */
	imap_cmd(s, "%s %s", s->check ? "EXAMINE" : "SELECT", q);
	free(q);
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	return (imap_wait(s, s->check ? "EXAMINE" : "SELECT", PM_ERROR,
	    imap_select_cb, NULL, cause));
}

static int
imap_too_many(struct session *s, char **cause)
{
	xasprintf(cause, "%s: UID SEARCH: more than %d messages in the "
	    "folder, more than pullmail handles; move some elsewhere",
	    conn_label(s->conn), PM_MESSAGES_MAX);
	return (PM_PROTOCOL);
}

/*
 * SEARCH lists UIDs into a uidlist: 4 bytes each, a repeated UID kept
 * once, at most PM_MESSAGES_MAX different ones.
 */
static int
imap_search_cb(struct session *s, const struct imap_resp *r, void *arg,
    char **cause)
{
	struct uidlist	*l = arg;
	const char	*p = r->text;
	uint32_t	 uid;

	if (!imap_is(r, "SEARCH"))
		return (0);
	while (*p != '\0') {
		if (imap_next_number(&p, &uid) != 0 || uid == 0) {
			xasprintf(cause, "%s: SEARCH: not a UID: \"%.40s\"",
			    conn_label(s->conn), p);
			return (PM_PROTOCOL);
		}
		if (uidlist_add(l, uid, PM_MESSAGES_MAX) != 0)
			return (imap_too_many(s, cause));
		while (*p == ' ')
			p++;
	}
	return (0);
}

/* UID SEARCH with the criteria given: the messages, sorted by UID. */
static int
imap_search(struct session *s, const char *criteria, struct msgset *ms,
    char **cause)
{
	struct imap	*p = imap_data(s);
	struct uidlist	 l = { NULL, 0, 0 };
	struct msg	 m;
	size_t		 i;
	uint32_t	 first, last;
	int		 rc;

	/* Bounded first, so the slice arithmetic cannot wrap. */
	if (p->exists > PM_MESSAGES_MAX)
		return (imap_too_many(s, cause));
	/*
	 * The folder in slices of message numbers, so that no answer has
	 * to fit more UIDs than one line holds, however large it is.  The
	 * last slice is open ("N:*"): messages that came since the count
	 * was taken are not missed.
	 */
	for (first = 1;; first += PM_IMAP_SLICE) {
		last = first + PM_IMAP_SLICE - 1;
		if (p->exists <= PM_IMAP_SLICE)
			imap_cmd(s, "UID SEARCH %s", criteria);
		else if (last >= p->exists)
			imap_cmd(s, "UID SEARCH %u:* %s", first, criteria);
		else
			imap_cmd(s, "UID SEARCH %u:%u %s", first, last,
			    criteria);
		if (conn_flush(s->conn, cause) != 0) {
			uidlist_clear(&l);
			return (PM_SOCKET);
		}
		rc = imap_wait(s, "UID SEARCH", PM_ERROR, imap_search_cb, &l,
		    cause);
		if (rc != 0 || p->exists <= PM_IMAP_SLICE || last >= p->exists)
			break;
	}
	if (rc == 0 && uidlist_finish(&l, PM_MESSAGES_MAX) != 0)
		rc = imap_too_many(s, cause);
	if (rc != 0) {
		uidlist_clear(&l);
		return (rc);
	}
	memset(&m, 0, sizeof(m));
	m.size = -1;
	msgset_reserve(ms, ms->n + l.n);
	for (i = 0; i < l.n; i++) {
		m.uid = m.num = l.v[i];
		msgset_add(ms, &m);
	}
	uidlist_clear(&l);
	return (0);
}

static int
imap_uid_cmp(const void *a, const void *b)
{
	const struct msg	*x = a, *y = b;

	return (x->uid < y->uid ? -1 : x->uid > y->uid);
}

static int
imap_size_cb(struct session *s, const struct imap_resp *r, void *arg,
    char **cause)
{
	struct msgset		*ms = arg;
	struct imap_fetch	 f;
	struct msg		 key, *m;
	const char		*errstr;

	if (!imap_is(r, "FETCH"))
		return (0);
	if (imap_parse_fetch(r->text, &f, &errstr) != 0) {
		xasprintf(cause, "%s: FETCH: %s", conn_label(s->conn), errstr);
		return (PM_PROTOCOL);
	}
	if (!f.has_uid || !f.has_size)
		return (0);		/* someone else's flag news */
	key.uid = f.uid;
	if ((m = bsearch(&key, ms->v, ms->n, sizeof(*ms->v),
	    imap_uid_cmp)) != NULL)
		m->size = f.size;
	return (0);
}

/* "1:5,9,12:13" for the UIDs v[0..n) (sorted). */
static char *
imap_uid_set(const uint32_t *v, size_t n)
{
	FILE	*f;
	char	*out;
	size_t	 len, i, j;

	if ((f = open_memstream(&out, &len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		fprintf(f, "%s%u", i == 0 ? "" : ",", v[i]);
		if (j - 1 > i)
			fprintf(f, ":%u", v[j - 1]);
	}
	fclose(f);
	return (out);
}

/* Read messages, which the scan leaves out: for "flush". */
static int
imap_seen(struct session *s, struct msgset *ms, char **cause)
{
	return (imap_search(s, "SEEN UNDELETED", ms, cause));
}

static int
imap_list_all(struct session *s, struct msgset *ms, char **cause)
{
	return (imap_search(s, "ALL", ms, cause));
}

static size_t
imap_folder_size(struct session *s)
{
	return (imap_data(s)->exists);
}

static int
imap_scan(struct session *s, struct msgset *ms, char **cause)
{
	const struct account	*a = s->account;
	uint32_t		*slice;
	char			*set;
	size_t			 i, j, n;
	int			 rc;

	/* Without a UID store yet, \Seen is what tells old from new. */
	imap_data(s)->grew = 0;
	if ((rc = imap_search(s, a->fetchall ? "UNDELETED" :
	    "UNSEEN UNDELETED", ms, cause)) != 0)
		return (rc);
	if (ms->n == 0)
		return (0);
	/* Sizes a slice at a time: the UID set is one command line. */
	slice = xreallocarray(NULL, PM_IMAP_SLICE, sizeof(*slice));
	for (i = 0, rc = 0; i < ms->n && rc == 0; i += PM_IMAP_SLICE) {
		n = ms->n - i < PM_IMAP_SLICE ? ms->n - i : PM_IMAP_SLICE;
		for (j = 0; j < n; j++)
			slice[j] = ms->v[i + j].uid;
		set = imap_uid_set(slice, n);
		imap_cmd(s, "UID FETCH %s (UID RFC822.SIZE)", set);
		free(set);
		if (conn_flush(s->conn, cause) != 0)
			rc = PM_SOCKET;
		else
			rc = imap_wait(s, "UID FETCH", PM_ERROR, imap_size_cb,
			    ms, cause);
	}
	free(slice);
	if (rc != 0)
		return (rc);
	/* A UID without a size vanished meanwhile; don't ask for it. */
	for (i = j = 0; i < ms->n; i++) {
		if (ms->v[i].size >= 0)
			ms->v[j++] = ms->v[i];
	}
	ms->n = j;
	return (0);
}

/*
 * Past a literal we will not use and the rest of its response: the line
 * that follows may announce another literal.
 */
static int
imap_discard_response(struct session *s, long long n, char **cause)
{
	char		*line, *brace, num[24];
	const char	*errstr;
	size_t		 len, digits;
	int		 rc;

	for (;;) {
		/* Even unread, a literal is bounded like a message body. */
		if (n < 0 || n > PM_MESSAGE_MAX) {
			xasprintf(cause, "%s: UID FETCH: a literal of %lld "
			    "bytes announced, more than the %lld a message may "
			    "have", conn_label(s->conn), n,
			    (long long)PM_MESSAGE_MAX);
			return (PM_PROTOCOL);
		}
		if ((rc = imap_discard(s, n, cause)) != 0)
			return (rc);
		if (conn_readline(s->conn, &line, &len, cause) != 0)
			return (PM_SOCKET);
		if (len < 3 || line[len - 1] != '}' ||
		    (brace = strrchr(line, '{')) == NULL)
			return (0);
		digits = strspn(brace + 1, "0123456789");
		if (digits == 0 || digits >= sizeof(num) ||
		    (brace[1 + digits] != '}' && brace[1 + digits] != '+')) {
			xasprintf(cause, "%s: UID FETCH: bad literal \"%.40s\"",
			    conn_label(s->conn), brace);
			return (PM_PROTOCOL);
		}
		memcpy(num, brace + 1, digits);
		num[digits] = '\0';
		n = strtonum(num, 0, PM_MESSAGE_MAX, &errstr);
		if (errstr != NULL) {
			xasprintf(cause, "%s: UID FETCH: a literal of %s "
			    "bytes announced, more than the %lld a message may "
			    "have", conn_label(s->conn), num,
			    (long long)PM_MESSAGE_MAX);
			return (PM_PROTOCOL);
		}
	}
}

/* Forget the batches whose bodies were all read and which are done. */
static void
imap_flight_trim(struct imap *p)
{
	while (p->nflight > 0 && p->flight[0].got == p->flight[0].n &&
	    p->flight[0].tag_done && !p->in_body) {
		p->flight[0] = p->flight[1];
		p->nflight--;
	}
}

/* A tagged reply to one of the batches?  Returns -1 if not. */
static int
imap_flight_tagged(struct imap *p, const struct imap_resp *r)
{
	char	tag[16];
	size_t	i;

	for (i = 0; i < p->nflight; i++) {
		snprintf(tag, sizeof(tag), "A%04u", p->flight[i].tagno);
		if (strcmp(r->tag, tag) == 0) {
			p->flight[i].tag_done = 1;
			p->flight[i].refused = r->cond != IMAP_COND_OK;
			return ((int)i);
		}
	}
	return (-1);
}

/*
 * The next response while batches are in flight.  A tagged reply to one
 * of them is taken here (*tagged set); anything else is left in *r.
 */
static int
imap_fetch_next(struct session *s, struct imap_resp *r, int *tagged,
    char **cause)
{
	const char	*errstr;
	char		*line;
	size_t		 len;

	*tagged = 0;
	if (conn_readline(s->conn, &line, &len, cause) != 0)
		return (PM_SOCKET);
	if (imap_parse(line, r, &errstr) != 0) {
		xasprintf(cause, "%s: UID FETCH: %s", conn_label(s->conn),
		    errstr);
		return (PM_PROTOCOL);
	}
	if (r->kind != IMAP_TAGGED) {
		imap_note(imap_data(s), r);
		return (0);
	}
	if (imap_flight_tagged(imap_data(s), r) < 0) {
		xasprintf(cause, "%s: UID FETCH: reply with unknown tag %s",
		    conn_label(s->conn), r->tag);
		return (PM_PROTOCOL);
	}
	*tagged = 1;
	return (0);
}

/*
 * Read what is left of the batches in flight (messages the session
 * skipped, or a stop before the end), so that another command can go out.
 */
static int
imap_drain(struct session *s, char **cause)
{
	struct imap		*p = imap_data(s);
	struct imap_resp	 r;
	char			*line;
	size_t			 len, i;
	int			 rc, tagged;

	if (p->in_body) {
		if ((rc = imap_discard(s, p->literal_left, cause)) != 0)
			return (rc);
		p->literal_left = 0;
		p->in_body = 0;
		if (conn_readline(s->conn, &line, &len, cause) != 0)
			return (PM_SOCKET);
	}
	for (;;) {
		for (i = 0; i < p->nflight && p->flight[i].tag_done; i++)
			;
		if (i == p->nflight)
			break;
		if ((rc = imap_fetch_next(s, &r, &tagged, cause)) != 0)
			return (rc);
		if (!tagged && r.literal >= 0 && (rc = imap_discard_response(s,
		    r.literal, cause)) != 0)
			return (rc);
	}
	p->nflight = 0;
	return (0);
}

static void
imap_upcoming(struct session *s, const struct msg *const *v, size_t n)
{
	struct imap	*p = imap_data(s);
	size_t		 i;

	free(p->ahead);
	p->ahead = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*p->ahead));
	for (i = 0; i < n; i++)
		p->ahead[i] = v[i]->uid;
	p->nahead = n;
	p->next_send = 0;
}

/* One UID FETCH for ahead[from..], at most PM_IMAP_BATCH of them. */
static void
imap_batch_send(struct session *s, size_t from)
{
	struct imap		*p = imap_data(s);
	struct imap_batch	*b = &p->flight[p->nflight++];
	char			*list;

	memset(b, 0, sizeof(*b));
	b->first = from;
	b->n = p->nahead - from < PM_IMAP_BATCH ? p->nahead - from : PM_IMAP_BATCH;
	list = imap_uid_set(p->ahead + from, b->n);
	imap_cmd(s, "UID FETCH %s (UID BODY.PEEK[])", list);
	free(list);
	b->tagno = p->tagno;
	p->next_send = from + b->n;
}

/*
 * The batch and position m is expected at, asking for it (and for the
 * batch after, once m is the last of its own) as needed.  NULL when m is
 * not in the plan: it is then fetched alone.
 */
static struct imap_batch *
imap_batch_for(struct session *s, const struct msg *m)
{
	struct imap		*p = imap_data(s);
	struct imap_batch	*b;
	size_t			 i;

	if (p->nflight == 0) {
		for (i = 0; i < p->nahead && p->ahead[i] != m->uid; i++)
			;
		if (i == p->nahead)
			return (NULL);
		imap_batch_send(s, i);
	}
	b = &p->flight[0];
	if (b->got == b->n)
		b = &p->flight[1];
	if (b->got + 1 == b->n && p->nflight == 1 &&
	    p->next_send < p->nahead)
		imap_batch_send(s, p->next_send);
	return (b);
}

/*
 * Bodies are asked for a batch at a time and stream in without a pause
 * between messages.  m must be the next body expected; if the session
 * skipped some, what was asked for is read and dropped first.
 */
static int
imap_body_begin(struct session *s, const struct msg *m, char **cause)
{
	struct imap		*p = imap_data(s);
	struct imap_batch	*b;
	struct imap_resp	 r;
	struct imap_fetch	 f;
	const char		*errstr;
	int			 rc, tagged, alone = 0;

	imap_flight_trim(p);
	if (p->nflight > 0) {
		b = &p->flight[0];
		if (b->got == b->n && p->nflight > 1)
			b = &p->flight[1];
		if ((b->got == b->n || p->ahead[b->first + b->got] !=
		    m->uid) && (rc = imap_drain(s, cause)) != 0)
			return (rc);
	}
	if ((b = imap_batch_for(s, m)) == NULL) {
		/* Not in the plan: this one alone, as a batch of one. */
		imap_cmd(s, "UID FETCH %u (UID BODY.PEEK[])", m->uid);
		b = &p->flight[p->nflight++];
		memset(b, 0, sizeof(*b));
		b->tagno = p->tagno;
		b->n = 1;
		alone = 1;
	}
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	for (;;) {
		if (b->tag_done) {
			xasprintf(cause, "%s: UID FETCH %u: %s without the "
			    "message (expunged meanwhile?)",
			    conn_label(s->conn), m->uid, b->refused ?
			    "refused" : "OK");
			return (PM_ERROR);
		}
		if ((rc = imap_fetch_next(s, &r, &tagged, cause)) != 0)
			return (rc);
		if (tagged)
			continue;
		if (imap_is(&r, "FETCH")) {
			if (imap_parse_fetch(r.text, &f, &errstr) != 0) {
				xasprintf(cause, "%s: UID FETCH: %s",
				    conn_label(s->conn), errstr);
				return (PM_PROTOCOL);
			}
			if (f.has_body && r.literal > PM_MESSAGE_MAX) {
				xasprintf(cause, "%s: UID FETCH %u: a body of "
				    "%lld bytes announced, more than the %lld "
				    "a message may have", conn_label(s->conn),
				    m->uid, r.literal, (long long)PM_MESSAGE_MAX);
				return (PM_PROTOCOL);
			}
			if (f.has_body && r.literal >= 0 &&
			    (!f.has_uid || f.uid == m->uid)) {
				p->literal_left = r.literal;
				p->in_body = 1;
				b->got++;
				return (0);
			}
			if (f.has_body && r.literal >= 0 && !alone) {
				xasprintf(cause, "%s: UID FETCH: the body of "
				    "UID %u came where UID %u's was due",
				    conn_label(s->conn), f.uid, m->uid);
				return (PM_PROTOCOL);
			}
		}
		if (r.literal >= 0 && (rc = imap_discard_response(s,
		    r.literal, cause)) != 0)
			return (rc);
	}
}

static ssize_t
imap_body_read(struct session *s, char *buf, size_t len, char **cause)
{
	struct imap	*p = imap_data(s);
	const char	*in;
	size_t		 avail;
	char		*line;

	if (!p->in_body)
		return (0);
	if (p->literal_left > 0) {
		if (conn_peek(s->conn, &in, &avail, cause) != 0)
			return (session_fail(s, PM_SOCKET));
		if ((long long)avail > p->literal_left)
			avail = p->literal_left;
		if (avail > len)
			avail = len;
		memcpy(buf, in, avail);
		conn_consume(s->conn, avail);
		p->literal_left -= avail;
		return ((ssize_t)avail);
	}
	/* The literal is done: the rest of the FETCH line, then the tag. */
	p->in_body = 0;
	if (conn_readline(s->conn, &line, &avail, cause) != 0)
		return (session_fail(s, PM_SOCKET));
	if (strchr(line, '{') != NULL) {
		xasprintf(cause, "%s: UID FETCH: a second literal after the "
		    "body", conn_label(s->conn));
		return (session_fail(s, PM_PROTOCOL));
	}
	/* Its tagged reply is read whenever it comes. */
	return (0);
}

/*
 * Flags go out in one UID STORE per batch, when the session expunges
 * (before a folder change, IDLE or logout, the journal synced first),
 * once the bodies in flight are read.
 */
static int
imap_dispose(struct session *s, const struct msg *m, enum disposition d,
    char **cause)
{
	struct imap	*p = imap_data(s);

	(void)cause;	/* nothing goes out here */
	/* At most one entry per message of the folder, so no bound hits. */
	if (d == DISP_DELETE) {
		(void)uidlist_add(&p->to_delete, m->uid, SIZE_MAX);
		(void)uidlist_add(&p->deleted, m->uid, SIZE_MAX);
	} else
		(void)uidlist_add(&p->to_see, m->uid, SIZE_MAX);
	return (0);
}

static int
imap_store(struct session *s, struct uidlist *l, const char *flag,
    char **cause)
{
	char	*set;
	size_t	 i;
	int	 rc;

	if (l->n == 0)
		return (0);
	(void)uidlist_finish(l, SIZE_MAX);
	for (i = 0; i < l->n; i += PM_IMAP_SLICE) {
		set = imap_uid_set(l->v + i, l->n - i < PM_IMAP_SLICE ?
		    l->n - i : PM_IMAP_SLICE);
		imap_cmd(s, "UID STORE %s +FLAGS.SILENT (%s)", set, flag);
		free(set);
		if (conn_flush(s->conn, cause) != 0)
			return (PM_SOCKET);
		if ((rc = imap_wait(s, "UID STORE", PM_ERROR, NULL, NULL,
		    cause)) != 0)
			return (rc);
	}
	uidlist_clear(l);
	return (0);
}

/* The bodies in flight read, the flags set: the connection is quiet. */
static int
imap_settle(struct session *s, char **cause)
{
	struct imap	*p = imap_data(s);
	int		 rc;

	if ((rc = imap_drain(s, cause)) != 0 ||
	    (rc = imap_store(s, &p->to_see, "\\Seen", cause)) != 0 ||
	    (rc = imap_store(s, &p->to_delete, "\\Deleted", cause)) != 0)
		return (rc);
	return (0);
}

static int
imap_expunge_wait(struct session *s, char **cause)
{
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	return (imap_wait(s, "EXPUNGE", PM_ERROR, NULL, NULL, cause));
}

static int
imap_expunge(struct session *s, char **cause)
{
	struct imap	*p = imap_data(s);
	struct uidlist	*l = &p->deleted;
	char		*set;
	size_t		 i;
	int		 rc;

	if ((rc = imap_settle(s, cause)) != 0)
		return (rc);
	if (l->n == 0)
		return (0);
	if (p->caps & IMAP_CAP_UIDPLUS) {
		/* Only our own \Deleted messages (RFC 4315). */
		(void)uidlist_finish(l, SIZE_MAX);
		/* A slice at a time: each UID set is one command line. */
		for (i = 0; i < l->n; i += PM_IMAP_SLICE) {
			set = imap_uid_set(l->v + i, l->n - i < PM_IMAP_SLICE ?
			    l->n - i : PM_IMAP_SLICE);
			imap_cmd(s, "UID EXPUNGE %s", set);
			free(set);
			if ((rc = imap_expunge_wait(s, cause)) != 0)
				return (rc);
		}
	} else {
		imap_cmd(s, "EXPUNGE");
		if ((rc = imap_expunge_wait(s, cause)) != 0)
			return (rc);
	}
	uidlist_clear(l);
	return (0);
}

static int
imap_close(struct session *s, char **cause)
{
	int	rc;

	/* The session expunged already: only \Seen flags may be left. */
	if ((rc = imap_settle(s, cause)) != 0)
		return (rc);
	imap_cmd(s, "LOGOUT");
	if (conn_flush(s->conn, cause) != 0)
		return (PM_SOCKET);
	rc = imap_wait(s, "LOGOUT", PM_ERROR, NULL, NULL, cause);
	if (rc == PM_ERROR && imap_data(s)->bye) {
		free(*cause);	/* BYE before the tagged OK is normal here */
		*cause = NULL;
		rc = 0;
	}
	return (rc);
}

static void
imap_free(struct session *s)
{
	struct imap	*p = imap_data(s);

	if (p == NULL)
		return;
	free(p->ahead);
	uidlist_clear(&p->deleted);
	uidlist_clear(&p->to_delete);
	uidlist_clear(&p->to_see);
	free(p->mechs);
	free(p);
	s->drvdata = NULL;
}

/*
 * IDLE (RFC 2177) in the selected folder.  Deletions are expunged first.
 * Any EXISTS or RECENT ends the wait; the caller re-scans.  The wait is
 * bounded by seconds (under the 30 minutes after which a server may log
 * us out) and by *s->stop.
 */
static int
imap_idle(struct session *s, int seconds, char **cause)
{
	const struct account	*a = s->account;
	struct imap		*p = imap_data(s);
	struct imap_resp	 r;
	const char		*errstr;
	char			*line, *wait_cause = NULL;
	size_t			 len;
	int			 rc, news = 0;

	if (!(p->caps & IMAP_CAP_IDLE)) {
		xasprintf(cause, "%s does not support IDLE", account_host(a));
		return (-1);
	}
	if (imap_pending(s, "IDLE", cause) != 0)
		return (-1);
	/*
	 * Mail that came since the scan (while a message was delivered or
	 * a hook ran) was announced in an answer to another command; IDLE
	 * would not announce it again.
	 */
	if (p->grew) {
		log_debug("%s@%s: new mail came in since the last look",
		    a->user, a->name);
		return (1);
	}
	imap_cmd(s, "IDLE");
	if (conn_flush(s->conn, cause) != 0)
		return (-1);
	if (conn_readline(s->conn, &line, &len, cause) != 0)
		return (-1);
	if (imap_parse(line, &r, &errstr) != 0 || r.kind != IMAP_CONTINUE) {
		xasprintf(cause, "%s: IDLE refused: %.80s", conn_label(s->conn),
		    line);
		return (-1);
	}
	log_debug("%s@%s: idling", a->user, a->name);
	conn_set_timeout(s->conn, seconds, s->stop);
	for (;;) {
		if (conn_readline(s->conn, &line, &len, &wait_cause) != 0)
			break;		/* timeout or signal: leave IDLE */
		if (imap_parse(line, &r, &errstr) != 0)
			continue;
		if (r.kind == IMAP_UNTAGGED && r.cond == IMAP_COND_BYE) {
			conn_set_timeout(s->conn, a->timeout, NULL);
			xasprintf(cause, "%s: server said BYE during IDLE: %s",
			    conn_label(s->conn), r.text);
			return (-1);
		}
		if (imap_is(&r, "EXISTS") || imap_is(&r, "RECENT")) {
			if (imap_is(&r, "EXISTS") && r.has_number)
				p->exists = r.number;
			news = 1;
			break;
		}
	}
	conn_set_timeout(s->conn, a->timeout, NULL);
	if (s->stop != NULL && *s->stop) {
		free(wait_cause);
		wait_cause = NULL;
		xasprintf(cause, "stopped by a signal");
		/* Leave IDLE politely so that LOGOUT works. */
		conn_printf(s->conn, "DONE\r\n");
		if (conn_flush(s->conn, NULL) == 0)
			(void)imap_wait(s, "IDLE", PM_ERROR, NULL, NULL,
			    &wait_cause);
		free(wait_cause);
		return (-1);
	}
	if (wait_cause != NULL && !conn_timed_out(s->conn)) {
		*cause = wait_cause;	/* the connection broke */
		return (-1);
	}
	free(wait_cause);
	conn_printf(s->conn, "DONE\r\n");
	if (conn_flush(s->conn, cause) != 0)
		return (-1);
	if ((rc = imap_wait(s, "IDLE", PM_ERROR, NULL, NULL, cause)) != 0)
		return (-1);
	return (news);
}

const struct driver imap_driver = {
	.name = "IMAP",
	.alpn = "imap",
	.journal = "imap",
	.key = MSG_KEY_UID,
	.folders = 1,
	.commits_at_quit = 0,
	.fallback = &pop3_driver,
	.open = imap_open,
	.select = imap_select,
	.scan = imap_scan,
	.list_all = imap_list_all,
	.folder_size = imap_folder_size,
	.seen = imap_seen,
	.upcoming = imap_upcoming,
	.body_begin = imap_body_begin,
	.body_read = imap_body_read,
	.dispose = imap_dispose,
	.expunge = imap_expunge,
	.close = imap_close,
	.idle = imap_idle,
	.free = imap_free,
};
