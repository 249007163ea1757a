/*
 * rc_reader.c -- the rcfile parser's reader: tokens classified as
 * fetchmail's lexer does, messages that name file:line:col, and the values
 * of the plain kinds (string, path, number, list) an option row asks for.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "optable.h"
#include "rc_reader.h"
#include "xmalloc.h"

int
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

void
rc_warn(struct parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *line;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&line, "%s:%d:%d: warning: %s", p->file, p->tok.line,
	    p->tok.col, msg);
	strlist_add(&p->cfg->warnings, line);
	free(line);
	free(msg);
}

/* How the current token is shown in a message. */
const char *
rc_found(struct parser *p)
{
	switch (p->tc) {
	case TC_EOF:
		return ("end of file");
	case TC_MAP:
		return ("\"=\"");
	default:
		return (p->tok.text);
	}
}

static int
rc_is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return (0);
	while (isdigit((unsigned char)*s))
		s++;
	return (*s == '\0');
}

/*
 * Read the next token and classify it as fetchmail's lexer would: after
 * user/pass/is/to/= the next word is a string even if it looks like a
 * keyword or a number ("name mode"); after auth, "password" is an auth
 * type and "pass" is not the password keyword.
 */
int
rc_advance(struct parser *p)
{
	char	*lexcause;
	int	 name_mode, auth_mode;

	name_mode = p->name_mode;
	auth_mode = p->auth_mode;
	p->kwd = p->ext = NULL;
	for (;;) {
		if (rc_lex_next(&p->lx, &p->tok, &lexcause) != 0) {
			if (p->cause == NULL)
				xasprintf(&p->cause, "%s:%s", p->file,
				    lexcause);
			free(lexcause);
			return (-1);
		}
		if (p->tok.kind == RC_T_WORD && !name_mode &&
		    rc_is_noise(p->tok.text))
			continue;
		break;
	}
	p->name_mode = p->auth_mode = 0;
	switch (p->tok.kind) {
	case RC_T_EOF:
		p->tc = TC_EOF;
		return (0);
	case RC_T_EQUALS:
		p->tc = TC_MAP;
		p->name_mode = 1;
		return (0);
	case RC_T_STRING:
		p->tc = TC_STRING;
		return (0);
	case RC_T_WORD:
		break;
	}
	if (p->tok.quote_in_word == RC_Q_UNTERMINATED)
		rc_warn(p, "the quote in %s is never closed, so it is read as "
		    "part of a plain word", p->tok.text);
	else if (p->tok.quote_in_word == RC_Q_GLUED)
		rc_warn(p, "%s is one word with its quote characters kept; "
		    "put a space after a closing quote", p->tok.text);
	p->tc = TC_STRING;
	if (name_mode)
		return (0);
	if (rc_is_number(p->tok.text)) {
		p->tc = TC_NUMBER;
		return (0);
	}
	if (auth_mode && strcmp(p->tok.text, "password") == 0) {
		static const struct keyword pw = { "password", KW_AUTHVAL,
		    KC_OTHER, 0, AUTH_PASSWORD, NULL };

		p->kwd = &pw;
		p->tc = TC_KEYWORD;
		return (0);
	}
	if (auth_mode && strcmp(p->tok.text, "pass") == 0)
		return (0);
	if ((p->kwd = rc_lookup(p->tok.text, &p->kwbuf)) == NULL)
		return (0);
	p->tc = TC_KEYWORD;
	switch (p->kwd->kw) {
	case KW_USER:
	case KW_PASS:
	case KW_IS:
	case KW_TO:
		p->name_mode = 1;
		break;
	case KW_AUTH:
		p->auth_mode = 1;
		break;
	default:
		break;
	}
	return (0);
}

enum kw
rc_kw(struct parser *p)
{
	return (p->tc == TC_KEYWORD ? p->kwd->kw : KW_NONE);
}

/*
 * Is the current token usable as a string value here?  pullmail's own
 * keywords are plain words to fetchmail, so where a value must come they
 * are values ("folder mbox"); where a list may go on they end it.
 */
int
rc_at_string(struct parser *p)
{
	return (p->tc == TC_STRING ||
	    (p->tc == TC_KEYWORD && (p->kwd->flags & KF_EXT)));
}

int
rc_at_more(struct parser *p)
{
	return (p->tc == TC_STRING);
}

