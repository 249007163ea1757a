/*
 * rc_parse.c -- recursive descent over the rcfile's tokens.
 *
 * A file is a sequence of "set ..." statements and server entries
 * ("poll"/"server"/"skip"/"defaults" NAME, server options, then user
 * options, optionally in "user ..." sections).  Keywords are recognised
 * only in unquoted words; after user/pass/is/to/= the next token is a
 * name whatever it looks like (fetchmail's "name mode").
 */

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rc_lex.h"
#include "rc_parse.h"
#include "xmalloc.h"

enum kw {
	KW_NONE = 0,
	/* statements */
	KW_SET, KW_POLL, KW_SERVER, KW_SKIP, KW_DEFAULTS,
	/* noise and clause words */
	KW_NOISE, KW_NO, KW_HERE, KW_THERE, KW_IS, KW_TO,
	/* server options */
	KW_VIA, KW_PROTO, KW_PORT, KW_SERVICE, KW_TIMEOUT,
	/* user clause and options */
	KW_USER, KW_PASS, KW_SSL, KW_SSLCERTCK, KW_SSLCERTFILE,
	KW_SSLCERTPATH, KW_SSLCOMMONNAME, KW_SSLPROTO, KW_SMTPHOST, KW_MDA,
	KW_KEEP, KW_NOKEEP, KW_FETCHALL, KW_NOFETCHALL, KW_FOLDER,
	/* set options */
	KW_DAEMON, KW_LOGFILE, KW_IDFILE, KW_POSTMASTER, KW_SYSLOG,
	KW_SOFTBOUNCE, KW_BOUNCEMAIL, KW_NOBOUNCEMAIL,
	/* fetchmail keywords this version does not implement yet */
	KW_LATER,
};

enum kw_class {
	KC_STMT,
	KC_SERVER,
	KC_USER,
	KC_SET,
	KC_OTHER,
};

