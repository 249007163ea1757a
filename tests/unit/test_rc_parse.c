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
		{ "poll x ssl user y", "rc:1:12: \"user\" after user options; "
		    "put the options after \"user NAME\"" },
		{ "poll x user y ssl via z", "rc:1:19: \"via\" is a server "
		    "option; move it before the user options" },
		{ "poll x proto smtp", "rc:1:14: protocol smtp is not "
		    "supported; expected auto, pop3 or imap" },
		{ "poll x port 70000", "rc:1:13: port \"70000\" is too large "
		    "(allowed: 1 to 65535)" },
		{ "poll x port -1", "rc:1:13: port \"-1\" is too small "
		    "(allowed: 1 to 65535)" },
		{ "poll", "rc:1:5: expected a server name, found end of file" },
		{ "user x", "rc:1:1: expected \"poll\", \"skip\", \"defaults\" "
		    "or \"set\", found \"user\"" },
		{ "set foo", "rc:1:5: unknown global option foo after \"set\"" },
		{ "poll x user y mda keep", "rc:1:19: expected an MDA command, "
		    "found the keyword \"keep\" (quote it if it is meant as a "
		    "value)" },
		{ "poll a\npoll b defaults", "rc:2:8: \"defaults\" must be the "
		    "first entry of the file and appear once" },
	};
	struct account	*a;
	char		*cause;
	size_t		 i;

	config_init(&cfg);
	plan(nitems(bad) + 19);
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
	config_free(&cfg);
	return (done_testing());
}
