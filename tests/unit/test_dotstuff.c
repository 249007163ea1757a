/* test_dotstuff.c -- the three stream transforms, whole and byte by byte. */

#include <stdlib.h>
#include <string.h>

#include "dotstuff.h"
#include "tap.h"
#include "xmalloc.h"

/* Decode in with chunks of step bytes (0: all at once). */
static char *
decode(const char *in, size_t step, size_t *consumed)
{
	struct dot_decoder	 d = { DOT_BOL };
	size_t			 len = strlen(in), i = 0, o = 0, n, used;
	char			*out = xmalloc(len + 2);

	while (i < len && d.state != DOT_END) {
		n = step == 0 || len - i < step ? len - i : step;
		o += dot_decode(&d, in + i, n, &used, out + o);
		i += used;
	}
	out[o] = '\0';
	*consumed = i;
	return (out);
}

static char *
encode(const char *in, size_t step)
{
	struct dot_encoder	 e;
	size_t			 len = strlen(in), i, o = 0, n;
	char			*out = xmalloc(2 * len + 8);

	dot_encode_init(&e);
	for (i = 0; i < len; i += n) {
		n = step == 0 || len - i < step ? len - i : step;
		o += dot_encode(&e, in + i, n, out + o);
	}
	o += dot_encode_end(&e, out + o);
	out[o] = '\0';
	return (out);
}

static char *
strip(const char *in, size_t step)
{
	struct crlf_stripper	 s = { 0 };
	size_t			 len = strlen(in), i, o = 0, n;
	char			*out = xmalloc(len + 2);

	for (i = 0; i < len; i += n) {
		n = step == 0 || len - i < step ? len - i : step;
		o += crlf_strip(&s, in + i, n, out + o);
	}
	o += crlf_strip_end(&s, out + o);
	out[o] = '\0';
	return (out);
}

/* forcecr over in, fed step bytes at a time. */
static char *
force(const char *in, size_t step)
{
	struct crlf_forcer	 f = { 0 };
	size_t			 len = strlen(in), i, n, o = 0;
	char			*out = malloc(2 * len + 1);

	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		o += crlf_force(&f, in + i, n, out + o);
	}
	out[o] = '\0';
	return (out);
}

int
main(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} dec[] = {
		{ "a\r\n.\r\n", "a\r\n" },
		{ "..x\r\n.\r\n", ".x\r\n" },
		{ "a\r\n..\r\n.\r\n", "a\r\n.\r\n" },
		{ ".\r\nnext reply", "" },
		{ "x.\r\n.y\r\n.\r\n", "x.\r\ny\r\n" },
		{ ".\rx\r\n.\r\n", "\rx\r\n" },
		{ "a\n.\n", "a\n" },
	}, enc[] = {
		{ "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
		{ "a\nb", "a\r\nb\r\n.\r\n" },
		{ ".x\n..\n", "..x\r\n...\r\n.\r\n" },
		{ "", ".\r\n" },
		{ "a\rb\r\n", "a\r\nb\r\n.\r\n" },
		{ "a.\n.", "a.\r\n..\r\n.\r\n" },
		/* SMTP smuggling: no early end for a lenient server. */
		{ "x\r.\r\ny", "x\r\n..\r\ny\r\n.\r\n" },
		{ "x\n.\ny", "x\r\n..\r\ny\r\n.\r\n" },
		{ "x\r\n.\ny", "x\r\n..\r\ny\r\n.\r\n" },
		{ "x\n.\r\ny", "x\r\n..\r\ny\r\n.\r\n" },
		{ "x\r.\ry", "x\r\n..\r\ny\r\n.\r\n" },
		{ "x\r\r.\r", "x\r\n\r\n..\r\n.\r\n" },
		{ "end\r", "end\r\n.\r\n" },
	}, str[] = {
		{ "a\r\nb\r\n", "a\nb\n" },
		{ "a\rb\n", "a\rb\n" },
		{ "end\r", "end\r" },
	};
	char	*got;
	size_t	 i, step, used;

	plan((nitems(dec) + nitems(enc) + nitems(str)) * 3 + 4);
	for (i = 0; i < nitems(dec); i++) {
		for (step = 0; step <= 2; step++) {
			got = decode(dec[i].in, step, &used);
			is_str(got, dec[i].want, "decode %zu, step %zu", i,
			    step);
			free(got);
		}
	}
	got = decode(".\r\nnext reply", 1, &used);
	is_int(used, 3, "decode stops right after the terminator");
	free(got);
	got = decode("a\r\n.\r\n+OK", 0, &used);
	is_int(used, 6, "bytes after the terminator are left alone");
	free(got);
	for (i = 0; i < nitems(enc); i++) {
		for (step = 0; step <= 2; step++) {
			got = encode(enc[i].in, step);
			is_str(got, enc[i].want, "encode %zu, step %zu", i,
			    step);
			free(got);
		}
	}
	for (i = 0; i < nitems(str); i++) {
		for (step = 0; step <= 2; step++) {
			got = strip(str[i].in, step);
			is_str(got, str[i].want, "strip %zu, step %zu", i,
			    step);
			free(got);
		}
	}
	got = force("a\nb\r\nc\r\r\n\n", 1);
	is_str(got, "a\r\nb\r\nc\r\r\n\r\n", "forcecr, a byte at a time: "
	    "bare LF gets a CR, CR LF is left");
	free(got);
	got = force("a\nb\r\nc\r\r\n\n", 100);
	is_str(got, "a\r\nb\r\nc\r\r\n\r\n", "forcecr, all at once");
	free(got);
	return (done_testing());
}
