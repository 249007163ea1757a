/*
 * probe.c -- pullmail --probe: a TLS check-up of one server.
 *
 * It speaks just enough POP3 or IMAP to reach TLS (greeting,
 * capabilities, STLS/STARTTLS), never logs in, and reports what a user or
 * an operator needs to fix.  The handshake runs with verification
 * recorded but not enforced, so a broken server is still described; the
 * verdict then applies the account's real policy.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "log.h"
#include "probe.h"
#include "result.h"
#include "tls.h"
#include "xmalloc.h"

struct probe {
	const struct account	*a;
	enum proto		 proto;
	int			 port;
	int			 failed;
	int			 login_before_tls;
	int			 verified;	/* chain and name checked */
	char			*pin;		/* the server key's, as seen */
	long			 vr;		/* the chain's verification */
};

static void	say(const char *, ...) __attribute__((format(printf, 1, 2)));
static void	verdict(struct probe *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Print to stdout, server text made visible as in the log. */
static void
say(const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *line, *next, *vis;
	size_t	 size;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	/* Our own newlines stay (a certificate chain has several lines). */
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		size = strlen(line) * 4 + 1;
		vis = xmalloc(size);
		log_visible(vis, size, line);
		fputs(vis, stdout);
		if (next != NULL)
			putchar('\n');
		free(vis);
	}
	free(text);
}

static void
verdict(struct probe *p, int good, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	say("  [%s] %s\n", good ? " ok " : "FAIL", text);
	free(text);
	if (!good)
		p->failed = 1;
}

static int
readline(struct conn *c, char **line, char **cause)
{
	size_t	len;

	return (conn_readline(c, line, &len, cause));
}

/* The capability lines (POP3 CAPA or IMAP CAPABILITY) as one string. */
static char *
capabilities(struct probe *p, struct conn *c, char **cause)
{
	char	*line, *caps = xstrdup(""), *tmp;

	if (p->proto == PROTO_POP3) {
		conn_printf(c, "CAPA\r\n");
		if (conn_flush(c, cause) != 0 || readline(c, &line, cause) != 0)
			goto fail;
		if (strncmp(line, "+OK", 3) != 0)
			return (caps);		/* no CAPA: an old server */
		for (;;) {
			if (readline(c, &line, cause) != 0)
				goto fail;
			if (strcmp(line, ".") == 0)
				break;
			xasprintf(&tmp, "%s%s%s", caps, *caps ? " " : "",
			    line);
			free(caps);
			caps = tmp;
		}
		return (caps);
	}
	conn_printf(c, "p1 CAPABILITY\r\n");
	if (conn_flush(c, cause) != 0)
		goto fail;
	for (;;) {
		if (readline(c, &line, cause) != 0)
			goto fail;
		if (strncasecmp(line, "* CAPABILITY ", 13) == 0) {
			free(caps);
			caps = xstrdup(line + 13);
		} else if (strncmp(line, "p1 ", 3) == 0)
			return (caps);
	}
fail:
	free(caps);
	return (NULL);
}

static int
has_word(const char *caps, const char *word)
{
	const char	*s = caps;
	size_t		 n = strlen(word);

	while ((s = strcasestr(s, word)) != NULL) {
		if ((s == caps || s[-1] == ' ') && (s[n] == '\0' ||
		    s[n] == ' ' || s[n] == '='))
			return (1);
		s += n;
	}
	return (0);
}

