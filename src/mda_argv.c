/*
 * mda_argv.c -- the MDA's argument vector (mda_argv.h).
 *
 * The shell path passes values as positional parameters: splicing them
 * into the script, even single-quoted, broke as soon as the user's own
 * quotes stood around %F ('%F' left the value bare; "%F" let $(...) run).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mda_argv.h"
#include "xmalloc.h"

enum mda_token {
	MDA_TEXT,
	MDA_SENDER,		/* %F */
	MDA_RCPTS,		/* %T, or a legacy %s */
};

static void
mda_args_add(struct mda_args *av, char *s)
{
	av->v = xreallocarray(av->v, av->n + 2, sizeof(*av->v));
	av->v[av->n++] = s;
	av->v[av->n] = NULL;
}

void
mda_args_free(struct mda_args *av)
{
	size_t	i;

	for (i = 0; i < av->n; i++)
		free(av->v[i]);
	free(av->v);
	av->v = NULL;
	av->n = 0;
}

int
mda_needs_shell(const char *cmd)
{
	return (strpbrk(cmd, "|&;<>()$`\\\"'*?[#~=\n") != NULL);
}

/*
 * fetchmail's legacy "%s" means %T, but fetchmail also clobbers the %s
 * of a printf inside the command.  Here it counts only as a word of its
 * own.
 */
static int
mda_legacy_s(const char *cmd, const char *p)
{
	return (p[1] == 's' && (p == cmd || p[-1] == ' ' || p[-1] == '\t') &&
	    (p[2] == '\0' || p[2] == ' ' || p[2] == '\t' || p[2] == ';' ||
	    p[2] == '|'));
}

static enum mda_token
mda_token_at(const char *cmd, const char *p)
{
	if (p[0] != '%')
		return (MDA_TEXT);
	if (p[1] == 'F')
		return (MDA_SENDER);
	if (p[1] == 'T' || mda_legacy_s(cmd, p))
		return (MDA_RCPTS);
	return (MDA_TEXT);
}

/* Does cmd hold a %F, %T or legacy %s at all? */
static int
mda_has_token(const char *cmd)
{
	const char	*p;

	for (p = cmd; *p != '\0'; p++) {
		if (mda_token_at(cmd, p) != MDA_TEXT)
			return (1);
	}
	return (0);
}

/* Could a '#' at p start a comment (the start of a shell word)? */
static int
mda_word_start(const char *cmd, const char *p)
{
	return (p == cmd || strchr(" \t\n;&|()", p[-1]) != NULL);
}

int
mda_check(const char *cmd, char **cause)
{
	const char	*p;
	char		 quote = 0;
	int		 escaped = 0;

	if (!mda_needs_shell(cmd) || !mda_has_token(cmd))
		return (0);
	/*
	 * The scan below knows quotes, backslashes and comments: all of
	 * the shell language in which it can tell for sure whether a %F
	 * would stand inside quotes.  Nested commands, parameter
	 * expansions, $'...' and here-documents open quoting contexts of
	 * their own, so a command with a %F or %T may not have them.
	 */
	if (strstr(cmd, "$(") != NULL || strchr(cmd, '`') != NULL ||
	    strstr(cmd, "${") != NULL || strstr(cmd, "$'") != NULL ||
	    strstr(cmd, "<<") != NULL) {
		xasprintf(cause, "mda \"%s\": with %%F or %%T, the command may "
		    "not use $(...), `...`, ${...}, $'...' or a here-document, "
		    "inside which pullmail cannot tell how the shell would "
		    "quote them; put that part in a script and pass %%F and %%T "
		    "to it as arguments", cmd);
		return (-1);
	}
	for (p = cmd; *p != '\0'; p++) {
		if (escaped) {
			escaped = 0;
			if (mda_token_at(cmd, p) == MDA_TEXT)
				continue;
			goto bad;
		}
		if (quote != 0 && *p == quote) {
			quote = 0;
			continue;
		}
		if (quote != '\'' && *p == '\\') {
			escaped = 1;
			continue;
		}
		if (quote == 0 && (*p == '\'' || *p == '"')) {
			quote = *p;
			continue;
		}
		if (quote == 0 && *p == '#' && mda_word_start(cmd, p)) {
			/* A comment, to the end of its line. */
			while (p[1] != '\0' && p[1] != '\n')
				p++;
			continue;
		}
		if (mda_token_at(cmd, p) != MDA_TEXT) {
			if (quote != 0)
				goto bad;
			p++;
		}
	}
	return (0);

bad:
	xasprintf(cause, "mda \"%s\": %%%c inside quotes (or after a "
	    "backslash) would let the shell read part of a sender's or "
	    "recipient's address; write %%%c bare: pullmail passes it as one "
	    "argument whatever it holds", cmd, p[1], p[1]);
	return (-1);
}

