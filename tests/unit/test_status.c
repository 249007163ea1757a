/*
 * test_status.c -- the status file: what is written is read back the
 * same; whatever else is read (cut short at every byte, random bytes,
 * deep or huge JSON, invalid UTF-8, another version, wrong types) is
 * refused with a reason and no crash or leak (the sanitizer build runs
 * this); label values in the metrics text are escaped.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "cmdline.h"
#include "result.h"
#include "run.h"
#include "durable.h"
#include "status.h"
#include "tap.h"

static char *
sample(void)
{
	struct status		 st;
	struct status_entry	*e;
	char			*text;

	memset(&st, 0, sizeof(st));
	status_clear(&st);
	st.written = 1796300000;
	st.daemon_pid = 4242;
	st.daemon_started = 1796200000;
	st.run_start = 1796100000;
	st.run_end = 1796100009;
	st.run_exit = PM_AUTHFAIL;
	st.round_seconds = 12.5;
	st.v = calloc(2, sizeof(*st.v));
	st.n = 2;
	e = &st.v[0];
	e->key = strdup("joe@mail.example.org");
	e->server = strdup("mail.example.org");
	e->start = 1796299990;
	e->end = 1796299999;
	e->result = PM_OK;
	e->delivered = 20;
	e->octets = 5415386;
	e->polls = 7;
	e->failures[PM_SOCKET] = 2;
	e->failures[PM_AUTHFAIL] = 1;
	e->last_success = 1796299999;
	e->next_due = 1796300300;
	e = &st.v[1];
	e->key = strdup("q\"u\\o\nx\x01@caf\xc3\xa9#2");
	e->server = strdup("caf\xc3\xa9");
	e->result = PM_PROTOCOL;
	strlcpy(e->why, "server said \\x1b[31m \"no\"", sizeof(e->why));
	e->consecutive = 3;
	e->backoff = 480;
	text = status_json(&st);
	status_clear(&st);
	return (text);
}

static void
test_roundtrip(void)
{
	struct status	 st;
	char		*text, *again, *cause = NULL;
	int		 rc;

	text = sample();
	memset(&st, 0, sizeof(st));
	rc = status_parse(&st, text, strlen(text), &cause);
	ok(rc == 0, "a written file reads back (%s)", cause ? cause : "ok");
	free(cause);
	is_int(st.n, 2, "two accounts");
	is_str(st.v[0].key, "joe@mail.example.org", "the account key");
	is_int(st.v[0].delivered, 20, "messages delivered");
	is_int(st.v[0].octets, 5415386, "octets delivered");
	is_int(st.v[0].failures[PM_SOCKET], 2, "socket failures");
	is_int(st.v[0].failures[PM_AUTHFAIL], 1, "authfail failures");
	is_int(st.v[0].next_due, 1796300300, "next due");
	is_str(st.v[1].key, "q\"u\\o\nx\x01@caf\xc3\xa9#2",
	    "quotes, backslash, newline, a control byte and UTF-8 survive");
	is_int(st.v[1].result, PM_PROTOCOL, "exit code");
	is_int(st.v[1].consecutive, 3, "failures in a row");
	is_int(st.v[1].start, 0, "never polled: null reads as 0");
	is_int(st.daemon_pid, 4242, "the daemon's PID");
	is_int(st.run_exit, PM_AUTHFAIL, "the last run's exit code");
	ok(st.round_seconds == 12.5, "the round duration");
	again = status_json(&st);
	is_str(again, text, "written again, the same text");
	free(again);
	status_clear(&st);
	free(text);
}

/* 0 if buf is refused with a reason and st left empty. */
static int
refused(const char *buf, size_t len)
{
	struct status	 st;
	char		*cause = NULL;
	int		 rc;

	memset(&st, 0, sizeof(st));
	rc = status_parse(&st, buf, len, &cause);
	if (rc == 0) {
		status_clear(&st);
		return (-1);
	}
	rc = cause == NULL || *cause == '\0' || st.n != 0 || st.v != NULL;
	free(cause);
	return (rc ? -1 : 0);
}