/* Connect, greet, and get TLS up as the policy says; NULL on failure. */
static struct conn *
reach_tls(struct probe *p, const struct tls_policy *pol, int report,
    char **cause)
{
	const struct account	*a = p->a;
	struct tls_policy	 alpn = *pol;	/* shallow: only read */
	struct conn		*c;
	char			*line, *caps = NULL;
	int			 dns;

	alpn.alpn = p->proto == PROTO_POP3 ? "pop3" : "imap";
	pol = &alpn;

	c = conn_connect(account_host(a), p->port, a->timeout,
	    account_host(a), &dns, cause);
	if (c == NULL)
		return (NULL);
	if (pol->mode == TLS_MODE_IMPLICIT) {
		if (conn_starttls(c, pol, cause) != 0)
			goto fail;
		if (readline(c, &line, cause) != 0)
			goto fail;
		if (report)
			say("greeting (in TLS): %s\n", line);
		return (c);
	}
	if (readline(c, &line, cause) != 0)
		goto fail;
	if (report)
		say("greeting (plain text): %s\n", line);
	if (p->proto == PROTO_IMAP && strncasecmp(line, "* PREAUTH", 9) == 0) {
		xasprintf(cause, "PREAUTH greeting: STARTTLS is impossible");
		goto fail;
	}
	if ((caps = capabilities(p, c, cause)) == NULL)
		goto fail;
	if (report) {
		say("capabilities before TLS: %s\n", caps);
		p->login_before_tls = p->proto == PROTO_POP3 ?
		    has_word(caps, "USER") || has_word(caps, "SASL") :
		    !has_word(caps, "LOGINDISABLED");
	}
	if (!has_word(caps, p->proto == PROTO_POP3 ? "STLS" : "STARTTLS")) {
		xasprintf(cause, "%s is not offered", p->proto == PROTO_POP3 ?
		    "STLS" : "STARTTLS");
		goto fail;
	}
	free(caps);
	caps = NULL;
	conn_printf(c, p->proto == PROTO_POP3 ? "STLS\r\n" :
	    "p2 STARTTLS\r\n");
	if (conn_flush(c, cause) != 0 || readline(c, &line, cause) != 0)
		goto fail;
	if (report)
		say("%s: %s\n", p->proto == PROTO_POP3 ? "STLS" :
		    "STARTTLS", line);
	if (strncmp(line, p->proto == PROTO_POP3 ? "+OK" : "p2 OK",
	    p->proto == PROTO_POP3 ? 3 : 5) != 0) {
		xasprintf(cause, "the server refused TLS: %s", line);
		goto fail;
	}
	if (conn_starttls(c, pol, cause) != 0)
		goto fail;
	return (c);
fail:
	free(caps);
	conn_close(&c);
	return (NULL);
}

/* Does the server still agree to TLS 1.0 or 1.1? */
static void
check_old_tls(struct probe *p)
{
	struct tls_policy	 old;
	struct conn		*c;
	char			*cause = NULL;

	tls_policy_init(&old);
	old.mode = p->a->tls.mode == TLS_MODE_IMPLICIT ? TLS_MODE_IMPLICIT :
	    TLS_MODE_STARTTLS;
	old.min_version = TLS_V_1_0;
	old.max_version = TLS_V_1_1;
	old.verify = 0;
	old.servername = xstrdup(p->a->tls.servername);
	c = reach_tls(p, &old, 0, &cause);
	verdict(p, c == NULL, "TLS 1.0/1.1 %s", c == NULL ? "refused" :
	    "ACCEPTED: the server should require TLS 1.2 or newer");
	conn_close(&c);
	free(cause);
	tls_policy_free(&old);
}

static void
print_rcfile(const struct probe *p)
{
	const struct account	*a = p->a;
	const char		*hint;
	int			 pin;

	/*
	 * A pin stands in for a CA only where the CA alone was missing:
	 * never for a revoked or expired certificate, a CRL problem or a
	 * pin that did not match.  A pin alone does not help while
	 * sslcertck is on.
	 */
	pin = !p->verified && p->pin != NULL && a->tls.npins == 0 &&
	    tls_untrusted_only(p->vr);
	if (p->verified)
		hint = "a pin from above, if you want one, is checked in "
		    "addition to the chain";
	else if (pin)
		hint = "its issuer is not trusted here, so these lines pin the "
		    "key seen here; better, give its CA with sslcertfile";
	else
		hint = "the certificate did NOT pass: see the verdict; no pin "
		    "can make up for that";
	say("\nrcfile lines (add the user; %s):\n"
	    "    poll %s%s%s proto %s port %d\n", hint, a->name,
	    a->via != NULL ? " via " : "", a->via != NULL ? a->via : "",
	    p->proto == PROTO_POP3 ? "pop3" : "imap", p->port);
	say("        user \"...\"%s%s%s%s%s%s%s\n",
	    a->tls.mode == TLS_MODE_IMPLICIT ? " ssl" : "",
	    a->sslcommonname != NULL ? " sslcommonname " : "",
	    a->sslcommonname != NULL ? a->sslcommonname : "",
	    a->sslcertfile != NULL ? " sslcertfile " : "",
	    a->sslcertfile != NULL ? a->sslcertfile : "",
	    a->sslcrlfile != NULL ? " sslcrlfile " : "",
	    a->sslcrlfile != NULL ? a->sslcrlfile : "");
	if (pin)
		say("        no sslcertck sslfingerprint \"%s\"\n"
		    "        # compare this pin with one from the server's "
		    "operator\n        # before you rely on it: here it is only "
		    "what this connection saw\n", p->pin);
}

