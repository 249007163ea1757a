/*
 * imap_reply.c -- IMAP response lines, read without trusting them.
 *
 * Only the shapes pullmail needs are understood; anything else in a FETCH
 * is skipped by its syntax (atom, number, quoted string, list), so an
 * unexpected item cannot desynchronise the parse.
 */

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap_reply.h"

static const struct {
	const char	*name;
	enum imap_cond	 cond;
} imap_conds[] = {
	{ "OK",		IMAP_COND_OK },
	{ "NO",		IMAP_COND_NO },
	{ "BAD",	IMAP_COND_BAD },
	{ "PREAUTH",	IMAP_COND_PREAUTH },
	{ "BYE",	IMAP_COND_BYE },
};

/* Length of the atom at p (up to space, end, or a bracket/paren). */
static size_t
imap_atom_len(const char *p)
{
	size_t	n = 0;

	while (p[n] != '\0' && p[n] != ' ' && p[n] != '(' && p[n] != ')' &&
	    p[n] != '[' && p[n] != ']' && p[n] != '{')
		n++;
	return (n);
}

static long long
imap_trailing_literal(const char *line)
{
	const char	*end, *open, *errstr;
	char		 num[24];
	size_t		 n;
	long long	 v;

	n = strlen(line);
	if (n < 3 || line[n - 1] != '}')
		return (-1);
	end = line + n - 1;
	if (end[-1] == '+')		/* LITERAL+ form, from a client only */
		end--;
	for (open = end - 1; open > line && isdigit((unsigned char)*open);
	    open--)
		;
	if (*open != '{' || (n = end - open - 1) == 0 || n >= sizeof(num))
		return (-2);
	memcpy(num, open + 1, n);
	num[n] = '\0';
	v = strtonum(num, 0, LLONG_MAX, &errstr);
	if (errstr != NULL)
		return (-2);
	return (v);
}

int
imap_parse(const char *line, struct imap_resp *r, const char **errstr_r)
{
	const char	*p = line, *errstr;
	char		 num[16];
	size_t		 n, i;

	memset(r, 0, sizeof(*r));
	r->literal = -1;
	if (p[0] == '+' && (p[1] == ' ' || p[1] == '\0')) {
		r->kind = IMAP_CONTINUE;
		r->text = p[1] == '\0' ? p + 1 : p + 2;
		return (0);
	}
	if (p[0] == '*' && p[1] == ' ') {
		r->kind = IMAP_UNTAGGED;
		p += 2;
	} else {
		r->kind = IMAP_TAGGED;
		n = strcspn(p, " ");
		if (n == 0 || n >= sizeof(r->tag) || p[n] != ' ') {
			*errstr_r = "malformed response: no tag";
			return (-1);
		}
		memcpy(r->tag, p, n);
		r->tag[n] = '\0';
		p += n + 1;
	}
	if (r->kind == IMAP_UNTAGGED && isdigit((unsigned char)*p)) {
		n = strspn(p, "0123456789");
		if (n >= sizeof(num) || p[n] != ' ') {
			*errstr_r = "malformed response: bad message number";
			return (-1);
		}
		memcpy(num, p, n);
		num[n] = '\0';
		r->number = strtonum(num, 0, UINT32_MAX, &errstr);
		if (errstr != NULL) {
			*errstr_r = "message number out of range";
			return (-1);
		}
		r->has_number = 1;
		p += n + 1;
	}
	n = imap_atom_len(p);
	if (n == 0) {
		*errstr_r = "malformed response: no keyword";
		return (-1);
	}
	r->keyword = p;
	r->keyword_len = n;
	for (i = 0; i < sizeof(imap_conds) / sizeof(imap_conds[0]); i++) {
		if (strlen(imap_conds[i].name) == n &&
		    strncasecmp(p, imap_conds[i].name, n) == 0 &&
		    !r->has_number) {
			r->cond = imap_conds[i].cond;
			break;
		}
	}
	if (r->kind == IMAP_TAGGED && r->cond != IMAP_COND_OK &&
	    r->cond != IMAP_COND_NO && r->cond != IMAP_COND_BAD) {
		*errstr_r = "tagged response is not OK, NO or BAD";
		return (-1);
	}
	p += n;
	while (*p == ' ')
		p++;
	r->text = p;
	r->literal = imap_trailing_literal(line);
	if (r->literal == -2) {
		*errstr_r = "malformed literal size";
		return (-1);
	}
	return (0);
}

int
imap_is(const struct imap_resp *r, const char *keyword)
{
	return (r->kind == IMAP_UNTAGGED && r->keyword != NULL &&
	    strlen(keyword) == r->keyword_len &&
	    strncasecmp(r->keyword, keyword, r->keyword_len) == 0);
}

