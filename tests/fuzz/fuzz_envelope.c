/*
 * fuzz_envelope.c -- libFuzzer target: a hostile header block becomes an
 * envelope (sender, and recipients for a single-drop and a wildcard
 * multidrop account), and the envelope becomes an MDA command line.
 * Checks what reaches RCPT, MDA arguments and logs: no control byte, no
 * DEL, no leading '-', no CR, LF, '<' or '>'; and that in a shell-run MDA
 * no byte of the sender or the recipients is part of the script.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "header.h"
#include "mda_argv.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Spelled out here rather than header_address_safe, so as to check it. */
static void
check_word(const char *s)
{
	if (*s == '-' || strpbrk(s, "<>") != NULL)
		abort();
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			abort();
	}
}

static void
check_mda(const struct envelope *e)
{
	static const char	*plain = "procmail -f %F -d %T";
	static const char	*shell = "procmail -f %F -d %T | cat";
	struct mda_args		 av, ref;
	char			*dummy[64];
	size_t			 i, n = e->rcpts.n < 64 ? e->rcpts.n : 64;

	mda_args_build(&av, plain, e->from, e->rcpts.v, n);
	if (av.n != 4 + n || strcmp(av.v[2], e->from) != 0 ||
	    strcmp(av.v[0], "procmail") != 0)
		abort();
	for (i = 0; i < n; i++) {
		if (strcmp(av.v[4 + i], e->rcpts.v[i]) != 0)
			abort();
	}
	mda_args_free(&av);

	/* The script must be the same whatever the values are. */
	for (i = 0; i < n; i++)
		dummy[i] = "r";
	mda_args_build(&av, shell, e->from, e->rcpts.v, n);
	mda_args_build(&ref, shell, "f", dummy, n);
	if (av.n != 5 + n || ref.n != av.n || strcmp(av.v[2], ref.v[2]) != 0 ||
	    strcmp(av.v[4], e->from) != 0)
		abort();
	for (i = 0; i < n; i++) {
		if (strcmp(av.v[5 + i], e->rcpts.v[i]) != 0)
			abort();
	}
	mda_args_free(&ref);
	mda_args_free(&av);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct account	*single, *multi;
	struct envelope		 e;
	char			*hdr;
	size_t			 i;

	if (single == NULL) {
		single = account_new("mail.example.org");
		single->user = xstrdup("fam");
		strlist_add(&single->locals, "anna");
		multi = account_new("mail.example.org");
		multi->user = xstrdup("fam");
		multi->wildcard = 1;
		multi->qvirtual = xstrdup("v-");
		multi->envelope = xstrdup("X-Original-To");
		strlist_add(&multi->locals, "*");
		strlist_add(&multi->localdomains, "example.org");
	}
	hdr = xmalloc(size + 1);
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	envelope_build(&e, single, hdr, size, 0, "postmaster");
	check_word(e.from);
	check_mda(&e);
	envelope_free(&e);
	envelope_build(&e, multi, hdr, size, 0, "postmaster");
	check_word(e.from);
	for (i = 0; i < e.rcpts.n; i++)
		check_word(e.rcpts.v[i]);
	check_mda(&e);
	envelope_free(&e);
	free(hdr);
	return (0);
}
