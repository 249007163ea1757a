/*
 * uidset.c -- a set of delivered UIDs and the journal format (uidset.h).
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "log.h"
#include "uidset.h"
#include "xmalloc.h"

/*
 * The set is built for folders of any size without trusting the server:
 * a sorted array of 8-byte entries whose UIDs live in one arena, plus a
 * short sorted array of recent insertions merged in when it fills.
 * Lookups are binary searches (no hashing a server could flood), memory
 * is about 8 bytes plus the UID per entry, and a journal replayed in
 * order appends at the end.  Order: shorter UIDs first, then bytewise,
 * so IMAP's numeric UIDs sort as numbers.
 */
#define UIDSET_PENDING	4096	/* insertions held before a merge */

struct uident {
	uint32_t	off;		/* the UID's bytes in the arena */
	uint16_t	len;
	uint8_t		state;		/* enum uid_state; UID_NONE: removed */
	uint8_t		marked;
};

struct uidset {
	char		*arena;
	size_t		 arena_len, arena_cap;
	size_t		 arena_dead;	/* bytes of removed entries */
	struct uident	*v;		/* sorted */
	size_t		 n, cap;
	struct uident	 pend[UIDSET_PENDING];	/* sorted, newer */
	size_t		 npend;
	size_t		 live;		/* entries not removed */
	size_t		 removed;
};

static int
uident_cmp(const struct uidset *s, const struct uident *e, const char *uid,
    size_t len)
{
	if (e->len != len)
		return (e->len < len ? -1 : 1);
	return (memcmp(s->arena + e->off, uid, len));
}

