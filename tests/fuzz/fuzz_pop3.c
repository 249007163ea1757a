/*
 * fuzz_pop3.c -- libFuzzer target: every POP3 reply parser on one line
 * (status, response code, LIST, UIDL, CAPA).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pop3_reply.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text, *errstr;
	char		*line, code[64], uid[256];
	unsigned int	 msgno;
	long long	 octets;

	/* The connection layer hands out NUL-terminated lines. */
	if ((line = malloc(size + 1)) == NULL)
		return (0);
	memcpy(line, data, size);
	line[size] = '\0';
	if (pop3_status(line, &text) != POP3_BAD) {
		pop3_resp_code(text, code, sizeof(code));
		pop3_parse_stat(text, 1000000, &octets, &errstr);
	}
	pop3_parse_list(line, &msgno, &octets, &errstr);
	pop3_parse_uidl(line, &msgno, uid, sizeof(uid), &errstr);
	pop3_capa_line(line);
	free(line);
	return (0);
}
