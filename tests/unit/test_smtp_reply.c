/* test_smtp_reply.c -- SMTP reply lines. */

#include "smtp_reply.h"
#include "tap.h"
#include "xmalloc.h"

int
main(void)
{
	const char	*text, *errstr;
	int		 code, last;

	plan(10);
	is_int(smtp_reply_line("250-PIPELINING", &code, &last, &text,
	    &errstr), 0, "continuation line");
	is_int(code, 250, "code");
	is_int(last, 0, "not last");
	is_str(text, "PIPELINING", "text");
	is_int(smtp_reply_line("354 go ahead", &code, &last, &text, &errstr),
	    0, "last line");
	is_int(last, 1, "is last");
	is_int(smtp_reply_line("250", &code, &last, &text, &errstr), 0,
	    "bare code");
	is_int(smtp_reply_line("25 ok", &code, &last, &text, &errstr), -1,
	    "two digits");
	is_int(smtp_reply_line("650 x", &code, &last, &text, &errstr), -1,
	    "code out of range");
	is_int(smtp_reply_line("250x", &code, &last, &text, &errstr), -1,
	    "no separator");
	return (done_testing());
}
