/*
 * fuzz_header.c -- libFuzzer target: everything that reads a message's
 * header block (end of header, field lookup and unfolding, addresses,
 * the Status/Delivered-To filter, the bad-line check, address rewriting
 * and the MIME decoder's look at Content-Type).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "mimedecode.h"
#include "rewrite.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fields[] = {
	"From", "To", "Return-Path", "Delivered-To", "Envelope-To",
	"X-Envelope-To", "Received", "Message-ID", "Content-Type",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mimedec	 md;
	char		*hdr, *rw, value[1024], addr[512];
	size_t		 len, end, at, i, rwlen;

	if ((hdr = malloc(size + 1)) == NULL)
		return (0);
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	end = header_end(hdr, size);
	if (end > size)
		abort();
	len = end != 0 ? end : size;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (header_get(hdr, len, fields[i], value,
		    sizeof(value)) == 0) {
			if (strlen(value) >= sizeof(value))
				abort();
			if (header_address(value, addr, sizeof(addr)) == 0 &&
			    strlen(addr) >= sizeof(addr))
				abort();
		}
	}
	for (at = 0; at < len; at = end) {
		end = header_field_end(hdr, len, at);
		if (end <= at || end > len)
			abort();
	}
	if (header_bad_line(hdr, len) > len)
		abort();
	if ((rw = rewrite_addresses(hdr, len, "example.org", &rwlen)) != NULL)
		free(rw);
	memset(&md, 0, sizeof(md));
	at = len;
	if (mime_begin(&md, hdr, &at, NULL, NULL) != 0 && at > len)
		abort();
	mime_free(&md);
	if (header_filter(hdr, len, data[0] & 1, data[0] & 2) > len)
		abort();
	free(hdr);
	return (0);
}
