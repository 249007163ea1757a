/* test_pop3_reply.c -- POP3 status, LIST, UIDL and CAPA lines. */

#include <string.h>

#include "bounds.h"
#include "pop3_reply.h"
#include "tap.h"
#include "xmalloc.h"

int
main(void)
{
	const char	*text, *errstr;
	char		 uid[PM_UID_MAX], code[32], longuid[PM_UID_MAX + 8];
	unsigned int	 n;
	long long	 size;

	plan(35);
	is_int(pop3_status("+OK ready", &text), POP3_OK, "+OK");
	is_str(text, "ready", "+OK text");
	is_int(pop3_status("+OK", &text), POP3_OK, "bare +OK");
	is_int(pop3_status("-ERR [IN-USE] locked", &text), POP3_ERR, "-ERR");
	is_int(pop3_resp_code(text, code, sizeof(code)), 0, "resp code found");
	is_str(code, "IN-USE", "resp code");
	is_int(pop3_resp_code("no code", code, sizeof(code)), -1,
	    "no resp code");
	is_int(pop3_status("+OKAY", &text), POP3_BAD, "+OKAY is not +OK");
	is_int(pop3_status("* OK imap", &text), POP3_BAD, "IMAP greeting");
	is_int(pop3_status("+ ", &text), POP3_CONT, "SASL continuation");

	is_int(pop3_parse_stat(" 12 34567", 1000, &size, &errstr), 0,
	    "STAT ok");
	is_int(size, 12, "STAT count");
	is_int(pop3_parse_stat("0 0", 1000, &size, &errstr), 0, "STAT empty");
	is_int(size, 0, "STAT count 0");
	is_int(pop3_parse_stat("", 1000, &size, &errstr), -1, "STAT no count");
	is_int(pop3_parse_stat("-3 0", 1000, &size, &errstr), -1,
	    "STAT negative count");
	is_int(pop3_parse_stat("1001 0", 1000, &size, &errstr), -1,
	    "STAT count over the bound");
	is_int(pop3_parse_stat("123456789012345678901234567890", 1000, &size,
	    &errstr), -1, "STAT count too long");
	is_int(pop3_parse_list("1 1234", &n, &size, &errstr), 0, "LIST ok");
	is_int(n, 1, "LIST number");
	is_int(size, 1234, "LIST size");
	is_int(pop3_parse_list("0 12", &n, &size, &errstr), -1, "msgno 0");
	is_int(pop3_parse_list("1 -5", &n, &size, &errstr), -1,
	    "negative size");
	is_int(pop3_parse_list("1 12x", &n, &size, &errstr), -1,
	    "non-numeric size");
	is_int(pop3_parse_list("1 99999999999999999999", &n, &size, &errstr),
	    -1, "size too large");
	is_int(pop3_parse_list("1", &n, &size, &errstr), -1, "no size");

	is_int(pop3_parse_uidl("3 abc-123", &n, uid, sizeof(uid), &errstr), 0,
	    "UIDL ok");
	is_str(uid, "abc-123", "UIDL uid");
	is_int(pop3_parse_uidl("3 ", &n, uid, sizeof(uid), &errstr), -1,
	    "empty UID");
	memset(longuid, 'u', sizeof(longuid));
	longuid[0] = '1';
	longuid[1] = ' ';
	longuid[PM_UID_MAX + 2] = '\0';		/* exactly PM_UID_MAX chars */
	is_int(pop3_parse_uidl(longuid, &n, uid, sizeof(uid), &errstr), -1,
	    "UID of PM_UID_MAX bytes is refused");
	longuid[PM_UID_MAX + 1] = '\0';	/* PM_UID_MAX - 1 chars */
	is_int(pop3_parse_uidl(longuid, &n, uid, sizeof(uid), &errstr), 0,
	    "UID of PM_UID_MAX - 1 bytes is accepted");
	is_int(pop3_parse_uidl("3 a\x01", &n, uid, sizeof(uid), &errstr), -1,
	    "control byte in UID");

	is_int(pop3_capa_line("STLS"), POP3_CAP_STLS, "CAPA STLS");
	is_int(pop3_capa_line("pipelining"), POP3_CAP_PIPELINING,
	    "CAPA case-insensitive");
	is_int(pop3_capa_line("STLSX"), 0, "CAPA whole word");
	return (done_testing());
}
