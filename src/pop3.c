/*
 * pop3.c -- the POP3 driver (RFC 1939, 2449, 2595).
 *
 * TLS comes first: implicit, or STLS before anything else is sent, and
 * the capabilities heard in plain text are forgotten.  Deletions are
 * only marks until QUIT, so a dropped connection deletes nothing.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth.h"
#include "bounds.h"
#include "conn.h"
#include "dotstuff.h"
#include "log.h"
#include "pop3_reply.h"
#include "sasl_conn.h"
#include "session.h"
#include "xmalloc.h"

struct pop3 {
	int			caps;
	char			*mechs;		/* from CAPA's SASL line */
	char			*timestamp;	/* APOP's, from the greeting */
	int			capa_ok;	/* the server answered CAPA */
	struct dot_decoder	dot;
	int			in_body;
	int			deleted;
	/*
	 * With PIPELINING (RFC 2449): RETRs sent PM_POP3_WINDOW ahead, DELEs
	 * sent without waiting; the replies, always in order, are owed
	 * in the order of this queue.
	 */
	uint32_t		*ahead;		/* message numbers to fetch */
	size_t			 nahead;
	size_t			 next_send;	/* ahead[] index of the next RETR */
	struct pop3_owed {
		int		 retr;		/* RETR, else DELE */
		uint32_t	 num;
	}			*owed;
	size_t			 nowed, owedcap;
	size_t			 retrs;		/* RETRs among them */
};

static struct pop3 *
pop3_data(struct session *s)
{
	return (s->drvdata);
}

/*
 * Why a login was refused, as fetchmail's exit codes say it: the mailbox
 * is locked or a login came too soon (9), the service is down (14), a
 * temporary or permanent server fault (7), else the credentials (3).
 * RESP-CODES (RFC 2449, 3206) first, then fetchmail's words.
 */
static int
pop3_login_failure(const char *text)
{
	char	code[32];

	if (pop3_resp_code(text, code, sizeof(code)) == 0) {
		if (strcasecmp(code, "IN-USE") == 0 ||
		    strcasecmp(code, "LOGIN-DELAY") == 0)
			return (PM_LOCKBUSY);
		if (strcasecmp(code, "SYS/TEMP") == 0 ||
		    strcasecmp(code, "SYS/PERM") == 0)
			return (PM_ERROR);
		if (strcasecmp(code, "AUTH") == 0)
			return (PM_AUTHFAIL);
	}
	if (strstr(text, "lock") != NULL || strstr(text, "Lock") != NULL ||
	    strstr(text, "LOCK") != NULL || strstr(text, "wait") != NULL)
		return (PM_LOCKBUSY);
	if ((strstr(text, "service") != NULL || strstr(text, "Service") !=
	    NULL) && strstr(text, "unavailable") != NULL)
		return (PM_SERVBUSY);
	return (PM_AUTHFAIL);
}

/*
 * Read a status line; require +OK, and give its text in *text_r (valid
 * until the next read) if asked.  On -ERR *cause names the command.
 */
static int
pop3_reply_ok(struct session *s, const char *cmd, int fail,
    const char **text_r, char **cause)
{
	const char	*text;
	char		*line;
	size_t		 len;

	if (conn_readline(s->conn, &line, &len, cause) != 0)
		return (PM_SOCKET);
	switch (pop3_status(line, &text)) {
	case POP3_OK:
		if (text_r != NULL)
			*text_r = text;
		return (0);
	case POP3_ERR:
		xasprintf(cause, "%s: %s: -ERR %s", conn_label(s->conn), cmd,
		    text);
		return (fail == PM_AUTHFAIL ? pop3_login_failure(text) : fail);
	default:
		xasprintf(cause, "%s: %s: malformed reply \"%.80s\"",
		    conn_label(s->conn), cmd, line);
		return (PM_PROTOCOL);
	}
}

static int
pop3_expect_ok(struct session *s, const char *cmd, int fail, char **cause)
{
	return (pop3_reply_ok(s, cmd, fail, NULL, cause));
}

