/*
 * rc_lex.c -- split an rcfile into words, strings and "=".
 *
 * fetchmail's lexer takes the longest match, so a quote glued to other
 * text ("abc"def) is part of one unquoted word; we do the same, because a
 * file must mean what it meant to fetchmail.  Unlike fetchmail we count
 * lines inside quoted strings, so positions after them are right.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "rc_lex.h"
#include "xmalloc.h"

void
rc_lex_init(struct rc_lexer *lx, const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

void
rc_lex_free(struct rc_lexer *lx)
{
	free(lx->text);
	lx->text = NULL;
}

static void
rc_advance(struct rc_lexer *lx, size_t n)
{
	while (n-- > 0 && lx->pos < lx->len) {
		if (lx->buf[lx->pos] == '\n') {
			lx->line++;
			lx->col = 1;
		} else
			lx->col++;
		lx->pos++;
	}
}

static int
rc_is_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* Characters that end an unquoted word. */
static int
rc_is_break(char c)
{
	return (rc_is_space(c) || c == ',' || c == ';' || c == ':' ||
	    c == '=');
}

static int
rc_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

size_t
rc_unescape(const char *in, size_t len, char *out)
{
	size_t	i = 0, o = 0, k;
	int	v, d;

	while (i < len) {
		if (in[i] != '\\') {
			out[o++] = in[i++];
			continue;
		}
		if (++i == len)
			break;			/* a trailing backslash is dropped */
		switch (in[i]) {
		case 'n':
			out[o++] = '\n';
			i++;
			break;
		case 't':
			out[o++] = '\t';
			i++;
			break;
		case 'r':
			out[o++] = '\r';
			i++;
			break;
		case 'b':
			out[o++] = '\b';
			i++;
			break;
		case '\n':
			i++;			/* backslash-newline vanishes */
			break;
		case 'x':
		case 'X':
			i++;
			v = 0;
			for (k = 0; k < 2 && i < len &&
			    (d = rc_hex(in[i])) != -1; k++, i++)
				v = v * 16 + d;
			out[o++] = (char)v;
			break;
		case '0':
			/* \0OO: octal, the 0 counts toward three digits. */
			v = 0;
			for (k = 0; k < 3 && i < len && in[i] >= '0' &&
			    in[i] <= '7'; k++, i++)
				v = v * 8 + (in[i] - '0');
			out[o++] = (char)v;
			break;
		default:
			if (isdigit((unsigned char)in[i])) {
				/* \DDD is decimal in fetchmail, not octal. */
				v = 0;
				for (k = 0; k < 3 && i < len &&
				    isdigit((unsigned char)in[i]); k++, i++)
					v = v * 10 + (in[i] - '0');
				out[o++] = (char)v;
			} else
				out[o++] = in[i++];
			break;
		}
	}
	out[o] = '\0';
	return (strlen(out));		/* a NUL byte ends the string */
}

int
rc_lex_next(struct rc_lexer *lx, struct rc_token *t, char **cause)
{
	const char	*p;
	size_t		 left, wlen, qlen;
	char		 q;
	int		 quoted;

	free(lx->text);
	lx->text = NULL;
	memset(t, 0, sizeof(*t));
	for (;;) {
		if (lx->pos >= lx->len) {
			t->kind = RC_T_EOF;
			t->line = lx->line;
			t->col = lx->col;
			return (0);
		}
		p = lx->buf + lx->pos;
		if (rc_is_space(*p) || *p == ',' || *p == ';' || *p == ':') {
			rc_advance(lx, 1);
			continue;
		}
		if (*p == '\\' && lx->pos + 1 < lx->len && p[1] == '\n') {
			rc_advance(lx, 2);	/* continuation between tokens */
			continue;
		}
		if (*p == '#') {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				rc_advance(lx, 1);
			continue;
		}
		break;
	}
	t->line = lx->line;
	t->col = lx->col;
	left = lx->len - lx->pos;
	if (*p == '=') {
		t->kind = RC_T_EQUALS;
		lx->text = xstrdup("=");
		t->text = lx->text;
		t->len = 1;
		rc_advance(lx, 1);
		return (0);
	}

	/* Longest match between a quoted string and an unquoted word. */
	for (wlen = 0; wlen < left && !rc_is_break(p[wlen]); wlen++)
		;
	qlen = 0;
	if (*p == '"' || *p == '\'') {
		q = *p;
		for (qlen = 1; qlen < left && p[qlen] != q; qlen++)
			;
		qlen = qlen < left ? qlen + 1 : 0;	/* 0: unterminated */
	}
	quoted = qlen != 0 && qlen >= wlen;
	if (!quoted && wlen == 0)
		wlen = 1;			/* cannot happen; be safe */
	if ((quoted ? qlen : wlen) > PM_RC_TOKEN_MAX) {
		xasprintf(cause, "%d:%d: token longer than %d bytes",
		    t->line, t->col, PM_RC_TOKEN_MAX);
		return (-1);
	}
	if (quoted) {
		lx->text = xmalloc(qlen);
		t->len = rc_unescape(p + 1, qlen - 2, lx->text);
		t->kind = RC_T_STRING;
		rc_advance(lx, qlen);
	} else {
		lx->text = xmalloc(wlen + 1);
		t->len = rc_unescape(p, wlen, lx->text);
		t->kind = RC_T_WORD;
		if (memchr(p, '"', wlen) != NULL ||
		    memchr(p, '\'', wlen) != NULL)
			t->quote_in_word = (*p == '"' || *p == '\'') &&
			    qlen == 0 ? RC_Q_UNTERMINATED : RC_Q_GLUED;
		rc_advance(lx, wlen);
	}
	t->text = lx->text;
	return (0);
}
