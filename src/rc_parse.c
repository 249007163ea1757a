/*
 * rc_parse.c -- recursive descent over the rcfile's tokens.
 *
 * A file is a sequence of "set ..." statements and server entries
 * ("poll"/"server"/"skip" NAME or "defaults", server options, then user
 * options, either alone or in "user ..." sections).  Which words are
 * keywords, numbers or plain strings follows fetchmail's lexer exactly
 * (see rc_advance in rc_reader.c), because a file must mean what it meant
 * to fetchmail.  Options without a syntax of their own are read from
 * their option-table row (rc_value); the special values are parsed here.
 */

#include <arpa/inet.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mda_argv.h"
#include "optable.h"
#include "rc_keywords.h"
#include "rc_lex.h"
#include "rc_parse.h"
#include "rc_reader.h"
#include "xmalloc.h"

/* An MDA command: refused where the shell would read a %F or %T. */
static int
rc_mda(struct parser *p, struct account *a)
{
	char	*why = NULL;
	int	 rc;

	if (rc_at_string(p) && mda_check(p->tok.text, &why) != 0) {
		rc = rc_error(p, "%s", why);
		free(why);
		return (rc);
	}
	return (rc_take_string(p, "an MDA command", &a->mda));
}

static int
rc_antispam(struct parser *p, struct account *a)
{
	char	buf[16];
	int	v;

	if (p->tc != TC_NUMBER)
		return (rc_error(p, "expected an SMTP reply code after "
		    "\"antispam\", found %s", rc_found(p)));
	while (p->tc == TC_NUMBER) {
		/* -1 is fetchmail's "no antispam codes". */
		if (strcmp(p->tok.text, "-1") == 0)
			v = -1;
		else if (rc_take_number(p, "antispam code", 0, 999, &v) != 0)
			return (-1);
		else {
			snprintf(buf, sizeof(buf), "%d", v);
			strlist_add(&a->antispam, buf);
			continue;
		}
		strlist_add(&a->antispam, "-1");
		if (rc_advance(p) != 0)
			return (-1);
	}
	return (0);
}

static int
rc_proto(struct parser *p, struct account *a)
{
	/* Extension: "proto" needs no quotes around keyword-like values. */
	if (rc_kw(p) != KW_PROTOVAL)
		return (rc_error(p, "unknown protocol %s; expected auto, pop3, "
		    "imap, apop, rpop, kpop, sdps, etrn or odmr (all lower or "
		    "all upper case)", rc_found(p)));
	switch (p->kwd->value) {
	case PROTO_KPOP:
		/* fetchmail: POP3 on the kpop port, Kerberos if asked. */
		a->proto = PROTO_POP3;
		if (a->auth == AUTH_PASSWORD)
			a->auth = AUTH_KERBEROS_V5;
		free(a->service);
		a->service = xstrdup("kpop");
		break;
	default:
		a->proto = p->kwd->value;
		break;
	}
	return (rc_advance(p));
}

static int
rc_service(struct parser *p, struct account *a, int numeric_only)
{
	const char	*errstr;

	if (p->tc == TC_NUMBER) {
		strtonum(p->tok.text, 1, 65535, &errstr);
		if (errstr != NULL)
			return (rc_error(p, "port %s is %s (allowed: 1 to "
			    "65535)", p->tok.text, errstr));
	} else if (numeric_only)
		return (rc_take_number(p, "a port after \"port\"", 1, 65535,
		    NULL));
	else if (!rc_at_string(p) && rc_kw(p) != KW_PROTOVAL)
		/* Extension: "service imap" works unquoted. */
		return (rc_expected(p, "a port number or service name"));
	free(a->service);
	a->service = xstrdup(p->tok.text);
	return (rc_advance(p));
}

/* fetchmail's interface syntax: IF/IPADDR[/MASK], IPv4 only. */
static int
rc_interface(struct parser *p, struct account *a)
{
	struct in_addr	 in;
	char		*copy, *addr, *mask;
	int		 ok;

	if (!rc_at_string(p))
		return (rc_expected(p, "an interface (IF/IPADDR[/MASK])"));
	copy = xstrdup(p->tok.text);
	ok = (addr = strchr(copy, '/')) != NULL && addr != copy;
	if (ok) {
		*addr++ = '\0';
		if ((mask = strchr(addr, '/')) != NULL)
			*mask++ = '\0';
		ok = inet_pton(AF_INET, addr, &in) == 1 &&
		    (mask == NULL || inet_pton(AF_INET, mask, &in) == 1);
	}
	free(copy);
	if (!ok)
		return (rc_error(p, "interface \"%s\" is not of the form "
		    "IF/IPADDR[/MASK] (for example ppp0/10.0.0.1)",
		    p->tok.text));
	return (rc_take_string(p, "an interface", &a->interface));
}

