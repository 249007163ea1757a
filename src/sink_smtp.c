/*
 * sink_smtp.c -- forward messages to an SMTP or LMTP server, one session
 * per poll.
 *
 * MAIL, RCPT and DATA go out together when the server offers PIPELINING
 * (RFC 2920) and their replies are read in order.  The body is
 * dot-stuffed on the fly into large writes.  Only a 2xx reply to the
 * final dot lets the message leave the mail server.  LMTP (RFC 2033)
 * answers the dot once per accepted recipient: the message is committed
 * only when every one of them took it.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "dotstuff.h"
#include "log.h"
#include "net.h"
#include "result.h"
#include "sasl_conn.h"
#include "sink.h"
#include "smtp_reply.h"
#include "xmalloc.h"

#define SMTP_CHUNK	16384

struct smtp {
	struct conn		*conn;
	char			*host;		/* the one that answered */
	char			*domain;	/* for bare local names */
	int			 pipelining;
	int			 size;
	int			 eightbitmime;
	int			 smtputf8;
	int			 in_data;	/* after 354, before the dot */
	int			 dirty;		/* needs RSET before MAIL */
	int			 lmtp;
	size_t			 accepted;	/* RCPTs answered 2xx */
	int			 batch;		/* messages in this session */
	int			 refused;	/* code of the first refusal */
	struct dot_encoder	 enc;
	char			 out[DOT_ENCODE_MAX(SMTP_CHUNK)];
	char			 last[512];	/* last reply, for messages */
	char			 auth[256];	/* EHLO's AUTH mechanisms */
};

/* Read one reply, possibly multi-line; returns its code or -1. */
static int
smtp_reply(struct smtp *s, int *ext, char **cause)
{
	const char	*text, *errstr;
	char		*line;
	size_t		 len, lines = 0;
	int		 code, last, first = -1;

	if (ext != NULL)
		*ext = 0;
	for (;;) {
		if (conn_readline(s->conn, &line, &len, cause) != 0)
			return (-1);
		if (smtp_reply_line(line, &code, &last, &text, &errstr) != 0) {
			xasprintf(cause, "%s: %s: \"%.80s\"", s->host, errstr,
			    line);
			return (-1);
		}
		if (first == -1)
			first = code;
		else if (code != first) {
			xasprintf(cause, "%s: reply code changed inside a "
			    "multi-line reply", s->host);
			return (-1);
		}
		if (ext != NULL && lines > 0)
			*ext |= smtp_ehlo_keyword(text, s->auth,
			    sizeof(s->auth));
		strlcpy(s->last, line, sizeof(s->last));
		if (last)
			return (code);
		if (++lines > 1000) {
			xasprintf(cause, "%s: reply of more than 1000 lines",
			    s->host);
			return (-1);
		}
	}
}

/* EHLO (LHLO), falling back to HELO; *ext gets the extensions. */
static int
smtp_hello(struct smtp *s, const char *spec, int *ext, char **cause)
{
	char	me[256];
	int	code;

	s->auth[0] = '\0';
	net_local_hostname(me, sizeof(me));
	conn_printf(s->conn, "%s %s\r\n", s->lmtp ? "LHLO" : "EHLO", me);
	if (conn_flush(s->conn, cause) != 0 ||
	    (code = smtp_reply(s, ext, cause)) == -1)
		return (-1);
	if (code / 100 != 2 && s->lmtp) {
		xasprintf(cause, "%s: LHLO: %s", spec, s->last);
		return (-1);
	}
	if (code / 100 != 2) {
		conn_printf(s->conn, "HELO %s\r\n", me);
		if (conn_flush(s->conn, cause) != 0 ||
		    (code = smtp_reply(s, NULL, cause)) == -1)
			return (-1);
		if (code / 100 != 2) {
			xasprintf(cause, "%s: HELO: %s", spec, s->last);
			return (-1);
		}
		*ext = 0;
	}
	return (0);
}

/* Loopback or a local socket: nobody else can read the line. */
static int
smtp_is_local(struct smtp *s, const char *host)
{
	const char	*peer = conn_peer_addr(s->conn);

	return (host[0] == '/' || strncmp(peer, "127.", 4) == 0 ||
	    strcmp(peer, "::1") == 0 || strncmp(peer, "::ffff:127.", 11) == 0);
}