static int
pop3_send(struct session *s, char **cause)
{
	return (conn_flush(s->conn, cause) != 0 ? PM_SOCKET : 0);
}

/*
 * Read a multi-line response body after +OK, calling fn for each line
 * (dot-unstuffed).  Bounded by PM_MULTILINE_MAX lines.
 */
static int
pop3_multiline(struct session *s, const char *cmd,
    int (*fn)(struct session *, const char *, void *, char **), void *arg,
    char **cause)
{
	char	*line;
	size_t	 len, n = 0;
	int	 rc;

	for (;;) {
		if (conn_readline(s->conn, &line, &len, cause) != 0)
			return (PM_SOCKET);
		if (line[0] == '.') {
			if (line[1] == '\0')
				return (0);
			line++;
		}
		if (++n > PM_MULTILINE_MAX) {
			xasprintf(cause, "%s: %s: more than %d lines",
			    conn_label(s->conn), cmd, PM_MULTILINE_MAX);
			return (PM_PROTOCOL);
		}
		if (fn != NULL && (rc = fn(s, line, arg, cause)) != 0)
			return (rc);
	}
}

static int
pop3_capa_cb(struct session *s, const char *line, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	struct pop3	*p = pop3_data(s);

	p->caps |= pop3_capa_line(line);
	if (strncasecmp(line, "SASL ", 5) == 0) {
		free(p->mechs);
		p->mechs = xstrdup(line + 5);
	}
	return (0);
}

static int
pop3_capa(struct session *s, char **cause)
{
	struct pop3	*p = pop3_data(s);
	char		*why = NULL;
	int		 rc;

	p->caps = 0;
	p->capa_ok = 0;
	free(p->mechs);		/* what was said before TLS does not count */
	p->mechs = NULL;
	conn_printf(s->conn, "CAPA\r\n");
	if ((rc = pop3_send(s, cause)) != 0)
		return (rc);
	if ((rc = pop3_expect_ok(s, "CAPA", PM_ERROR, &why)) != 0) {
		if (rc != PM_ERROR) {
			*cause = why;
			return (rc);
		}
		/* An old server without CAPA (RFC 2449) is allowed. */
		log_debug("%s: no CAPA: %s", conn_label(s->conn), why);
		free(why);
		return (0);
	}
	p->capa_ok = 1;
	return (pop3_multiline(s, "CAPA", pop3_capa_cb, NULL, cause));
}

/*
 * AUTH with a SASL mechanism (RFC 5034).  The initial response rides on
 * the command when the line stays within 255 octets, else it answers the
 * first "+".  Responses may hold secrets and are never traced.
 */
static int
pop3_authenticate(struct session *s, enum sasl_mech m, char **cause)
{
	const struct account	*a = s->account;
	struct sasl		*sa;
	const char		*text;
	char			*line, *init = NULL, *prefix;
	size_t			 len;
	int			 rc = PM_AUTHFAIL;

	sa = sasl_conn_new(s->conn, &m, a->user, a->password, account_host(a),
	    account_port(a, PROTO_POP3));
	if (sasl_start_b64(sa, &init, cause) != 0)
		goto out;
	if (init != NULL && strlen(init) + strlen(sasl_name(m)) + 8 <= 255) {
		/* RFC 5034: an empty initial response is "=". */
		xasprintf(&prefix, "AUTH %s ", sasl_name(m));
		conn_send_secret(s->conn, prefix, *init ? init : "=");
		free(prefix);
		freezero(init, strlen(init));
		init = NULL;
	} else
		conn_printf(s->conn, "AUTH %s\r\n", sasl_name(m));
	for (;;) {
		if (pop3_send(s, cause) != 0 ||
		    conn_readline(s->conn, &line, &len, cause) != 0) {
			rc = PM_SOCKET;
			goto out;
		}
		switch (pop3_status(line, &text)) {
		case POP3_OK:
			rc = sasl_finished(sa, cause) == 0 ? 0 : PM_AUTHFAIL;
			goto out;
		case POP3_ERR:
			xasprintf(cause, "%s: AUTH %s: -ERR %s",
			    conn_label(s->conn), sasl_name(m), text);
			rc = PM_AUTHFAIL;
			goto out;
		case POP3_CONT:
			break;
		default:
			xasprintf(cause, "%s: AUTH %s: malformed reply "
			    "\"%.80s\"", conn_label(s->conn), sasl_name(m),
			    line);
			rc = PM_PROTOCOL;
			goto out;
		}
		if ((rc = sasl_conn_answer(s->conn, sa, text, &init,
		    cause)) != 0)
			goto out;
	}
out:
	if (init != NULL)
		freezero(init, strlen(init));
	sasl_free(sa);
	if (rc == 0)
		log_debug("%s@%s: logged in with %s (%s)", a->user, a->name,
		    sasl_name(m), conn_tls_summary(s->conn));
	return (rc);
}