static int
rc_envelope(struct parser *p, struct account *a, int negated)
{
	if (negated) {
		free(a->envelope);
		a->envelope = xstrdup(ENVELOPE_DISABLED);
		return (0);
	}
	a->envskip = 0;
	if (p->tc == TC_NUMBER &&
	    rc_take_number(p, "envelope skip count", 0, INT_MAX,
	    &a->envskip) != 0)
		return (-1);
	return (rc_take_string(p, "a header name after \"envelope\"",
	    &a->envelope));
}

static int
rc_auth(struct parser *p, struct account *a)
{
	if (rc_kw(p) != KW_AUTHVAL)
		return (rc_error(p, "unknown authentication %s; expected any, "
		    "password, cram-md5, scram-sha-1, scram-sha-256, external, "
		    "xoauth2, oauthbearer, gssapi, kerberos_v5, ntlm, msn, otp "
		    "or ssh", rc_found(p)));
	a->auth = p->kwd->value;
	return (rc_advance(p));
}

static int
rc_badheader(struct parser *p, struct account *a)
{
	if (rc_kw(p) == KW_ACCEPT)
		a->badheader = 1;
	else if (rc_kw(p) == KW_REJECT)
		a->badheader = 0;
	else
		return (rc_error(p, "expected accept or reject after "
		    "\"bad-header\", found %s", rc_found(p)));
	return (rc_advance(p));
}

static int
rc_server_option(struct parser *p, struct account *a, int negated)
{
	struct rc_pos		 here = { p->tok.line, p->tok.col };
	const struct opt	*o = p->kwd->opt;
	enum kw			 k = rc_kw(p);

	if (k == KW_SERVICE || k == KW_PORT)
		a->pos_service = here;
	else if (k == KW_AUTH)
		a->pos_auth = here;
	else if (k == KW_PROTO)
		a->pos_proto = here;
	else if (k == KW_VIA)
		a->pos_via = here;

	if (rc_advance(p) != 0)
		return (-1);
	if (!(o->flags & OF_OWN_RC))
		return (rc_value(p, o, a, negated));
	switch (k) {
	case KW_ENVELOPE:
		return (rc_envelope(p, a, negated));
	case KW_PROTO:
		return (rc_proto(p, a));
	case KW_SERVICE:
		return (rc_service(p, a, 0));
	case KW_PORT:
		return (rc_service(p, a, 1));
	case KW_AUTH:
		return (rc_auth(p, a));
	case KW_INTERFACE:
		return (rc_interface(p, a));
	case KW_BADHEADER:
		return (rc_badheader(p, a));
	default:
		return (rc_error(p, "internal: unhandled server option"));
	}
}

/*
 * Local names after "is", "to" or "user ... here": plain names, "*", and
 * server=local mappings, up to the next keyword.  *plain is set when the
 * entry was a single plain name (which "is NAME there" turns into the
 * remote user).
 */
static int
rc_mapping(struct parser *p, struct account *a, int *plain)
{
	char	*name = NULL, *pair;

	*plain = 0;
	if (rc_take_string(p, "a local user name", &name) != 0)
		return (-1);
	if (p->tc == TC_MAP) {
		if (rc_advance(p) != 0 || !rc_at_string(p)) {
			free(name);
			return (rc_expected(p, "a local name after \"=\""));
		}
		xasprintf(&pair, "%s=%s", name, p->tok.text);
		strlist_add(&a->locals, pair);
		free(pair);
		free(name);
		return (rc_advance(p));
	}
	if (strcmp(name, "*") == 0)
		a->wildcard = 1;
	else {
		strlist_add(&a->locals, name);
		*plain = 1;
	}
	free(name);
	return (0);
}

/* "is"/"to" LIST [here], or "is NAME there" for the remote user. */
static int
rc_local_names(struct parser *p, struct account *a, int is)
{
	size_t	n0 = a->locals.n, count = 0;
	int	plain = 0;

	do {
		if (rc_mapping(p, a, &plain) != 0)
			return (-1);
		count++;
	} while (rc_at_more(p));
	if (rc_kw(p) == KW_HERE)
		return (rc_advance(p));
	if (is && rc_kw(p) == KW_THERE && count == 1 && plain) {
		free(a->user);
		a->user = a->locals.v[n0];
		a->locals.n--;
		if (a->locals.n == 0) {
			free(a->locals.v);
			a->locals.v = NULL;
		}
		return (rc_advance(p));
	}
	return (0);
}