/*
 * Before esmtppassword goes out: STARTTLS when the server offers it,
 * verified as the account's own server is (same CA settings and
 * sslcertck, the forwarder's host name); without it, only a loopback or
 * socket link may carry the password.  fetchmail sends it in clear.
 */
static int
smtp_secure(struct smtp *s, const struct account *a, const char *host,
    const char *spec, int *ext, char **cause)
{
	struct tls_policy	 p;
	int			 code;

	if (!(*ext & SMTP_EXT_STARTTLS)) {
		if (smtp_is_local(s, host))
			return (0);
		xasprintf(cause, "%s offers no STARTTLS, and esmtppassword "
		    "is never sent in clear over the network", spec);
		return (-1);
	}
	conn_printf(s->conn, "STARTTLS\r\n");
	if (conn_flush(s->conn, cause) != 0 ||
	    (code = smtp_reply(s, NULL, cause)) == -1)
		return (-1);
	if (code != 220) {
		xasprintf(cause, "%s: STARTTLS: %s", spec, s->last);
		return (-1);
	}
	memset(&p, 0, sizeof(p));
	p.mode = TLS_MODE_STARTTLS;
	p.min_version = TLS_V_1_2;
	p.verify = a->tls.verify;
	p.cafile = a->tls.cafile;
	p.capath = a->tls.capath;
	p.crlfile = a->tls.crlfile;
	p.servername = (char *)host;
	if (conn_starttls(s->conn, &p, cause) != 0)
		return (-1);
	log_debug("%s: %s", spec, conn_tls_summary(s->conn));
	/* RFC 3207: forget everything learnt before TLS and ask again. */
	return (smtp_hello(s, spec, ext, cause));
}

/* AUTH (RFC 4954) with the strongest mechanism both sides know. */
static int
smtp_auth(struct smtp *s, const struct account *a, int port,
    const char *spec, int ext, char **cause)
{
	struct sasl	*sa;
	enum sasl_mech	 m;
	char		*init = NULL, *prefix;
	int		 code, rc = -1;

	if (!(ext & SMTP_EXT_AUTH)) {
		log_info("%s does not offer AUTH; sending without logging in",
		    spec);
		return (0);
	}
	if ((m = sasl_choose(s->auth, conn_is_tls(s->conn))) == SASL_NONE) {
		xasprintf(cause, "%s: AUTH: none of the offered mechanisms "
		    "(%s) is one pullmail can use", spec, s->auth);
		return (-1);
	}
	sa = sasl_conn_new(s->conn, &m, a->esmtpname, a->esmtppassword, spec,
	    port);
	if (sasl_start_b64(sa, &init, cause) != 0)
		goto out;
	if (init != NULL) {
		/* RFC 4954: the initial response rides on AUTH, "=" if empty. */
		xasprintf(&prefix, "AUTH %s ", sasl_name(m));
		conn_send_secret(s->conn, prefix, *init ? init : "=");
		free(prefix);
		freezero(init, strlen(init));
		init = NULL;
	} else
		conn_printf(s->conn, "AUTH %s\r\n", sasl_name(m));
	for (;;) {
		if (conn_flush(s->conn, cause) != 0 ||
		    (code = smtp_reply(s, NULL, cause)) == -1)
			goto out;
		if (code == 235) {
			rc = sasl_finished(sa, cause);
			break;
		}
		if (code != 334) {
			xasprintf(cause, "%s: AUTH %s as %s: %s", spec,
			    sasl_name(m), a->esmtpname, s->last);
			goto out;
		}
		if (sasl_conn_answer(s->conn, sa, s->last[3] == ' ' ?
		    s->last + 4 : "", &init, cause) != 0)
			goto out;
	}
	if (rc == 0)
		log_debug("%s: logged in as %s with %s", spec, a->esmtpname,
		    sasl_name(m));
out:
	if (init != NULL)
		freezero(init, strlen(init));
	sasl_free(sa);
	return (rc);
}