/* The greeting; APOP's timestamp ("<...@...>") is kept if present. */
static int
pop3_greeting(struct session *s, char **cause)
{
	struct pop3	*p = pop3_data(s);
	const char	*text, *lt, *gt;
	int		 rc;

	if ((rc = pop3_reply_ok(s, "greeting", PM_ERROR, &text, cause)) != 0)
		return (rc);
	if ((lt = strchr(text, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL && memchr(lt, '@', gt - lt) != NULL)
		p->timestamp = xstrndup(lt, gt - lt + 1);
	return (0);
}

/* APOP (RFC 1939 7): MD5 of the greeting's timestamp and the password. */
static int
pop3_apop(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct pop3		*p = pop3_data(s);
	unsigned char		 md[16];
	char			 hex[33], *in;
	unsigned int		 i;
	int			 rc;

	if (p->timestamp == NULL && a->tls.mode == TLS_MODE_STARTTLS) {
		/* POP3 has no greeting after STLS to take one from. */
		xasprintf(cause, "%s: APOP needs the <timestamp> of the "
		    "greeting, which came before STLS in plain text and is not "
		    "to be believed; use \"ssl\" (POP3 over TLS, port 995) so "
		    "that the greeting is protected, or proto pop3",
		    account_host(a));
		return (PM_AUTHFAIL);
	}
	if (p->timestamp == NULL) {
		xasprintf(cause, "%s does not offer APOP (no <timestamp> in "
		    "its greeting); use proto pop3", account_host(a));
		return (PM_AUTHFAIL);
	}
	xasprintf(&in, "%s%s", p->timestamp, a->password);
	if (EVP_Digest(in, strlen(in), md, NULL, EVP_md5(), NULL) != 1) {
		freezero(in, strlen(in));
		xasprintf(cause, "APOP: MD5 failed");
		return (PM_UNDEFINED);
	}
	freezero(in, strlen(in));
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	conn_printf(s->conn, "APOP %s %s\r\n", a->user, hex);
	explicit_bzero(md, sizeof(md));
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "APOP", PM_AUTHFAIL, cause)) != 0)
		return (rc);
	log_debug("%s@%s: logged in with APOP (%s)", a->user, a->name,
	    conn_tls_summary(s->conn));
	return (0);
}

