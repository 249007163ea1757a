/*
 * msgset.c -- a growable array of message descriptions.
 */

#include <stdlib.h>
#include <string.h>

#include "msgset.h"
#include "xmalloc.h"

void
msgset_add(struct msgset *ms, const struct msg *m)
{
	if (ms->n == ms->cap) {
		/* Grow by doubling; the server's count is only a hint. */
		ms->cap = ms->cap == 0 ? 64 : ms->cap * 2;
		ms->v = xreallocarray(ms->v, ms->cap, sizeof(*ms->v));
	}
	ms->v[ms->n++] = *m;
}

void
msgset_clear(struct msgset *ms)
{
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}