/* Connect to one "host", "host/port" or "/socket" entry. */
static int
smtp_try(struct smtp *s, const struct account *a, const char *spec,
    char **cause)
{
	char		 host[256];
	const char	*slash, *errstr;
	int		 port = 25, dns, code, ext;

	if (spec[0] != '/' && (slash = strchr(spec, '/')) != NULL) {
		if ((size_t)(slash - spec) >= sizeof(host)) {
			xasprintf(cause, "%s: host name too long", spec);
			return (-1);
		}
		memcpy(host, spec, slash - spec);
		host[slash - spec] = '\0';
		port = strtonum(slash + 1, 1, 65535, &errstr);
		if (errstr != NULL) {
			xasprintf(cause, "smtphost %s: port is %s", spec,
			    errstr);
			return (-1);
		}
	} else if (strlcpy(host, spec, sizeof(host)) >= sizeof(host)) {
		xasprintf(cause, "%s: host name too long", spec);
		return (-1);
	}
	free(s->host);
	free(s->domain);
	s->host = s->domain = NULL;
	s->conn = conn_connect(host, port, a->timeout > PM_SMTP_TIMEOUT_MIN ?
	    a->timeout : PM_SMTP_TIMEOUT_MIN, spec, &dns, cause);
	if (s->conn == NULL)
		return (-1);
	/* Cut short after the final dot, a delivery could happen twice. */
	conn_set_stoppable(s->conn, 0);
	s->host = xstrdup(spec);
	/* Bare local names get smtpaddress, else the host we talk to. */
	s->domain = xstrdup(a->smtpaddress != NULL ? a->smtpaddress :
	    host[0] == '/' ? "localhost" : host);
	if ((code = smtp_reply(s, NULL, cause)) == -1)
		goto fail;
	if (code != 220) {
		xasprintf(cause, "%s: greeting: %s", spec, s->last);
		goto fail;
	}
	if (smtp_hello(s, spec, &ext, cause) != 0)
		goto fail;
	if (a->esmtppassword != NULL && (smtp_secure(s, a, host, spec, &ext,
	    cause) != 0 || smtp_auth(s, a, port, spec, ext, cause) != 0))
		goto fail;
	s->pipelining = (ext & SMTP_EXT_PIPELINING) != 0;
	s->size = (ext & SMTP_EXT_SIZE) != 0;
	s->eightbitmime = (ext & SMTP_EXT_8BITMIME) != 0;
	s->smtputf8 = (ext & SMTP_EXT_SMTPUTF8) != 0;
	log_debug("%s: %s session open%s", spec, s->lmtp ? "LMTP" : "SMTP",
	    s->pipelining ? ", pipelining" : "");
	return (0);

fail:
	conn_close(&s->conn);
	free(s->host);
	free(s->domain);
	s->host = s->domain = NULL;
	return (-1);
}

static int
smtp_open(struct sink *sk, char **cause)
{
	const struct account	*a = sk->account;
	struct smtp		*s;
	char			*why = NULL, *all = NULL, *tmp;
	size_t			 i;

	if ((s = sk->data) == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->lmtp = a->lmtp == 1;
	}
	for (i = 0; i < a->smtphosts.n; i++) {
		if (smtp_try(s, a, a->smtphosts.v[i], &why) == 0) {
			free(all);
			sk->data = s;
			s->dirty = 0;
			return (0);
		}
		if (all == NULL)
			all = why;
		else {
			xasprintf(&tmp, "%s; %s", all, why);
			free(all);
			free(why);
			all = tmp;
		}
		why = NULL;
	}
	xasprintf(cause, "no %s server reachable: %s", s->lmtp ? "LMTP" :
	    "SMTP", all != NULL ? all : "none configured");
	free(all);
	if (sk->data == NULL)
		free(s);
	return (PM_SMTP);
}