static int
pop3_open(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct pop3		*p;
	enum sasl_mech		 m;
	int			 rc;

	p = xcalloc(1, sizeof(*p));
	s->drvdata = p;
	if ((rc = session_connect(s, account_port(a, PROTO_POP3), cause)) != 0)
		return (rc);
	if ((rc = pop3_greeting(s, cause)) != 0)
		return (rc);
	if ((rc = pop3_capa(s, cause)) != 0)
		return (rc);
	if (a->tls.mode == TLS_MODE_STARTTLS) {
		if (p->capa_ok && !(p->caps & POP3_CAP_STLS)) {
			xasprintf(cause, "%s does not offer STLS, and TLS is "
			    "required; use \"ssl\" for port 995, or sslproto "
			    "'' to allow plain text", account_host(a));
			return (PM_SOCKET);
		}
		conn_printf(s->conn, "STLS\r\n");
		if ((rc = pop3_send(s, cause)) != 0)
			return (rc);
		if ((rc = pop3_expect_ok(s, "STLS", PM_SOCKET, cause)) != 0)
			return (rc);
		if ((rc = session_starttls(s, cause)) != 0)
			return (rc);
		/*
		 * What was said in plain text is not to be believed: neither
		 * the capabilities nor APOP's timestamp (DESIGN 4).
		 */
		free(p->timestamp);
		p->timestamp = NULL;
		if ((rc = pop3_capa(s, cause)) != 0)
			return (rc);
	}
	if (a->proto == PROTO_APOP) {
		if (a->password == NULL) {
			xasprintf(cause, "no password for %s at %s", a->user,
			    a->name);
			return (PM_AUTHFAIL);
		}
		return (pop3_apop(s, cause));
	}
	if (a->auth == AUTH_EXTERNAL && a->sslcert == NULL) {
		xasprintf(cause, "auth external logs in with a client "
		    "certificate, and none is given (sslcert)");
		return (PM_AUTHFAIL);
	}
	if ((rc = auth_choose(a, p->mechs, conn_is_tls(s->conn), &m,
	    cause)) != 0)
		return (rc);
	if (m != SASL_NONE && m != SASL_EXTERNAL && a->password == NULL) {
		xasprintf(cause, "no password for %s at %s", a->user, a->name);
		return (PM_AUTHFAIL);
	}
	if (m != SASL_NONE)
		return (pop3_authenticate(s, m, cause));
	if (a->password == NULL) {
		xasprintf(cause, "no password for %s at %s", a->user, a->name);
		return (PM_AUTHFAIL);
	}
	conn_printf(s->conn, "USER %s\r\n", a->user);
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "USER", PM_AUTHFAIL, cause)) != 0)
		return (rc);
	conn_send_secret(s->conn, "PASS ", a->password);
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "PASS", PM_AUTHFAIL, cause)) != 0)
		return (rc);
	log_debug("%s@%s: logged in (%s)", a->user, a->name,
	    conn_tls_summary(s->conn));
	return (0);
}

static int
pop3_select(struct session *s, const char *folder, char **cause)
{
	(void)s;
	if (strcmp(folder, "INBOX") != 0) {
		xasprintf(cause, "POP3 has no folders (folder \"%s\")", folder);
		return (PM_SYNTAX);
	}
	return (0);
}

struct list_cursor {
	struct msgset	*ms;
	long long	 stat;		/* how many STAT said there are */
};

static int
pop3_list_cb(struct session *s, const char *line, void *arg, char **cause)
{
	struct list_cursor	*cur = arg;
	struct msgset		*ms = cur->ms;
	struct msg		 m;
	const char		*errstr;

	/* The maildrop is locked: LIST lists exactly what STAT counted. */
	if ((long long)ms->n >= cur->stat) {
		xasprintf(cause, "%s: LIST: more messages than the %lld STAT "
		    "counted", conn_label(s->conn), cur->stat);
		return (PM_PROTOCOL);
	}
	memset(&m, 0, sizeof(m));
	if (pop3_parse_list(line, &m.num, &m.size, &errstr) != 0) {
		xasprintf(cause, "%s: LIST: %s: \"%.80s\"",
		    conn_label(s->conn), errstr, line);
		return (PM_PROTOCOL);
	}
	if (ms->n > 0 && m.num <= ms->v[ms->n - 1].num) {
		xasprintf(cause, "%s: LIST: message numbers out of order",
		    conn_label(s->conn));
		return (PM_PROTOCOL);
	}
	msgset_add(ms, &m);
	return (0);
}

struct uidl_cursor {
	struct msgset	*ms;
	size_t		 i;
};

