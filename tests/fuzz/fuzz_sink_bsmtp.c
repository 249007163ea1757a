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

#include "dotstuff.h"
#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	head[] = "MAIL FROM:<sender@example.org>\r\n"
			    "RCPT TO:<user@localhost>\r\nDATA\r\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	struct sink		 sk;
	struct envelope		 e;
	struct dot_decoder	 dd = { DOT_BOL };
	const uint8_t		*msg = data + 4;
	char			*file, *again, *want, *got;
	size_t			 len, flen, alen, wlen, glen, used, hlen;
	uint32_t		 seed;

	if (size < 4)
		return (0);
	memcpy(&seed, data, 4);
	len = size - 4;
	if (a == NULL) {
		a = harness_account();
		xasprintf(&a->bsmtp, "%s/bsmtp", harness_dir());
	}
	(void)unlink(a->bsmtp);
	harness_envelope(&e, "sender@example.org", "user");
	sink_init(&sk, a);
	if (harness_deliver(&sk, &e, msg, len, seed) != SINK_OK)
		abort();
	file = harness_slurp(a->bsmtp, &flen);
	harness_abandon(&sk, &e, msg, len, seed * 7 + 1);
	again = harness_slurp(a->bsmtp, &alen);
	if (alen != flen || memcmp(file, again, flen) != 0)
		abort();

	hlen = sizeof(head) - 1;
	if (flen < hlen || memcmp(file, head, hlen) != 0)
		abort();
	harness_check_data(file + hlen, flen - hlen);
	got = xmalloc(flen);
	glen = dot_decode(&dd, file + hlen, flen - hlen, &used, got);
	if (dd.state != DOT_END || used != flen - hlen)
		abort();
	want = xmalloc(2 * len + 2);
	wlen = harness_canonical((const char *)msg, len, want);
	if (glen != wlen || memcmp(got, want, wlen) != 0)
		abort();

	free(want);
	free(got);
	free(again);
	free(file);
	envelope_free(&e);
	return (0);
}
