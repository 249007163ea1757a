/*
 * test_msgset.c -- message records stay compact, UIDLs stay where they
 * were put, and a SEARCH that repeats UIDs costs nothing.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgset.h"
#include "tap.h"

static void
test_record(void)
{
	struct msgset	 ms;
	struct msg	 m;
	char		 uid[PM_UID_MAX], big[PM_UID_MAX];
	const char	*first = NULL;
	size_t		 i, calls;
	int		 good = 1;

	ok(sizeof(struct msg) <= 32, "a message record is %zu bytes (at "
	    "most 32)", sizeof(struct msg));

	memset(&ms, 0, sizeof(ms));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 20000; i++) {
		m.num = i + 1;
		msgset_add(&ms, &m);
		snprintf(uid, sizeof(uid), "uid-%zu-%0200zu", i, i);
		if (msgset_set_uidl(&ms, i, uid) != 0)
			good = 0;
		if (i == 0)
			first = ms.v[0].uidl;
	}
	ok(good, "20000 UIDLs of 200 bytes stored");
	for (i = 0; i < ms.n && good; i++) {
		snprintf(uid, sizeof(uid), "uid-%zu-%0200zu", i, i);
		good = ms.v[i].uidl != NULL && strcmp(ms.v[i].uidl, uid) == 0;
	}
	ok(good, "each UIDL is still there after the set grew (%zu)", i);
	snprintf(uid, sizeof(uid), "uid-0-%0200d", 0);
	ok(first == ms.v[0].uidl && strcmp(first, uid) == 0, "the first "
	    "UIDL did not move while 20000 more came");
	msgset_clear(&ms);
	ok(ms.v == NULL && ms.n == 0 && ms.strings == NULL &&
	    ms.string_bytes == 0, "msgset_clear empties the set");

	/* A hostile UIDL list is bounded in bytes, not only in lines. */
	memset(&ms, 0, sizeof(ms));
	m.num = 1;
	msgset_add(&ms, &m);
	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (calls = 0; msgset_set_uidl(&ms, 0, big) == 0; calls++)
		;
	is_int(calls, PM_UIDL_BYTES_MAX / sizeof(big), "UIDLs stop at "
	    "PM_UIDL_BYTES_MAX (%zu bytes)", PM_UIDL_BYTES_MAX);
	ok(ms.string_bytes <= PM_UIDL_BYTES_MAX, "no more bytes kept (%zu)",
	    ms.string_bytes);
	msgset_clear(&ms);
}

static void
test_uidlist(void)
{
	struct uidlist	l = { NULL, 0, 0 };
	size_t		i;
	int		good = 1;

	/* The review's attack: the same UID, half a million times. */
	for (i = 0; i < 500000 && good; i++)
		good = uidlist_add(&l, 1, PM_MESSAGES_MAX) == 0;
	ok(good, "500000 copies of UID 1 accepted");
	ok(l.cap <= 128, "the list stayed small (room for %zu)", l.cap);
	ok(uidlist_finish(&l, PM_MESSAGES_MAX) == 0 && l.n == 1 &&
	    l.v[0] == 1, "and holds UID 1 once");
	uidlist_clear(&l);

	/* Distinct UIDs in any order, repeated: sorted, each once. */
	for (i = 0; i < 3 * 5000; i++)
		(void)uidlist_add(&l, (uint32_t)(5000 - i % 5000), 100000);
	ok(uidlist_finish(&l, 100000) == 0, "15000 UIDs, 5000 different");
	is_int(l.n, 5000, "5000 remain");
	for (i = 0; i < l.n && good; i++)
		good = l.v[i] == i + 1;
	ok(good, "in ascending order");
	ok(l.cap <= 4 * 5000, "room for %zu: at most four times the "
	    "different ones", l.cap);
	uidlist_clear(&l);

	/* More different UIDs than allowed: refused. */
	for (i = 0; i < 1000 && good; i++)
		good = uidlist_add(&l, (uint32_t)i + 1, 100) == 0;
	ok(!good || uidlist_finish(&l, 100) != 0, "1000 different UIDs "
	    "with a bound of 100 are refused");
	uidlist_clear(&l);
	ok(l.v == NULL && l.n == 0, "uidlist_clear empties the list");

	ok(uidlist_finish(&l, 10) == 0 && l.n == 0, "an empty SEARCH");
}

int
main(void)
{
	plan(17);
	test_record();
	test_uidlist();
	return (done_testing());
}
