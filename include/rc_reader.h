/*
 * rc_reader.h -- the rcfile parser's state and reader (rc_reader.c),
 * shared by the grammar (rc_parse.c); not for other modules.
 */

#ifndef PM_RC_READER_H
#define PM_RC_READER_H

#include "optable.h"
#include "rc_keywords.h"
#include "rc_lex.h"
#include "rc_parse.h"

enum tok_class {
	TC_EOF,
	TC_STRING,		/* quoted, name mode, or an unknown word */
	TC_NUMBER,		/* -?[0-9]+ */
	TC_MAP,			/* "=" */
	TC_KEYWORD,
};

struct parser {
	const char	*file;
	const char	*dir;
	struct rc_lexer	 lx;
	struct rc_token	 tok;
	enum tok_class	 tc;
	const struct keyword *kwd;	/* set when tc is TC_KEYWORD */
	struct keyword	 kwbuf;		/* an option's keyword */
	const struct keyword *ext;	/* a pullmail word seen as a string */
	int		 name_mode;	/* next word is a string, whatever */
	int		 auth_mode;	/* next "password" is an auth type */
	char		*cause;
	struct config	*cfg;
	struct account	*defaults;
	int		 nentries;
};

int	rc_error(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	rc_warn(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* How the current token is shown in a message. */
const char *rc_found(struct parser *);
/*
 * Read the next token and classify it as fetchmail's lexer would (name
 * mode after user/pass/is/to/=, auth mode after auth).
 */
int	rc_advance(struct parser *);
/* The current keyword, or KW_NONE. */
enum kw	rc_kw(struct parser *);
/* Is the current token a string value here; may a list go on? */
int	rc_at_string(struct parser *);
int	rc_at_more(struct parser *);
/* Messages for an unknown option and for a wrong token. */
int	rc_unknown_option(struct parser *, const char *expected);
int	rc_expected(struct parser *, const char *what);
/* Values: *out replaced, or l appended to; then the next token. */
int	rc_take_string(struct parser *, const char *what, char **out);
int	rc_take_path(struct parser *, const char *what, char **out);
int	rc_take_number(struct parser *, const char *what, long long min,
	    long long max, int *out);
int	rc_take_list(struct parser *, const char *what, struct strlist *l);
/* The value of an option of a plain kind, into rec. */
int	rc_value(struct parser *, const struct opt *, void *rec, int negated);

#endif
