/*
 * test_log.c -- server text is made visible before it is logged: no C0
 * control, DEL or C1 control reaches a terminal or a log file raw.  On
 * the journal's stream (JOURNAL_STREAM names stderr) every line starts
 * with its syslog priority, and only there.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static void
visible_is(const char *in, const char *want, const char *what)
{
	char	out[256];
	size_t	len;

	len = log_visible(out, sizeof(out), in);
	is_str(out, want, "%s", what);
	is_int(len, strlen(want), "%s: its length", what);
}

static void
test_visible(void)
{
	char	small[8], all[32 * 4 + 1], want[32 * 4 + 1];
	size_t	i;

	visible_is("+OK ready", "+OK ready", "plain text is kept");
	visible_is("\x1b[2J", "\\x1b[2J", "ESC");
	visible_is("a\rb", "a\\x0db", "a bare CR");
	visible_is("a\nb", "a\\x0ab", "LF");
	visible_is("a\tb", "a\\x09b", "a tab");
	visible_is("\x7f\x08", "\\x7f\\x08", "DEL and backspace");
	visible_is("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac",
	    "UTF-8 text is kept");
	visible_is("\xc2\x9b" "31m", "\\xc2\\x9b31m",
	    "a C1 CSI in UTF-8 is escaped");
	visible_is("\xc2\xa0x\xf0\x9f\x93\xab", "\xc2\xa0x\xf0\x9f\x93\xab",
	    "other UTF-8 characters are kept");
	visible_is("caf\xe9 \x9b" "31m", "caf\\xe9 \\x9b31m",
	    "Latin-1 bytes and a raw C1 CSI are escaped");
	visible_is("\xc0\xaf \xed\xa0\x80 x\xc2", "\\xc0\\xaf "
	    "\\xed\\xa0\\x80 x\\xc2",
	    "an overlong form, a surrogate, a cut character");

	for (i = 0; i < 31; i++)
		all[i] = (char)(i + 1);
	all[31] = '\0';
	want[0] = '\0';
	for (i = 1; i < 32; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
		    "\\x%02zx", i);
	{
		char	out[sizeof(want) + 8];

		log_visible(out, sizeof(out), all);
		is_str(out, want, "every C0 control from 0x01 to 0x1f");
	}

	/* Cut at a whole character, always terminated. */
	is_int(log_visible(small, sizeof(small), "abcd\x1b" "ef"), 4,
	    "an escape that does not fit is left out whole");
	is_str(small, "abcd", "and the rest with it");
	is_int(log_visible(small, sizeof(small), "abcdefghij"), 7,
	    "plain text is cut to the buffer");
	is_int(log_visible(small, 0, "x"), 0, "a zero-size buffer");
}

/* Through the log itself: the file gets the escapes, not the bytes. */
static void
test_logfile(void)
{
	char	path[] = "/tmp/test_log.XXXXXX", buf[4096];
	ssize_t	n;
	int	fd;

	if ((fd = mkstemp(path)) == -1) {
		ok(0, "mkstemp");
		return;
	}
	close(fd);
	log_init(0, 0);
	ok(log_target(path, 0) == 0, "log to a file");
	log_warnx("server said: %s", "-ERR no\x1b[2J\rpullmail: forged\x7f");
	log_warnx("two lines:\n    the second, %s", "with\x1b ESC");
	log_warnx("SCRAM: %s", "i=1\nDec  3 14:00:00 pullmail[1]: forged");
	log_target(NULL, 0);
	fd = open(path, O_RDONLY);
	n = fd == -1 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd != -1)
		close(fd);
	unlink(path);
	ok(strstr(buf, "server said: -ERR no\\x1b[2J\\x0dpullmail: "
	    "forged\\x7f\n") != NULL, "the file holds the visible form");
	ok(strchr(buf, '\x1b') == NULL && strchr(buf, '\r') == NULL &&
	    strchr(buf, '\x7f') == NULL, "and no raw ESC, CR or DEL");
	ok(strstr(buf, "two lines:\n    the second, with\\x1b ESC\n") !=
	    NULL, "a message of two lines keeps its newline; the second "
	    "line has no prefix");
	ok(strstr(buf, "i=1\n  Dec  3 14:00:00 pullmail[1]: forged\n") !=
	    NULL && strstr(buf, "\nDec  3") == NULL,
	    "text after a server's newline is indented: no forged log line");
}