static void
smtp_send_rcpt(struct smtp *s, const struct account *a, const char *rcpt)
{
	/* fetchmail's smtpname: one full address for every recipient. */
	if (a->smtpname != NULL)
		conn_printf(s->conn, "RCPT TO:<%s>\r\n", a->smtpname);
	else if (strchr(rcpt, '@') != NULL)
		conn_printf(s->conn, "RCPT TO:<%s>\r\n", rcpt);
	else
		conn_printf(s->conn, "RCPT TO:<%s@%s>\r\n", rcpt, s->domain);
}

/* Fold one reply into the running result; remember the first refusal. */
static void
smtp_fold(struct smtp *s, enum sink_result *r, int code, int want,
    const char *step, char *why, size_t whysize)
{
	enum sink_result	this;

	if (code == want || (want == 250 && code / 100 == 2)) {
		if (strcmp(step, "RCPT TO") == 0)
			s->accepted++;
		return;
	}
	this = code / 100 == 4 ? SINK_TEMPFAIL : SINK_PERMFAIL;
	if (*r == SINK_OK) {
		snprintf(why, whysize, "%s: %s", step, s->last);
		s->refused = code;
	}
	/* Any temporary refusal keeps the whole message for later. */
	if (*r == SINK_OK || this == SINK_TEMPFAIL)
		*r = this;
}

static enum sink_result
smtp_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	struct smtp		*s = sk->data;
	enum sink_result	 r = SINK_OK;
	char			 why[600] = "";
	size_t			 i;
	int			 code, rset = s->dirty;

	/* Hung up on purpose (a refused message in DATA): dial again. */
	if (s->conn == NULL && smtp_open(sk, cause) != 0)
		return (SINK_FATAL);
	s->dirty = 1;
	s->accepted = 0;
	s->refused = 0;
	sk->code = 0;
	if (rset)
		conn_printf(s->conn, "RSET\r\n");
	if (rset && !s->pipelining && (conn_flush(s->conn, cause) != 0 ||
	    smtp_reply(s, NULL, cause) == -1))
		goto lost;
	conn_printf(s->conn, "MAIL FROM:<%s>", e->from);
	if (s->size && e->size > 0)
		conn_printf(s->conn, " SIZE=%lld", e->size);
	/* pass8bits: always, as fetchmail does. */
	if (s->eightbitmime && (e->eightbit || sk->account->pass8bits == 1))
		conn_printf(s->conn, " BODY=8BITMIME");
	/* RFC 6531: only when an address needs it. */
	if (s->smtputf8 && envelope_utf8(e))
		conn_printf(s->conn, " SMTPUTF8");
	conn_printf(s->conn, "\r\n");

	if (s->pipelining) {
		/* RFC 2920: send it all, then read the replies in order. */
		for (i = 0; i < e->rcpts.n; i++)
			smtp_send_rcpt(s, sk->account, e->rcpts.v[i]);
		conn_printf(s->conn, "DATA\r\n");
		if (conn_flush(s->conn, cause) != 0)
			goto lost;
		if (rset && smtp_reply(s, NULL, cause) == -1)
			goto lost;
		if ((code = smtp_reply(s, NULL, cause)) == -1)
			goto lost;
		smtp_fold(s, &r, code, 250, "MAIL FROM", why, sizeof(why));
		for (i = 0; i < e->rcpts.n; i++) {
			if ((code = smtp_reply(s, NULL, cause)) == -1)
				goto lost;
			smtp_fold(s, &r, code, 250, "RCPT TO", why,
			    sizeof(why));
		}
		if ((code = smtp_reply(s, NULL, cause)) == -1)
			goto lost;
		if (code == 354 && r != SINK_OK) {
			/* DATA can't be taken back except by hanging up. */
			conn_close(&s->conn);
		} else
			smtp_fold(s, &r, code, 354, "DATA", why, sizeof(why));
	} else {
		if (conn_flush(s->conn, cause) != 0 ||
		    (code = smtp_reply(s, NULL, cause)) == -1)
			goto lost;
		smtp_fold(s, &r, code, 250, "MAIL FROM", why, sizeof(why));
		for (i = 0; i < e->rcpts.n && r == SINK_OK; i++) {
			smtp_send_rcpt(s, sk->account, e->rcpts.v[i]);
			if (conn_flush(s->conn, cause) != 0 ||
			    (code = smtp_reply(s, NULL, cause)) == -1)
				goto lost;
			smtp_fold(s, &r, code, 250, "RCPT TO", why,
			    sizeof(why));
		}
		if (r == SINK_OK) {
			conn_printf(s->conn, "DATA\r\n");
			if (conn_flush(s->conn, cause) != 0 ||
			    (code = smtp_reply(s, NULL, cause)) == -1)
				goto lost;
			smtp_fold(s, &r, code, 354, "DATA", why, sizeof(why));
		}
	}
	if (r != SINK_OK) {
		xasprintf(cause, "%s refused %s", s->host, why);
		sk->code = s->refused;
		return (r);
	}
	s->in_data = 1;
	dot_encode_init(&s->enc);
	return (SINK_OK);

