/*
 * msgset.c -- a growable array of message descriptions, and the UID
 * lists SEARCH answers with.
 */

#include <stdlib.h>
#include <string.h>

#include "msgset.h"
#include "xmalloc.h"

/* UIDL bytes live in blocks that never move: v[i].uidl stays valid. */
#define MSGSET_BLOCK	65536

struct msgset_block {
	struct msgset_block	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

void
msgset_reserve(struct msgset *ms, size_t n)
{
	if (n <= ms->cap)
		return;
	ms->cap = n;
	ms->v = xreallocarray(ms->v, ms->cap, sizeof(*ms->v));
}

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

int
msgset_set_uidl(struct msgset *ms, size_t i, const char *uidl)
{
	struct msgset_block	*b = ms->strings;
	size_t			 len = strlen(uidl) + 1, size;

	if (len > PM_UIDL_BYTES_MAX - ms->string_bytes)
		return (-1);
	if (b == NULL || b->size - b->used < len) {
		size = len > MSGSET_BLOCK ? len : MSGSET_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->next = ms->strings;
		b->used = 0;
		b->size = size;
		ms->strings = b;
	}
	memcpy(b->data + b->used, uidl, len);
	ms->v[i].uidl = b->data + b->used;
	b->used += len;
	ms->string_bytes += len;
	return (0);
}

void
msgset_clear(struct msgset *ms)
{
	struct msgset_block	*b, *next;

	for (b = ms->strings; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

static void
uidlist_unique(struct uidlist *l)
{
	size_t	i, j;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), uid_cmp);
	for (i = j = 1; i < l->n; i++) {
		if (l->v[i] != l->v[j - 1])
			l->v[j++] = l->v[i];
	}
	l->n = j;
}

int
uidlist_add(struct uidlist *l, uint32_t uid, size_t max)
{
	if (l->n == l->cap) {
		/*
		 * Full: drop the duplicates first, and grow only when at
		 * least half of it is different UIDs.  The array never
		 * holds much more than twice the UIDs that differ.
		 */
		uidlist_unique(l);
		if (l->n > max)
			return (-1);
		if (l->cap == 0 || l->n >= l->cap / 2) {
			l->cap = l->cap == 0 ? 64 : l->cap * 2;
			l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		}
	}
	l->v[l->n++] = uid;
	return (0);
}

int
uidlist_finish(struct uidlist *l, size_t max)
{
	uidlist_unique(l);
	return (l->n > max ? -1 : 0);
}

void
uidlist_clear(struct uidlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