static int
pop3_uidl_cb(struct session *s, const char *line, void *arg, char **cause)
{
	struct uidl_cursor	*cur = arg;
	const char		*errstr;
	char			 uid[PM_UID_MAX];
	unsigned int		 num;

	if (pop3_parse_uidl(line, &num, uid, sizeof(uid), &errstr) != 0) {
		xasprintf(cause, "%s: UIDL: %s", conn_label(s->conn), errstr);
		return (PM_PROTOCOL);
	}
	/* Both lists are in ascending order; walk them together. */
	while (cur->i < cur->ms->n && cur->ms->v[cur->i].num < num)
		cur->i++;
	if (cur->i < cur->ms->n && cur->ms->v[cur->i].num == num &&
	    msgset_set_uidl(cur->ms, cur->i, uid) != 0) {
		xasprintf(cause, "%s: UIDL: more than %zu bytes of UIDs, "
		    "more than pullmail handles", conn_label(s->conn),
		    PM_UIDL_BYTES_MAX);
		return (PM_PROTOCOL);
	}
	return (0);
}

static int
pop3_uidl_cmp(const void *a, const void *b)
{
	const struct msg	*const *ma = a, *const *mb = b;

	return (strcmp((*ma)->uidl, (*mb)->uidl));
}

/*
 * A UID given to two messages identifies neither: both are fetched as
 * new and not remembered, so nothing is skipped (or deleted as old) for
 * sharing a UID with a message delivered before.
 */
static void
pop3_uidl_dups(struct session *s, struct msgset *ms)
{
	struct msg	**v;
	size_t		  i, j, n = 0;

	v = xreallocarray(NULL, ms->n, sizeof(*v));
	for (i = 0; i < ms->n; i++) {
		if (ms->v[i].uidl != NULL)
			v[n++] = &ms->v[i];
	}
	/* In place (libbsd): a whole mailbox of pointers is enough. */
	if (heapsort(v, n, sizeof(*v), pop3_uidl_cmp) != 0)
		fatal("heapsort");
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[i]->uidl, v[j]->uidl) == 0;
		    j++)
			;
		if (j - i == 1)
			continue;
		log_warnx("%s@%s: %s: UIDL gives UID \"%.40s\" to %zu messages;"
		    " they are fetched without being remembered",
		    s->account->user, s->account->name, conn_label(s->conn),
		    v[i]->uidl, j - i);
		for (; i < j; i++)
			v[i]->uidl = NULL;
	}
	free(v);
}

static int
pop3_scan(struct session *s, struct msgset *ms, char **cause)
{
	struct pop3		*p = pop3_data(s);
	struct uidl_cursor	 cur = { ms, 0 };
	struct list_cursor	 lc = { ms, 0 };
	const char		*text, *errstr;
	char			*why = NULL;
	int			 rc;

	/* One LIST for the whole mailbox, not one per message. */
	conn_printf(s->conn, "STAT\r\n");
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_reply_ok(s, "STAT", PM_ERROR, &text, cause)) != 0)
		return (rc);
	if (pop3_parse_stat(text, PM_MESSAGES_MAX, &lc.stat, &errstr) != 0) {
		xasprintf(cause, "%s: STAT: message count is %s: \"%.40s\"",
		    conn_label(s->conn), errstr, text);
		return (PM_PROTOCOL);
	}
	msgset_reserve(ms, lc.stat);
	conn_printf(s->conn, "LIST\r\n");
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "LIST", PM_ERROR, cause)) != 0 ||
	    (rc = pop3_multiline(s, "LIST", pop3_list_cb, &lc, cause)) != 0)
		return (rc);
	if (ms->n == 0 || (p->capa_ok && !(p->caps & POP3_CAP_UIDL)))
		return (0);
	conn_printf(s->conn, "UIDL\r\n");
	if ((rc = pop3_send(s, cause)) != 0)
		return (rc);
	if ((rc = pop3_expect_ok(s, "UIDL", PM_ERROR, &why)) != 0) {
		if (rc != PM_ERROR) {
			*cause = why;
			return (rc);
		}
		free(why);		/* UIDL is optional (RFC 1939) */
		return (0);
	}
	if ((rc = pop3_multiline(s, "UIDL", pop3_uidl_cb, &cur, cause)) != 0)
		return (rc);
	pop3_uidl_dups(s, ms);
	return (0);
}

