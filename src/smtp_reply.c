/*
 * smtp_reply.c -- SMTP reply lines, checked strictly: three digits, the
 * first 2-5, then a space, a dash or the end.
 */

#include <ctype.h>

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
