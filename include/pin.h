/*
 * pin.h -- certificate pins as "sslfingerprint" writes them.
 *
 * fetchmail's MD5 of the certificate ("AB:CD:..."), the certificate's
 * SHA-256 ("SHA256:AB:CD:..." or 64 hex digits, colons optional, any
 * case) and the public key's SHA-256 ("sha256//BASE64", as curl writes
 * it).  Parsing is pure; the TLS layer compares digests.
 */

#ifndef PM_PIN_H
#define PM_PIN_H

#include <stddef.h>

enum pin_kind {
	PIN_CERT_MD5,
	PIN_CERT_SHA256,
	PIN_SPKI_SHA256,
};

struct pin {
	enum pin_kind	kind;
	unsigned char	digest[32];
	size_t		len;		/* 16 for MD5, else 32 */
};

/* Returns 0, or -1 with *cause saying what is wrong with s. */
int	pin_parse(const char *s, struct pin *, char **cause);

#endif
