/*
 * fuzz_dotstuff.c -- libFuzzer target: the streaming byte transforms
 * (POP3 dot-decoding, SMTP dot-stuffing, CR LF stripping and forcing),
 * fed in chunks whose size the first input byte chooses, so that every
 * state can straddle a chunk boundary.  Checks the output bounds each
 * function promises, that stuffing then unstuffing gives back the
 * message with CR LF line ends, and that the stuffed stream holds nothing
 * a lenient server could take for the end of DATA (SMTP smuggling).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dotstuff.h"
#include "sink_harness.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dot_decoder	 dd;
	struct dot_encoder	 de;
	struct crlf_stripper	 cs;
	struct crlf_forcer	 cf;
	const char		*in;
	char			*out, *enc, *dec, *want;
	size_t			 chunk, off, n, used, o, elen, dlen, wlen;

	if (size < 1)
		return (0);
	chunk = data[0] % 16 + 1;
	in = (const char *)data + 1;
	size--;
	/* Worst cases: stuffing doubles, forcing doubles, plus the end. */
	out = malloc(2 * size + 16);
	enc = malloc(2 * size + 16);
	dec = malloc(2 * size + 16);
	want = malloc(2 * size + 16);
	if (out == NULL || enc == NULL || dec == NULL || want == NULL)
		goto done;

	/* POP3/IMAP body decoding: stops at the end marker. */
	memset(&dd, 0, sizeof(dd));
	for (off = 0; off < size && dd.state != DOT_END; off += used) {
		n = size - off < chunk ? size - off : chunk;
		o = dot_decode(&dd, in + off, n, &used, out);
		if (used > n || o > used + 2 || (used == 0 && n > 0))
			abort();
	}

	memset(&cs, 0, sizeof(cs));
	for (off = 0, o = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		o += crlf_strip(&cs, in + off, n, out + o);
	}
	o += crlf_strip_end(&cs, out + o);
	if (o > size)
		abort();

	memset(&cf, 0, sizeof(cf));
	for (off = 0, o = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		o += crlf_force(&cf, in + off, n, out + o);
	}
	if (o > 2 * size)
		abort();

	/* Round trip: stuff, then decode what the server would send. */
	dot_encode_init(&de);
	for (off = 0, elen = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		o = dot_encode(&de, in + off, n, enc + elen);
		if (o > DOT_ENCODE_MAX(n))
			abort();
		elen += o;
	}
	elen += dot_encode_end(&de, enc + elen);
	if (elen > DOT_ENCODE_MAX(size) + DOT_ENCODE_END_MAX)
		abort();
	harness_check_data(enc, elen);
	memset(&dd, 0, sizeof(dd));
	for (off = 0, dlen = 0; off < elen && dd.state != DOT_END;
	    off += used) {
		n = elen - off < chunk ? elen - off : chunk;
		dlen += dot_decode(&dd, enc + off, n, &used, dec + dlen);
	}
	if (dd.state != DOT_END || off != elen)
		abort();
	wlen = harness_canonical(in, size, want);
	if (dlen != wlen || memcmp(dec, want, wlen) != 0)
		abort();
done:
	free(out);
	free(enc);
	free(dec);
	free(want);
	return (0);
}