static int
rc_sslproto(struct parser *p, struct account *a)
{
	/* Extension: "sslproto auto" needs no quotes. */
	if (rc_kw(p) == KW_PROTOVAL && strcmp(p->tok.text, "auto") == 0) {
		free(a->sslproto);
		a->sslproto = xstrdup("auto");
		return (rc_advance(p));
	}
	return (rc_take_string(p, "a TLS protocol", &a->sslproto));
}

static int
rc_user_option(struct parser *p, struct account *a, int negated)
{
	struct rc_pos		 here = { p->tok.line, p->tok.col };
	const struct opt	*o = p->kwd->opt;
	enum kw			 k = rc_kw(p);

	if (k == KW_PASS)
		o = opt_by_kw(KW_PASS, 0);
	else if (k == KW_SSLPROTO)
		a->pos_sslproto = here;
	else if (k == KW_SSLCOMMONNAME)
		a->pos_sslcommonname = here;
	if (rc_advance(p) != 0)
		return (-1);
	if (k == KW_IS || k == KW_TO)
		return (rc_local_names(p, a, k == KW_IS));
	if (!(o->flags & OF_OWN_RC))
		return (rc_value(p, o, a, negated));
	switch (k) {
	case KW_ANTISPAM:
		return (rc_antispam(p, a));
	case KW_MDA:
		return (rc_mda(p, a));
	case KW_SSLPROTO:
		return (rc_sslproto(p, a));
	case KW_SSLCRLFILE:
		/* As in fetchmail the last one counts; say so. */
		if (a->sslcrlfile != NULL)
			rc_warn(p, "a second sslcrlfile replaces \"%s\"; to "
			    "use several CRLs, put them in one PEM file",
			    a->sslcrlfile);
		return (rc_take_path(p, "a CRL file", &a->sslcrlfile));
	case KW_SSLFINGERPRINT:
		/* Several pins are a pullmail extension; last list wins. */
		strlist_free(&a->sslfingerprints);
		return (rc_take_list(p, "a certificate fingerprint",
		    &a->sslfingerprints));
	default:
		return (rc_error(p, "internal: unhandled user option"));
	}
}

/* "user NAME [there]", or "user L1 L2 ... here": local names. */
static int
rc_user_clause(struct parser *p, struct account *a)
{
	const struct keyword	*k;
	struct keyword		 buf;
	char			*first = NULL, *second = NULL;
	int			 second_line = 0, second_col = 0;

	if (rc_advance(p) != 0)
		return (-1);
	if (!rc_at_string(p))
		return (rc_expected(p, "a user name after \"user\""));
	first = xstrdup(p->tok.text);
	if (rc_advance(p) != 0)
		goto fail;
	if (p->tc != TC_MAP && !rc_at_more(p) && rc_kw(p) != KW_HERE) {
		/* user NAME [there] */
		a->user = first;
		if (rc_kw(p) == KW_THERE)
			return (rc_advance(p));
		return (0);
	}
	/* A mapping list that must end with "here". */
	if (p->tc == TC_MAP) {
		char	*pair;

		if (rc_advance(p) != 0)
			goto fail;
		if (!rc_at_string(p)) {
			rc_expected(p, "a local name after \"=\"");
			goto fail;
		}
		xasprintf(&pair, "%s=%s", first, p->tok.text);
		strlist_add(&a->locals, pair);
		free(pair);
		if (rc_advance(p) != 0)
			goto fail;
	} else if (strcmp(first, "*") == 0)
		a->wildcard = 1;
	else
		strlist_add(&a->locals, first);
	free(first);
	first = NULL;
	if (rc_at_more(p)) {
		second = xstrdup(p->tok.text);
		second_line = p->tok.line;
		second_col = p->tok.col;
	}
	while (rc_at_more(p)) {
		int	plain;

		if (rc_mapping(p, a, &plain) != 0)
			goto fail;
	}
	if (rc_kw(p) != KW_HERE) {
		if (second == NULL) {
			rc_error(p, "expected \"here\" after the local names, "
			    "found %s", rc_found(p));
			goto fail;
		}
		/* Most often a misspelt option after "user NAME". */
		p->tok.line = second_line;
		p->tok.col = second_col;
		k = strncmp(second, "no", 2) == 0 ?
		    rc_lookup(second + 2, &buf) : NULL;
		if (k != NULL && (k->flags & KF_NEGATABLE))
			rc_error(p, "\"%s\" is not a keyword; write \"no %s\"",
			    second, second + 2);
		else
			rc_error(p, "unknown option \"%s\" after \"user %s\" (names "
		    "after \"user\" are local names only when the list ends "
		    "with \"here\")", second, a->locals.n > 0 ?
		    a->locals.v[0] : "*");
		goto fail;
	}
	free(second);
	return (rc_advance(p));

fail:
	free(first);
	free(second);
	return (-1);
}