lost:
	conn_close(&s->conn);
	return (SINK_FATAL);
}

static enum sink_result
smtp_write(struct sink *sk, const void *data, size_t len, char **cause)
{
	struct smtp	*s = sk->data;
	const char	*p = data;
	size_t		 n, o;

	(void)cause;
	while (len > 0) {
		n = len > SMTP_CHUNK ? SMTP_CHUNK : len;
		o = dot_encode(&s->enc, p, n, s->out);
		conn_write(s->conn, s->out, o);
		p += n;
		len -= n;
	}
	return (SINK_OK);
}

static void
smtp_quit(struct smtp *s)
{
	char	*cause = NULL;

	if (s->conn == NULL)
		return;
	conn_printf(s->conn, "QUIT\r\n");
	if (conn_flush(s->conn, &cause) == 0)
		(void)smtp_reply(s, NULL, &cause);
	free(cause);
	conn_close(&s->conn);
	s->batch = 0;
}

static enum sink_result
smtp_commit(struct sink *sk, char **cause)
{
	struct smtp		*s = sk->data;
	enum sink_result	 r;
	char			 why[512];
	size_t			 o, i;
	int			 code;

	o = dot_encode_end(&s->enc, s->out);
	conn_write(s->conn, s->out, o);
	s->in_data = 0;
	if (conn_flush(s->conn, cause) != 0) {
		conn_close(&s->conn);
		return (SINK_FATAL);
	}
	r = SINK_OK;
	/* SMTP: one reply.  LMTP: one per accepted recipient. */
	for (i = 0; i < (s->lmtp ? s->accepted : 1); i++) {
		if ((code = smtp_reply(s, NULL, cause)) == -1) {
			conn_close(&s->conn);
			return (SINK_FATAL);
		}
		if (code / 100 == 2)
			continue;
		if (r == SINK_OK) {
			strlcpy(why, s->last, sizeof(why));
			sk->code = code;
		}
		/* Any temporary failure keeps the message for all. */
		if (code / 100 == 4)
			r = SINK_TEMPFAIL;
		else if (r == SINK_OK)
			r = SINK_PERMFAIL;
	}
	if (r != SINK_OK)
		xasprintf(cause, "%s refused the message after DATA: %s%s",
		    s->host, why, s->lmtp && s->accepted > 1 ? " (kept for "
		    "every recipient; those who took it may get it twice)" :
		    "");
	else {
		s->dirty = 0;
		/* batchlimit: a new session every N messages. */
		if (sk->account->batchlimit > 0 &&
		    ++s->batch >= sk->account->batchlimit)
			smtp_quit(s);
	}
	return (r);
}

static void
smtp_abort(struct sink *sk)
{
	struct smtp	*s = sk->data;

	/* In DATA only hanging up stops the message from being accepted. */
	if (s->in_data)
		conn_close(&s->conn);
	s->in_data = 0;
}

static void
smtp_close(struct sink *sk)
{
	struct smtp	*s = sk->data;

	if (s == NULL)
		return;
	smtp_quit(s);
	free(s->host);
	free(s->domain);
	free(s);
	sk->data = NULL;
}

const struct sink_ops sink_smtp_ops = {
	.name = "smtp",
	.open = smtp_open,
	.begin = smtp_begin,
	.write = smtp_write,
	.commit = smtp_commit,
	.abort = smtp_abort,
	.close = smtp_close,
};
