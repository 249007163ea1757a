/* test_rc_parse.c -- rcfile grammar and its error messages. */

#include <stdlib.h>
#include <string.h>

#include "rc_parse.h"
#include "tap.h"
#include "xmalloc.h"

static struct config	cfg;

static int
parse(const char *text, char **cause)
{
	config_free(&cfg);
	config_init(&cfg);
	*cause = NULL;
	return (rc_parse("rc", "/etc", text, strlen(text), &cfg, cause));
}

int
main(void)
{
	static const struct {
		const char	*in;
		const char	*err;
	} bad[] = {
		{ "poll x ssl user y", "rc:1:8: \"ssl\" is a user option; "
		    "move it after \"user y\"" },
		{ "poll x user y ssl via z", "rc:1:19: \"via\" is a server "
		    "option; move it before \"user y\"" },
		{ "poll x keep fetchall timeout 5", "rc:1:22: \"timeout\" is a "
		    "server option; move it before \"keep\"" },
		{ "poll x proto smtp", "rc:1:14: unknown protocol smtp; "
		    "expected auto, pop3, imap, apop, rpop, kpop, sdps, etrn or "
		    "odmr (all lower or all upper case)" },
		{ "poll x proto Pop3", "rc:1:14: unknown protocol Pop3; "
		    "expected auto, pop3, imap, apop, rpop, kpop, sdps, etrn or "
		    "odmr (all lower or all upper case)" },
		{ "poll x port 70000", "rc:1:13: port 70000 is too large "
		    "(allowed: 1 to 65535)" },
		{ "poll x port -1", "rc:1:13: port -1 is too small (allowed: 1 "
		    "to 65535)" },
		{ "poll x port \"995\"", "rc:1:13: expected a port after "
		    "\"port\" (a number), found the quoted string \"995\"; "
		    "remove the quotes" },
		{ "poll", "rc:1:5: expected a server name, found end of file" },
		{ "poll 123", "rc:1:6: expected a server name, found the number "
		    "123 (quote it if it is meant as a name)" },
		{ "user x", "rc:1:1: \"user\" is an option of a server entry; "
		    "it must follow \"poll NAME\"" },
		{ "set foo", "rc:1:5: unknown option \"foo\"; expected a global "
		    "option after \"set\"" },
		{ "set nosoftbounce", "rc:1:5: \"nosoftbounce\" is not a "
		    "keyword; write \"no softbounce\"" },
		{ "set daemon = 5", "rc:1:12: expected daemon interval (a "
		    "number), found \"=\"" },
		{ "set daemon -5", "rc:1:12: daemon interval -5 is too small "
		    "(allowed: 0 to 2147483647)" },
		{ "set hooktimeout 0", "rc:1:17: hooktimeout (seconds) 0 is "
		    "too small (allowed: 1 to 86400)" },
		{ "poll x user y postdeliver", "rc:1:26: expected a command "
		    "after \"postdeliver\", found end of file" },
		{ "poll x timeout 2147483648", "rc:1:16: timeout 2147483648 is "
		    "too large (allowed: 0 to 2147483647)" },
		{ "poll x user y mda keep", "rc:1:19: expected an MDA command, "
		    "found the keyword \"keep\" (quote it if it is meant as a "
		    "value)" },
		{ "poll x user y folder 2024", "rc:1:22: expected a folder "
		    "name, found the number 2024 (quote it if it is meant as a "
		    "name)" },
		{ "poll a\npoll b defaults", "rc:2:8: \"defaults\" must be the "
		    "first entry of the file and appear only once" },
		{ "defaults keep\ndefaults fetchall", "rc:2:1: \"defaults\" "
		    "must be the first entry of the file and appear only once" },
		{ "poll a user u keepx", "rc:1:15: unknown option \"keepx\" "
		    "after \"user u\" (names after \"user\" are local names "
		    "only when the list ends with \"here\")" },
		{ "poll a user u nosslcertck", "rc:1:15: \"nosslcertck\" is not "
		    "a keyword; write \"no sslcertck\"" },
		{ "poll a user u no", "rc:1:17: expected an option after "
		    "\"no\", found end of file" },
		{ "poll a no via x", "rc:1:8: \"no\" does not apply to \"via\"" },
		{ "poll a user u no nokeep", "rc:1:18: \"no\" cannot be "
		    "followed by \"nokeep\"" },
		{ "poll a user u is a 123 here", "rc:1:20: unexpected \"123\"; "
		    "expected a server or user option" },
		{ "poll a auth pass", "rc:1:13: unknown authentication pass; "
		    "expected any, password, cram-md5, scram-sha-1, "
		    "scram-sha-256, external, xoauth2, oauthbearer, gssapi, "
		    "kerberos_v5, ntlm, msn, otp or ssh" },
		{ "poll a interface eth0", "rc:1:18: interface \"eth0\" is not "
		    "of the form IF/IPADDR[/MASK] (for example ppp0/10.0.0.1)" },
		{ "poll a bad-header maybe", "rc:1:19: expected accept or "
		    "reject after \"bad-header\", found maybe" },
		{ "poll a user u antispam five", "rc:1:24: expected an SMTP "
		    "reply code after \"antispam\", found five" },
		{ "poll a user u antispam 1000", "rc:1:24: antispam code 1000 "
		    "is too large (allowed: 0 to 999)" },
		{ "poll a envelope", "rc:1:16: expected a header name after "
		    "\"envelope\", found end of file" },
		{ "poll a user u limit \"100\"", "rc:1:21: expected limit (a "
		    "number), found the quoted string \"100\"; remove the "
		    "quotes" },
		{ "poll a mda\n\"multi\nline\" keeep", "rc:3:7: unknown option "
		    "\"keeep\"; expected a server or user option" },
		{ "poll a user u is x=", "rc:1:20: expected a local name after "
		    "\"=\", found end of file" },
		{ "poll a logfile x", "rc:1:8: \"logfile\" is a global option; "
		    "write \"set logfile\" outside the server entry" },
	};
	struct account	*a;
	char		*cause;
	size_t		 i;

	config_init(&cfg);
	plan(nitems(bad) + 32);
	for (i = 0; i < nitems(bad); i++) {
		parse(bad[i].in, &cause);
		is_str(cause, bad[i].err, "error %zu", i);
		free(cause);
	}

	is_int(parse("poll mail.example.org via 10.0.0.1 with proto IMAP "
	    "port 993\n user \"joe\" there with password 'pw' is jo here "
	    "options ssl keep sslcertck folder a b smtphost h1,h2/26", &cause),
	    0, "a full entry parses");
	a = cfg.accounts.v[0];
	is_str(a->name, "mail.example.org", "poll name");
	is_str(a->via, "10.0.0.1", "via");
	is_int(a->proto, PROTO_IMAP, "proto");
	is_str(a->service, "993", "port");
	is_str(a->user, "joe", "user");
	is_str(a->password, "pw", "password");
	ok(a->locals.n == 1 && strcmp(a->locals.v[0], "jo") == 0, "is .. here");
	ok(a->ssl == 1 && a->keep == 1, "ssl keep");
	ok(a->folders.n == 2 && a->smtphosts.n == 2 &&
	    strcmp(a->smtphosts.v[1], "h2/26") == 0, "lists");

	is_int(parse("poll x user keep pass poll is user here", &cause), 0,
	    "name mode after user/pass/is");
	a = cfg.accounts.v[0];
	ok(strcmp(a->user, "keep") == 0 && strcmp(a->password, "poll") == 0 &&
	    strcmp(a->locals.v[0], "user") == 0, "keywords taken as names");

	is_int(parse("defaults proto pop3 keep\npoll a\npoll b proto imap "
	    "no keep", &cause), 0, "defaults");
	ok(cfg.accounts.n == 2, "defaults record removed (%zu)",
	    cfg.accounts.n);
	ok(cfg.accounts.v[0]->proto == PROTO_POP3 &&
	    cfg.accounts.v[0]->keep == 1, "defaults merged");
	ok(cfg.accounts.v[1]->proto == PROTO_IMAP &&
	    cfg.accounts.v[1]->keep == 0, "entry overrides defaults");

	is_int(parse("poll a user u1 pass p1 user u2 pass p2\nskip b", &cause),
	    0, "two users, skip");
	ok(cfg.accounts.n == 3 && strcmp(cfg.accounts.v[1]->user, "u2") == 0 &&
	    cfg.accounts.v[2]->active == 0, "users and skip entry");
	is_int(parse("set daemon 300\nset logfile = /tmp/x\nset no syslog",
	    &cause), 0, "set statements");
	ok(cfg.daemon == 300 && strcmp(cfg.logfile, "/tmp/x") == 0 &&
	    cfg.syslog == 0, "set values");

	is_int(parse("poll a user u sslcertfile ca.pem bsmtp - sslcert /abs",
	    &cause), 0, "paths");
	a = cfg.accounts.v[0];
	ok(strcmp(a->sslcertfile, "/etc/ca.pem") == 0 &&
	    strcmp(a->bsmtp, "-") == 0 && strcmp(a->sslcert, "/abs") == 0,
	    "relative paths taken from the rcfile's directory");

	is_int(parse("poll a envelope X user u is * b=c d here", &cause), 0,
	    "mapping list");
	a = cfg.accounts.v[0];
	ok(a->wildcard == 1 && a->locals.n == 2 &&
	    strcmp(a->locals.v[0], "b=c") == 0, "wildcard and mapping");

	is_int(parse("poll a user u is joe there", &cause), 0, "is .. there");
	ok(strcmp(cfg.accounts.v[0]->user, "joe") == 0 &&
	    cfg.accounts.v[0]->locals.n == 0, "is NAME there: remote user");

	is_int(parse("poll a no tracepolls\nset no showdots", &cause), 0,
	    "fixed fetchmail quirks");
	ok(cfg.accounts.v[0]->tracepolls == 0 && cfg.showdots == 0,
	    "no tracepolls and set no showdots mean off");

	is_int(parse("set hooktimeout 5\npoll a user u postdeliver "
	    "\"notmuch new\" postpoll 'logger $PULLMAIL_RESULT'", &cause), 0,
	    "hooks");
	ok(cfg.hooktimeout == 5 &&
	    strcmp(cfg.accounts.v[0]->postdeliver, "notmuch new") == 0 &&
	    strcmp(cfg.accounts.v[0]->postpoll, "logger $PULLMAIL_RESULT") ==
	    0, "postdeliver, postpoll and set hooktimeout");

	is_int(parse("poll a user \"abc\"def", &cause), 0,
	    "a glued quote parses");
	is_str(cfg.warnings.n == 1 ? cfg.warnings.v[0] : "(none)",
	    "rc:1:13: warning: \"abc\"def is one word with its quote "
	    "characters kept; put a space after a closing quote",
	    "and is warned about");
	config_free(&cfg);
	return (done_testing());
}
