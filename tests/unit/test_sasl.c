/* test_sasl.c -- SASL mechanisms against the RFCs' own examples. */

#include <stdlib.h>
#include <string.h>

#include "sasl.h"
#include "tap.h"
#include "xmalloc.h"

/* One step with a text challenge; the response as a C string. */
static char *
step(struct sasl *s, const char *challenge, int *rc)
{
	unsigned char	*out;
	size_t		 len;
	char		*cause = NULL, *str;

	*rc = sasl_step(s, (const unsigned char *)challenge,
	    strlen(challenge), &out, &len, &cause);
	if (*rc != 0) {
		str = cause;
		return (str);
	}
	str = xstrndup((char *)out, len);
	free(out);
	return (str);
}

static char *
start(struct sasl *s, size_t *len_r)
{
	unsigned char	*out;
	size_t		 len;
	char		*cause = NULL;

	if (sasl_start(s, &out, &len, &cause) != 0)
		return (cause);
	if (len_r != NULL)
		*len_r = len;
	return ((char *)out);
}

static void
scram(enum sasl_mech m, const char *nonce, const char *first,
    const char *server_first, const char *final, const char *server_final,
    const char *what)
{
	struct sasl	*s;
	char		*got, *cause = NULL;
	int		 rc;

	s = sasl_new(m, "user", "pencil", NULL, 0, nonce);
	got = start(s, NULL);
	is_str(got, first, "%s: client-first", what);
	free(got);
	got = step(s, server_first, &rc);
	is_str(got, final, "%s: client-final with the RFC's proof", what);
	free(got);
	ok(sasl_finished(s, &cause) == -1, "%s: not finished before the "
	    "server's signature", what);
	free(cause);
	got = step(s, server_final, &rc);
	is_int(rc, 0, "%s: the RFC's server signature verifies", what);
	free(got);
	is_int(sasl_finished(s, &cause), 0, "%s: finished", what);
	sasl_free(s);

	/* The same exchange with a forged server signature. */
	s = sasl_new(m, "user", "pencil", NULL, 0, nonce);
	free(start(s, NULL));
	free(step(s, server_first, &rc));
	got = step(s, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", &rc);
	ok(rc == -1 && strstr(got, "signature is wrong") != NULL,
	    "%s: a wrong server signature is refused", what);
	free(got);
	sasl_free(s);
}

int
main(void)
{
	struct sasl	*s;
	unsigned char	*dec;
	size_t		 len;
	char		*got, *b64;
	int		 rc;

	plan(42);
	/* RFC 5802 section 5. */
	scram(SASL_SCRAM_SHA_1, "fyko+d2lbbFgONRv9qkxdawL",
	    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "s=QSXCR+Q6sek8bf92,i=4096",
	    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", "SCRAM-SHA-1");
	/* RFC 7677 section 3. */
	scram(SASL_SCRAM_SHA_256, "rOprNGfwEbeRWgbNEkqO",
	    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "SCRAM-SHA-256");

	/* SCRAM: a server nonce that does not extend ours. */
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", &rc);
	ok(rc == -1 && strstr(got, "nonce") != NULL, "SCRAM: foreign nonce");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999", &rc);
	ok(rc == -1 && strstr(got, "iteration") != NULL,
	    "SCRAM: an absurd iteration count is refused");
	free(got);
	sasl_free(s);
	/* Review 2026-12, 16: a fake server asking for 1 round. */
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1", &rc);
	ok(rc == -1 && got != NULL && strstr(got, "fewer than the 4096") !=
	    NULL, "SCRAM: an iteration count of 1 is refused, saying why");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095", &rc);
	ok(rc == -1 && got != NULL && strstr(got, "4095 iterations") != NULL,
	    "SCRAM: 4095 iterations, one below the floor, are refused");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", &rc);
	ok(rc == 0, "SCRAM: 4096 iterations are accepted");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	free(start(s, NULL));
	got = step(s, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096\nforged",
	    &rc);
	ok(rc == -1 && got != NULL && strstr(got, "control byte") != NULL,
	    "SCRAM: a newline in the server's message is refused");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_1, "a=b,c", "p", NULL, 0, "n");
	got = start(s, NULL);
	is_str(got, "n,,n=a=3Db=2Cc,r=n", "SCRAM escapes = and , in names");
	free(got);
	sasl_free(s);

	/* RFC 2195 section 2. */
	s = sasl_new(SASL_CRAM_MD5, "tim", "tanstaaftanstaaf", NULL, 0, NULL);
	got = start(s, &len);
	ok(got == NULL, "CRAM-MD5: no initial response");
	got = step(s, "<1896.697170952@postoffice.reston.mci.net>", &rc);
	is_str(got, "tim b913a602c7eda7a495b4e6e7334d3890",
	    "CRAM-MD5: the RFC's response");
	free(got);
	sasl_free(s);

	/* RFC 4616: authzid NUL authcid NUL password. */
	s = sasl_new(SASL_PLAIN, "tim", "tanstaaf", NULL, 0, NULL);
	got = start(s, &len);
	ok(len == 13 && memcmp(got, "\0tim\0tanstaaf", 13) == 0,
	    "PLAIN initial response");
	b64 = sasl_b64_encode((unsigned char *)got, len);
	is_str(b64, "AHRpbQB0YW5zdGFhZg==", "PLAIN, base64");
	free(b64);
	free(got);
	sasl_free(s);

	s = sasl_new(SASL_LOGIN, "tim", "secret", NULL, 0, NULL);
	got = step(s, "Username:", &rc);
	is_str(got, "tim", "LOGIN: user name");
	free(got);
	got = step(s, "Password:", &rc);
	is_str(got, "secret", "LOGIN: password");
	free(got);
	sasl_free(s);

	s = sasl_new(SASL_XOAUTH2, "someuser@example.com", "ya29.vF9dft4q",
	    NULL, 0, NULL);
	got = start(s, &len);
	ok(len == strlen("user=someuser@example.com\001auth=Bearer "
	    "ya29.vF9dft4q\001\001") && memcmp(got, "user=someuser@example.com"
	    "\001auth=Bearer ya29.vF9dft4q\001\001", len) == 0,
	    "XOAUTH2 initial response");
	free(got);
	got = step(s, "{\"status\":\"401\"}", &rc);
	ok(rc == 0 && *got == '\0', "XOAUTH2 answers an error with nothing");
	free(got);
	sasl_free(s);

	/* RFC 7628 section 4.1. */
	s = sasl_new(SASL_OAUTHBEARER, "user@example.com", "vF9dft4qmTc2Nvb3"
	    "RlckBhbGF0aGVhLmNvbTo2Njg=", "server.example.com", 143, NULL);
	got = start(s, &len);
	is_str(got, "n,a=user@example.com,\001host=server.example.com\001"
	    "port=143\001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbGF0aGVhLmNvbTo2Njg="
	    "\001\001", "OAUTHBEARER initial response");
	free(got);
	got = step(s, "{\"status\":\"invalid_token\"}", &rc);
	is_str(got, "\001", "OAUTHBEARER answers an error with a kvsep");
	free(got);
	sasl_free(s);

	is_int(sasl_choose("PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1", 0),
	    SASL_SCRAM_SHA_1, "auth any: the strongest offered");
	is_int(sasl_choose("login plain", 0), SASL_PLAIN, "any case");
	is_int(sasl_choose("XOAUTH2 EXTERNAL", 0), SASL_NONE,
	    "never OAuth or EXTERNAL unasked");
	ok(sasl_b64_decode("AHRpbQ==", &dec, &len) == 0 && len == 4 &&
	    memcmp(dec, "\0tim", 4) == 0, "base64 decode");
	free(dec);
	ok(sasl_b64_decode("AH*pbQ==", &dec, &len) == -1, "bad base64");

	/* Channel binding (RFC 5802 section 6, RFC 5929, RFC 9266). */
	is_int(sasl_choose("SCRAM-SHA-256 SCRAM-SHA-256-PLUS PLAIN", 1),
	    SASL_SCRAM_SHA_256_PLUS, "over TLS, -PLUS is the strongest");
	is_int(sasl_choose("SCRAM-SHA-256 SCRAM-SHA-256-PLUS PLAIN", 0),
	    SASL_SCRAM_SHA_256, "without TLS there is nothing to bind to");
	is_int(sasl_plus(SASL_SCRAM_SHA_1), SASL_SCRAM_SHA_1_PLUS,
	    "SCRAM-SHA-1 has a -PLUS twin");
	s = sasl_new(SASL_SCRAM_SHA_256_PLUS, "user", "pencil", NULL, 0, "abc");
	got = start(s, NULL);
	ok(strstr(got, "channel binding") != NULL, "-PLUS without TLS data "
	    "is refused");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256_PLUS, "user", "pencil", NULL, 0, "abc");
	sasl_channel_binding(s, "tls-unique", (const unsigned char *)"ABC", 3);
	got = start(s, NULL);
	is_str(got, "p=tls-unique,,n=user,r=abc", "-PLUS: the gs2 header "
	    "names the binding");
	free(got);
	got = step(s, "r=abcdef,s=QSXCR+Q6sek8bf92,i=4096", &rc);
	ok(rc == 0 && strncmp(got, "c=cD10bHMtdW5pcXVlLCxBQkM=,r=abcdef,p=",
	    38) == 0, "-PLUS: c= carries the header and the binding data");
	free(got);
	sasl_free(s);
	s = sasl_new(SASL_SCRAM_SHA_256, "user", "pencil", NULL, 0, "abc");
	sasl_channel_binding(s, "tls-exporter", (const unsigned char *)"X", 1);
	got = start(s, NULL);
	is_str(got, "y,,n=user,r=abc", "plain SCRAM over TLS says \"y\": "
	    "a stripped -PLUS would show");
	free(got);
	got = step(s, "r=abcdef,s=QSXCR+Q6sek8bf92,i=4096", &rc);
	ok(rc == 0 && strncmp(got, "c=eSws,r=abcdef,", 16) == 0,
	    "plain SCRAM: c= is the \"y\" header alone");
	free(got);
	sasl_free(s);
	return (done_testing());
}
