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
	struct sink		 sk;
	struct envelope		 e;
	const uint8_t		*msg = data + 4;
	char			*path, *again, *file, *want;
	size_t			 len, flen, wlen;
	uint32_t		 seed;

	if (size < 4)
		return (0);
	memcpy(&seed, data, 4);
	len = size - 4;
	if (a == NULL) {
		a = harness_account();
		xasprintf(&a->maildir, "%s/Maildir", harness_dir());
		xasprintf(&newdir, "%s/new", a->maildir);
		xasprintf(&tmpdir, "%s/tmp", a->maildir);
	}
	harness_empty_dir(newdir);
	harness_envelope(&e, "sender@example.org", "user");
	sink_init(&sk, a);
	if (harness_deliver(&sk, &e, msg, len, seed) != SINK_OK)
		abort();
	harness_abandon(&sk, &e, msg, len, seed * 7 + 1);
	if ((path = harness_only_file(newdir)) == NULL ||
	    (again = harness_only_file(tmpdir)) != NULL)
		abort();
	file = harness_slurp(path, &flen);
	want = xmalloc(len + 1);
	wlen = harness_strip(msg, len, want);
	if (flen != wlen || memcmp(file, want, wlen) != 0)
		abort();

	free(want);
	free(file);
	free(path);
	envelope_free(&e);
	return (0);
}
