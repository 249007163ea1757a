/* test_mda_argv.c -- the MDA's argument vector and the quoting check. */

#include <stdlib.h>
#include <string.h>

#include "mda_argv.h"
#include "tap.h"

static const char	*hostile = "<$(touch${IFS}/tmp/x)@evil.example>";

/* The vector joined with '|' between arguments. */
static char *
joined(const char *cmd, const char *from, char *const *rcpts, size_t n)
{
	struct mda_args	 av;
	char		*out;
	size_t		 i, len = 1;

	mda_args_build(&av, cmd, from, rcpts, n);
	for (i = 0; i < av.n; i++)
		len += strlen(av.v[i]) + 1;
	out = calloc(1, len);
	for (i = 0; i < av.n; i++) {
		if (i > 0)
			strcat(out, "|");
		strcat(out, av.v[i]);
	}
	mda_args_free(&av);
	return (out);
}

static void
check_build(const char *cmd, const char *from, char *const *rcpts, size_t n,
    const char *want, const char *what)
{
	char	*got = joined(cmd, from, rcpts, n);

	is_str(got, want, "%s", what);
	free(got);
}

static void
check_ok(const char *cmd, int want_ok, const char *what)
{
	char	*cause = NULL;
	int	 rc = mda_check(cmd, &cause);

	ok((rc == 0) == want_ok, "%s", what);
	if (rc != 0 && cause == NULL)
		ok(0, "%s: no cause", what);
	free(cause);
}

int
main(void)
{
	char	*two[] = { "alice", "bob" };
	char	*evil[] = { "-C/x", "a b" };
	char	*cause = NULL;

	plan(27);
	check_build("procmail -d %T", "f@x", two, 2, "procmail|-d|alice|bob",
	    "no shell: each recipient is one argument");
	check_build("/usr/sbin/sendmail -i -f %F -- %T", hostile, evil, 2,
	    "/usr/sbin/sendmail|-i|-f|<$(touch${IFS}/tmp/x)@evil.example>|--|"
	    "-C/x|a b", "no shell: hostile values stay whole");
	check_build("deliver %s", "f", two, 2, "deliver|alice|bob",
	    "legacy %s is %T");
	check_build("procmail -d %T | cat", hostile, two, 2,
	    "/bin/sh|-c|procmail -d \"${2}\" \"${3}\" | cat|sh|"
	    "<$(touch${IFS}/tmp/x)@evil.example>|alice|bob",
	    "shell: values are positional parameters, not script text");
	check_build("x -f %F >>log", "a'b\"c", two, 0,
	    "/bin/sh|-c|x -f \"${1}\" >>log|sh|a'b\"c",
	    "shell: quotes in the sender do not reach the script");
	check_build("a %T%F; b", "f", two, 1,
	    "/bin/sh|-c|a \"${2}\"\"${1}\"; b|sh|f|alice",
	    "shell: %T and %F inside a word");
	check_build("printf '%s\\n' x | cat", "f", two, 1,
	    "/bin/sh|-c|printf '%s\\n' x | cat|sh|f|alice",
	    "shell: a printf %s is left alone");

	check_build("sendmail -i -f%F -- %T", "f@x", two, 2,
	    "sendmail|-i|-ff@x|--|alice|bob",
	    "no shell: %F inside a word, as fetchmail does");
	check_build("deliver -d%T", "f", two, 2, "deliver|-dalice|-dbob",
	    "no shell: %T inside a word, once per recipient");
	check_ok("procmail -d %T", 1, "bare %T is fine");
	check_ok("true #\"\nprintf '[%s]\\n' \"%F\"", 0,
	    "a quote in a comment does not hide a quoted %F (review)");
	check_ok("x # it's %F\ny %F | z", 1, "a comment is skipped");
	check_ok("x \"$(echo %F)\" | y", 0, "%F with $(...) is refused");
	check_ok("x `echo` %F | y", 0, "%F with backquotes is refused");
	check_ok("x ${a:-'} %F '} | y", 0, "%F with ${...} is refused");
	check_ok("x $'a' %F | y", 0, "%F with $'...' is refused");
	check_ok("x <<EOF %F | y", 0, "%F with a here-document is refused");
	check_ok("x $(date) | y", 1, "$(...) without %F or %T is fine");
	check_ok("/bin/true -f '%F' -d %T", 0, "'%F' is refused (review 2)");
	check_ok("/bin/true -f \"%F\" -d %T", 0, "\"%F\" is refused");
	check_ok("x \"a %T b\"", 0, "%T inside double quotes is refused");
	check_ok("x \\%T", 0, "an escaped %T is refused");
	check_ok("x 'it''s' -f %F | y", 1, "quotes elsewhere are fine");
	check_ok("x \"%s\" %T", 1, "a quoted %s that is no word is fine");
	check_ok("x 'a \" b' %F", 1, "a double quote inside single quotes");
	check_ok("x \"a ' b\" %F", 1, "a single quote inside double quotes");
	ok(mda_check("x '%F'", &cause) == -1 && cause != NULL &&
	    strstr(cause, "write %F bare") != NULL,
	    "the refusal shows the safe spelling");
	free(cause);
	return (done_testing());
}
