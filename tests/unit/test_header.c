/* test_header.c -- header block helpers. */

#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "tap.h"
#include "xmalloc.h"

int
main(void)
{
	const char	*h = "From: A <a@b.example>\r\nSubject: one\r\n two\r\n"
	    "Return-Path: <>\r\n\r\nbody";
	char		 v[64], addr[64], *f;
	size_t		 n;

	plan(27);
	is_int(header_end(h, strlen(h)), strlen(h) - 4, "end after CRLF CRLF");
	is_int(header_end("a: b\n\nx", 7), 6, "end after LF LF");
	is_int(header_end("a: b\r\n", 6), 0, "no end yet");
	is_int(header_end("\r\nbody", 6), 2, "no header at all");
	is_int(header_get(h, strlen(h), "subject", v, sizeof(v)), 0, "found");
	is_str(v, "one two", "folded value unfolded");
	is_int(header_get(h, strlen(h), "To", v, sizeof(v)), -1, "absent");
	header_get(h, strlen(h), "From", v, sizeof(v));
	is_int(header_address(v, addr, sizeof(addr)), 0, "address");
	is_str(addr, "a@b.example", "address in <>");
	header_get(h, strlen(h), "Return-Path", v, sizeof(v));
	header_address(v, addr, sizeof(addr));
	is_str(addr, "", "null sender");
	is_int(header_address("x <a b@c>", addr, sizeof(addr)), -1,
	    "space in address refused");
	header_address("bare@host.example (Name)", addr, sizeof(addr));
	is_str(addr, "bare@host.example", "bare address");
	is_int(header_address("<\"a b\"@c>", addr, sizeof(addr)), 0,
	    "a space inside a quoted local part is valid");
	is_str(addr, "\"a b\"@c", "and kept with its quotes");
	is_int(header_address("<\"a b@c>", addr, sizeof(addr)), -1,
	    "an unterminated quote is refused");
	is_int(header_address("<\"a\nb\"@c>", addr, sizeof(addr)), -1,
	    "a control character is refused even quoted");
	is_int(header_address("<\"a\\\x01\"@c>", addr, sizeof(addr)), -1,
	    "a control character is refused even escaped (review 14)");
	is_int(header_address("<a\x7f@c>", addr, sizeof(addr)), -1,
	    "DEL is refused");
	is_int(header_address("<-C/x@c>", addr, sizeof(addr)), -1,
	    "a leading '-' is refused: an MDA would read an option (review 15)");
	is_int(header_address("x <a-b@c>", addr, sizeof(addr)), 0,
	    "a '-' inside is fine");
	is_int(header_address("<\"a\\<b\"@c>", addr, sizeof(addr)), -1,
	    "an escaped '<' inside quotes is refused (found by fuzz_envelope)");
	f = strdup("From: a\r\nStatus: RO\r\nX-Mozilla-Status: \r\n"
	    "Delivered-To: x@y\r\n\tcontinued\r\nStatus:\r\nSubject: s\r\n"
	    "\r\n");
	n = header_filter(f, strlen(f), 0, 0);
	f[n] = '\0';
	is_str(f, "From: a\r\nStatus: RO\r\nDelivered-To: x@y\r\n"
	    "\tcontinued\r\nSubject: s\r\n\r\n", "empty Status lines "
	    "always go");
	n = header_filter(f, strlen(f), 1, 1);
	f[n] = '\0';
	is_str(f, "From: a\r\nSubject: s\r\n\r\n", "dropstatus and "
	    "dropdelivered take the rest, continuation lines too");
	free(f);
	f = strdup("From joe Mon Jan  1 00:00:00 2024\n>From x\nTo: a\n\n");
	n = header_filter(f, strlen(f), 0, 0);
	f[n] = '\0';
	is_str(f, "To: a\n\n", "mbox From and >From lines go");
	free(f);
	is_int(header_bad_line("A: b\r\n c\r\nD: e\r\n\r\nno colon\n", 31),
	    0, "fields and continuations are good; the body is not looked at");
	is_int(header_bad_line("A: b\nno colon here\nC: d\n\n", 28), 2,
	    "a line without a colon is bad, and named by number");
	is_int(header_bad_line(": empty name\n\n", 15), 1,
	    "a line that starts with a colon is bad");
	return (done_testing());
}
