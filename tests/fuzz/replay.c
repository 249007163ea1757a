/*
 * replay.c -- run a fuzz target over files without libFuzzer, so that
 * "make check" replays every seed corpus with the normal compiler (and
 * under the sanitizers in the sanitizer build).  TAP: one test per file.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char **argv)
{
	unsigned char	*buf;
	size_t		 len;
	FILE		*f;
	int		 i, failed = 0;

	printf("1..%d\n", argc - 1);
	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			printf("not ok %d - %s: cannot open\n", i, argv[i]);
			failed = 1;
			continue;
		}
		buf = malloc(1 << 22);
		len = buf != NULL ? fread(buf, 1, 1 << 22, f) : 0;
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		/* Reaching here means no crash; the sanitizers abort. */
		printf("ok %d - %s\n", i, argv[i]);
	}
	return (failed);
}
