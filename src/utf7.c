/*
 * utf7.c -- UTF-8 mailbox names into IMAP's modified UTF-7.
 *
 * fetchmail sends folder names as they are, so a non-ASCII name reaches
 * the server as bytes it must reject; we convert, as RFC 3501 requires.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf7.h"
#include "xmalloc.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* The next code point of s, or -1 for invalid UTF-8; advances *s. */
static long
utf8_next(const unsigned char **s)
{
	const unsigned char	*p = *s;
	long			 c;
	int			 n, i;

	if (p[0] < 0x80) {
		*s = p + 1;
		return (p[0]);
	}
	if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07;
		n = 3;
	} else
		return (-1);
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (-1);
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond Unicode are refused. */
	if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
	    (n == 3 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return (-1);
	*s = p + n + 1;
	return (c);
}

char *
utf7_encode(const char *utf8)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	char			*out, *o;
	uint32_t		 bits = 0;
	long			 c;
	int			 nbits = 0, shifted = 0;
	size_t			 len = strlen(utf8);

	/* Worst case: every byte a code point taking 16/6 + 2 characters. */
	o = out = xmalloc(len * 6 + 8);
	while (*s != '\0') {
		if ((c = utf8_next(&s)) < 0) {
			free(out);
			return (NULL);
		}
		if (c >= 0x20 && c <= 0x7e) {
			if (shifted) {
				if (nbits > 0)
					*o++ = b64[(bits << (6 - nbits)) & 0x3f];
				*o++ = '-';
				shifted = nbits = 0;
				bits = 0;
			}
			*o++ = (char)c;
			if (c == '&')
				*o++ = '-';
			continue;
		}
		if (!shifted) {
			*o++ = '&';
			shifted = 1;
		}
		/* UTF-16BE: one unit, or a surrogate pair. */
		{
			uint32_t	units[2];
			int		nu = 1, k;

			if (c >= 0x10000) {
				c -= 0x10000;
				units[0] = 0xd800 | (c >> 10);
				units[1] = 0xdc00 | (c & 0x3ff);
				nu = 2;
			} else
				units[0] = (uint32_t)c;
			for (k = 0; k < nu; k++) {
				bits = bits << 16 | units[k];
				nbits += 16;
				while (nbits >= 6) {
					nbits -= 6;
					*o++ = b64[(bits >> nbits) & 0x3f];
				}
				bits &= (1u << nbits) - 1;
			}
		}
	}
	if (shifted) {
		if (nbits > 0)
			*o++ = b64[(bits << (6 - nbits)) & 0x3f];
		*o++ = '-';
	}
	*o = '\0';
	return (out);
}
