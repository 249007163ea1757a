/*
 * test_uidset.c -- the UID set and the journal format: replay, torn
 * lines, damage, UIDVALIDITY, and a power cut at every byte offset.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
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

/*
 * The set against a plain model under many random puts, removals,
 * re-adds and marks: enough operations to merge the pending entries
 * and repack the arena many times.  Returns the number of mismatches.
 */
#define MODEL_UIDS	20000
static char	model_state[MODEL_UIDS];
static char	model_mark[MODEL_UIDS];

static void
model_uid(char *buf, size_t size, unsigned i)
{
	/* Numbers as IMAP has them, and POP3-like strings. */
	if (i % 3 == 0)
		snprintf(buf, size, "%u", i);
	else
		snprintf(buf, size, "uidl-%08x-%u", i * 2654435761u, i);
}

struct walk {
	unsigned	 seen;
	int		 bad;
	char		 prev[PM_UID_MAX];
};

static int
walk_one(const char *uid, enum uid_state st, void *arg)
{
	struct walk	*w = arg;
	size_t		 a = strlen(w->prev), b = strlen(uid);

	if (w->seen > 0 && (a > b || (a == b && strcmp(w->prev, uid) >= 0)))
		w->bad++;	/* not in order: shorter first, then bytes */
	if (st == UID_NONE)
		w->bad++;
	strlcpy(w->prev, uid, sizeof(w->prev));
	w->seen++;
	return (0);
}

static int
random_model(unsigned rounds)
{
	struct uidset	*s = uidset_new();
	static const enum uid_state states[] = { UID_NONE, UID_KEPT,
	    UID_DELETE, UID_BOUNCE };
	struct walk	 w;
	char		 uid[64];
	unsigned	 r, i, n;
	int		 bad = 0;

	srandom(19);
	memset(model_state, 0, sizeof(model_state));
	for (r = 0; r < rounds; r++) {
		i = random() % MODEL_UIDS;
		model_uid(uid, sizeof(uid), i);
		switch (random() % 8) {
		case 0:		/* mostly removals for a while */
		case 1:
			uidset_put(s, uid, UID_NONE);
			model_state[i] = UID_NONE;
			break;
		case 2:
			uidset_mark(s, uid);
			if (model_state[i] != UID_NONE)
				model_mark[i] = 1;
			break;
		case 3:
			if (random() % 1000 == 0) {	/* a new UIDVALIDITY */
				uidset_clear(s);
				memset(model_state, 0, sizeof(model_state));
				memset(model_mark, 0, sizeof(model_mark));
				break;
			}
			/* FALLTHROUGH */
		default:
			model_state[i] = states[1 + random() % 3];
			uidset_put(s, uid, model_state[i]);
			break;
		}
		if (model_state[i] == UID_NONE)
			model_mark[i] = 0;
		if (r % 50000 == 0) {
			uidset_unmark(s);
			memset(model_mark, 0, sizeof(model_mark));
		}
	}
	for (i = n = 0; i < MODEL_UIDS; i++) {
		model_uid(uid, sizeof(uid), i);
		if (uidset_get(s, uid) != (enum uid_state)model_state[i] ||
		    uidset_marked(s, uid) != model_mark[i])
			bad++;
		n += model_state[i] != UID_NONE;
	}
	if (uidset_count(s) != n)
		bad++;
	memset(&w, 0, sizeof(w));
	uidset_each(s, walk_one, &w);
	if (w.seen != n || w.bad != 0)
		bad++;
	uidset_free(s);
	return (bad);
}

int
main(void)
{
	struct uidjournal	 j;
	struct uidset		*s;
	char			 line[600], *u, *h, *id;
	const char		*b;
	int			 rc;

	plan(31);

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
	ok(!uidset_marked(s, "m2"), "unmark clears them");
	uidset_free(s);

	is_int(random_model(400000), 0, "400,000 random operations on "
	    "20,000 UIDs: the set agrees with a plain model");
	s = uidset_new();
	for (rc = 100000; rc >= 1; rc--) {
		snprintf(line, sizeof(line), "%d", rc);
		uidset_put(s, line, UID_KEPT);
	}
	ok(uidset_count(s) == 100000 && uidset_get(s, "1") == UID_KEPT &&
	    uidset_get(s, "100000") == UID_KEPT &&
	    uidset_get(s, "100001") == UID_NONE,
	    "100,000 UIDs added backwards are all there");
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