int
imap_caps(const char *list)
{
	static const struct {
		const char	*name;
		int		 bit;
	} caps[] = {
		{ "IMAP4rev1",		IMAP_CAP_IMAP4REV1 },
		{ "STARTTLS",		IMAP_CAP_STARTTLS },
		{ "LOGINDISABLED",	IMAP_CAP_LOGINDISABLED },
		{ "UIDPLUS",		IMAP_CAP_UIDPLUS },
		{ "IDLE",		IMAP_CAP_IDLE },
		{ "SASL-IR",		IMAP_CAP_SASL_IR },
		{ "AUTH=PLAIN",		IMAP_CAP_AUTH_PLAIN },
		{ "LITERAL+",		IMAP_CAP_LITERALPLUS },
		{ "AUTH=EXTERNAL",	IMAP_CAP_AUTH_EXTERNAL },
	};
	const char	*p = list;
	size_t		 n, i;
	int		 bits = 0;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == ']')
			break;
		n = strcspn(p, " ]");
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			if (strlen(caps[i].name) == n &&
			    strncasecmp(p, caps[i].name, n) == 0)
				bits |= caps[i].bit;
		}
		p += n;
	}
	return (bits);
}

const char *
imap_resp_code(const char *text, const char *name, size_t *len_r)
{
	size_t		 n = strlen(name);
	const char	*p, *end;

	if (text[0] != '[' || strncasecmp(text + 1, name, n) != 0 ||
	    (text[1 + n] != ' ' && text[1 + n] != ']'))
		return (NULL);
	p = text + 1 + n;
	while (*p == ' ')
		p++;
	if ((end = strchr(p, ']')) == NULL)
		return (NULL);
	*len_r = end - p;
	return (p);
}

int
imap_next_number(const char **pp, uint32_t *n_r)
{
	const char	*p = *pp;
	unsigned long	 v = 0;
	size_t		 digits = 0;

	while (*p == ' ')
		p++;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p - '0');
		if (v > UINT32_MAX)
			return (-1);
		p++;
		digits++;
	}
	if (digits == 0)
		return (-1);
	*n_r = (uint32_t)v;
	*pp = p;
	return (0);
}

/* Skip one value: atom, number, NIL, quoted string or (nested) list. */
static const char *
imap_skip_value(const char *p)
{
	int	depth = 0;

	do {
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return (NULL);
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			p++;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			if (depth == 0)
				return (NULL);
			depth--;
			p++;
		} else if (*p == ' ') {
			p++;
		} else if (*p == '\0') {
			return (NULL);
		} else {
			while (*p != '\0' && *p != ' ' && *p != '(' &&
			    *p != ')' && *p != '"')
				p++;
		}
	} while (depth > 0);
	return (p);
}

int
imap_parse_fetch(const char *text, struct imap_fetch *f,
    const char **errstr_r)
{
	const char	*p = text, *errstr;
	char		 num[24];
	size_t		 n;

	memset(f, 0, sizeof(*f));
	if (*p != '(') {
		*errstr_r = "FETCH data does not start with (";
		return (-1);
	}
	p++;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == ')' || *p == '\0')
			return (0);
		n = strcspn(p, " [");
		if (n == 3 && strncasecmp(p, "UID", 3) == 0) {
			p += n;
			if (imap_next_number(&p, &f->uid) != 0 || f->uid == 0) {
				*errstr_r = "FETCH UID is not a valid number";
				return (-1);
			}
			f->has_uid = 1;
		} else if (n == 11 && strncasecmp(p, "RFC822.SIZE", 11) == 0) {
			p += n;
			while (*p == ' ')
				p++;
			n = strspn(p, "0123456789");
			if (n == 0 || n >= sizeof(num)) {
				*errstr_r = "RFC822.SIZE is not a number";
				return (-1);
			}
			memcpy(num, p, n);
			num[n] = '\0';
			f->size = strtonum(num, 0, LLONG_MAX, &errstr);
			if (errstr != NULL) {
				*errstr_r = "RFC822.SIZE out of range";
				return (-1);
			}
			f->has_size = 1;
			p += n;
		} else if (strncasecmp(p, "BODY[]", 6) == 0) {
			p += 6;
			while (*p == ' ')
				p++;
			if (*p != '{') {
				*errstr_r = "BODY[] is not a literal";
				return (-1);
			}
			/* The literal ends the line; the caller reads it. */
			f->has_body = 1;
			return (0);
		} else {
			p += n;
			if (*p == '[') {		/* BODY[HEADER] etc. */
				if ((p = strchr(p, ']')) == NULL) {
					*errstr_r = "unterminated section";
					return (-1);
				}
				p++;
			}
			while (*p == ' ')
				p++;
			if (*p == '{')
				return (0);	/* a literal we did not ask for */
			if ((p = imap_skip_value(p)) == NULL) {
				*errstr_r = "malformed FETCH item";
				return (-1);
			}
		}
	}
}
