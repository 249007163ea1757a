/*
 * fuzz_smtp.c -- libFuzzer target: SMTP/LMTP reply lines and EHLO
 * keywords, one input line at a time as the connection layer hands
 * them out (NUL-terminated, without CR LF).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text, *errstr;
	char		*buf, *line, *next, auth[256];
	int		 code, last;

	if ((buf = malloc(size + 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = buf; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (smtp_reply_line(line, &code, &last, &text, &errstr) != 0)
			continue;
		if (code < 200 || code > 599 || text < line ||
		    text > line + strlen(line))
			abort();
		if (smtp_ehlo_keyword(text, auth, sizeof(auth)) ==
		    SMTP_EXT_AUTH && strlen(auth) >= sizeof(auth))
			abort();
	}
	free(buf);
	return (0);
}
