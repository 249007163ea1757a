/*
 * envelope.c -- the SMTP envelope of a fetched message.
 *
 * The sender comes from Return-Path (which the server's delivery wrote),
 * else From, else the account itself, as fetchmail does; recipients are
 * the account's local name (single-drop) or what the header says
 * (multidrop.c).
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "header.h"
#include "multidrop.h"
#include "xmalloc.h"

void
envelope_build(struct envelope *e, const struct account *a, const char *hdr,
    size_t hdrlen, long long size, const char *postmaster)
{
	char	value[1024], addr[512], enc[64];
	size_t	i;

	memset(e, 0, sizeof(*e));
	e->size = size;
	if (header_get(hdr, hdrlen, "Return-Path", value, sizeof(value)) ==
	    0 && header_address(value, addr, sizeof(addr)) == 0)
		e->from = xstrdup(addr);
	else if (header_get(hdr, hdrlen, "From", value, sizeof(value)) == 0 &&
	    header_address(value, addr, sizeof(addr)) == 0 && *addr != '\0')
		e->from = xstrdup(addr);
	else
		xasprintf(&e->from, "%s@%s", a->user, account_host(a));
	if (header_get(hdr, hdrlen, "Content-Transfer-Encoding", enc,
	    sizeof(enc)) == 0 && (strncasecmp(enc, "8bit", 4) == 0 ||
	    strncasecmp(enc, "binary", 6) == 0))
		e->eightbit = 1;
	if (account_multidrop(a)) {
		e->multidrop = multidrop_rcpts(a, hdr, hdrlen, postmaster,
		    &e->rcpts);
		return;
	}
	for (i = 0; i < a->locals.n; i++) {
		/* "server=local" mappings only matter for multidrop. */
		if (strchr(a->locals.v[i], '=') == NULL)
			strlist_add(&e->rcpts, a->locals.v[i]);
	}
}

void
envelope_free(struct envelope *e)
{
	free(e->from);
	strlist_free(&e->rcpts);
	memset(e, 0, sizeof(*e));
}

static int
has_8bit(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return (1);
	}
	return (0);
}

int
envelope_utf8(const struct envelope *e)
{
	size_t	i;

	if (has_8bit(e->from))
		return (1);
	for (i = 0; i < e->rcpts.n; i++) {
		if (has_8bit(e->rcpts.v[i]))
			return (1);
	}
	return (0);
}
