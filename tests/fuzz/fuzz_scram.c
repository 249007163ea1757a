/*
 * fuzz_scram.c -- libFuzzer target: the client side of SASL against a
 * hostile server.  The input is the server's challenges, separated by
 * newlines, answered in turn by SCRAM-SHA-256 (with a fixed client
 * nonce, so the fuzzer can extend it), SCRAM-SHA-1-PLUS, and the
 * base64 layer the protocols carry them in.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sasl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NONCE	"fyko+d2lbbFgONRv9qkxdawL"

static void
exchange(enum sasl_mech mech, char *input, size_t size)
{
	struct sasl	*s;
	unsigned char	*out = NULL;
	size_t		 outlen;
	char		*line, *next, *cause = NULL;
	int		 steps = 0;

	s = sasl_new(mech, "user", "pencil", "imap.example.org", 993, NONCE);
	sasl_channel_binding(s, "tls-exporter", (const unsigned char *)
	    "0123456789abcdef0123456789abcdef", 32);
	if (sasl_start(s, &out, &outlen, &cause) != 0)
		goto done;
	free(out);
	out = NULL;
	for (line = input; line != NULL && line < input + size; line = next) {
		if ((next = memchr(line, '\n', input + size - line)) != NULL)
			*next++ = '\0';
		if (++steps > 4)
			break;
		if (sasl_step(s, (unsigned char *)line, strlen(line), &out,
		    &outlen, &cause) != 0)
			goto done;
		free(out);
		out = NULL;
	}
	(void)sasl_finished(s, &cause);
done:
	free(out);
	free(cause);
	sasl_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sasl	*s;
	char		*input, *b64 = NULL, *cause = NULL;
	const char	*i;

	if ((input = malloc(size + 1)) == NULL)
		return (0);
	memcpy(input, data, size);
	input[size] = '\0';
	/* A server asking for a million rounds is allowed; not here. */
	for (i = input; (i = strstr(i, "i=")) != NULL; i += 2) {
		if (strspn(i + 2, "0123456789") > 4)
			goto out;
	}
	exchange(SASL_SCRAM_SHA_256, input, size);
	memcpy(input, data, size);
	exchange(SASL_SCRAM_SHA_1_PLUS, input, size);
	memcpy(input, data, size);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", "h", 143, NONCE);
	if (sasl_start_b64(s, &b64, &cause) == 0) {
		free(b64);
		b64 = NULL;
		(void)sasl_answer(s, input, &b64, &cause);
	}
	free(b64);
	free(cause);
	sasl_free(s);
out:
	free(input);
	return (0);
}
