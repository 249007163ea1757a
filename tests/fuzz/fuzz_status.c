/*
 * fuzz_status.c -- libFuzzer target: the status file reader.  What it
 * accepts is written out again (JSON and metrics) and must read back.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct status	 st;
	char		*cause = NULL, *text, *m;

	memset(&st, 0, sizeof(st));
	if (status_parse(&st, (const char *)data, size, &cause) != 0) {
		free(cause);
		return (0);
	}
	text = status_json(&st);
	m = metrics_text(&st);
	status_clear(&st);
	if (status_parse(&st, text, strlen(text), &cause) != 0)
		abort();	/* what was written must read back */
	status_clear(&st);
	free(text);
	free(m);
	return (0);
}
