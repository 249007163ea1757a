/* test_imap_reply.c -- IMAP response lines, capabilities and FETCH. */

#include <string.h>

#include "imap_reply.h"
#include "tap.h"
#include "xmalloc.h"

int
main(void)
{
	struct imap_resp	 r;
	struct imap_fetch	 f;
	const char		*errstr, *v;
	size_t			 len;
	uint32_t		 n;

	plan(32);
	is_int(imap_parse("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi", &r,
	    &errstr), 0, "greeting");
	is_int(r.kind, IMAP_UNTAGGED, "untagged");
	is_int(r.cond, IMAP_COND_OK, "OK");
	v = imap_resp_code(r.text, "CAPABILITY", &len);
	ok(v != NULL, "CAPABILITY code");
	is_int(imap_caps(v), IMAP_CAP_IMAP4REV1 | IMAP_CAP_STARTTLS,
	    "caps from code");
	is_int(imap_parse("* PREAUTH welcome", &r, &errstr), 0, "preauth");
	is_int(r.cond, IMAP_COND_PREAUTH, "PREAUTH cond");
	is_int(imap_parse("A0001 NO [AUTHENTICATIONFAILED] bad", &r, &errstr),
	    0, "tagged NO");
	is_str(r.tag, "A0001", "tag");
	is_int(r.cond, IMAP_COND_NO, "NO");
	is_int(imap_parse("A0001 FOO bar", &r, &errstr), -1,
	    "tagged non-status refused");
	is_int(imap_parse("* 23 EXISTS", &r, &errstr), 0, "EXISTS");
	ok(r.has_number && r.number == 23 && imap_is(&r, "exists"),
	    "EXISTS number and keyword");
	is_int(imap_parse("* 99999999999 EXISTS", &r, &errstr), -1,
	    "number too large");
	is_int(imap_parse("* 1 FETCH (UID 5 BODY[] {1234}", &r, &errstr), 0,
	    "FETCH with literal");
	is_int(r.literal, 1234, "literal size");
	is_int(imap_parse("* 1 FETCH (BODY[] {999999999999999999999}", &r,
	    &errstr), -1, "literal size overflow");
	is_int(imap_parse("* 1 FETCH (BODY[] {}", &r, &errstr), -1,
	    "empty literal size");
	is_int(imap_parse("+ go ahead", &r, &errstr), 0, "continuation");
	is_int(r.kind, IMAP_CONTINUE, "continuation kind");
	is_int(imap_parse("", &r, &errstr), -1, "empty line");

	is_int(imap_parse_fetch("(UID 7 RFC822.SIZE 4321)", &f, &errstr), 0,
	    "fetch parse");
	ok(f.has_uid && f.uid == 7 && f.has_size && f.size == 4321,
	    "UID and size");
	is_int(imap_parse_fetch("(FLAGS (\\Seen $x) UID 8 RFC822.SIZE 1)", &f,
	    &errstr), 0, "flags skipped");
	is_int(f.uid, 8, "UID after FLAGS");
	is_int(imap_parse_fetch("(UID 9 BODY[] {10}", &f, &errstr), 0,
	    "body literal");
	ok(f.has_body && f.uid == 9, "has body");
	is_int(imap_parse_fetch("(UID x)", &f, &errstr), -1, "bad UID");
	is_int(imap_parse_fetch("(RFC822.SIZE -1)", &f, &errstr), -1,
	    "negative size");
	is_int(imap_parse_fetch("(FLAGS (\\Seen", &f, &errstr), -1,
	    "unterminated list");
	v = "12 34 x";
	ok(imap_next_number(&v, &n) == 0 && n == 12, "next number");
	ok(imap_next_number(&v, &n) == 0 && n == 34 &&
	    imap_next_number(&v, &n) == -1, "then 34, then not a number");
	return (done_testing());
}
