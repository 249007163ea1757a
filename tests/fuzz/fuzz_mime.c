/*
 * fuzz_mime.c -- libFuzzer target: the streaming MIME decoder ("mimedecode")
 * over a whole message, the body fed in chunks whose size the first byte
 * chooses.  Decoding never makes the body longer.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "mimedecode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	emitted;

static int
count(void *arg, const char *p, size_t n)
{
	(void)arg;
	(void)p;
	emitted += n;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mimedec	 md;
	char		*msg;
	size_t		 chunk, hend, len, off, n;

	if (size < 1)
		return (0);
	chunk = (size_t)data[0] * 7 + 1;
	data++;
	size--;
	if ((msg = malloc(size + 1)) == NULL)
		return (0);
	memcpy(msg, data, size);
	msg[size] = '\0';
	if ((hend = header_end(msg, size)) == 0) {
		free(msg);
		return (0);
	}
	memset(&md, 0, sizeof(md));
	len = hend;
	emitted = 0;
	if (mime_begin(&md, msg, &len, count, NULL) != 0) {
		if (len > hend)
			abort();
		for (off = hend; off < size; off += n) {
			n = size - off < chunk ? size - off : chunk;
			if (mime_feed(&md, msg + off, n) != 0)
				break;
		}
		(void)mime_end(&md);
		/* Boundary lines and QP may shrink, nothing grows. */
		if (emitted > size - hend + 2)
			abort();
	}
	mime_free(&md);
	free(msg);
	return (0);
}
