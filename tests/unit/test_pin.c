/* test_pin.c -- the three sslfingerprint forms, and what is refused. */

#include <stdlib.h>
#include <string.h>

#include "pin.h"
#include "tap.h"

static int
kind(const char *s)
{
	struct pin	 p;
	char		*cause = NULL;
	int		 rc;

	rc = pin_parse(s, &p, &cause);
	free(cause);
	return (rc == 0 ? (int)p.kind : -1);
}

int
main(void)
{
	struct pin	 p;
	char		*cause = NULL;
	const char	*sha = "SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
	    "DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";

	plan(13);
	is_int(kind("12:34:56:78:9A:BC:DE:F0:12:34:56:78:9a:bc:de:f0"),
	    PIN_CERT_MD5, "fetchmail's MD5 form");
	is_int(kind("123456789ABCDEF0123456789ABCDEF0"), PIN_CERT_MD5,
	    "MD5 without colons");
	is_int(kind(sha), PIN_CERT_SHA256, "SHA256: with colons");
	is_int(kind("sha256:00112233445566778899aabbccddeeff"
	    "00112233445566778899AABBCCDDEEFF"), PIN_CERT_SHA256,
	    "sha256: without colons, any case");
	is_int(kind("sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
	    PIN_SPKI_SHA256, "public key form");
	is_int(pin_parse(sha, &p, &cause), 0, "parse SHA256");
	ok(p.len == 32 && p.digest[0] == 0x00 && p.digest[10] == 0xaa &&
	    p.digest[31] == 0xff, "digest bytes");
	is_int(kind("12:34:56"), -1, "too short");
	is_int(kind("12:34:56:78:9A:BC:DE:F0:12:34:56:78:9a:bc:de:f0:11"), -1,
	    "17 bytes");
	is_int(kind("SHA256:0011"), -1, "SHA256 too short");
	is_int(kind("sha256//abc="), -1, "base64 of the wrong length");
	is_int(kind("zz:34:56:78:9A:BC:DE:F0:12:34:56:78:9a:bc:de:f0"), -1,
	    "not hex");
	is_int(pin_parse("AA", &p, &cause), -1, "error message");
	free(cause);
	return (done_testing());
}