/* The script's reference to positional parameter i: "${i}". */
static void
mda_put_param(FILE *f, size_t i)
{
	fprintf(f, "\"${%zu}\"", i);
}

static void
mda_build_shell(struct mda_args *av, const char *cmd, const char *from,
    char *const *rcpts, size_t nrcpts)
{
	const char	*p;
	FILE		*f;
	char		*script;
	size_t		 len, i;

	if ((f = open_memstream(&script, &len)) == NULL)
		abort();
	for (p = cmd; *p != '\0'; p++) {
		switch (mda_token_at(cmd, p)) {
		case MDA_SENDER:
			mda_put_param(f, 1);
			p++;
			break;
		case MDA_RCPTS:
			for (i = 0; i < nrcpts; i++) {
				if (i > 0)
					fputc(' ', f);
				mda_put_param(f, i + 2);
			}
			p++;
			break;
		case MDA_TEXT:
			fputc(*p, f);
			break;
		}
	}
	if (fclose(f) != 0)
		abort();
	mda_args_add(av, xstrdup("/bin/sh"));
	mda_args_add(av, xstrdup("-c"));
	mda_args_add(av, script);
	mda_args_add(av, xstrdup("sh"));	/* $0 */
	mda_args_add(av, xstrdup(from));
	for (i = 0; i < nrcpts; i++)
		mda_args_add(av, xstrdup(rcpts[i]));
}

/* word with each %F as from and each %T as rcpt (if not NULL). */
static char *
mda_expand(const char *word, const char *from, const char *rcpt)
{
	const char	*p;
	FILE		*f;
	char		*out;
	size_t		 len;

	if ((f = open_memstream(&out, &len)) == NULL)
		abort();
	for (p = word; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'F') {
			fputs(from, f);
			p++;
		} else if (p[0] == '%' && p[1] == 'T' && rcpt != NULL) {
			fputs(rcpt, f);
			p++;
		} else
			fputc(*p, f);
	}
	if (fclose(f) != 0)
		abort();
	return (out);
}

void
mda_args_build(struct mda_args *av, const char *cmd, const char *from,
    char *const *rcpts, size_t nrcpts)
{
	const char	*p, *start;
	char		*word;
	size_t		 i;

	av->v = NULL;
	av->n = 0;
	if (mda_needs_shell(cmd)) {
		mda_build_shell(av, cmd, from, rcpts, nrcpts);
		return;
	}
	for (p = cmd; *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		word = xstrndup(start, p - start);
		if (strcmp(word, "%s") == 0) {
			for (i = 0; i < nrcpts; i++)
				mda_args_add(av, xstrdup(rcpts[i]));
		} else if (strstr(word, "%T") != NULL) {
			/* "%T", or "-d%T": the word once per recipient. */
			for (i = 0; i < nrcpts; i++)
				mda_args_add(av, mda_expand(word, from,
				    rcpts[i]));
		} else
			mda_args_add(av, mda_expand(word, from, NULL));
		free(word);
	}
}