int
probe(const struct account *a)
{
	struct probe		 p;
	struct tls_policy	 look;
	struct conn		*c;
	struct tls		*t;
	char			*cause = NULL, *desc, *weak, *caps, *report;
	char			*version;
	int			 days, modern;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.proto = a->proto == PROTO_POP3 ? PROTO_POP3 : PROTO_IMAP;
	p.port = account_port(a, p.proto);
	if (a->tls.mode == TLS_MODE_PLAIN) {
		say("%s: sslproto '' asks for plain text; nothing to "
		    "probe\n", a->name);
		return (PM_SYNTAX);
	}
	say("probing %s port %d (%s, %s)\n", account_host(a), p.port,
	    p.proto == PROTO_POP3 ? "POP3" : "IMAP",
	    a->tls.mode == TLS_MODE_IMPLICIT ? "implicit TLS" : "STARTTLS");

	/* Look with verification recorded, not enforced; judge below. */
	look = a->tls;
	look.verify = 0;
	look.npins = 0;
	if ((c = reach_tls(&p, &look, 1, &cause)) == NULL) {
		say("  [FAIL] %s\n", cause);
		free(cause);
		return (PM_SOCKET);
	}
	t = conn_tls(c);
	p.pin = tls_spki_pin(t);
	p.vr = tls_verify_result(t);
	desc = tls_describe(t);
	say("TLS: %s\n", desc);
	free(desc);
	/* What the chain is like does not depend on trusting it. */
	days = tls_days_left(t);
	weak = tls_weaknesses(t);
	modern = strcmp(tls_version_name(t), "TLSv1.2") == 0 ||
	    strcmp(tls_version_name(t), "TLSv1.3") == 0;
	version = xstrdup(tls_version_name(t));
	if (a->tls.mode != TLS_MODE_IMPLICIT) {
		caps = capabilities(&p, c, &cause);
		say("capabilities after TLS: %s\n", caps != NULL ? caps :
		    cause);
		free(caps);
		free(cause);
		cause = NULL;
	}
	conn_close(&c);

	say("\nverdict:\n");
	report = NULL;
	if ((c = reach_tls(&p, &a->tls, 0, &cause)) == NULL)
		report = cause;
	p.verified = report == NULL && a->tls.verify;
	if (report == NULL && a->tls.npins > 0)
		verdict(&p, 1, "pinned fingerprint %s", "matches");
	verdict(&p, report == NULL, "certificate and name check%s",
	    report != NULL ? ": " : (a->tls.verify ? ": verified" :
	    ": NOT verified (no sslcertck)"));
	if (report != NULL)
		say("         %s\n", report);
	free(report);
	conn_close(&c);
	if (days < 0)
		verdict(&p, 0, "certificate expired %d days ago", -days);
	else
		say("  [%s] certificate expires in %d days\n", days < 30 ?
		    "WARN" : " ok ", days);
	verdict(&p, weak == NULL, "key and signatures%s%s", weak != NULL ?
	    ": " : "", weak != NULL ? weak : ": strong enough");
	free(weak);
	verdict(&p, modern, "negotiated %s", version);
	free(version);
	check_old_tls(&p);
	if (a->tls.mode != TLS_MODE_IMPLICIT)
		verdict(&p, !p.login_before_tls, "login before TLS %s",
		    p.login_before_tls ? "OFFERED: the server should refuse "
		    "logins until STARTTLS" : "not offered");
	print_rcfile(&p);
	free(p.pin);
	say("\n%s\n", p.failed ? "The server does NOT pass." :
	    "The server passes.");
	return (p.failed ? PM_SOCKET : PM_OK);
}
