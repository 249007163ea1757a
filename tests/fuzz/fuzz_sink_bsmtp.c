/*
 * fuzz_sink_bsmtp.c -- libFuzzer target: the BSMTP sink, and so the SMTP
 * DATA encoding as it reaches a file.  The message (after a 4-byte seed
 * for the piece sizes) is delivered for real, in pieces of random sizes,
 * then a second copy is begun and aborted.  Checks: the envelope lines,
 * a DATA stream in which no lenient server could find an early end (no
 * bare CR or LF, no lone "." line before the last), which decodes to the
 * message with every line end as CR LF; the abort left the file as it
 * was.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	head[] = "MAIL FROM:<sender@example.org>\r\n"
			    "RCPT TO:<user@localhost>\r\nDATA\r\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	const uint8_t		*msg;
	char			*file;
	size_t			 len, flen, hlen;
	uint32_t		 seed;

	if (!harness_input(data, size, &seed, &msg, &len))
		return (0);
	if (a == NULL) {
		a = harness_account();
		xasprintf(&a->bsmtp, "%s/bsmtp", harness_dir());
	}
	file = harness_file_sink(a, a->bsmtp, msg, len, seed, &flen);

	hlen = sizeof(head) - 1;
	if (flen < hlen || memcmp(file, head, hlen) != 0)
		abort();
	harness_check_smtp(file + hlen, flen - hlen, msg, len);

	free(file);
	return (0);
}
