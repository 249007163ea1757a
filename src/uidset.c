/*
 * uidset.c -- a set of delivered UIDs and the journal format (uidset.h).
 */

#include <sys/types.h>
#include <sys/tree.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "uidset.h"
#include "xmalloc.h"

struct uidnode {
	RB_ENTRY(uidnode)	 entry;
	enum uid_state		 state;
	int			 marked;
	const char		*uid;	/* the bytes after the node */
};

RB_HEAD(uidtree, uidnode);

struct uidset {
	struct uidtree	tree;
	size_t		n;
};

static int
uidnode_cmp(struct uidnode *a, struct uidnode *b)
{
	return (strcmp(a->uid, b->uid));
}

RB_PROTOTYPE(uidtree, uidnode, entry, uidnode_cmp)
RB_GENERATE(uidtree, uidnode, entry, uidnode_cmp)

struct uidset *
uidset_new(void)
{
	struct uidset	*s = xcalloc(1, sizeof(*s));

	RB_INIT(&s->tree);
	return (s);
}

void
uidset_clear(struct uidset *s)
{
	struct uidnode	*n, *next;

	RB_FOREACH_SAFE(n, uidtree, &s->tree, next) {
		RB_REMOVE(uidtree, &s->tree, n);
		free(n);
	}
	s->n = 0;
}

void
uidset_free(struct uidset *s)
{
	if (s == NULL)
		return;
	uidset_clear(s);
	free(s);
}

static struct uidnode *
uidset_find(const struct uidset *s, const char *uid)
{
	struct uidnode	key;

	key.uid = uid;
	return (RB_FIND(uidtree, (struct uidtree *)&s->tree, &key));
}

enum uid_state
uidset_get(const struct uidset *s, const char *uid)
{
	struct uidnode	*n = uidset_find(s, uid);

	return (n != NULL ? n->state : UID_NONE);
}

void
uidset_put(struct uidset *s, const char *uid, enum uid_state state)
{
	struct uidnode	*n = uidset_find(s, uid);
	size_t		 len;

	if (n != NULL) {
		if (state != UID_NONE) {
			n->state = state;
			return;
		}
		RB_REMOVE(uidtree, &s->tree, n);
		free(n);
		s->n--;
		return;
	}
	if (state == UID_NONE || !uid_valid(uid))
		return;
	len = strlen(uid);
	n = xcalloc(1, sizeof(*n) + len + 1);
	memcpy(n + 1, uid, len + 1);
	n->uid = (const char *)(n + 1);
	n->state = state;
	RB_INSERT(uidtree, &s->tree, n);
	s->n++;
}

size_t
uidset_count(const struct uidset *s)
{
	return (s->n);
}

int
uidset_each(const struct uidset *s,
    int (*fn)(const char *, enum uid_state, void *), void *arg)
{
	struct uidnode	*n;
	int		 rc;

	RB_FOREACH(n, uidtree, (struct uidtree *)&s->tree) {
		if ((rc = fn(n->uid, n->state, arg)) != 0)
			return (rc);
	}
	return (0);
}

void
uidset_mark(struct uidset *s, const char *uid)
{
	struct uidnode	*n = uidset_find(s, uid);

	if (n != NULL)
		n->marked = 1;
}

int
uidset_marked(const struct uidset *s, const char *uid)
{
	struct uidnode	*n = uidset_find(s, uid);

	return (n != NULL && n->marked);
}

void
uidset_unmark(struct uidset *s)
{
	struct uidnode	*n;

	RB_FOREACH(n, uidtree, &s->tree)
		n->marked = 0;
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
