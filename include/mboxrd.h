/*
 * mboxrd.h -- "From " quoting for mbox files, the mboxrd way: a line
 * that starts with any number of '>' and then "From " gets one more '>',
 * so a reader can undo it exactly.  Pure and streaming: input may be cut
 * anywhere.  Input has LF line ends.
 */

#ifndef PM_MBOXRD_H
#define PM_MBOXRD_H

#include <stddef.h>

struct mboxrd {
	int	mid;		/* inside a line, not at its '>' prefix */
	size_t	matched;	/* bytes of "From " held back */
	int	wrote;		/* anything written yet */
	char	last;		/* last byte written */
};

/*
 * The most mboxrd_quote can write for len bytes of input: up to four bytes
 * held back by the previous call, plus one '>' per "From " line, and a
 * line needs at least six bytes ("\nFrom ") before it can earn another.
 */
#define MBOXRD_OUT_MAX(len)	((len) + (len) / 5 + 8)

void	mboxrd_init(struct mboxrd *);
/* out needs MBOXRD_OUT_MAX(len) bytes. */
size_t	mboxrd_quote(struct mboxrd *, const char *in, size_t len, char *out);
/*
 * End of message: what was held back, then line ends so the message
 * finishes with an empty line (the separator before the next "From ").
 * out needs MBOXRD_END_MAX bytes.
 */
#define MBOXRD_END_MAX	8
size_t	mboxrd_end(struct mboxrd *, char *out);

#endif
