/* test_multidrop.c -- multidrop recipients from envelope and headers. */

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "multidrop.h"
#include "rc_parse.h"
#include "tap.h"

static struct config	cfg;

static const struct account *
acct(const char *rc)
{
	char	*cause = NULL;

	config_free(&cfg);
	config_init(&cfg);
	if (rc_parse("rc", "/", rc, strlen(rc), &cfg, &cause) != 0 ||
	    account_finish(cfg.accounts.v[0], &cause) != 0) {
		printf("# %s\n", cause);
		exit(1);
	}
	return (cfg.accounts.v[0]);
}

/* The recipients, joined by spaces. */
static char *
rcpts(const struct account *a, const char *hdr)
{
	struct strlist	 l = { NULL, 0 };
	static char	 out[512];
	size_t		 i;

	multidrop_rcpts(a, hdr, strlen(hdr), "pm", &l);
	out[0] = '\0';
	for (i = 0; i < l.n; i++) {
		if (i > 0)
			strlcat(out, " ", sizeof(out));
		strlcat(out, l.v[i], sizeof(out));
	}
	strlist_free(&l);
	return (out);
}

int
main(void)
{
	const struct account	*a;
	struct strlist		 l = { NULL, 0 };

	plan(19);
	a = acct("poll mail.example.org aka example.org localdomains "
	    "family.example user fam there is anna bob carl=charles here");
	is_str(rcpts(a, "Received: from x by mx.example.org for "
	    "<anna@example.org>; Mon, 1 Jan 2026\nTo: bob@example.org\n\n"),
	    "anna", "the Received for clause wins over To");
	is_str(rcpts(a, "Received: from x by y; Mon\nTo: Bob <bob@mail.example."
	    "org>, \"Anna, A.\" <anna@family.example>\nCc: x@elsewhere.example"
	    "\n\n"), "bob anna", "no envelope: To and Cc, local domains only");
	is_str(rcpts(a, "To: carl@example.org\n\n"), "charles",
	    "server=local mappings");
	is_str(rcpts(a, "To: ANNA@EXAMPLE.ORG, anna@sub.example.org\n\n"),
	    "anna", "case-insensitive, subdomains of aka, no duplicates");
	is_str(rcpts(a, "To: stranger@example.org\n\n"), "pm",
	    "no match: the postmaster");
	is_str(rcpts(a, "To: anna@evil.example.org.attacker.net\n\n"), "pm",
	    "a domain that only starts like ours is not ours");
	is_str(rcpts(a, "Resent-To: bob@example.org\nTo: anna@example.org\n\n"),
	    "bob", "Resent-To before To");
	is_str(rcpts(a, "To: undisclosed-recipients:;\nCc: bob\n\n"), "bob",
	    "an empty group and a bare local name");

	a = acct("poll mail.example.org envelope 1 X-Original-To qvirtual "
	    "v- user fam there is * here");
	is_str(rcpts(a, "X-Original-To: v-zoe@mail.example.org\n"
	    "X-Original-To: v-yan@mail.example.org\n\n"), "yan",
	    "envelope with a skip count, qvirtual stripped, * passes through");
	is_str(rcpts(a, "To: ann@elsewhere.example\n\n"), "pm",
	    "* does not take foreign domains");
	is_str(rcpts(a, "To: v--C/x@mail.example.org, \"v-\\\x01\"@mail.example.org,"
	    " v-\x7f'@mail.example.org\n\n"), "pm",
	    "* takes no name with a leading '-', a control or DEL (review 14, 15)");
	is_str(rcpts(a, "To: v-\x01, -opt\n\n"), "pm",
	    "nor a bare name with them");

	a = acct("poll mail.example.org no envelope user fam there is a b here");
	is_str(rcpts(a, "Received: from x by y for <a@mail.example.org>;\n"
	    "To: b@mail.example.org\n\n"), "b", "no envelope: headers only");

	l.n = 0;
	is_int(multidrop_rcpts(a, "To: zed@mail.example.org\n\n", 26, "pm", &l),
	    MD_POSTMASTER, "no match: says the postmaster got it");
	strlist_free(&l);
	a = acct("poll mail.example.org envelope X-Original-To user fam "
	    "there is a b here");
	is_int(multidrop_rcpts(a, "X-Original-To: a@mail.example.org\n\n", 35,
	    "pm", &l), MD_ENVELOPE, "an envelope line: says so");
	strlist_free(&l);
	is_int(multidrop_rcpts(a, "To: a@mail.example.org\n\n", 24, "pm", &l),
	    0, "headers only: neither flag");
	strlist_free(&l);

	multidrop_split("\"Doe, John\" <jd@x.example>, (comment, here) "
	    "k@y.example, grp: m@z.example, n@z.example;", &l);
	is_int(l.n, 4, "address lists: quotes, comments, groups");
	ok(l.n == 4 && strcmp(l.v[0], "jd@x.example") == 0 &&
	    strcmp(l.v[3], "n@z.example") == 0, "in order");
	strlist_free(&l);
	multidrop_split("", &l);
	is_int(l.n, 0, "an empty list");
	config_free(&cfg);
	return (done_testing());
}
