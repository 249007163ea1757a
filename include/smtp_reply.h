/*
 * smtp_reply.h -- pure parser for SMTP/LMTP reply lines (RFC 5321 4.2).
 */

#ifndef PM_SMTP_REPLY_H
#define PM_SMTP_REPLY_H

#include <stddef.h>

/*
 * Parse one line: "250-text" (more lines follow) or "250 text" (last).
 * Returns 0 and sets *code_r (200..599), *last_r and *text_r, or -1 with
 * *errstr_r for a malformed line.
 */
int	smtp_reply_line(const char *line, int *code_r, int *last_r,
	    const char **text_r, const char **errstr_r);

/* EHLO/LHLO extensions pullmail uses. */
#define SMTP_EXT_PIPELINING	0x01
#define SMTP_EXT_SIZE		0x02
#define SMTP_EXT_8BITMIME	0x04
#define SMTP_EXT_SMTPUTF8	0x08
#define SMTP_EXT_STARTTLS	0x10
#define SMTP_EXT_AUTH		0x20

/*
 * One EHLO keyword line (the text after "250-"): its SMTP_EXT_ bit, or 0.
 * For AUTH the mechanism list is copied to auth (NUL-terminated,
 * truncated to size).
 */
int	smtp_ehlo_keyword(const char *text, char *auth, size_t size);

#endif