static struct account *
rc_new_account(struct parser *p, const struct account *server)
{
	struct account	*a;

	a = account_new(server->name);
	account_copy_server(a, server);
	a->active = server->active;
	a->entry = server->entry;
	a->rcfile = xstrdup(p->file);
	a->line = server->line;
	a->col = server->col;
	a->pos_service = server->pos_service;
	a->pos_auth = server->pos_auth;
	a->pos_proto = server->pos_proto;
	a->pos_via = server->pos_via;
	account_list_add(&p->cfg->accounts, a);
	return (a);
}

/* What the user options of an entry hang off, for messages. */
struct user_state {
	int	 kind;		/* 0 none yet, 1 implicit, 2 "user" clauses */
	char	*first_opt;	/* first implicit user option, for messages */
	int	 first_line, first_col;
};

static int
rc_user_after_options(struct parser *p, struct user_state *us)
{
	char	*name = NULL;

	/* Point at the misplaced option and say where it belongs. */
	if (rc_advance(p) == 0 && rc_at_string(p))
		name = xstrdup(p->tok.text);
	p->tok.line = us->first_line;
	p->tok.col = us->first_col;
	if (name != NULL)
		rc_error(p, "\"%s\" is a user option; move it after \"user "
		    "%s\"", us->first_opt, name);
	else
		rc_error(p, "\"%s\" is a user option; move it after the "
		    "\"user\" clause", us->first_opt);
	free(name);
	return (-1);
}

/*
 * The next word of an entry, after an optional "no": 0 and *negated for
 * an option, 1 at the end of the entry, -1 with a message.
 */
static int
rc_entry_word(struct parser *p, int *negated)
{
	int	neg_line = 0, neg_col = 0;

	*negated = 0;
	if (rc_kw(p) == KW_NO) {
		neg_line = p->tok.line;
		neg_col = p->tok.col;
		if (rc_advance(p) != 0)
			return (-1);
		*negated = 1;
	}
	if (p->tc == TC_EOF || rc_kw(p) == KW_SET || (p->tc == TC_KEYWORD &&
	    p->kwd->cls == KC_STMT)) {
		if (*negated)
			return (rc_error(p, "expected an option after \"no\", "
			    "found %s", rc_found(p)));
		return (1);
	}
	if (p->tc != TC_KEYWORD || (p->kwd->cls != KC_SERVER &&
	    p->kwd->cls != KC_USER)) {
		if (p->tc == TC_KEYWORD && p->kwd->cls == KC_SET)
			return (rc_error(p, "\"%s\" is a global option; write "
			    "\"set %s\" outside the server entry", p->tok.text,
			    p->tok.text));
		return (rc_unknown_option(p, "a server or user option"));
	}
	if (p->kwd->flags & KF_NEGATED) {
		if (*negated)
			return (rc_error(p, "\"no\" cannot be followed by "
			    "\"%s\"", p->tok.text));
		*negated = 1;
	} else if (*negated && !(p->kwd->flags & KF_NEGATABLE)) {
		p->tok.line = neg_line;
		p->tok.col = neg_col;
		return (rc_error(p, "\"no\" does not apply to \"%s\"",
		    p->kwd->name));
	}
	return (0);
}

