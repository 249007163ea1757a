/*
 * fuzz_netrc.c -- libFuzzer target: the ~/.netrc reader.  The input is
 * looked up for a fixed machine and login, and for the default entry.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*pw;

	pw = netrc_lookup((const char *)data, size, "mail.example.org", "joe");
	free(pw);
	pw = netrc_lookup((const char *)data, size, "", "");
	free(pw);
	return (0);
}