static int
pop3_pipelining(const struct pop3 *p)
{
	return ((p->caps & POP3_CAP_PIPELINING) != 0);
}

static void
pop3_owe(struct pop3 *p, int retr, uint32_t num)
{
	if (p->nowed == p->owedcap) {
		p->owedcap = p->owedcap * 2 + 8;
		p->owed = xreallocarray(p->owed, p->owedcap, sizeof(*p->owed));
	}
	p->owed[p->nowed].retr = retr;
	p->owed[p->nowed++].num = num;
	p->retrs += retr;
}

static void
pop3_paid(struct pop3 *p)
{
	p->retrs -= p->owed[0].retr;
	memmove(p->owed, p->owed + 1, (--p->nowed) * sizeof(*p->owed));
}

static ssize_t	pop3_body_read(struct session *, char *, size_t, char **);

/* The rest of a message we will not use, however long its lines. */
static int
pop3_skip_body(struct session *s, char **cause)
{
	struct pop3	*p = pop3_data(s);
	char		 buf[8192];
	ssize_t		 n;

	p->in_body = 1;
	while ((n = pop3_body_read(s, buf, sizeof(buf), cause)) > 0)
		;
	return (n == 0 ? 0 : s->fail != 0 ? s->fail : PM_SOCKET);
}

/* Read the reply owed first: a DELE's status, or a RETR and its body. */
static int
pop3_pay(struct session *s, char **cause)
{
	struct pop3	*p = pop3_data(s);
	int		 retr = p->owed[0].retr, rc;

	rc = pop3_expect_ok(s, retr ? "RETR" : "DELE", PM_ERROR, cause);
	pop3_paid(p);
	if (rc == 0 && retr) {
		p->dot.state = DOT_BOL;
		rc = pop3_skip_body(s, cause);
	}
	return (rc);
}

/* Every reply owed read: the connection is quiet again. */
static int
pop3_settle(struct session *s, char **cause)
{
	struct pop3	*p = pop3_data(s);
	int		 rc;

	if (p->in_body && (rc = pop3_skip_body(s, cause)) != 0)
		return (rc);	/* abandoned halfway: read to its end */
	if (p->nowed > 0 && (rc = pop3_send(s, cause)) != 0)
		return (rc);
	while (p->nowed > 0)
		if ((rc = pop3_pay(s, cause)) != 0)
			return (rc);
	return (0);
}

static void
pop3_upcoming(struct session *s, const struct msg *const *v, size_t n)
{
	struct pop3	*p = pop3_data(s);
	size_t		 i;

	free(p->ahead);
	p->ahead = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*p->ahead));
	for (i = 0; i < n; i++)
		p->ahead[i] = v[i]->num;
	p->nahead = n;
	p->next_send = 0;
}

/* RETRs for m and those after it, PM_POP3_WINDOW in flight. */
static void
pop3_retr_ahead(struct session *s, uint32_t num)
{
	struct pop3	*p = pop3_data(s);
	size_t		 i;

	if (p->retrs == 0) {
		for (i = 0; i < p->nahead && p->ahead[i] != num; i++)
			;
		if (i == p->nahead) {
			conn_printf(s->conn, "RETR %u\r\n", num);
			pop3_owe(p, 1, num);
			return;
		}
		p->next_send = i;
	}
	while (p->retrs < PM_POP3_WINDOW && p->next_send < p->nahead) {
		conn_printf(s->conn, "RETR %u\r\n", p->ahead[p->next_send]);
		pop3_owe(p, 1, p->ahead[p->next_send++]);
	}
}

/* The first RETR owed: is it for num? */
static int
pop3_next_retr_is(const struct pop3 *p, uint32_t num)
{
	size_t	i;

	for (i = 0; i < p->nowed && !p->owed[i].retr; i++)
		;
	return (i < p->nowed && p->owed[i].num == num);
}

