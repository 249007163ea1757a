/*
 * pop3_reply.h -- pure parsers for POP3 server lines (RFC 1939, 2449).
 *
 * No I/O, no logging, no globals; fuzzed and unit-tested.  On failure
 * *errstr_r is a static string saying what was wrong.
 */

#ifndef PM_POP3_REPLY_H
#define PM_POP3_REPLY_H

#include <stddef.h>

enum pop3_status {
	POP3_OK,
	POP3_ERR,
	POP3_CONT,	/* "+ " SASL continuation */
	POP3_BAD,	/* neither: a protocol violation */
};

/* Classify a status line; *text_r points past "+OK"/"-ERR" and spaces. */
enum pop3_status pop3_status(const char *line, const char **text_r);

/* The RFC 2449 response code, e.g. "IN-USE" for "-ERR [IN-USE] ...",
 * copied into code (size bytes); 0 if there is one, -1 if not. */
int	pop3_resp_code(const char *text, char *code, size_t size);

/* The message count from STAT's "+OK <count> <octets>" text (after
 * pop3_status); at most max. */
int	pop3_parse_stat(const char *text, long long max, long long *count_r,
	    const char **errstr_r);
/* "<msgno> <octets>" from LIST. */
int	pop3_parse_list(const char *line, unsigned int *msgno_r,
	    long long *size_r, const char **errstr_r);
/* "<msgno> <uid>" from UIDL; uid (1-70 printable characters by RFC 1939,
 * up to PM_UID_MAX - 1 accepted) is copied into uid. */
int	pop3_parse_uidl(const char *line, unsigned int *msgno_r, char *uid,
	    size_t uidsize, const char **errstr_r);

/* Capability bits from CAPA lines. */
#define POP3_CAP_STLS		0x01
#define POP3_CAP_UIDL		0x02
#define POP3_CAP_PIPELINING	0x04
#define POP3_CAP_USER		0x08
#define POP3_CAP_TOP		0x10
#define POP3_CAP_RESP_CODES	0x20
#define POP3_CAP_SASL		0x40
#define POP3_CAP_SASL_EXTERNAL	0x80	/* SASL ... EXTERNAL ... */

/* The bit a CAPA line stands for (0 if none we use). */
int	pop3_capa_line(const char *line);

#endif