/* An unknown word where an option must be: say what it might have been. */
int
rc_unknown_option(struct parser *p, const char *expected)
{
	const struct keyword	*k;
	struct keyword		 buf;

	if (p->tc == TC_EOF)
		return (rc_error(p, "expected %s, found end of file",
		    expected));
	if (strncmp(p->tok.text, "no", 2) == 0 &&
	    (k = rc_lookup(p->tok.text + 2, &buf)) != NULL &&
	    (k->flags & KF_NEGATABLE))
		return (rc_error(p, "\"%s\" is not a keyword; write \"no %s\"",
		    p->tok.text, p->tok.text + 2));
	if (p->tc == TC_STRING)
		return (rc_error(p, "unknown option \"%s\"; expected %s",
		    p->tok.text, expected));
	return (rc_error(p, "unexpected \"%s\"; expected %s", p->tok.text,
	    expected));
}

int
rc_expected(struct parser *p, const char *what)
{
	if (p->tc == TC_KEYWORD)
		return (rc_error(p, "expected %s, found the keyword \"%s\" "
		    "(quote it if it is meant as a value)", what, rc_found(p)));
	if (p->tc == TC_NUMBER)
		return (rc_error(p, "expected %s, found the number %s (quote "
		    "it if it is meant as a name)", what, rc_found(p)));
	return (rc_error(p, "expected %s, found %s", what, rc_found(p)));
}

int
rc_take_string(struct parser *p, const char *what, char **out)
{
	if (!rc_at_string(p))
		return (rc_expected(p, what));
	free(*out);
	*out = xstrdup(p->tok.text);
	return (rc_advance(p));
}

/* A file name: relative ones are taken from the rcfile's directory. */
int
rc_take_path(struct parser *p, const char *what, char **out)
{
	char	*s = NULL;

	if (rc_take_string(p, what, &s) != 0)
		return (-1);
	free(*out);
	if (p->dir != NULL && *p->dir != '\0' && *s != '\0' && *s != '/' &&
	    strcmp(s, "-") != 0) {
		xasprintf(out, "%s%s%s", p->dir,
		    p->dir[strlen(p->dir) - 1] == '/' ? "" : "/", s);
		free(s);
	} else
		*out = s;
	return (0);
}

/*
 * fetchmail reads numbers with atoi: no range check, and a negative value
 * means "explicitly zero".  We refuse what is out of range instead.
 */
int
rc_take_number(struct parser *p, const char *what, long long min,
    long long max, int *out)
{
	const char	*errstr;
	long long	 v;

	if (p->tc != TC_NUMBER) {
		if (p->tc == TC_STRING && p->tok.kind == RC_T_STRING &&
		    rc_is_number(p->tok.text))
			return (rc_error(p, "expected %s (a number), found "
			    "the quoted string \"%s\"; remove the quotes",
			    what, p->tok.text));
		return (rc_error(p, "expected %s (a number), found %s", what,
		    rc_found(p)));
	}
	v = strtonum(p->tok.text, min, max, &errstr);
	if (errstr != NULL)
		return (rc_error(p, "%s %s is %s (allowed: %lld to %lld)",
		    what, p->tok.text, errstr, min, max));
	if (out != NULL)
		*out = (int)v;
	return (rc_advance(p));
}

/* One or more strings; appended, as fetchmail does for repeated lists. */
int
rc_take_list(struct parser *p, const char *what, struct strlist *l)
{
	if (!rc_at_string(p))
		return (rc_expected(p, what));
	do {
		strlist_add(l, p->tok.text);
		if (rc_advance(p) != 0)
			return (-1);
	} while (rc_at_more(p));
	return (0);
}

/* The value of an option without a syntax of its own, into rec. */
int
rc_value(struct parser *p, const struct opt *o, void *rec, int negated)
{
	switch (o->kind) {
	case OK_FLAG:
		*OPT_FIELD(rec, o, int) = !negated;
		return (0);
	case OK_INT:
		return (rc_take_number(p, o->what, o->min, o->max,
		    OPT_FIELD(rec, o, int)));
	case OK_STR:
	case OK_SECRET:
		return (rc_take_string(p, o->what, OPT_FIELD(rec, o, char *)));
	case OK_PATH:
		return (rc_take_path(p, o->what, OPT_FIELD(rec, o, char *)));
	case OK_LIST:
		return (rc_take_list(p, o->what,
		    OPT_FIELD(rec, o, struct strlist)));
	case OK_ENUM:
		break;
	}
	return (rc_error(p, "internal: option %s has no value parser",
	    o->name));
}
