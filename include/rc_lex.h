/*
 * rc_lex.h -- tokens of fetchmail's rcfile syntax.
 *
 * Pure: the caller supplies the whole file in memory.  The lexer does not
 * know keywords; rc_parse.c decides what a word means, because the same
 * word is a keyword in one place and a name in another.
 */

#ifndef PM_RC_LEX_H
#define PM_RC_LEX_H

#include <stddef.h>

enum rc_token_kind {
	RC_T_EOF,
	RC_T_WORD,		/* unquoted */
	RC_T_STRING,		/* quoted with " or ' */
	RC_T_EQUALS,
};

/*
 * A quote inside an unquoted word: fetchmail keeps it as data, which is
 * rarely what the author meant, so the parser warns.
 */
enum rc_quote_in_word {
	RC_Q_NONE,
	RC_Q_GLUED,		/* "abc"def or x"y" */
	RC_Q_UNTERMINATED,	/* "abc with no closing quote in the file */
};

struct rc_token {
	enum rc_token_kind	 kind;
	char			*text;	/* escapes applied; owned by the lexer */
	size_t			 len;
	int			 line;	/* 1-based position of its first byte */
	int			 col;
	enum rc_quote_in_word	 quote_in_word;
};

struct rc_lexer {
	const char	*buf;
	size_t		 len;
	size_t		 pos;
	int		 line;
	int		 col;
	char		*text;		/* the current token's text */
};

void	rc_lex_init(struct rc_lexer *, const char *buf, size_t len);
void	rc_lex_free(struct rc_lexer *);
/*
 * The next token; its text stays valid until the next call.  Returns -1
 * with *cause set ("line:col: ...") for a token over PM_RC_TOKEN_MAX.
 */
int	rc_lex_next(struct rc_lexer *, struct rc_token *, char **cause);
/* Apply fetchmail's escapes to in[0..len) into out (len + 1 bytes). */
size_t	rc_unescape(const char *in, size_t len, char *out);

#endif
