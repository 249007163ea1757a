/* test_utf7.c -- modified UTF-7 mailbox names (RFC 3501 5.1.3). */

#include <stdlib.h>

#include "tap.h"
#include "utf7.h"

static void
enc(const char *in, const char *want, const char *what)
{
	char	*got = utf7_encode(in);

	if (want == NULL)
		ok(got == NULL, "%s: refused", what);
	else
		is_str(got != NULL ? got : "(null)", want, "%s", what);
	free(got);
}

int
main(void)
{
	plan(9);
	enc("INBOX", "INBOX", "ASCII unchanged");
	enc("Tom & Jerry", "Tom &- Jerry", "& becomes &-");
	/* RFC 3501's own example: ~peter/mail/台北/日本語 */
	enc("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac"
	    "\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-", "RFC 3501 example");
	enc("Entw\xc3\xbcrfe", "Entw&APw-rfe", "German umlaut");
	enc("Caf\xc3\xa9", "Caf&AOk-", "shift at the end");
	enc("\xf0\x9f\x93\xa7 Mail", "&2D3c5w- Mail", "a surrogate pair");
	enc("a\tb", "a&AAk-b", "a control character is encoded");
	enc("bad\xff", NULL, "invalid UTF-8");
	enc("\xc0\xaf", NULL, "an overlong form");
	return (done_testing());
}