/*
 * What a child writes to stderr (a file) with JOURNAL_STREAM set to
 * "DEV:INO" of that file, plus "bump" to the inode (0: it matches) or,
 * with env set, exactly that.  The child logs a warning, an info line,
 * a debug and a trace line (-v -v), a warning of two lines, a line too
 * long for the buffer and, if fatal is set, dies of fatalx().  Returns
 * its exit status; buf gets the output.
 */
static int
journal_child(char *buf, size_t size, long bump, const char *env, int fatal)
{
	char		 path[] = "/tmp/test_log.XXXXXX", val[64], big[5000];
	struct stat	 sb;
	ssize_t		 n;
	pid_t		 pid;
	int		 fd, status = -1;

	buf[0] = '\0';
	if ((fd = mkstemp(path)) == -1 || fstat(fd, &sb) == -1)
		return (-1);
	snprintf(val, sizeof(val), "%llu:%llu",
	    (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino + bump);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		setenv("JOURNAL_STREAM", env != NULL ? env : val, 1);
		dup2(fd, STDERR_FILENO);
		log_init(2, 0);
		log_warnx("a warning");
		log_warn("a warning with errno%s", "");
		log_info("an info line");
		log_debug("a debug line");
		log_trace("a trace line");
		log_warnx("two lines:\n    the second");
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		log_info("%s", big);
		if (fatal)
			fatalx("a bug");
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return (status);
}

static void
test_journal(void)
{
	char	buf[16384], *p;
	int	status;

	status = journal_child(buf, sizeof(buf), 0, NULL, 1);
	ok(strncmp(buf, "<4>pullmail: a warning\n", 23) == 0,
	    "journal: a warning starts with <4>");
	ok(strstr(buf, "\n<4>pullmail: a warning with errno: ") != NULL,
	    "journal: log_warn() too");
	ok(strstr(buf, "\n<6>pullmail: an info line\n") != NULL,
	    "journal: an info line starts with <6>");
	ok(strstr(buf, "\n<7>pullmail: a debug line\n") != NULL,
	    "journal: a debug line (-v) starts with <7>");
	ok(strstr(buf, "\n<7>pullmail: a trace line\n") != NULL,
	    "journal: a trace line (-v -v) starts with <7>");
	ok(strstr(buf, "\n<4>pullmail: two lines:\n<4>    the second\n") !=
	    NULL, "journal: each line of a message of two lines has <4>");
	p = strstr(buf, "\n<6>pullmail: xxx");
	ok(p != NULL && strchr(p + 1, '\n') != NULL &&
	    strchr(p + 1, '\n') - p > 4000 &&
	    strncmp(strchr(p + 1, '\n'), "\n<3>pullmail: fatal: a bug\n",
	    27) == 0, "journal: a line cut to the buffer still ends in a "
	    "newline; fatalx() gets <3>");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 23,
	    "journal: fatalx() exits 23");

	journal_child(buf, sizeof(buf), 1, NULL, 0);
	ok(strncmp(buf, "pullmail: a warning\n", 20) == 0 &&
	    strstr(buf, "\npullmail: an info line\n") != NULL &&
	    strstr(buf, "\npullmail: a debug line\n") != NULL &&
	    strchr(buf, '<') == NULL,
	    "JOURNAL_STREAM naming another inode: no priority prefix");
	journal_child(buf, sizeof(buf), 0, "1:", 0);
	ok(strncmp(buf, "pullmail: a warning\n", 20) == 0 &&
	    strchr(buf, '<') == NULL, "a malformed JOURNAL_STREAM: none");
}

int
main(void)
{
	plan(42);
	test_visible();
	test_logfile();
	test_journal();
	return (done_testing());
}
