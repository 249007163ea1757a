/* test_mboxrd.c -- mboxrd "From " quoting, whole and cut at every byte. */

#include <stdlib.h>
#include <string.h>

#include "mboxrd.h"
#include "tap.h"

/* Quote in, fed in pieces of at most step bytes. */
static char *
quote(const char *in, size_t step)
{
	struct mboxrd	 q;
	size_t		 len = strlen(in), i, n, o = 0;
	char		*out = malloc(2 * len + 64);

	mboxrd_init(&q);
	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		o += mboxrd_quote(&q, in + i, n, out + o);
	}
	o += mboxrd_end(&q, out + o);
	out[o] = '\0';
	return (out);
}

static void
check(const char *in, const char *want, const char *what)
{
	size_t	step, bad = 0;
	char	*got;

	got = quote(in, 1 << 20);
	is_str(got, want, "%s", what);
	free(got);
	for (step = 1; step <= strlen(in); step++) {
		got = quote(in, step);
		if (strcmp(got, want) != 0)
			bad++;
		free(got);
	}
	is_int(bad, 0, "%s: the same in pieces of every size", what);
}

int
main(void)
{
	struct mboxrd	q;
	char		out[16];
	size_t		o;

	plan(17);
	check("Subject: x\n\nFrom me\n", "Subject: x\n\n>From me\n\n",
	    "From at a line start gets >");
	check(">From a\n>>From b\n", ">>From a\n>>>From b\n\n",
	    "any number of > before From gets one more");
	check("From: header\nFrom\nFrom", "From: header\nFrom\nFrom\n\n",
	    "From: and a lone From are left alone");
	check("a From b\n>a From\n", "a From b\n>a From\n\n",
	    "From inside a line is left alone");
	check("FFrom x\nFro\n", "FFrom x\nFro\n\n", "near misses");
	check("no newline at the end", "no newline at the end\n\n",
	    "a missing last newline is added before the separator");
	check("ends well\n", "ends well\n\n", "one empty line after");
	check("From ", ">From \n\n", "From at the very end");

	/* Found by fuzz_sink_mbox: a last NUL lost the separator. */
	mboxrd_init(&q);
	o = mboxrd_quote(&q, "a\0", 2, out);
	o += mboxrd_end(&q, out + o);
	ok(o == 4 && memcmp(out, "a\0\n\n", 4) == 0,
	    "a message ending in a NUL still ends with an empty line");
	return (done_testing());
}
