/*
 * pin.c -- read the three forms of "sslfingerprint".
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "pin.h"
#include "xmalloc.h"

/* Hex bytes, with or without a colon between them; -1 if malformed. */
static int
parse_hex(const char *s, unsigned char *out, size_t max)
{
	size_t	n = 0;
	int	hi, lo;

	while (*s != '\0') {
		if (n == max || !isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]))
			return (-1);
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    tolower((unsigned char)s[0]) - 'a' + 10;
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    tolower((unsigned char)s[1]) - 'a' + 10;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (*s == ':' && s[1] != '\0')
			s++;
	}
	return ((int)n);
}

int
pin_parse(const char *s, struct pin *p, char **cause)
{
	unsigned char	buf[48];
	size_t		len;
	int		n;

	memset(p, 0, sizeof(*p));
	if (strncmp(s, "sha256//", 8) == 0) {
		/* Base64 of 32 bytes: 44 characters ending in one '='. */
		len = strlen(s + 8);
		if (len != 44 || s[8 + 43] != '=' || s[8 + 42] == '=' ||
		    EVP_DecodeBlock(buf, (const unsigned char *)s + 8,
		    (int)len) != 33) {
			xasprintf(cause, "sslfingerprint \"%s\": sha256// must be "
			    "followed by the base64 of a 32-byte SHA-256 (44 "
			    "characters)", s);
			return (-1);
		}
		p->kind = PIN_SPKI_SHA256;
		p->len = 32;
		memcpy(p->digest, buf, 32);
		return (0);
	}
	if (strncasecmp(s, "sha256:", 7) == 0) {
		if (parse_hex(s + 7, p->digest, 32) != 32) {
			xasprintf(cause, "sslfingerprint \"%s\": SHA256: must be "
			    "followed by 32 bytes in hex", s);
			return (-1);
		}
		p->kind = PIN_CERT_SHA256;
		p->len = 32;
		return (0);
	}
	n = parse_hex(s, p->digest, 32);
	if (n == 16 || n == 32) {
		p->kind = n == 16 ? PIN_CERT_MD5 : PIN_CERT_SHA256;
		p->len = n;
		return (0);
	}
	xasprintf(cause, "sslfingerprint \"%s\" is not a certificate "
	    "fingerprint: expected MD5 (16 hex bytes, AB:CD:...), SHA256:hex "
	    "(32 bytes) or sha256//BASE64 of the public key", s);
	return (-1);
}
