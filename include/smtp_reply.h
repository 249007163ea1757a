/*
 * smtp_reply.h -- pure parser for SMTP/LMTP reply lines (RFC 5321 4.2).
 */

#ifndef PM_SMTP_REPLY_H
#define PM_SMTP_REPLY_H

/*
 * Parse one line: "250-text" (more lines follow) or "250 text" (last).
 * Returns 0 and sets *code_r (200..599), *last_r and *text_r, or -1 with
 * *errstr_r for a malformed line.
 */
int	smtp_reply_line(const char *line, int *code_r, int *last_r,
	    const char **text_r, const char **errstr_r);

#endif
