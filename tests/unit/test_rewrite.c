/* test_rewrite.c -- bare addresses get "@server", nothing else moves. */

#include <stdlib.h>
#include <string.h>

#include "rewrite.h"
#include "tap.h"

static void
check(const char *in, const char *want, const char *what)
{
	size_t	 n;
	char	*got;

	got = rewrite_addresses(in, strlen(in), "mail.example", &n);
	got = realloc(got, n + 1);
	got[n] = '\0';
	is_str(got, want, "%s", what);
	free(got);
}

int
main(void)
{
	plan(16);
	check("To: joe\r\n\r\n", "To: joe@mail.example\r\n\r\n",
	    "a bare word is qualified");
	check("From: Joe Bloggs <joe>\r\n\r\n",
	    "From: Joe Bloggs <joe@mail.example>\r\n\r\n",
	    "an angle address is qualified inside the brackets");
	check("Cc: a, b@x.org,\r\n\tc (the boss)\r\n\r\n",
	    "Cc: a@mail.example, b@x.org,\r\n\tc@mail.example (the boss)"
	    "\r\n\r\n", "lists, folding and comments");
	check("To: \"Smith, J\" <js>, \"a b\"\r\n\r\n",
	    "To: \"Smith, J\" <js@mail.example>, \"a b\"@mail.example\r\n\r\n",
	    "quoted strings: commas inside are not separators");
	check("To: undisclosed-recipients:;\r\n\r\n",
	    "To: undisclosed-recipients:;\r\n\r\n", "an empty group is left");
	check("To: team: a, b@y;\r\n\r\n",
	    "To: team: a@mail.example, b@y;\r\n\r\n",
	    "group members are qualified, the group name is not");
	check("Reply-To: <>\r\nBcc:\r\n\r\n", "Reply-To: <>\r\nBcc:\r\n\r\n",
	    "<> and an empty field are left");
	check("To: Joe Bloggs\r\n\r\n", "To: Joe Bloggs\r\n\r\n",
	    "two words without brackets are not guessed at");
	check("Subject: joe\r\nX-To: joe\r\n\r\n",
	    "Subject: joe\r\nX-To: joe\r\n\r\n", "other fields are left");
	check("resent-to: r\nRESENT-FROM: s\n\n",
	    "resent-to: r@mail.example\nRESENT-FROM: s@mail.example\n\n",
	    "Resent- fields, any case, bare LF");
	check("To: a@b.c (x, y), <d@e>\r\n\r\n",
	    "To: a@b.c (x, y), <d@e>\r\n\r\n", "qualified ones are left");
	check("From: \"quo\\\"ted\" <q>\r\n\r\n",
	    "From: \"quo\\\"ted\" <q@mail.example>\r\n\r\n",
	    "an escaped quote does not end the quoted string");
	check("To: (only a comment)\r\n\r\n", "To: (only a comment)\r\n\r\n",
	    "a comment is not an address");
	check("To: \"unterminated\r\n\r\n", "To: \"unterminated\r\n\r\n",
	    "an unterminated quote is left alone");
	check("To: <a\r\n\r\n", "To: <a\r\n\r\n",
	    "an unterminated angle is left alone");
	check("To: =?utf-8?q?J=C3=B6rg?= <jorg>\r\n\r\n",
	    "To: =?utf-8?q?J=C3=B6rg?= <jorg@mail.example>\r\n\r\n",
	    "an encoded display name");
	return (done_testing());
}
