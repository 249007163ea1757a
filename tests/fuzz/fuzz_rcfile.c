/*
 * fuzz_rcfile.c -- libFuzzer target: the rcfile lexer and parser, then
 * the steps that follow a successful parse (defaults, dump).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "configdump.h"
#include "rc_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	char		*cause = NULL;
	size_t		 i;
	FILE		*null;

	config_init(&cfg);
	if (rc_parse("fuzz", "/fuzz", (const char *)data, size, &cfg,
	    &cause) == 0) {
		config_finish(&cfg);
		for (i = 0; i < cfg.accounts.n; i++) {
			if (account_finish(cfg.accounts.v[i], &cause) != 0) {
				free(cause);
				cause = NULL;
			}
		}
		if ((null = fopen("/dev/null", "w")) != NULL) {
			configdump(null, &cfg);
			fclose(null);
		}
	}
	free(cause);
	config_free(&cfg);
	return (0);
}
