/*
 * rewrite.c -- qualify bare addresses in the address fields of a header.
 *
 * A POP3/IMAP server may hold mail whose To: or From: says only "joe",
 * meaning joe on that server.  Forwarded as is, the local MTA would read
 * it as a local user, so fetchmail appends "@server" and so do we.  The
 * scan follows RFC 5322 address lists closely enough not to touch what
 * it does not understand: an item is rewritten only when it is one word
 * (an atom or quoted string) or an angle address, with no "@".
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "header.h"
#include "rewrite.h"
#include "xmalloc.h"

struct obuf {
	char	*p;
	size_t	 len, cap;
};

static void
obuf_insert(struct obuf *b, size_t at, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, s, n);
	b->len += n;
}

static void
obuf_add(struct obuf *b, const char *s, size_t n)
{
	obuf_insert(b, b->len, s, n);
}

/* One address item so far: where its last word ends, and what it had. */
struct item {
	int	words;		/* top-level words: atoms, quoted strings */
	int	in_word;
	int	has_at;
	int	had_angle;
	size_t	word_end;	/* output offset after the last word byte */
};

static void
item_word(struct item *it)
{
	if (!it->in_word) {
		it->words++;
		it->in_word = 1;
	}
}

/* At "," or ";" or the end: qualify a lone bare word. */
static void
item_end(struct item *it, struct obuf *b, const char *at, size_t atlen)
{
	if (it->words == 1 && !it->has_at && !it->had_angle)
		obuf_insert(b, it->word_end, at, atlen);
	memset(it, 0, sizeof(*it));
}

/* The value of one address field, v[0..n), with its folding and line end. */
static void
rewrite_value(struct obuf *b, const char *v, size_t n, const char *at,
    size_t atlen)
{
	struct item	it;
	size_t		i;
	int		depth = 0, quoted = 0, angle = 0, angle_word = 0;
	int		angle_at = 0;
	char		c;

	memset(&it, 0, sizeof(it));
	for (i = 0; i < n; i++) {
		c = v[i];
		if (quoted || depth > 0) {
			obuf_add(b, &c, 1);
			if (c == '\\' && i + 1 < n)
				obuf_add(b, &v[++i], 1);
			else if (quoted && c == '"')
				quoted = 0;
			else if (!quoted && c == '(')
				depth++;
			else if (!quoted && c == ')')
				depth--;
			if (quoted || (c == '"' && depth == 0))
				it.word_end = angle ? it.word_end : b->len;
			continue;
		}
		switch (c) {
		case '(':
			depth = 1;
			it.in_word = 0;
			break;
		case '"':
			quoted = 1;
			if (angle)
				angle_word = 1;
			else
				item_word(&it);
			break;
		case '<':
			angle = it.had_angle = 1;
			angle_word = angle_at = 0;
			it.in_word = 0;
			break;
		case '>':
			if (angle && angle_word && !angle_at)
				obuf_add(b, at, atlen);
			angle = 0;
			break;
		case ',':
		case ';':
		case ':':
			if (angle)
				break;
			if (c == ':')	/* a group's name, not an address */
				memset(&it, 0, sizeof(it));
			else
				item_end(&it, b, at, atlen);
			break;
		case ' ': case '\t': case '\r': case '\n':
			it.in_word = angle ? it.in_word : 0;
			break;
		default:
			if (angle) {
				angle_word = 1;
				angle_at |= c == '@';
			} else {
				item_word(&it);
				it.has_at |= c == '@';
			}
			break;
		}
		obuf_add(b, &c, 1);
		if (!angle && c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
		    c != '(' && c != ')' && c != '>' && c != ',' && c != ';' &&
		    c != ':')
			it.word_end = b->len;
	}
	if (!quoted && depth == 0 && !angle)
		item_end(&it, b, at, atlen);
}

static int
is_address_field(const char *name, size_t n)
{
	static const char *const fields[] = { "From", "To", "Cc", "Bcc",
	    "Reply-To", "Resent-From", "Resent-To", "Resent-Cc",
	    "Resent-Bcc", "Resent-Sender", "Resent-Reply-To", NULL };
	size_t	i;

	for (i = 0; fields[i] != NULL; i++) {
		if (strlen(fields[i]) == n && strncasecmp(name, fields[i],
		    n) == 0)
			return (1);
	}
	return (0);
}

char *
rewrite_addresses(const char *hdr, size_t len, const char *domain,
    size_t *outlen)
{
	struct obuf	 b = { NULL, 0, 0 };
	char		*at;
	size_t		 in = 0, end, atlen;
	const char	*colon;

	atlen = xasprintf(&at, "@%s", domain);
	b.cap = len + 64;
	b.p = xmalloc(b.cap);
	while (in < len) {
		end = header_field_end(hdr, len, in);
		colon = memchr(hdr + in, ':', end - in);
		if (colon != NULL && is_address_field(hdr + in, colon - (hdr +
		    in))) {
			obuf_add(&b, hdr + in, colon + 1 - (hdr + in));
			rewrite_value(&b, colon + 1, end - (colon + 1 - hdr),
			    at, atlen);
		} else
			obuf_add(&b, hdr + in, end - in);
		in = end;
	}
	free(at);
	*outlen = b.len;
	return (b.p);
}
