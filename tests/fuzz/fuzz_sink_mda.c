/*
 * fuzz_sink_mda.c -- libFuzzer target: the MDA sink's feed.  The message
 * (after a 4-byte seed for the piece sizes, which also chooses stripcr,
 * forcecr or neither) is piped for real into "cp /dev/stdin
 * FILE", in pieces of random sizes.  Checks that FILE is the message
 * transformed as the option says; then a second copy is begun and
 * aborted (the MDA killed and reaped).
 */

#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_harness.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* forcecr: a LF that has no CR before it gets one. */
static size_t
force(const uint8_t *in, size_t len, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	return (o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*a;
	static char		*out;
	struct passwd		*pw;
	const uint8_t		*msg;
	char			*file, *want;
	size_t			 len, flen, wlen;
	uint32_t		 seed;

	if (!harness_input(data, size, &seed, &msg, &len))
		return (0);
	if (a == NULL) {
		a = harness_account();
		xasprintf(&out, "%s/out", harness_dir());
		xasprintf(&a->mda, "cp /dev/stdin %s", out);
		/* As root, the MDA needs an mdauser: ourselves. */
		if ((pw = getpwuid(geteuid())) == NULL)
			abort();
		a->mdauser = xstrdup(pw->pw_name);
	}
	/* stripcr (the default), forcecr, or the bytes as they are. */
	a->stripcr = seed % 3 == 0;
	a->forcecr = seed % 3 == 1;
	(void)unlink(out);
	harness_deliver(a, msg, len, seed);
	file = harness_slurp(out, &flen);
	want = xmalloc(2 * len + 1);
	if (a->stripcr != 0)
		wlen = harness_strip(msg, len, want);
	else if (a->forcecr == 1)
		wlen = force(msg, len, want);
	else {
		memcpy(want, msg, len);
		wlen = len;
	}
	if (flen != wlen || memcmp(file, want, wlen) != 0)
		abort();
	harness_abandon(a, msg, len, seed * 7 + 1);

	free(want);
	free(file);
	return (0);
}