static const struct keyword {
	const char	*name;
	enum kw		 kw;
	enum kw_class	 cls;
} keywords[] = {
	{ "set",		KW_SET,		KC_STMT },
	{ "poll",		KW_POLL,	KC_STMT },
	{ "server",		KW_SERVER,	KC_STMT },
	{ "skip",		KW_SKIP,	KC_STMT },
	{ "defaults",		KW_DEFAULTS,	KC_STMT },
	{ "with",		KW_NOISE,	KC_OTHER },
	{ "and",		KW_NOISE,	KC_OTHER },
	{ "has",		KW_NOISE,	KC_OTHER },
	{ "wants",		KW_NOISE,	KC_OTHER },
	{ "options",		KW_NOISE,	KC_OTHER },
	{ "no",			KW_NO,		KC_OTHER },
	{ "here",		KW_HERE,	KC_OTHER },
	{ "there",		KW_THERE,	KC_OTHER },
	{ "is",			KW_IS,		KC_USER },
	{ "to",			KW_TO,		KC_USER },
	{ "via",		KW_VIA,		KC_SERVER },
	{ "proto",		KW_PROTO,	KC_SERVER },
	{ "protocol",		KW_PROTO,	KC_SERVER },
	{ "port",		KW_PORT,	KC_SERVER },
	{ "service",		KW_SERVICE,	KC_SERVER },
	{ "timeout",		KW_TIMEOUT,	KC_SERVER },
	{ "user",		KW_USER,	KC_USER },
	{ "username",		KW_USER,	KC_USER },
	{ "pass",		KW_PASS,	KC_USER },
	{ "password",		KW_PASS,	KC_USER },
	{ "ssl",		KW_SSL,		KC_USER },
	{ "sslcertck",		KW_SSLCERTCK,	KC_USER },
	{ "sslcertfile",	KW_SSLCERTFILE,	KC_USER },
	{ "sslcertpath",	KW_SSLCERTPATH,	KC_USER },
	{ "sslcommonname",	KW_SSLCOMMONNAME, KC_USER },
	{ "sslproto",		KW_SSLPROTO,	KC_USER },
	{ "smtphost",		KW_SMTPHOST,	KC_USER },
	{ "smtp",		KW_SMTPHOST,	KC_USER },
	{ "mda",		KW_MDA,		KC_USER },
	{ "keep",		KW_KEEP,	KC_USER },
	{ "nokeep",		KW_NOKEEP,	KC_USER },
	{ "fetchall",		KW_FETCHALL,	KC_USER },
	{ "nofetchall",		KW_NOFETCHALL,	KC_USER },
	{ "folder",		KW_FOLDER,	KC_USER },
	{ "folders",		KW_FOLDER,	KC_USER },
	{ "daemon",		KW_DAEMON,	KC_SET },
	{ "logfile",		KW_LOGFILE,	KC_SET },
	{ "idfile",		KW_IDFILE,	KC_SET },
	{ "postmaster",		KW_POSTMASTER,	KC_SET },
	{ "syslog",		KW_SYSLOG,	KC_SET },
	{ "softbounce",		KW_SOFTBOUNCE,	KC_SET },
	{ "bouncemail",		KW_BOUNCEMAIL,	KC_SET },
	{ "nobouncemail",	KW_NOBOUNCEMAIL, KC_SET },
	/* Known to fetchmail; parsed by a later version of pullmail. */
	{ "aka",		KW_LATER,	KC_SERVER },
	{ "localdomains",	KW_LATER,	KC_SERVER },
	{ "local",		KW_LATER,	KC_SERVER },
	{ "interval",		KW_LATER,	KC_SERVER },
	{ "auth",		KW_LATER,	KC_SERVER },
	{ "authenticate",	KW_LATER,	KC_SERVER },
	{ "envelope",		KW_LATER,	KC_SERVER },
	{ "qvirtual",		KW_LATER,	KC_SERVER },
	{ "uidl",		KW_LATER,	KC_SERVER },
	{ "dns",		KW_LATER,	KC_SERVER },
	{ "interface",		KW_LATER,	KC_SERVER },
	{ "monitor",		KW_LATER,	KC_SERVER },
	{ "plugin",		KW_LATER,	KC_SERVER },
	{ "plugout",		KW_LATER,	KC_SERVER },
	{ "principal",		KW_LATER,	KC_SERVER },
	{ "esmtpname",		KW_LATER,	KC_SERVER },
	{ "esmtppassword",	KW_LATER,	KC_SERVER },
	{ "tracepolls",		KW_LATER,	KC_SERVER },
	{ "bad-header",		KW_LATER,	KC_SERVER },
	{ "limit",		KW_LATER,	KC_USER },
	{ "fetchlimit",		KW_LATER,	KC_USER },
	{ "fetchsizelimit",	KW_LATER,	KC_USER },
	{ "fastuidl",		KW_LATER,	KC_USER },
	{ "batchlimit",		KW_LATER,	KC_USER },
	{ "expunge",		KW_LATER,	KC_USER },
	{ "flush",		KW_LATER,	KC_USER },
	{ "limitflush",		KW_LATER,	KC_USER },
	{ "rewrite",		KW_LATER,	KC_USER },
	{ "stripcr",		KW_LATER,	KC_USER },
	{ "forcecr",		KW_LATER,	KC_USER },
	{ "pass8bits",		KW_LATER,	KC_USER },
	{ "mimedecode",		KW_LATER,	KC_USER },
	{ "dropstatus",		KW_LATER,	KC_USER },
	{ "dropdelivered",	KW_LATER,	KC_USER },
	{ "idle",		KW_LATER,	KC_USER },
	{ "lmtp",		KW_LATER,	KC_USER },
	{ "bsmtp",		KW_LATER,	KC_USER },
	{ "smtpaddress",	KW_LATER,	KC_USER },
	{ "smtpname",		KW_LATER,	KC_USER },
	{ "antispam",		KW_LATER,	KC_USER },
	{ "preconnect",		KW_LATER,	KC_USER },
	{ "postconnect",	KW_LATER,	KC_USER },
	{ "sslfingerprint",	KW_LATER,	KC_USER },
	{ "sslcert",		KW_LATER,	KC_USER },
	{ "sslkey",		KW_LATER,	KC_USER },
	{ "warnings",		KW_LATER,	KC_USER },
	{ "properties",		KW_LATER,	KC_USER },
};

struct parser {
	const char	*file;
	struct rc_lexer	 lx;
	struct rc_token	 tok;
	const struct keyword *kwd;	/* tok as a keyword, or NULL */
	char		*cause;
	struct config	*cfg;
	struct account	*defaults;
	int		 nrecords;
};

static int	rc_error(struct parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
rc_error(struct parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->cause != NULL)
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&p->cause, "%s:%d:%d: %s", p->file, p->tok.line,
	    p->tok.col, msg);
	free(msg);
	return (-1);
}

static const char *
rc_found(struct parser *p)
{
	switch (p->tok.kind) {
	case RC_T_EOF:
		return ("end of file");
	case RC_T_EQUALS:
		return ("\"=\"");
	default:
		return (p->tok.text);
	}
}

