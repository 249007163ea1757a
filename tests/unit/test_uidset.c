/*
 * test_uidset.c -- the UID set and the journal format: replay, torn
 * lines, damage, UIDVALIDITY, and a power cut at every byte offset.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "uidset.h"

static struct uidjournal
replay(const char *buf, size_t len, int *rc)
{
	struct uidjournal	 j;
	const char		*errstr = NULL;

	memset(&j, 0, sizeof(j));
	j.set = uidset_new();
	*rc = uidjournal_replay(&j, buf, len, &errstr);
	return (j);
}

/*
 * The journal of a poll: what each whole line means, so that any prefix
 * can be checked against the lines that are whole in it.
 */
static const char *const lines[] = {
	UIDSET_HEADER, "V 1700000000\n", "K 17\n", "D 18\n", "K 19\n",
	"- 18\n", "D 20\n", "K <a.b@c>\n", "V 1700000000\n", "D 21\n",
};

/* The set after the first n whole lines (header included in n). */
static struct uidset *
model(size_t n)
{
	struct uidset	*s = uidset_new();
	size_t		 i;
	char		 uid[64];

	for (i = 1; i < n; i++) {
		sscanf(lines[i] + 2, "%63s", uid);
		switch (lines[i][0]) {
		case 'K':
		case 'D':
			uidset_put(s, uid, (enum uid_state)lines[i][0]);
			break;
		case '-':
			uidset_put(s, uid, UID_NONE);
			break;
		}
	}
	return (s);
}

struct cmp {
	const struct uidset	*other;
	int			 same;
};

static int
cmp_one(const char *uid, enum uid_state st, void *arg)
{
	struct cmp	*c = arg;

	if (uidset_get(c->other, uid) != st)
		c->same = 0;
	return (0);
}

static int
same_set(const struct uidset *a, const struct uidset *b)
{
	struct cmp	c = { b, 1 };

	if (uidset_count(a) != uidset_count(b))
		return (0);
	uidset_each(a, cmp_one, &c);
	return (c.same);
}

static void
power_cut(void)
{
	char			 buf[512];
	size_t			 len = 0, cut, i, whole, bounds[16];
	struct uidjournal	 j;
	struct uidset		*want;
	int			 rc, bad = 0;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		memcpy(buf + len, lines[i], strlen(lines[i]));
		len += strlen(lines[i]);
		bounds[i] = len;
	}
	/* Truncate at every offset: only whole lines may count. */
	for (cut = 0; cut <= len; cut++) {
		for (whole = 0; whole < sizeof(lines) / sizeof(lines[0]) &&
		    bounds[whole] <= cut; whole++)
			;
		j = replay(buf, cut, &rc);
		want = model(whole);
		if (rc != 0 || !same_set(j.set, want) || j.bad != 0 ||
		    j.good_len != (whole == 0 ? 0 : bounds[whole - 1])) {
			if (bad++ == 0)
				printf("# first wrong replay at offset %zu\n",
				    cut);
		}
		uidset_free(want);
		uidset_free(j.set);
	}
	is_int(bad, 0, "power cut at each of %zu offsets: exactly the whole "
	    "lines count, never a UID that was not recorded", len + 1);
}

