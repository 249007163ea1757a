/*
 * smtp_reply.c -- SMTP reply lines, checked strictly: three digits, the
 * first 2-5, then a space, a dash or the end.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>


#include "smtp_reply.h"

int
smtp_reply_line(const char *line, int *code_r, int *last_r,
    const char **text_r, const char **errstr_r)
{
	int	i;

	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)line[i])) {
			*errstr_r = "reply does not start with a 3-digit code";
			return (-1);
		}
	}
	if (line[0] < '2' || line[0] > '5') {
		*errstr_r = "reply code out of range";
		return (-1);
	}
	if (line[3] != ' ' && line[3] != '-' && line[3] != '\0') {
		*errstr_r = "reply code not followed by space or dash";
		return (-1);
	}
	*code_r = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
	    (line[2] - '0');
	*last_r = line[3] != '-';
	*text_r = line[3] == '\0' ? line + 3 : line + 4;
	return (0);
}

int
smtp_ehlo_keyword(const char *text, char *auth, size_t size)
{
	if (strcasecmp(text, "PIPELINING") == 0)
		return (SMTP_EXT_PIPELINING);
	if (strncasecmp(text, "SIZE", 4) == 0 &&
	    (text[4] == '\0' || text[4] == ' '))
		return (SMTP_EXT_SIZE);
	if (strcasecmp(text, "8BITMIME") == 0)
		return (SMTP_EXT_8BITMIME);
	if (strcasecmp(text, "SMTPUTF8") == 0)
		return (SMTP_EXT_SMTPUTF8);
	if (strcasecmp(text, "STARTTLS") == 0)
		return (SMTP_EXT_STARTTLS);
	/* "AUTH=" is what some old servers say. */
	if (strncasecmp(text, "AUTH", 4) == 0 &&
	    (text[4] == ' ' || text[4] == '=')) {
		strlcpy(auth, text + 5, size);
		return (SMTP_EXT_AUTH);
	}
	return (0);
}