static int
rc_advance(struct parser *p)
{
	size_t	i;
	char	*lexcause;

	p->kwd = NULL;
	if (rc_lex_next(&p->lx, &p->tok, &lexcause) != 0) {
		xasprintf(&p->cause, "%s:%s", p->file, lexcause);
		free(lexcause);
		return (-1);
	}
	if (p->tok.kind != RC_T_WORD)
		return (0);
	for (i = 0; i < nitems(keywords); i++) {
		if (strcmp(keywords[i].name, p->tok.text) == 0) {
			p->kwd = &keywords[i];
			break;
		}
	}
	return (0);
}

static enum kw
rc_kw(struct parser *p)
{
	return (p->kwd != NULL ? p->kwd->kw : KW_NONE);
}

/* Skip noise words; returns the keyword then under the cursor. */
static int
rc_skip_noise(struct parser *p)
{
	while (rc_kw(p) == KW_NOISE) {
		if (rc_advance(p) != 0)
			return (-1);
	}
	return (0);
}

/* A name: any word or string, keyword or not (name mode). */
static int
rc_take_name(struct parser *p, const char *what, char **out)
{
	if (p->tok.kind != RC_T_WORD && p->tok.kind != RC_T_STRING)
		return (rc_error(p, "expected %s, found %s", what,
		    rc_found(p)));
	free(*out);
	*out = xstrdup(p->tok.text);
	return (rc_advance(p));
}

/* A value that is not a keyword: quoted, or an unknown word. */
static int
rc_take_value(struct parser *p, const char *what, char **out)
{
	if (p->tok.kind == RC_T_STRING ||
	    (p->tok.kind == RC_T_WORD && p->kwd == NULL)) {
		free(*out);
		*out = xstrdup(p->tok.text);
		return (rc_advance(p));
	}
	if (p->kwd != NULL)
		return (rc_error(p, "expected %s, found the keyword \"%s\" "
		    "(quote it if it is meant as a value)", what, p->tok.text));
	return (rc_error(p, "expected %s, found %s", what, rc_found(p)));
}

static int
rc_take_number(struct parser *p, const char *what, long long min,
    long long max, int *out)
{
	const char	*errstr;
	long long	 v;

	if (p->tok.kind != RC_T_WORD || p->kwd != NULL)
		return (rc_error(p, "expected %s (a number), found %s", what,
		    rc_found(p)));
	v = strtonum(p->tok.text, min, max, &errstr);
	if (errstr != NULL)
		return (rc_error(p, "%s \"%s\" is %s (allowed: %lld to %lld)",
		    what, p->tok.text, errstr, min, max));
	*out = (int)v;
	return (rc_advance(p));
}

/* One or more values up to the next keyword. */
static int
rc_take_list(struct parser *p, const char *what, struct strlist *l)
{
	char	*v = NULL;

	strlist_free(l);
	do {
		if (rc_take_value(p, what, &v) != 0)
			return (-1);
		strlist_add(l, v);
	} while (p->tok.kind == RC_T_STRING ||
	    (p->tok.kind == RC_T_WORD && p->kwd == NULL));
	free(v);
	return (0);
}

static int
rc_proto(struct parser *p, struct account *a)
{
	static const struct {
		const char	*name;
		enum proto	 proto;
	} protos[] = {
		{ "auto", PROTO_AUTO }, { "AUTO", PROTO_AUTO },
		{ "pop3", PROTO_POP3 }, { "POP3", PROTO_POP3 },
		{ "imap", PROTO_IMAP }, { "IMAP", PROTO_IMAP },
	};
	size_t	i;

	if (p->tok.kind == RC_T_WORD) {
		for (i = 0; i < nitems(protos); i++) {
			if (strcmp(p->tok.text, protos[i].name) == 0) {
				a->proto = protos[i].proto;
				return (rc_advance(p));
			}
		}
	}
	return (rc_error(p, "protocol %s is not supported; expected auto, "
	    "pop3 or imap", rc_found(p)));
}

