/* test_cmdline.c -- fetchmail's options and their values. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "result.h"
#include "tap.h"

static struct cmdline	cl;

static int
parse(const char *first, ...)
{
	static char	*argv[32];	/* cl.servers points into it */
	const char	*s;
	va_list		 ap;
	int		 argc = 0;

	argv[argc++] = (char *)"pullmail";
	va_start(ap, first);
	for (s = first; s != NULL && argc < 31; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	cmdline_free(&cl);
	return (cmdline_parse(&cl, argc, argv));
}

int
main(void)
{
	FILE	*saved = stderr;

	plan(27);
	/* Usage errors print the summary; keep test output readable. */
	stderr = fopen("/dev/null", "w");

	is_int(parse("-k", "-a", "-u", "joe", "-p", "IMAP", "-P", "993",
	    "--ssl", "mail.example.org", NULL), -1, "options parse");
	is_int(cl.acct->keep, 1, "-k");
	is_int(cl.acct->fetchall, 1, "-a");
	is_str(cl.acct->user, "joe", "-u");
	is_int(cl.acct->proto, PROTO_IMAP, "-p is case-insensitive");
	is_str(cl.acct->service, "993", "-P");
	is_int(cl.acct->ssl, 1, "--ssl");
	ok(cl.nservers == 1 && strcmp(cl.servers[0], "mail.example.org") == 0,
	    "server name argument");

	is_int(parse("-l", "010", "-t", "0x10", "-B", "0", NULL), -1,
	    "numbers in base 0");
	is_int(cl.acct->limit, 8, "010 is octal on the command line");
	is_int(cl.acct->timeout, 16, "0x10 is hex");
	is_int(cl.acct->fetchlimit, 0, "explicit 0 is set");
	is_int(parse("-l", "10k", NULL), PM_SYNTAX, "trailing garbage");
	is_int(parse("-l", "-1", NULL), PM_SYNTAX, "negative refused");
	is_int(parse("-l", "99999999999", NULL), PM_SYNTAX, "overflow");

	is_int(parse("-r", "INBOX,Sent", "-S", "a,b/26", "-Z", "571,-1",
	    NULL), -1, "lists");
	ok(cl.acct->folders.n == 2 && strcmp(cl.acct->folders.v[1], "Sent") ==
	    0, "-r splits at commas");
	ok(cl.acct->smtphosts.n == 2, "-S splits at commas");
	ok(cl.acct->antispam.n == 2 && strcmp(cl.acct->antispam.v[1], "-1") ==
	    0, "-Z keeps -1");

	is_int(parse("-S", "a", "-m", "procmail", NULL), PM_SYNTAX,
	    "at most one of -S, -m, --bsmtp");
	is_int(parse("--auth", "kerberos", NULL), -1, "--auth kerberos");
	is_int(cl.acct->auth, AUTH_KERBEROS_V5, "kerberos means V5 here");
	is_int(parse("--auth", "EXTERNAL", NULL), -1, "--auth EXTERNAL");
	is_int(parse("--nosuchoption", NULL), PM_SYNTAX, "unknown option");
	is_int(parse("-d", "300", "--nosoftbounce", "--nobounce", NULL), -1,
	    "globals");
	ok(cl.globals.daemon == 300 && cl.globals.softbounce == 0 &&
	    cl.globals.bouncemail == 0, "global values");
	is_int(parse("-p", "smtp", NULL), PM_SYNTAX, "unknown protocol");

	fclose(stderr);
	stderr = saved;
	cmdline_free(&cl);
	return (done_testing());
}