static void
test_damaged(void)
{
	char		*text, *buf, *p;
	size_t		 len, i, bad = 0;
	unsigned int	 seed = 23;
	int		 j;

	text = sample();
	len = strlen(text);
	/* Cut short anywhere before the final "}" (a newline follows). */
	for (i = 0; i + 2 < len; i++) {
		if (refused(text, i) != 0)
			bad++;
	}
	ok(bad == 0, "cut short at each of %zu bytes: refused every time",
	    len - 2);
	/* Random bytes, and the file with random bytes changed. */
	buf = malloc(len);
	for (j = 0, bad = 0; j < 2000; j++) {
		memcpy(buf, text, len);
		for (i = 0; i < 1 + (size_t)j % 8; i++)
			buf[rand_r(&seed) % len] = (char)rand_r(&seed);
		/* May parse if the change was harmless; never crashes. */
		if (refused(buf, len) == 0)
			bad++;
	}
	ok(1, "2000 files with random bytes changed: no crash (%zu refused)",
	    bad);
	for (j = 0; j < 200; j++) {
		for (i = 0; i < len; i++)
			buf[i] = (char)rand_r(&seed);
		if (refused(buf, len) != 0)
			break;
	}
	ok(j == 200, "200 files of random bytes refused");
	free(buf);

	/* Deep: refused by the depth limit, not the stack. */
	len = 2000000;
	buf = malloc(len);
	memset(buf, '[', len / 2);
	memset(buf + len / 2, ']', len / 2);
	ok(refused(buf, len) == 0, "a million nested arrays refused");
	for (i = 0; i < len / 2; i += 5)
		memcpy(buf + i, "{\"a\":", 5);
	ok(refused(buf, len / 2) == 0, "200000 nested objects refused");
	free(buf);

	/* Huge. */
	len = STATUS_MAXFILE + 1;
	buf = malloc(len);
	memset(buf, ' ', len);
	ok(refused(buf, len) == 0, "a file over %d bytes refused",
	    STATUS_MAXFILE);
	free(buf);
	len = 200001 * 32 + 64;
	buf = malloc(len);
	p = buf + snprintf(buf, len, "{\"version\": 1, \"accounts\": [");
	for (i = 0; i < 200001; i++)
		p += snprintf(p, len - (size_t)(p - buf), "%s{\"account\":"
		    "\"%zu\"}", i ? "," : "", i);
	p += snprintf(p, len - (size_t)(p - buf), "]}");
	ok(refused(buf, (size_t)(p - buf)) == 0, "200001 accounts refused");
	free(buf);

	ok(refused("\"\xff\"", 3) == 0, "invalid UTF-8 refused");
	ok(refused("{\"version\": 2, \"accounts\": []}", 30) == 0,
	    "another version refused");
	ok(refused("[1]", 3) == 0, "not an object refused");
	ok(refused("{\"version\": 1}", 14) == 0, "no accounts refused");
#define BAD(s, what) ok(refused(s, strlen(s)) == 0, what)
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"polls\":-1}]}",
	    "a negative count refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"polls\":\"1\"}]}",
	    "a count as a string refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\"},{\"account\":"
	    "\"a\"}]}", "an account twice refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"exit_code\":"
	    "99}]}", "exit code 99 refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"failures\":"
	    "{\"boom\":1}}]}", "an unknown failure class refused");
	BAD("{\"version\":1,\"accounts\":[{\"polls\":1}]}",
	    "an account without its name refused");
	BAD("{\"version\":1,\"accounts\":[]} x", "text after the end refused");
	BAD("{\"version\":1,\"accounts\":[],}", "a trailing comma refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"last_success\":"
	    "1.5}]}", "a time that is not an integer refused");
	BAD("{\"version\":1,\"accounts\":[{\"account\":\"a\",\"polls\":"
	    "99999999999999999999999}]}", "a count beyond 64 bits refused");
	free(text);
}