static int
rc_service(struct parser *p, struct account *a)
{
	static const struct {
		const char	*name;
		int		 port;
	} services[] = {
		{ "pop3", 110 }, { "pop3s", 995 }, { "imap", 143 },
		{ "imaps", 993 }, { "imap2", 143 },
	};
	size_t	i;

	if (p->tok.kind == RC_T_WORD && isdigit((unsigned char)*p->tok.text))
		return (rc_take_number(p, "service", 1, 65535, &a->port));
	if (p->tok.kind == RC_T_WORD || p->tok.kind == RC_T_STRING) {
		for (i = 0; i < nitems(services); i++) {
			if (strcmp(p->tok.text, services[i].name) == 0) {
				a->port = services[i].port;
				return (rc_advance(p));
			}
		}
	}
	return (rc_error(p, "unknown service %s; expected a port number or "
	    "pop3, pop3s, imap, imaps", rc_found(p)));
}

static int
rc_server_option(struct parser *p, struct account *a)
{
	enum kw	k = rc_kw(p);

	if (rc_advance(p) != 0)
		return (-1);
	switch (k) {
	case KW_VIA:
		return (rc_take_name(p, "a host name after \"via\"", &a->via));
	case KW_PROTO:
		return (rc_proto(p, a));
	case KW_PORT:
		return (rc_take_number(p, "port", 1, 65535, &a->port));
	case KW_SERVICE:
		return (rc_service(p, a));
	case KW_TIMEOUT:
		return (rc_take_number(p, "timeout", 0, INT_MAX, &a->timeout));
	default:
		return (rc_error(p, "internal: unhandled server option"));
	}
}

/* "is"/"to" list: local names, "*", or server=local mappings. */
static int
rc_local_names(struct parser *p, struct account *a)
{
	char	*name = NULL, *target = NULL, *map;

	strlist_free(&a->locals);
	do {
		if (rc_take_name(p, "a local user name", &name) != 0)
			goto fail;
		if (p->tok.kind == RC_T_EQUALS) {
			if (rc_advance(p) != 0 ||
			    rc_take_name(p, "a local name after \"=\"",
			    &target) != 0)
				goto fail;
			xasprintf(&map, "%s=%s", name, target);
			strlist_add(&a->locals, map);
			free(map);
		} else
			strlist_add(&a->locals, name);
	} while (p->tok.kind == RC_T_STRING ||
	    (p->tok.kind == RC_T_WORD && p->kwd == NULL));
	free(name);
	free(target);
	if (rc_kw(p) == KW_HERE)
		return (rc_advance(p));
	return (0);

fail:
	free(name);
	free(target);
	return (-1);
}

static int
rc_user_option(struct parser *p, struct account *a, int negated)
{
	enum kw	 k = rc_kw(p);
	char	*word = xstrdup(p->tok.text);

	if (rc_advance(p) != 0) {
		free(word);
		return (-1);
	}
	if (negated) {
		if (k != KW_SSL && k != KW_SSLCERTCK && k != KW_KEEP &&
		    k != KW_FETCHALL) {
			rc_error(p, "\"no\" does not apply to \"%s\"", word);
			free(word);
			return (-1);
		}
	}
	free(word);
	if (negated) {
		switch (k) {
		case KW_SSL:
			a->ssl = 0;
			return (0);
		case KW_SSLCERTCK:
			a->sslcertck = 0;
			return (0);
		case KW_KEEP:
			a->keep = 0;
			return (0);
		case KW_FETCHALL:
			a->fetchall = 0;
			return (0);
		default:
			return (rc_error(p, "internal: unhandled no option"));
		}
	}
	switch (k) {
	case KW_IS:
	case KW_TO:
		return (rc_local_names(p, a));
	case KW_PASS:
		return (rc_take_name(p, "a password", &a->password));
	case KW_SSL:
		a->ssl = 1;
		return (0);
	case KW_SSLCERTCK:
		a->sslcertck = 1;
		return (0);
	case KW_SSLCERTFILE:
		return (rc_take_value(p, "a file name", &a->sslcertfile));
	case KW_SSLCERTPATH:
		return (rc_take_value(p, "a directory", &a->sslcertpath));
	case KW_SSLCOMMONNAME:
		return (rc_take_value(p, "a host name", &a->sslcommonname));
	case KW_SSLPROTO:
		return (rc_take_value(p, "a TLS protocol", &a->sslproto));
	case KW_SMTPHOST:
		return (rc_take_list(p, "an SMTP host", &a->smtphosts));
	case KW_MDA:
		return (rc_take_value(p, "an MDA command", &a->mda));
	case KW_KEEP:
		a->keep = 1;
		return (0);
	case KW_NOKEEP:
		a->keep = 0;
		return (0);
	case KW_FETCHALL:
		a->fetchall = 1;
		return (0);
	case KW_NOFETCHALL:
		a->fetchall = 0;
		return (0);
	case KW_FOLDER:
		return (rc_take_list(p, "a folder name", &a->folders));
	default:
		return (rc_error(p, "internal: unhandled user option"));
	}
}

