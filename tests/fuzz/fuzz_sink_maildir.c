/*
 * fuzz_sink_maildir.c -- libFuzzer target: the Maildir sink's write path.
 * The message (after a 4-byte seed for the piece sizes) is delivered for
 * real, in pieces of random sizes, then a second copy is begun and
 * aborted.  Checks: new/ holds exactly one file, the message with CR LF
 * as LF; tmp/ is empty; the abort added nothing.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	static char		*newdir, *tmpdir;
	const uint8_t		*msg;
	char			*path, *file, *want;
	size_t			 len, flen, wlen;
	uint32_t		 seed;

	if (!harness_input(data, size, &seed, &msg, &len))
		return (0);
	if (a == NULL) {
		a = harness_account();
		xasprintf(&a->maildir, "%s/Maildir", harness_dir());
		xasprintf(&newdir, "%s/new", a->maildir);
		xasprintf(&tmpdir, "%s/tmp", a->maildir);
	}
	harness_empty_dir(newdir);
	harness_deliver(a, msg, len, seed);
	harness_abandon(a, msg, len, seed * 7 + 1);
	if ((path = harness_only_file(newdir)) == NULL ||
	    harness_only_file(tmpdir) != NULL)
		abort();
	file = harness_slurp(path, &flen);
	want = xmalloc(len + 1);
	wlen = harness_strip(msg, len, want);
	if (flen != wlen || memcmp(file, want, wlen) != 0)
		abort();

	free(want);
	free(file);
	free(path);
	return (0);
}
