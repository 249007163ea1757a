/* test_netrc.c -- the .netrc reader: entries, default, quoting, macdef. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "password.h"
#include "tap.h"

static char *
look(const char *text, const char *machine, const char *login)
{
	return (netrc_lookup(text, strlen(text), machine, login));
}

static void
expect(const char *text, const char *machine, const char *login,
    const char *want, const char *what)
{
	char	*got = look(text, machine, login);

	if (want == NULL)
		ok(got == NULL, "%s: no password (got %s)", what,
		    got != NULL ? got : "none");
	else
		is_str(got != NULL ? got : "(none)", want, "%s", what);
	free(got);
}

int
main(void)
{
	const char	*file =
	    "machine a.example login joe password pa\n"
	    "machine b.example\n  login ann\n  password \"p w\\\"q\"\n"
	    "macdef init\nmachine a.example login joe password macro\n\n"
	    "machine c.example login x password px account acct\n"
	    "default login anyone password pd\n";

	char	 longer[PM_PASSWORD_MAX + 64];
	char	 want[PM_PASSWORD_MAX + 1];

	plan(11);
	expect(file, "a.example", "joe", "pa", "first entry");
	expect(file, "a.example", "bob", NULL, "login must match");
	expect(file, "b.example", "ann", "p w\"q", "quoted, escaped token");
	expect(file, "c.example", "x", "px", "account is skipped");
	expect(file, "z.example", "anyone", "pd", "default entry");
	expect(file, "z.example", "joe", NULL, "default login must match");
	expect("machine m password nologin\n", "m", "whoever", "nologin",
	    "an entry without login matches any login");
	expect("machine m login u", "m", "u", NULL, "no password at all");
	expect("", "m", "u", NULL, "empty file");

	/* PM_PASSWORD_MAX bytes fit; one more is refused, not truncated. */
	memset(want, 'x', PM_PASSWORD_MAX);
	want[PM_PASSWORD_MAX] = '\0';
	snprintf(longer, sizeof(longer), "machine m password %s\n", want);
	expect(longer, "m", "u", want, "a password of the limit");
	snprintf(longer, sizeof(longer), "machine m password %sy\n", want);
	expect(longer, "m", "u", NULL, "one byte over the limit");
	return (done_testing());
}