/* "user NAME [there]", "user L1 L2 here [is R there]", "user R is L". */
static int
rc_user_clause(struct parser *p, struct account *a)
{
	struct strlist	 names = { NULL, 0 };
	char		*name = NULL;
	size_t		 i;

	if (rc_advance(p) != 0 ||
	    rc_take_name(p, "a user name after \"user\"", &name) != 0)
		goto fail;
	strlist_add(&names, name);
	while (p->tok.kind == RC_T_STRING ||
	    (p->tok.kind == RC_T_WORD && p->kwd == NULL)) {
		if (rc_take_name(p, "a user name", &name) != 0)
			goto fail;
		strlist_add(&names, name);
	}
	if (rc_kw(p) == KW_HERE) {
		strlist_free(&a->locals);
		for (i = 0; i < names.n; i++)
			strlist_add(&a->locals, names.v[i]);
		if (rc_advance(p) != 0)
			goto fail;
	} else {
		if (names.n > 1) {
			rc_error(p, "several names after \"user\" must end "
			    "with \"here\"");
			goto fail;
		}
		a->user = xstrdup(names.v[0]);
		if (rc_kw(p) == KW_THERE && rc_advance(p) != 0)
			goto fail;
	}
	strlist_free(&names);
	free(name);
	return (0);

fail:
	strlist_free(&names);
	free(name);
	return (-1);
}

static struct account *
rc_new_account(struct parser *p, const struct account *server)
{
	struct account	*a;

	a = account_new(server->name);
	account_merge(a, server);
	a->active = server->active;
	a->rcfile = xstrdup(p->file);
	a->line = server->line;
	p->cfg->accounts.v = xreallocarray(p->cfg->accounts.v,
	    p->cfg->accounts.n + 1, sizeof(*p->cfg->accounts.v));
	p->cfg->accounts.v[p->cfg->accounts.n++] = a;
	return (a);
}

static int
rc_server_entry(struct parser *p)
{
	struct account	*server, *cur = NULL;
	enum kw		 stmt = rc_kw(p);
	int		 state = 0, negated, line = p->tok.line;
	char		*name = NULL;

	if (stmt == KW_DEFAULTS && (p->nrecords > 0 || p->defaults != NULL))
		return (rc_error(p, "\"defaults\" must be the first entry of "
		    "the file and appear once"));
	if (rc_advance(p) != 0)
		return (-1);
	if (stmt == KW_DEFAULTS) {
		name = xstrdup("");
	} else if (rc_take_name(p, "a server name", &name) != 0)
		return (-1);
	server = account_new(name);
	free(name);
	server->active = stmt != KW_SKIP;
	server->line = line;

	for (;;) {
		if (rc_skip_noise(p) != 0)
			goto fail;
		negated = 0;
		if (rc_kw(p) == KW_NO) {
			if (rc_advance(p) != 0 || rc_skip_noise(p) != 0)
				goto fail;
			negated = 1;
		}
		if (p->tok.kind == RC_T_EOF || (p->kwd != NULL &&
		    p->kwd->cls == KC_STMT)) {
			if (negated) {
				rc_error(p, "expected an option after \"no\", "
				    "found %s", rc_found(p));
				goto fail;
			}
			break;
		}
		if (p->kwd == NULL) {
			rc_error(p, "unexpected \"%s\"; expected a server "
			    "or user option", rc_found(p));
			goto fail;
		}
		if (p->kwd->kw == KW_LATER) {
			rc_error(p, "\"%s\" is a fetchmail option this version "
			    "of pullmail does not support yet", p->tok.text);
			goto fail;
		}
		switch (p->kwd->cls) {
		case KC_SERVER:
			if (negated) {
				rc_error(p, "\"no\" does not apply to \"%s\"",
				    p->tok.text);
				goto fail;
			}
			if (state != 0) {
				rc_error(p, "\"%s\" is a server option; move "
				    "it before the user options", p->tok.text);
				goto fail;
			}
			if (rc_server_option(p, server) != 0)
				goto fail;
			break;
		case KC_USER:
			if (rc_kw(p) == KW_USER && !negated) {
				if (state == 1) {
					rc_error(p, "\"user\" after user "
					    "options; put the options after "
					    "\"user NAME\"");
					goto fail;
				}
				state = 2;
				cur = rc_new_account(p, server);
				if (rc_user_clause(p, cur) != 0)
					goto fail;
				break;
			}
			if (state == 0) {
				state = 1;
				cur = rc_new_account(p, server);
			}
			if (rc_user_option(p, cur, negated) != 0)
				goto fail;
			break;
		default:
			rc_error(p, "\"%s\" cannot appear here; expected a "
			    "server or user option", p->tok.text);
			goto fail;
		}
	}
	if (state == 0)
		cur = rc_new_account(p, server);
	if (stmt == KW_DEFAULTS)
		p->defaults = cur;
	p->nrecords++;
	account_free(server);
	return (0);

fail:
	account_free(server);
	return (-1);
}

