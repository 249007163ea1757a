/*
 * mboxrd.c -- mboxrd "From " quoting (mboxrd.h).
 *
 * The '>' of a prefix are written as they come: they are all alike, so
 * the extra one can go just before "From " once the match is certain.
 * Only up to four bytes of a possible "From " are ever held.
 */

#include <string.h>

#include "mboxrd.h"

static const char	from[] = "From ";

void
mboxrd_init(struct mboxrd *q)
{
	memset(q, 0, sizeof(*q));
}

static size_t
put(struct mboxrd *q, char *out, size_t o, const char *p, size_t n)
{
	if (n > 0) {
		memcpy(out + o, p, n);
		q->last = p[n - 1];
		q->wrote = 1;
	}
	return (o + n);
}

size_t
mboxrd_quote(struct mboxrd *q, const char *in, size_t len, char *out)
{
	size_t	i, o = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (q->matched > 0) {
			if (c == from[q->matched]) {
				if (++q->matched == sizeof(from) - 1) {
					o = put(q, out, o, ">", 1);
					o = put(q, out, o, from, q->matched);
					q->matched = 0;
					q->mid = 1;
				}
				continue;
			}
			/* Not "From " after all: let the held bytes out. */
			o = put(q, out, o, from, q->matched);
			q->matched = 0;
			q->mid = 1;
		} else if (!q->mid) {
			if (c == '>') {
				o = put(q, out, o, &c, 1);
				continue;
			}
			if (c == 'F') {
				q->matched = 1;
				continue;
			}
		}
		o = put(q, out, o, &c, 1);
		q->mid = c != '\n';
	}
	return (o);
}

size_t
mboxrd_end(struct mboxrd *q, char *out)
{
	size_t	o;

	o = put(q, out, 0, from, q->matched);
	q->matched = 0;
	/* A message may end in a NUL: "last" alone cannot say "none". */
	if (q->wrote && q->last != '\n')
		o = put(q, out, o, "\n", 1);
	o = put(q, out, o, "\n", 1);
	q->mid = 0;
	return (o);
}
