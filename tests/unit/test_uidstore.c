/*
 * test_uidstore.c -- UID journals on disk: creation and modes, reopen,
 * torn-line repair, the lock, UIDVALIDITY, compaction, .fetchids import.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "result.h"
#include "tap.h"
#include "uidstore.h"

static char	dir[256], base[256];

static struct uidstore *
open_store(const char *key, int readonly)
{
	struct uidstore	*st;
	char		*cause = NULL;

	if (uidstore_open(dir, key, readonly, &st, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return (NULL);
	}
	return (st);
}

static long
file_size(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 ? (long)sb.st_size : -1);
}

static void
append_raw(const char *path, const char *bytes)
{
	FILE	*f = fopen(path, "a");

	fputs(bytes, f);
	fclose(f);
}

static int
count_d(const char *uid, enum uid_state st, void *arg)
{
	(void)uid;
	if (st == UID_DELETE)
		(*(int *)arg)++;
	return (0);
}

int
main(void)
{
	struct uidstore	*st, *st2;
	struct stat	 sb;
	char		 path[512], idfile[512], uid[32], *cause = NULL;
	uint32_t	 old;
	long		 size;
	int		 i, rc, n;
	FILE		*f;

	plan(30);
	strlcpy(dir, "/tmp/test_uidstore.XXXXXX", sizeof(dir));
	if (mkdtemp(dir) == NULL)
		return (1);
	strlcpy(base, dir, sizeof(base));
	strlcat(dir, "/state/pullmail", sizeof(dir));

	st = open_store("pop3 u@mail.example.org", 1);
	ok(st != NULL && uidstore_is_new(st), "read-only: a missing journal "
	    "is an empty one");
	uidstore_close(st);
	ok(stat(dir, &sb) != 0, "read-only creates nothing");

	st = open_store("pop3 u@mail.example.org", 0);
	ok(st != NULL && uidstore_is_new(st), "a new journal");
	strlcpy(path, uidstore_path(st), sizeof(path));
	ok(strstr(path, "pop3%20u@mail.example.org.uids") != NULL,
	    "its name says whose it is: %s", strrchr(path, '/') + 1);
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "the state directory is 0700");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "the journal is 0600");
	uidstore_record(st, "m1", UID_KEPT, &cause);
	uidstore_record(st, "m2", UID_DELETE, &cause);
	uidstore_record(st, "bad uid", UID_KEPT, &cause);

	is_int(uidstore_open(dir, "pop3 u@mail.example.org", 0, &st2, &cause),
	    PM_EXCLUDE, "a second writer is locked out (exit 8)");
	ok(cause != NULL && strstr(cause, "another pullmail") != NULL,
	    "and told why");
	free(cause);
	cause = NULL;
	uidstore_close(st);

	st = open_store("pop3 u@mail.example.org", 0);
	ok(st != NULL && !uidstore_is_new(st), "reopened after the lock is "
	    "released");
	is_int(uidstore_get(st, "m1"), UID_KEPT, "K came back");
	is_int(uidstore_get(st, "m2"), UID_DELETE, "D came back");
	uidstore_close(st);

	/* A crash mid-write: the torn line goes, and nothing glues on. */
	size = file_size(path);
	append_raw(path, "K m3");
	st = open_store("pop3 u@mail.example.org", 0);
	is_int(file_size(path), size, "a torn last line is cut off on open");
	is_int(uidstore_get(st, "m3"), UID_NONE, "and does not count");
	uidstore_record(st, "m4", UID_KEPT, &cause);
	uidstore_close(st);
	st = open_store("pop3 u@mail.example.org", 0);
	ok(uidstore_get(st, "m4") == UID_KEPT && uidstore_get(st, "m3") ==
	    UID_NONE && uidstore_bad_lines(st) == 0,
	    "the next line is whole and alone");

	/* Compaction: the server confirmed 200 deletions. */
	for (i = 0; i < 200; i++) {
		snprintf(uid, sizeof(uid), "x%d", i);
		uidstore_record(st, uid, UID_DELETE, &cause);
	}
	size = file_size(path);
	uidstore_mark(st, "m1");
	uidstore_mark(st, "m4");
	is_int(uidstore_finish(st, 1, &cause), 0, "finish after a confirmed "
	    "QUIT");
	ok(file_size(path) < size / 10, "the journal was compacted (%ld -> "
	    "%ld bytes)", size, file_size(path));
	uidstore_record(st, "m5", UID_KEPT, &cause);
	uidstore_close(st);
	st = open_store("pop3 u@mail.example.org", 0);
	n = 0;
	uidstore_each(st, count_d, &n);
	ok(n == 0 && uidstore_get(st, "m1") == UID_KEPT &&
	    uidstore_get(st, "m4") == UID_KEPT && uidstore_get(st, "m5") ==
	    UID_KEPT, "after compaction: the kept UIDs, no deleted ones, and "
	    "appending still works");
	uidstore_close(st);
	ok(access(dir, F_OK) == 0 && file_size(path) > 0,
	    "no temporary file left behind");

	/* IMAP: UIDVALIDITY. */
	st = open_store("imap u@mail.example.org INBOX", 0);
	is_int(uidstore_validity(st, 5, &old, &cause), 0, "first UIDVALIDITY");
	uidstore_record(st, "1", UID_KEPT, &cause);
	is_int(uidstore_validity(st, 5, &old, &cause), 0, "unchanged");
	is_int(uidstore_get(st, "1"), UID_KEPT, "UID kept while unchanged");
	rc = uidstore_validity(st, 6, &old, &cause);
	ok(rc == 1 && old == 5, "a change is reported with the old value");
	is_int(uidstore_get(st, "1"), UID_NONE, "and forgets the UIDs");
	uidstore_record(st, "1", UID_KEPT, &cause);
	uidstore_close(st);
	st = open_store("imap u@mail.example.org INBOX", 0);
	ok(uidstore_validity(st, 6, &old, &cause) == 0 &&
	    uidstore_get(st, "1") == UID_KEPT, "the new UIDVALIDITY and its "
	    "UIDs survive a reopen");
	uidstore_close(st);

	/* fetchmail's .fetchids. */
	snprintf(idfile, sizeof(idfile), "%s/fetchids", dir);
	f = fopen(idfile, "w");
	fprintf(f, "U@MAIL.example.org uid-1\nu@mail.example.org uid-2\n"
	    "u@other.example.org uid-3\nother@mail.example.org uid-4\n"
	    "garbage\nu@mail.example.org %0600d\nu@mail.example.org uid-5\n",
	    7);
	fclose(f);
	st = open_store("pop3 u@pop.import", 0);
	n = uidstore_import_fetchids(st, idfile, "u", "mail.example.org",
	    &cause);
	is_int(n, 3, ".fetchids: three UIDs of this account imported");
	ok(uidstore_get(st, "uid-1") == UID_KEPT && uidstore_get(st,
	    "uid-5") == UID_KEPT && uidstore_get(st, "uid-3") == UID_NONE,
	    ".fetchids: user and host match without case, others skipped, "
	    "an overlong line skipped whole");
	uidstore_close(st);
	st = open_store("pop3 u@pop.import", 0);
	is_int(uidstore_get(st, "uid-2"), UID_KEPT, ".fetchids: imported "
	    "UIDs are in the journal");
	uidstore_close(st);
	is_int(uidstore_import_fetchids(NULL, "/nonexistent/.fetchids", "u",
	    "h", &cause), 0, ".fetchids: a missing file imports nothing");

	/* Someone else's file under the journal's name. */
	st = open_store("pop3 v@h", 0);
	strlcpy(path, uidstore_path(st), sizeof(path));
	uidstore_close(st);
	f = fopen(path, "w");
	fprintf(f, "not a journal\n");
	fclose(f);
	rc = uidstore_open(dir, "pop3 v@h", 0, &st, &cause);
	ok(rc == PM_IOERR && strstr(cause, "move it away") != NULL,
	    "a foreign file is refused and left alone: %s", cause);
	free(cause);
	cause = NULL;

	/* A key too long for a file name is hashed. */
	memset(path, 'k', 300);
	path[300] = '\0';
	st = open_store(path, 0);
	ok(st != NULL && strstr(uidstore_path(st), "/sha256-") != NULL,
	    "an overlong key gets a hashed file name");
	uidstore_close(st);
	snprintf(path, sizeof(path), "rm -rf '%s'", base);
	if (system(path) != 0)
		printf("# could not remove %s\n", base);
	return (done_testing());
}