int
main(void)
{
	struct uidjournal	 j;
	struct uidset		*s;
	char			 line[600], *u, *h, *id;
	const char		*b;
	int			 rc;

	plan(28);

	b = UIDSET_HEADER "K a\nD b\nK c\n- c\n";
	j = replay(b, strlen(b), &rc);
	is_int(rc, 0, "a journal replays");
	is_int(uidset_get(j.set, "a"), UID_KEPT, "K: kept");
	is_int(uidset_get(j.set, "b"), UID_DELETE, "D: to be deleted");
	is_int(uidset_get(j.set, "c"), UID_NONE, "-: forgotten");
	is_int(j.lines, 4, "four lines");
	uidset_free(j.set);

	b = UIDSET_HEADER "K a\nK b";
	j = replay(b, strlen(b), &rc);
	is_int(uidset_get(j.set, "b"), UID_NONE, "a torn last line is ignored");
	is_int(j.good_len, strlen(UIDSET_HEADER "K a\n"),
	    "good_len ends at the last whole line");
	is_int(j.bad, 0, "a torn line is not damage");
	uidset_free(j.set);

	b = UIDSET_HEADER "K a\nX what\nK\nK two words\nK b\n";
	j = replay(b, strlen(b), &rc);
	is_int(rc, 0, "damaged lines do not stop the replay");
	is_int(j.bad, 3, "three damaged lines counted");
	is_int(uidset_count(j.set), 2, "the good lines around them count");
	uidset_free(j.set);

	j = replay(UIDSET_HEADER "K a\0b\nK c\n", sizeof(UIDSET_HEADER) - 1 + 10,
	    &rc);
	is_int(j.bad, 1, "a line holding NUL is damage");
	is_int(uidset_get(j.set, "c"), UID_KEPT, "the next line still counts");
	uidset_free(j.set);

	b = UIDSET_HEADER "V 5\nK 1\nK 2\nV 5\nK 3\nV 6\nK 9\n";
	j = replay(b, strlen(b), &rc);
	is_int(j.validity, 6, "the last UIDVALIDITY wins");
	is_int(uidset_get(j.set, "1"), UID_NONE,
	    "a new UIDVALIDITY forgets the UIDs before it");
	is_int(uidset_get(j.set, "9"), UID_KEPT, "and keeps those after it");
	uidset_free(j.set);

	j = replay("pullm", 5, &rc);
	is_int(rc, 0, "a torn header is an empty journal");
	uidset_free(j.set);
	j = replay("hello world\n", 12, &rc);
	is_int(rc, -1, "another file is refused, not overwritten");
	uidset_free(j.set);

	power_cut();

	s = uidset_new();
	uidset_put(s, "has space", UID_KEPT);
	uidset_put(s, "", UID_KEPT);
	memset(line, 'x', 300);
	line[300] = '\0';
	uidset_put(s, line, UID_KEPT);
	is_int(uidset_count(s), 0, "UIDs with spaces, empty or too long are "
	    "not stored");
	uidset_put(s, "m1", UID_KEPT);
	uidset_put(s, "m2", UID_KEPT);
	uidset_mark(s, "m2");
	ok(!uidset_marked(s, "m1") && uidset_marked(s, "m2") &&
	    !uidset_marked(s, "m3"), "marks say what the server still lists");
	uidset_unmark(s);
	uidset_free(s);

	strlcpy(line, "jdoe@pop.example.org 00000a1b4f0c2d9e", sizeof(line));
	rc = fetchids_parse(line, &u, &h, &id);
	ok(rc == 0 && strcmp(u, "jdoe") == 0 && strcmp(h,
	    "pop.example.org") == 0 && strcmp(id, "00000a1b4f0c2d9e") == 0,
	    ".fetchids: user@host uid");
	strlcpy(line, "a@b.c@pop.example.org <x@y>", sizeof(line));
	rc = fetchids_parse(line, &u, &h, &id);
	ok(rc == 0 && strcmp(u, "a@b.c") == 0 && strcmp(h,
	    "pop.example.org") == 0 && strcmp(id, "<x@y>") == 0,
	    ".fetchids: the host follows the last @");
	strlcpy(line, "nobody-here 123", sizeof(line));
	is_int(fetchids_parse(line, &u, &h, &id), -1, ".fetchids: no @");
	strlcpy(line, "u@h", sizeof(line));
	is_int(fetchids_parse(line, &u, &h, &id), -1, ".fetchids: no UID");
	strlcpy(line, "u@h  \t uid-2 trailing", sizeof(line));
	rc = fetchids_parse(line, &u, &h, &id);
	ok(rc == 0 && strcmp(id, "uid-2") == 0,
	    ".fetchids: the UID ends at white space");
	strlcpy(line, "@h uid", sizeof(line));
	is_int(fetchids_parse(line, &u, &h, &id), -1,
	    ".fetchids: an empty user");
	strlcpy(line, "u@ uid", sizeof(line));
	is_int(fetchids_parse(line, &u, &h, &id), -1,
	    ".fetchids: an empty host");
	return (done_testing());
}
