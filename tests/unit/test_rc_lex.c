/* test_rc_lex.c -- the rcfile lexer, whole and one byte at a time. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "rc_lex.h"
#include "tap.h"
#include "xmalloc.h"

/* All tokens of in as "kind:text" joined by "|". */
static char *
lex_all(const char *in, size_t len)
{
	struct rc_lexer	 lx;
	struct rc_token	 t;
	char		*cause, *out = xstrdup(""), *tmp;

	rc_lex_init(&lx, in, len);
	for (;;) {
		if (rc_lex_next(&lx, &t, &cause) != 0) {
			xasprintf(&tmp, "%sERR(%s)", out, cause);
			free(cause);
			free(out);
			out = tmp;
			break;
		}
		if (t.kind == RC_T_EOF)
			break;
		xasprintf(&tmp, "%s%s%c:%s", out, *out ? "|" : "",
		    "EWS="[t.kind], t.text);
		free(out);
		out = tmp;
	}
	rc_lex_free(&lx);
	return (out);
}

int
main(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "poll x", "W:poll|W:x" },
		{ "a,b;c:d", "W:a|W:b|W:c|W:d" },
		{ "set idfile=ids", "W:set|W:idfile|=:=|W:ids" },
		{ "# comment\npoll", "W:poll" },
		{ "in#box", "W:in#box" },
		{ "\"a b\" 'c\"d'", "S:a b|S:c\"d" },
		{ "\"abc\"def", "W:\"abc\"def" },
		{ "\"multi\nline\"", "S:multi\nline" },
		{ "\"x\\ty\"", "S:x\ty" },
		{ "\\65\\x41\\0101", "W:AA\b1" },
		{ "pass y\\", "W:pass|W:y" },
		{ "a \\\n b", "W:a|W:b" },
		{ "\"unterminated", "W:\"unterminated" },
		{ "\"\"", "S:" },
		{ "a\x0c" "b", "W:a\x0c" "b" },
	};
	struct rc_lexer	 lx;
	struct rc_token	 t;
	char		*got, *cause, *big;
	size_t		 i;

	plan(nitems(cases) + 8);
	for (i = 0; i < nitems(cases); i++) {
		got = lex_all(cases[i].in, strlen(cases[i].in));
		is_str(got, cases[i].want, "lex %zu", i);
		free(got);
	}

	/* Positions, also after a multi-line string. */
	rc_lex_init(&lx, "\"a\nb\" x", 7);
	rc_lex_next(&lx, &t, &cause);
	rc_lex_next(&lx, &t, &cause);
	ok(t.line == 2 && t.col == 4, "line:col after a multi-line string "
	    "(%d:%d)", t.line, t.col);
	rc_lex_free(&lx);

	/* A token of exactly the limit, and one byte over. */
	big = xmalloc(PM_RC_TOKEN_MAX + 2);
	memset(big, 'w', PM_RC_TOKEN_MAX + 1);
	big[PM_RC_TOKEN_MAX + 1] = '\0';
	got = lex_all(big, PM_RC_TOKEN_MAX);
	ok(strlen(got) == PM_RC_TOKEN_MAX + 2, "token of the limit accepted");
	free(got);
	got = lex_all(big, PM_RC_TOKEN_MAX + 1);
	is_str(got, "ERR(1:1: token longer than 8192 bytes)",
	    "token over the limit refused");
	free(got);
	free(big);

	/*
	 * The lexer works on a whole buffer, so "one byte at a time" means
	 * every prefix: each must lex to an error-free token list, and the
	 * full length must give exactly the expected tokens.
	 */
	{
		const char *f = "poll \"a\\\"b\" user 'x' pass \\x4";
		size_t	    n;
		int	    clean = 1;

		for (n = 0; n < strlen(f); n++) {
			got = lex_all(f, n);
			clean &= strstr(got, "ERR(") == NULL;
			free(got);
		}
		ok(clean, "every prefix of a file lexes without error");
		got = lex_all(f, strlen(f));
		is_str(got, "W:poll|W:\"a\"b\"|W:user|S:x|W:pass|W:\x04",
		    "the whole file (longest match: the quoted part is a word)");
		free(got);
	}
	/*
	 * Byte by byte on text without quotes (a cut inside a quote changes
	 * what the quote means): for every prefix, all tokens but the last
	 * are the whole text's first tokens.
	 */
	{
		const char *f = "set daemon 300 # poll\npoll a.b, with\\\n"
		    "proto:imap;user=x\\x41y \\\\z\r\n#end";
		char	   *whole = lex_all(f, strlen(f)), *cut;
		size_t	    n;
		int	    stable = 1;

		for (n = 1; n <= strlen(f); n++) {
			got = lex_all(f, n);
			if ((cut = strrchr(got, '|')) != NULL) {
				*cut = '\0';
				stable &= strncmp(whole, got, strlen(got)) == 0 &&
				    whole[strlen(got)] == '|';
			}
			free(got);
		}
		ok(stable, "each prefix agrees with the whole text");
		is_str(whole, "W:set|W:daemon|W:300|W:poll|W:a.b|W:with|"
		    "W:proto|W:imap|W:user|=:=|W:xAy|W:\\z",
		    "comments, continuation, punctuation, escapes");
		free(whole);
	}
	got = lex_all("a\0b", 3);
	is_str(got, "W:a", "a NUL byte ends the word's text");
	free(got);
	return (done_testing());
}
