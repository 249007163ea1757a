/*
 * deliver.c -- one message, from the driver's first byte to the sink's
 * commit: the envelope, duplicate and header filters, our Received line,
 * MIME decoding, the body.  What happens to the message afterwards is the
 * ledger's business.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bounds.h"
#include "config.h"
#include "conn.h"
#include "envelope.h"
#include "header.h"
#include "log.h"
#include "mimedecode.h"
#include "multidrop.h"
#include "net.h"
#include "rewrite.h"
#include "session_int.h"
#include "xmalloc.h"

/* RFC 5322 date for the Received line. */
void
deliver_date(char *buf, size_t size)
{
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	if (strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		strlcpy(buf, "Thu, 01 Jan 1970 00:00:00 +0000", size);
}

static char *
deliver_received(struct session *s, const struct envelope *e)
{
	const struct account	*a = s->account;
	char			 me[256], date[64], *r;

	net_local_hostname(me, sizeof(me));
	deliver_date(date, sizeof(date));
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
deliver_drain(struct session *s, char *buf, char **cause)
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
deliver_duplicate(struct session *s, const struct envelope *e,
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

static int
deliver_drained_badly(struct session *s, char *cause)
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
deliver_head(struct session *s, struct sink *sk, const struct envelope *e,
    const char *hdr, size_t hdrlen, char **cause)
{
	const struct account	*a = s->account;
	enum sink_result	 r;
	char			*text, *rewritten = NULL;
	size_t			 len;

	text = deliver_received(s, e);
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

/* Body bytes to the sink, through mimedecode when it is on. */
struct body_out {
	struct sink		*sk;
	enum sink_result	 r;
	char			**cause;
};

static int
deliver_emit(void *arg, const char *p, size_t n)
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
deliver_body(struct session *s, struct sink *sk, struct mimedec *md,
    char *buf, size_t from, size_t have, int more, enum sink_result *r,
    char **cause)
{
	struct body_out	 out = { sk, SINK_OK, cause };
	ssize_t		 n;

	if (md != NULL) {
		md->emit = deliver_emit;
		md->arg = &out;
	}
	n = have - from;
	memmove(buf, buf + from, n);
	for (;;) {
		if (n > 0 && (md != NULL ? mime_feed(md, buf, n) :
		    deliver_emit(&out, buf, n)) != 0)
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
int
deliver_message(struct session *s, struct sink *sk, const struct msg *m,
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
	} else if (deliver_duplicate(s, &env, buf, hend)) {
		log_info("%s@%s: message %u has the same header as the one "
		    "before and no envelope address: a duplicate of a "
		    "multidrop message, not delivered twice", a->user,
		    a->name, m->num);
		envelope_free(&env);
		mime_free(&md);
		*result_r = SINK_OK;
		return (n != 0 && deliver_drain(s, buf, &cause) != 0 ?
		    deliver_drained_badly(s, cause) : 0);
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
				(void)deliver_drain(s, buf, &cause);
			free(cause);
			return (sk->fail);
		}
		if (n != 0 && deliver_drain(s, buf, &cause) != 0) {
			rc = s->fail;
			goto fatal;
		}
		return (0);
	}
	r = deliver_head(s, sk, &env, buf, hend, &cause);
	envelope_free(&env);
	if (r == SINK_OK && (rc = deliver_body(s, sk, mime ? &md : NULL, buf,
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