static void
test_metrics(void)
{
	struct status	 st;
	char		*text, *m, *cause = NULL;

	text = sample();
	memset(&st, 0, sizeof(st));
	(void)status_parse(&st, text, strlen(text), &cause);
	free(cause);
	m = metrics_text(&st);
	ok(strstr(m, "pullmail_polls_total{account=\"q\\\"u\\\\o\\nx\x01@caf"
	    "\xc3\xa9#2\",server=\"caf\xc3\xa9\"} 0\n") != NULL,
	    "label values: double quote, backslash and newline escaped");
	ok(strstr(m, "pullmail_poll_failures_total{account=\"joe@mail."
	    "example.org\",server=\"mail.example.org\",class=\"socket\"} 2\n")
	    != NULL, "failures by class");
	ok(strstr(m, "pullmail_delivered_bytes_total{account=\"joe@mail."
	    "example.org\",server=\"mail.example.org\"} 5415386\n") != NULL,
	    "bytes delivered");
	ok(strstr(m, "pullmail_round_duration_seconds 12.500\n") != NULL,
	    "the round duration");
	ok(strstr(m, "# TYPE pullmail_consecutive_failures gauge\n") != NULL,
	    "TYPE lines");
	free(m);
	status_clear(&st);
	free(text);
}

static void
test_words(void)
{
	is_str(status_word(PM_OK), "ok", "0 is ok");
	is_str(status_word(PM_SERVBUSY), "servbusy", "14 is servbusy");
	is_str(status_word(PM_UNDEFINED), "undefined", "23 is undefined");
	is_str(status_word(17), "undefined", "17 has no word of its own");
	is_str(status_word(-1), "undefined", "nor has -1");
	ok(!status_failed(PM_OK) && !status_failed(PM_NOMAIL) &&
	    status_failed(PM_SOCKET), "0 and 1 are not failures, 2 is");
}

/* Files in dir; 0 if it cannot be read. */
static int
entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return (n);
}

/*
 * status_replace in a directory others may write to (a metrics
 * directory): a link or file already at the temporary name, put there by
 * another user, neither stops the write nor gets pullmail's data.
 */
static void
test_replace(void)
{
	struct stat	 sb;
	char		 dir[] = "/tmp/test_status.XXXXXX", path[128];
	char		 tmp[160], bait[160], *cause = NULL;
	mode_t		 old;
	FILE		*f;
	int		 rc;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(bait, sizeof(bait), "%s/bait", dir);
	(void)symlink(bait, tmp);	/* a link where the old name was */
	old = umask(022);
	rc = durable_replace(path, "x 1\n", 4, 0644, &cause);
	umask(old);
	ok(rc == 0, "written past a link at the temporary name (%s)",
	    cause != NULL ? cause : "ok");
	free(cause);
	cause = NULL;
	ok(lstat(bait, &sb) == -1, "the link's target was not created");
	ok(stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (sb.st_mode & 07777) == 0644 && sb.st_size == 4,
	    "the file is there, mode 0644");
	unlink(tmp);
	/* A file of someone else's at the old name: not written through. */
	if ((f = fopen(tmp, "w")) != NULL)
		fclose(f);
	rc = durable_replace(path, "x 2\n", 4, 0600, &cause);
	free(cause);
	ok(rc == 0 && stat(tmp, &sb) == 0 && sb.st_size == 0,
	    "a file at the old temporary name is left as it was");
	unlink(tmp);
	/*
	 * The metrics file is for node_exporter, a user of its own: readable
	 * whatever the umask (the shipped units say UMask=0077).
	 */
	old = umask(077);
	rc = durable_replace(path, "x 3\n", 4, 0644, &cause);
	umask(old);
	free(cause);
	if (stat(path, &sb) != 0)
		sb.st_mode = 0;
	ok(rc == 0 && (sb.st_mode & 07777) == 0644,
	    "mode 0644 asked for under umask 077: 0644 (%o)",
	    (unsigned)(sb.st_mode & 07777));
	ok(entries(dir) == 1, "no temporary file left behind (%d files)",
	    entries(dir));
	unlink(path);
	rmdir(dir);
}