static int
pop3_body_begin(struct session *s, const struct msg *m, char **cause)
{
	struct pop3	*p = pop3_data(s);
	int		 rc;

	if (!pop3_pipelining(p)) {
		conn_printf(s->conn, "RETR %u\r\n", m->num);
		if ((rc = pop3_send(s, cause)) != 0 ||
		    (rc = pop3_expect_ok(s, "RETR", PM_ERROR, cause)) != 0)
			return (rc);
	} else {
		/* A message the session skipped: its body is read, unused. */
		if (p->retrs > 0 && !pop3_next_retr_is(p, m->num) &&
		    (rc = pop3_settle(s, cause)) != 0)
			return (rc);
		pop3_retr_ahead(s, m->num);
		if ((rc = pop3_send(s, cause)) != 0)
			return (rc);
		while (!p->owed[0].retr)
			if ((rc = pop3_pay(s, cause)) != 0)
				return (rc);
		rc = pop3_expect_ok(s, "RETR", PM_ERROR, cause);
		pop3_paid(p);
		if (rc != 0)
			return (rc);
	}
	p->dot.state = DOT_BOL;
	p->in_body = 1;
	return (0);
}

static ssize_t
pop3_body_read(struct session *s, char *buf, size_t len, char **cause)
{
	struct pop3	*p = pop3_data(s);
	const char	*in;
	size_t		 avail, used, out = 0;

	if (!p->in_body)
		return (0);
	/* Loop: a chunk may be all stuffing or a held CR and decode to 0. */
	while (out == 0) {
		if (conn_peek(s->conn, &in, &avail, cause) != 0)
			return (session_fail(s, PM_SOCKET));
		if (avail > len - 1)
			avail = len - 1;
		out = dot_decode(&p->dot, in, avail, &used, buf);
		conn_consume(s->conn, used);
		if (p->dot.state == DOT_END) {
			p->in_body = 0;
			break;
		}
	}
	return ((ssize_t)out);
}

static int
pop3_dispose(struct session *s, const struct msg *m, enum disposition d,
    char **cause)
{
	struct pop3	*p = pop3_data(s);
	int		 rc;

	if (d == DISP_SEEN)
		return (0);	/* POP3 has no flags; UIDs will remember */
	conn_printf(s->conn, "DELE %u\r\n", m->num);
	if (pop3_pipelining(p)) {
		/* Goes out with the next RETRs; read in turn. */
		pop3_owe(p, 0, m->num);
		p->deleted++;
		return (0);
	}
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "DELE", PM_ERROR, cause)) != 0)
		return (rc);
	p->deleted++;
	return (0);
}

static int
pop3_close(struct session *s, char **cause)
{
	int	rc;

	if ((rc = pop3_settle(s, cause)) != 0)
		return (rc);
	conn_printf(s->conn, "QUIT\r\n");
	if ((rc = pop3_send(s, cause)) != 0 ||
	    (rc = pop3_expect_ok(s, "QUIT", PM_ERROR, cause)) != 0)
		return (rc);
	return (0);
}

static void
pop3_free(struct session *s)
{
	struct pop3	*p = pop3_data(s);

	if (p != NULL) {
		free(p->mechs);
		free(p->timestamp);
		free(p->ahead);
		free(p->owed);
	}
	free(s->drvdata);
	s->drvdata = NULL;
}

const struct driver pop3_driver = {
	.name = "POP3",
	.alpn = "pop3",
	.journal = "pop3",
	.key = MSG_KEY_UIDL,
	.folders = 0,
	.commits_at_quit = 1,
	.fallback = NULL,
	.open = pop3_open,
	.select = pop3_select,
	.scan = pop3_scan,
	.upcoming = pop3_upcoming,
	.body_begin = pop3_body_begin,
	.body_read = pop3_body_read,
	.dispose = pop3_dispose,
	.close = pop3_close,
	.free = pop3_free,
};
