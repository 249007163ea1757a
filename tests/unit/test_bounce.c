/* test_bounce.c -- the delivery status notification's parts. */

#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "tap.h"

static char *
build(const char *reply, const char *rcpt, const char *hdr)
{
	struct bounce_info	b;
	size_t			len;

	memset(&b, 0, sizeof(b));
	b.me = "host.example";
	b.to = "sender@example.org";
	b.rcpt = rcpt;
	b.reply = reply;
	b.account = "u@pop.example.org";
	b.hdr = hdr;
	b.hdrlen = strlen(hdr);
	b.date = "Mon, 23 Nov 2026 10:00:00 +0000";
	b.boundary = "BOUND";
	return (bounce_build(&b, &len));
}

int
main(void)
{
	char	*m;

	plan(8);
	m = build("smtp.example refused: 550 5.7.1 no thanks", "joe",
	    "Subject: hi\nFrom: a@b\n\n");
	ok(strstr(m, "\r\nStatus: 5.7.1\r\n") != NULL,
	    "the enhanced status code comes from the reply");
	ok(strstr(m, "\r\nDiagnostic-Code: smtp; 550 5.7.1 no thanks\r\n") !=
	    NULL, "Diagnostic-Code is the reply itself");
	ok(strstr(m, "\r\nFinal-Recipient: rfc822; joe@host.example\r\n") !=
	    NULL, "a bare recipient is qualified");
	ok(strstr(m, "Subject: hi\r\nFrom: a@b\r\n") != NULL,
	    "the header is there, CR LF ended");
	ok(strstr(m, "\r\n--BOUND--\r\n") != NULL, "the report is closed");
	free(m);
	m = build("554 Transaction failed", "a@b.example", "");
	ok(strstr(m, "\r\nStatus: 5.0.0\r\n") != NULL,
	    "no enhanced code: 5.0.0");
	free(m);
	m = build("550 bad\r\nContent-Type: text/html\r\n\r\n--BOUND--", "a@b",
	    "");
	ok(strstr(m, "\r\nContent-Type: text/html") == NULL &&
	    strstr(m, "\r\n--BOUND--\r\nContent") == NULL,
	    "a reply cannot add lines or parts");
	ok(strstr(m, "To: <sender@example.org>\r\n") != NULL, "To: the sender");
	free(m);
	return (done_testing());
}
