/*
 * fuzz_imap.c -- libFuzzer target: the IMAP response parser and what
 * reads its pieces (capabilities, response codes, FETCH data, numbers).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap_reply.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_resp	 r;
	struct imap_fetch	 f;
	const char		*errstr, *p;
	char			*line;
	size_t			 len;
	uint32_t		 n;

	if ((line = malloc(size + 1)) == NULL)
		return (0);
	memcpy(line, data, size);
	line[size] = '\0';
	if (imap_parse(line, &r, &errstr) == 0) {
		imap_is(&r, "FETCH");
		imap_caps(r.text);
		imap_resp_code(r.text, "CAPABILITY", &len);
		imap_resp_code(r.text, "UIDVALIDITY", &len);
		imap_parse_fetch(r.text, &f, &errstr);
		p = r.text;
		while (imap_next_number(&p, &n) == 0)
			;
	}
	free(line);
	return (0);
}