static int
rc_server_entry(struct parser *p)
{
	struct account		*server, *cur = NULL;
	struct user_state	 us = { 0, NULL, 0, 0 };
	enum kw			 stmt = rc_kw(p);
	int			 negated, rc, line = p->tok.line;
	int			 col = p->tok.col;

	if (stmt == KW_DEFAULTS && p->nentries > 0)
		return (rc_error(p, "\"defaults\" must be the first entry of "
		    "the file and appear only once"));
	server = account_new("defaults");
	if (rc_advance(p) != 0)
		goto fail;
	if (stmt != KW_DEFAULTS) {
		free(server->name);
		server->name = NULL;
		if (rc_take_string(p, "a server name", &server->name) != 0)
			goto fail;
	}
	server->active = stmt != KW_SKIP;
	server->line = line;
	server->col = col;
	server->entry = p->nentries;

	for (;;) {
		if ((rc = rc_entry_word(p, &negated)) < 0)
			goto fail;
		if (rc > 0)
			break;
		if (p->kwd->cls == KC_SERVER) {
			if (us.kind != 0) {
				rc_error(p, "\"%s\" is a server option; move "
				    "it before \"%s\"", p->tok.text,
				    us.first_opt);
				goto fail;
			}
			if (rc_server_option(p, server, negated) != 0)
				goto fail;
			continue;
		}
		if (rc_kw(p) == KW_USER) {
			if (us.kind == 1) {
				rc_user_after_options(p, &us);
				goto fail;
			}
			cur = rc_new_account(p, server);
			if (rc_user_clause(p, cur) != 0)
				goto fail;
			if (us.kind == 0)
				xasprintf(&us.first_opt, "user %s",
				    cur->user != NULL ? cur->user :
				    cur->locals.n > 0 ? cur->locals.v[0] : "*");
			us.kind = 2;
			continue;
		}
		if (us.kind == 0) {
			us.kind = 1;
			us.first_opt = xstrdup(p->tok.text);
			us.first_line = p->tok.line;
			us.first_col = p->tok.col;
			cur = rc_new_account(p, server);
		}
		if (rc_user_option(p, cur, negated) != 0)
			goto fail;
	}
	if (us.kind == 0)
		cur = rc_new_account(p, server);
	if (stmt == KW_DEFAULTS)
		p->defaults = cur;
	p->nentries++;
	free(us.first_opt);
	account_free(server);
	return (0);

fail:
	free(us.first_opt);
	account_free(server);
	return (-1);
}

static int
rc_set(struct parser *p)
{
	const struct opt	*o;
	int			 negated = 0;

	if (rc_advance(p) != 0)
		return (-1);
	if (rc_kw(p) == KW_NO) {
		negated = 1;
		if (rc_advance(p) != 0)
			return (-1);
	}
	if (p->tc != TC_KEYWORD || (p->kwd->cls != KC_SET &&
	    p->kwd->kw != KW_PROPERTIES))
		return (rc_unknown_option(p, "a global option after \"set\""));
	if (p->kwd->flags & KF_NEGATED) {
		if (negated)
			return (rc_error(p, "\"no\" cannot be followed by "
			    "\"%s\"", p->tok.text));
		negated = 1;
	} else if (negated && !(p->kwd->flags & KF_NEGATABLE))
		return (rc_error(p, "\"set no\" does not apply to \"%s\"",
		    p->tok.text));
	o = p->kwd->kw == KW_PROPERTIES ? opt_by_kw(KW_PROPERTIES, 1) :
	    p->kwd->opt;
	if (rc_advance(p) != 0)
		return (-1);
	/* "set logfile = x" and "set logfile x" are the same. */
	if (o->kind != OK_INT && p->tc == TC_MAP && !negated &&
	    rc_advance(p) != 0)
		return (-1);
	return (rc_value(p, o, p->cfg, negated));
}

int
rc_parse(const char *file, const char *dir, const char *buf, size_t len,
    struct config *cfg, char **cause)
{
	struct parser		 p;
	struct account_list	 kept = { NULL, 0 };
	struct account		*a;
	size_t			 i;
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	p.file = file;
	p.dir = dir;
	p.cfg = cfg;
	rc_lex_init(&p.lx, buf, len);
	if (rc_advance(&p) != 0)
		goto out;
	while (p.tc != TC_EOF) {
		switch (rc_kw(&p)) {
		case KW_SET:
			if (rc_set(&p) != 0)
				goto out;
			break;
		case KW_POLL:
		case KW_SKIP:
		case KW_DEFAULTS:
			if (rc_server_entry(&p) != 0)
				goto out;
			break;
		default:
			if (p.tc == TC_KEYWORD && (p.kwd->cls == KC_SERVER ||
			    p.kwd->cls == KC_USER))
				rc_error(&p, "\"%s\" is an option of a server "
				    "entry; it must follow \"poll NAME\"",
				    p.tok.text);
			else
				rc_error(&p, "expected \"poll\", \"skip\", "
				    "\"defaults\" or \"set\", found %s",
				    rc_found(&p));
			goto out;
		}
	}
	if (p.defaults != NULL) {
		/* The defaults entry is entry 0: merge it, then drop it. */
		for (i = 0; i < cfg->accounts.n; i++) {
			a = cfg->accounts.v[i];
			if (a->entry == 0)
				continue;
			account_merge(a, p.defaults);
			account_list_add(&kept, a);
		}
		for (i = 0; i < cfg->accounts.n; i++) {
			if (cfg->accounts.v[i]->entry == 0)
				account_free(cfg->accounts.v[i]);
		}
		free(cfg->accounts.v);
		cfg->accounts = kept;
	}
	rc = 0;
out:
	rc_lex_free(&p.lx);
	if (rc != 0)
		*cause = p.cause;
	return (rc);
}
