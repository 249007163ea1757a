/*
 * fuzz_sink_mbox.c -- libFuzzer target: the mbox sink's write path.  The
 * message (after a 4-byte seed for the piece sizes) is delivered for
 * real into an mbox file, in pieces of random sizes, then a second copy
 * is begun and aborted.  Checks: the file is the "From " line and the
 * message with CR LF as LF, every "From " line quoted the mboxrd way (so
 * unquoting gives the message back) and none left unquoted, the
 * separator at the end, and the abort left the file as it was.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Undo mboxrd quoting; aborts on a "From " line left unquoted. */
static size_t
unquote(const char *in, size_t len, char *out)
{
	size_t	i = 0, o = 0, k;

	while (i < len) {
		/* At a line start: ">>>From " loses one '>'. */
		for (k = 0; i + k < len && in[i + k] == '>'; k++)
			;
		if (i + k + 5 <= len && memcmp(in + i + k, "From ", 5) == 0) {
			if (k == 0)
				abort();
			i++;
		}
		while (i < len) {
			out[o++] = in[i];
			if (in[i++] == '\n')
				break;
		}
	}
	return (o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	const uint8_t		*msg;
	char			*file, *want, *got, *nl;
	size_t			 len, flen, wlen, glen;
	uint32_t		 seed;

	if (!harness_input(data, size, &seed, &msg, &len))
		return (0);
	if (a == NULL) {
		a = harness_account();
		xasprintf(&a->mbox, "%s/mbox", harness_dir());
	}
	file = harness_file_sink(a, a->mbox, msg, len, seed, &flen);

	if (flen < 25 || memcmp(file, "From sender@example.org ", 24) != 0 ||
	    (nl = memchr(file, '\n', flen)) == NULL)
		abort();
	want = xmalloc(len + 2);
	wlen = harness_strip(msg, len, want);
	if (wlen > 0 && want[wlen - 1] != '\n')
		want[wlen++] = '\n';
	want[wlen++] = '\n';
	got = xmalloc(flen);
	glen = unquote(nl + 1, flen - (nl + 1 - file), got);
	if (glen != wlen || memcmp(got, want, wlen) != 0)
		abort();

	free(got);
	free(want);
	free(file);
	return (0);
}