static int
rc_set(struct parser *p)
{
	struct config	*cfg = p->cfg;
	int		 negated = 0;
	enum kw		 k;

	if (rc_advance(p) != 0)
		return (-1);
	if (rc_kw(p) == KW_NO) {
		negated = 1;
		if (rc_advance(p) != 0)
			return (-1);
	}
	if (p->kwd == NULL || p->kwd->cls != KC_SET)
		return (rc_error(p, "unknown global option %s after \"set\"",
		    rc_found(p)));
	k = p->kwd->kw;
	if (rc_advance(p) != 0)
		return (-1);
	if (negated && k != KW_SYSLOG && k != KW_SOFTBOUNCE &&
	    k != KW_BOUNCEMAIL)
		return (rc_error(p, "\"set no\" does not apply here"));
	/* "set logfile = x" and "set logfile x" are the same. */
	if ((k == KW_LOGFILE || k == KW_IDFILE || k == KW_POSTMASTER) &&
	    p->tok.kind == RC_T_EQUALS && rc_advance(p) != 0)
		return (-1);
	switch (k) {
	case KW_DAEMON:
		return (rc_take_number(p, "daemon interval", 0, INT_MAX,
		    &cfg->daemon));
	case KW_LOGFILE:
		return (rc_take_name(p, "a file name", &cfg->logfile));
	case KW_IDFILE:
		return (rc_take_name(p, "a file name", &cfg->idfile));
	case KW_POSTMASTER:
		return (rc_take_name(p, "a user name", &cfg->postmaster));
	case KW_SYSLOG:
		cfg->syslog = !negated;
		return (0);
	case KW_SOFTBOUNCE:
		cfg->softbounce = !negated;
		return (0);
	case KW_BOUNCEMAIL:
		cfg->bouncemail = !negated;
		return (0);
	case KW_NOBOUNCEMAIL:
		cfg->bouncemail = 0;
		return (0);
	default:
		return (rc_error(p, "internal: unhandled set option"));
	}
}

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->softbounce = 1;
	cfg->bouncemail = 1;
}

void
config_free(struct config *cfg)
{
	account_list_free(&cfg->accounts);
	free(cfg->logfile);
	free(cfg->idfile);
	free(cfg->postmaster);
	memset(cfg, 0, sizeof(*cfg));
}

int
rc_parse(const char *file, const char *buf, size_t len, struct config *cfg,
    char **cause)
{
	struct parser	p;
	size_t		i;
	int		rc = -1;

	memset(&p, 0, sizeof(p));
	p.file = file;
	p.cfg = cfg;
	rc_lex_init(&p.lx, buf, len);
	if (rc_advance(&p) != 0)
		goto out;
	for (;;) {
		if (rc_skip_noise(&p) != 0)
			goto out;
		if (p.tok.kind == RC_T_EOF)
			break;
		switch (rc_kw(&p)) {
		case KW_SET:
			if (rc_set(&p) != 0)
				goto out;
			break;
		case KW_POLL:
		case KW_SERVER:
		case KW_SKIP:
		case KW_DEFAULTS:
			if (rc_server_entry(&p) != 0)
				goto out;
			break;
		default:
			rc_error(&p, "expected \"poll\", \"skip\", \"defaults\" "
			    "or \"set\", found \"%s\"", rc_found(&p));
			goto out;
		}
	}
	if (p.defaults != NULL) {
		/* The defaults record is the first account; take it out. */
		for (i = 1; i < cfg->accounts.n; i++) {
			account_merge(cfg->accounts.v[i], p.defaults);
			cfg->accounts.v[i - 1] = cfg->accounts.v[i];
		}
		cfg->accounts.n--;
		account_free(p.defaults);
	}
	rc = 0;
out:
	rc_lex_free(&p.lx);
	if (rc != 0)
		*cause = p.cause;
	return (rc);
}