/*
 * A daemon's reload gives r->polls a new array, which malloc may put
 * where an earlier one was: the table must not take the array's address
 * for the same accounts.  Here the same array is reordered in place, as
 * a reload that swapped two entries of the rcfile and got the freed
 * array of two reloads before.
 */
static void
test_reload(void)
{
	struct cmdline		 cl;
	struct run		 r;
	struct poll_report	 rp;
	struct account		*v[2], *t;
	char			 dir[] = "/tmp/test_status.XXXXXX", *text;
	char			*cause = NULL, path[64];
	struct status		 st;
	size_t			 i;
	int			 rc;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	memset(&cl, 0, sizeof(cl));
	memset(&r, 0, sizeof(r));
	config_init(&r.cfg);
	r.cl = &cl;
	r.cfg.statedir = dir;
	v[0] = account_new("mail.example.org");
	v[0]->user = strdup("ann");
	v[1] = account_new("mail.example.org");
	v[1]->user = strdup("bob");
	r.polls.v = v;
	r.polls.n = 2;
	r.cfg.accounts = r.polls;
	status_begin(&r, 1);
	memset(&rp, 0, sizeof(rp));
	rp.start = 1796300000;
	rp.end = 1796300001;
	rp.result = PM_OK;
	rp.final = 1;
	rp.delivered = 5;
	run_record(&r, v[0], &rp);		/* ann: 5 */
	t = v[0];			/* the reload: bob first now */
	v[0] = v[1];
	v[1] = t;
	status_reloaded(&r);
	rp.delivered = 7;
	run_record(&r, v[0], &rp);		/* bob: 7 */
	/*
	 * A report is a worker's, which handles hostile bytes: a why that
	 * is not UTF-8 must not make the file unreadable (and so lost).
	 */
	memset(&rp, 0, sizeof(rp));
	rp.result = PM_PROTOCOL;
	rp.final = 1;
	strlcpy(rp.why, "server said \xff\xfe\x1b[2J", sizeof(rp.why));
	run_record(&r, v[1], &rp);
	status_end(&r, PM_OK);
	snprintf(path, sizeof(path), "%s/status.json", dir);
	memset(&st, 0, sizeof(st));
	text = NULL;
	{
		FILE	*f = fopen(path, "r");
		size_t	 n = 0;

		text = calloc(1, 65536);
		if (f != NULL) {
			n = fread(text, 1, 65535, f);
			fclose(f);
		}
		rc = status_parse(&st, text, n, &cause);
		ok(rc == 0, "the daemon's file reads back (%s)",
		    cause != NULL ? cause : "ok");
	}
	for (i = 0; i < st.n; i++) {
		if (strcmp(st.v[i].key, "ann@mail.example.org") == 0) {
			is_str(st.v[i].why, "server said \\xff\\xfe\\x1b[2J",
			    "a report's why is kept escaped");
			ok(st.v[i].delivered == 5, "ann's count is ann's "
			    "after the reload (%llu)",
			    (unsigned long long)st.v[i].delivered);
		} else
			ok(st.v[i].delivered == 7, "bob's count is bob's "
			    "after the reload (%llu)",
			    (unsigned long long)st.v[i].delivered);
	}
	free(cause);
	free(text);
	status_clear(&st);
	unlink(path);
	rmdir(dir);
	account_free(v[0]);
	account_free(v[1]);
}

int
main(void)
{
	plan(58);
	test_roundtrip();
	test_damaged();
	test_metrics();
	test_words();
	test_replace();
	test_reload();
	return (done_testing());
}