/* Index of uid in a[0..n), or of where it would go (*found 0). */
static size_t
uidset_search(const struct uidset *s, const struct uident *a, size_t n,
    const char *uid, size_t len, int *found)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = uident_cmp(s, &a[mid], uid, len)) == 0) {
			*found = 1;
			return (mid);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static struct uident *
uidset_find(const struct uidset *s, const char *uid)
{
	size_t	len = strlen(uid), i;
	int	found;

	if (len >= PM_UID_MAX)
		return (NULL);
	i = uidset_search(s, s->v, s->n, uid, len, &found);
	if (found)
		return ((struct uident *)&s->v[i]);
	i = uidset_search(s, s->pend, s->npend, uid, len, &found);
	if (found)
		return ((struct uident *)&s->pend[i]);
	return (NULL);
}

struct uidset *
uidset_new(void)
{
	return (xcalloc(1, sizeof(struct uidset)));
}

void
uidset_clear(struct uidset *s)
{
	free(s->arena);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void
uidset_free(struct uidset *s)
{
	if (s == NULL)
		return;
	uidset_clear(s);
	free(s);
}

/* Merge the pending entries in, dropping removed ones and dead bytes. */
static void
uidset_merge(struct uidset *s)
{
	struct uident	*out, *a = s->v, *b = s->pend;
	size_t		 i = 0, j = 0, k = 0, need = s->live;
	char		*arena = NULL;
	size_t		 alen = 0;
	int		 repack = s->arena_dead > s->arena_len / 2;

	out = xreallocarray(NULL, need > 0 ? need : 1, sizeof(*out));
	if (repack)
		arena = xmalloc(s->arena_len - s->arena_dead + 1);
	while (i < s->n || j < s->npend) {
		const struct uident *e;

		if (j == s->npend || (i < s->n && uident_cmp(s, &a[i],
		    s->arena + b[j].off, b[j].len) < 0))
			e = &a[i++];
		else
			e = &b[j++];
		if (e->state == UID_NONE)
			continue;
		out[k] = *e;
		if (repack) {
			memcpy(arena + alen, s->arena + e->off, e->len);
			out[k].off = alen;
			alen += e->len;
		}
		k++;
	}
	free(s->v);
	s->v = out;
	s->n = s->cap = k;
	s->npend = 0;
	s->removed = 0;
	if (repack) {
		free(s->arena);
		s->arena = arena;
		s->arena_len = s->arena_cap = alen;
		s->arena_dead = 0;
	}
}

static uint32_t
uidset_store(struct uidset *s, const char *uid, size_t len)
{
	uint32_t	off;

	if (s->arena_len + len > UINT32_MAX)
		fatalx("uidset: more UID bytes than one set holds");
	if (s->arena_len + len > s->arena_cap) {
		s->arena_cap = s->arena_cap < 4096 ? 4096 : s->arena_cap * 2;
		if (s->arena_cap < s->arena_len + len)
			s->arena_cap = s->arena_len + len;
		s->arena = xreallocarray(s->arena, s->arena_cap, 1);
	}
	memcpy(s->arena + s->arena_len, uid, len);
	off = s->arena_len;
	s->arena_len += len;
	return (off);
}

enum uid_state
uidset_get(const struct uidset *s, const char *uid)
{
	struct uident	*e = uidset_find(s, uid);

	return (e != NULL ? e->state : UID_NONE);
}

void
uidset_put(struct uidset *s, const char *uid, enum uid_state state)
{
	struct uident	*e = uidset_find(s, uid), ne;
	size_t		 len, i;
	int		 found;

	if (e != NULL) {
		if (e->state == UID_NONE && state != UID_NONE) {
			s->live++;
			s->removed--;
		} else if (e->state != UID_NONE && state == UID_NONE) {
			s->live--;
			s->removed++;
			s->arena_dead += e->len;
			e->marked = 0;
		}
		if (e->state == UID_NONE && state != UID_NONE)
			s->arena_dead -= e->len;
		e->state = state;
		/* Mostly removed entries: drop them. */
		if (s->removed > 1024 && s->removed > s->live)
			uidset_merge(s);
		return;
	}
	if (state == UID_NONE || !uid_valid(uid))
		return;
	len = strlen(uid);
	ne.off = uidset_store(s, uid, len);
	ne.len = len;
	ne.state = state;
	ne.marked = 0;
	s->live++;
	/* In order (a journal replayed, UIDs that only grow): append. */
	if (s->npend == 0 && (s->n == 0 ||
	    uident_cmp(s, &s->v[s->n - 1], uid, len) < 0)) {
		if (s->n == s->cap) {
			s->cap = s->cap < 1024 ? 1024 : s->cap * 2;
			s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
		}
		s->v[s->n++] = ne;
		return;
	}
	i = uidset_search(s, s->pend, s->npend, uid, len, &found);
	memmove(&s->pend[i + 1], &s->pend[i],
	    (s->npend - i) * sizeof(*s->pend));
	s->pend[i] = ne;
	if (++s->npend == UIDSET_PENDING)
		uidset_merge(s);
}

size_t
uidset_count(const struct uidset *s)
{
	return (s->live);
}

/* The entries in order: the sorted array and the pending one, merged. */
int
uidset_each(const struct uidset *s,
    int (*fn)(const char *, enum uid_state, void *), void *arg)
{
	const struct uident	*e;
	char			 uid[PM_UID_MAX];
	size_t			 i = 0, j = 0;
	int			 rc;

	while (i < s->n || j < s->npend) {
		if (j == s->npend || (i < s->n && uident_cmp(s, &s->v[i],
		    s->arena + s->pend[j].off, s->pend[j].len) < 0))
			e = &s->v[i++];
		else
			e = &s->pend[j++];
		if (e->state == UID_NONE)
			continue;
		memcpy(uid, s->arena + e->off, e->len);
		uid[e->len] = '\0';
		if ((rc = fn(uid, e->state, arg)) != 0)
			return (rc);
	}
	return (0);
}

void
uidset_mark(struct uidset *s, const char *uid)
{
	struct uident	*e = uidset_find(s, uid);

	if (e != NULL && e->state != UID_NONE)
		e->marked = 1;
}

int
uidset_marked(const struct uidset *s, const char *uid)
{
	struct uident	*e = uidset_find(s, uid);

	return (e != NULL && e->state != UID_NONE && e->marked);
}

void
uidset_unmark(struct uidset *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		s->v[i].marked = 0;
	for (i = 0; i < s->npend; i++)
		s->pend[i].marked = 0;
}

int
uid_valid(const char *uid)
{
	size_t	i;

	for (i = 0; uid[i] != '\0'; i++) {
		if (i >= PM_UID_MAX - 1 || uid[i] <= 0x20 || uid[i] >= 0x7f)
			return (0);
	}
	return (i > 0);
}

/* One whole line (without its newline); 0 if it made sense. */
static int
uidjournal_line(struct uidjournal *j, char *line)
{
	const char	*errstr;
	long long	 v;
	char		 op = line[0];

	if (line[0] == '\0' || line[1] != ' ')
		return (-1);
	line += 2;
	switch (op) {
	case 'V':
		v = strtonum(line, 1, UINT32_MAX, &errstr);
		if (errstr != NULL)
			return (-1);
		if ((uint32_t)v != j->validity)
			uidset_clear(j->set);
		j->validity = (uint32_t)v;
		return (0);
	case UID_KEPT:
	case UID_DELETE:
	case UID_BOUNCE:
	case '-':
		if (!uid_valid(line))
			return (-1);
		uidset_put(j->set, line, op == '-' ? UID_NONE :
		    (enum uid_state)op);
		return (0);
	}
	return (-1);
}

int
uidjournal_replay(struct uidjournal *j, const char *buf, size_t len,
    const char **errstr)
{
	const size_t	 hlen = sizeof(UIDSET_HEADER) - 1;
	const char	*nl;
	char		 line[PM_UID_MAX + 8];
	size_t		 off, n;

	j->validity = 0;
	j->good_len = j->lines = j->bad = 0;
	if (len < hlen) {
		/* Empty, or the header itself was torn: nothing recorded. */
		if (memcmp(buf, UIDSET_HEADER, len) == 0)
			return (0);
		*errstr = "not a pullmail UID journal";
		return (-1);
	}
	if (memcmp(buf, UIDSET_HEADER, hlen) != 0) {
		*errstr = "not a pullmail UID journal (or a newer format)";
		return (-1);
	}
	for (off = hlen; off < len; off += n + 1) {
		if ((nl = memchr(buf + off, '\n', len - off)) == NULL)
			break;		/* torn last line: never written */
		n = nl - (buf + off);
		j->lines++;
		if (n >= sizeof(line) || memchr(buf + off, '\0', n) != NULL) {
			j->bad++;
			continue;
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		if (uidjournal_line(j, line) != 0)
			j->bad++;
	}
	j->good_len = off > len ? len : off;
	return (0);
}

int
fetchids_parse(char *line, char **user, char **host, char **uid)
{
	char	*at, *sp, *end;

	/* fetchmail: "user@host" runs from the start to the first space
	 * after the first '@', split at its last '@'. */
	if ((at = strchr(line, '@')) == NULL ||
	    (sp = strchr(at, ' ')) == NULL)
		return (-1);
	*sp++ = '\0';
	at = strrchr(line, '@');
	*at = '\0';
	if (line[0] == '\0' || at[1] == '\0')
		return (-1);
	while (*sp == ' ' || *sp == '\t')
		sp++;
	for (end = sp; *end != '\0' && !isspace((unsigned char)*end); end++)
		;
	*end = '\0';
	if (!uid_valid(sp))
		return (-1);
	*user = line;
	*host = at + 1;
	*uid = sp;
	return (0);
}
