/*
 * multidrop.c -- recipients of a multidrop account's message (multidrop.h).
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "header.h"
#include "multidrop.h"
#include "xmalloc.h"

static void
add_unique(struct strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcasecmp(l->v[i], s) == 0)
			return;
	}
	strlist_add(l, s);
}

/* A bare local name ("bob"), trimmed in place, or NULL. */
static char *
bare_name(char *item)
{
	char	*end;

	while (isspace((unsigned char)*item))
		item++;
	end = item + strlen(item);
	while (end > item && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*item == '\0' || strpbrk(item, " \t\r\n<>()\"@,;:\\") != NULL ||
	    !header_address_safe(item))
		return (NULL);
	return (item);
}

void
multidrop_split(const char *list, struct strlist *out)
{
	char		 addr[512], *item, *word;
	const char	*p = list, *start = list;
	int		 quoted = 0, angle = 0, paren = 0;

	for (;; p++) {
		if (*p == '"' && !paren)
			quoted = !quoted;
		else if (*p == '\\' && quoted && p[1] != '\0')
			p++;
		else if (!quoted && *p == '(')
			paren++;
		else if (!quoted && *p == ')' && paren > 0)
			paren--;
		else if (!quoted && !paren && *p == '<')
			angle = 1;
		else if (!quoted && !paren && *p == '>')
			angle = 0;
		else if (*p == '\0' || (!quoted && !angle && !paren &&
		    (*p == ',' || *p == ';' || *p == ':'))) {
			/* A group's "name:" is not an address. */
			if (*p != ':') {
				item = xstrndup(start, p - start);
				if (header_address(item, addr, sizeof(addr)) ==
				    0 && addr[0] != '\0')
					strlist_add(out, addr);
				else if ((word = bare_name(item)) != NULL)
					strlist_add(out, word);
				free(item);
			}
			start = p + 1;
			if (*p == '\0')
				break;
		}
	}
}

/* Is domain d the same as, or inside, name? */
static int
domain_within(const char *d, const char *name)
{
	size_t	dl = strlen(d), nl = strlen(name);

	if (dl == nl)
		return (strcasecmp(d, name) == 0);
	return (dl > nl && d[dl - nl - 1] == '.' &&
	    strcasecmp(d + dl - nl, name) == 0);
}

static int
domain_is_local(const struct account *a, const char *d)
{
	size_t	i;

	if (strcasecmp(d, a->name) == 0 ||
	    (a->via != NULL && strcasecmp(d, a->via) == 0))
		return (1);
	for (i = 0; i < a->aka.n; i++) {
		if (domain_within(d, a->aka.v[i]))
			return (1);
	}
	for (i = 0; i < a->localdomains.n; i++) {
		if (domain_within(d, a->localdomains.v[i]))
			return (1);
	}
	return (0);
}

/* The local name for one address, or NULL. */
static const char *
map_address(const struct account *a, char *addr)
{
	char	*at, *local = addr;
	size_t	 i, n;

	if ((at = strrchr(addr, '@')) != NULL) {
		*at = '\0';
		if (!domain_is_local(a, at + 1))
			return (NULL);
	}
	if (a->qvirtual != NULL && (n = strlen(a->qvirtual)) > 0 &&
	    strncasecmp(local, a->qvirtual, n) == 0)
		local += n;
	if (*local == '\0')
		return (NULL);
	for (i = 0; i < a->locals.n; i++) {
		const char *eq = strchr(a->locals.v[i], '=');

		if (eq != NULL) {
			if ((size_t)(eq - a->locals.v[i]) == strlen(local) &&
			    strncasecmp(a->locals.v[i], local, eq - a->locals.v[i])
			    == 0)
				return (eq + 1);
		} else if (strcasecmp(a->locals.v[i], local) == 0)
			return (a->locals.v[i]);
	}
	/* A wildcard takes the sender's word for the name: check it. */
	return (a->wildcard == 1 && header_address_safe(local) ? local : NULL);
}

/* The value of the skip-th field called name that has an address. */
static int
envelope_value(const struct account *a, const char *hdr, size_t hdrlen,
    char *out, size_t size)
{
	const char	*p = hdr, *end = hdr + hdrlen, *nl, *f;
	char		 addr[PM_MD_VALUE_MAX];
	size_t		 nlen = strlen(a->envelope);
	int		 seen = 0;
	int		 received = strcasecmp(a->envelope, "Received") == 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		if ((size_t)(end - p) > nlen && strncasecmp(p, a->envelope,
		    nlen) == 0 && p[nlen] == ':' && seen++ >= a->envskip) {
			if (header_get(p, end - p, a->envelope, out, size) != 0)
				return (-1);
			if (!received)
				return (0);
			/* sendmail style: "... for <addr>; date" */
			for (f = out; (f = strcasestr(f, "for ")) != NULL; f++) {
				if (f > out && !isspace((unsigned char)f[-1]))
					continue;
				/* The clause ends at the date's ';'. */
				strlcpy(addr, f + 4, sizeof(addr));
				addr[strcspn(addr, ";")] = '\0';
				strlcpy(out, addr, size);
				return (0);
			}
			return (-1);
		}
		p = nl + 1;
	}
	return (-1);
}

static void
from_fields(const char *hdr, size_t hdrlen, const char *const *names,
    struct strlist *addrs)
{
	char	*value = xmalloc(PM_MD_VALUE_MAX);
	size_t	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (header_get(hdr, hdrlen, names[i], value, PM_MD_VALUE_MAX) == 0)
			multidrop_split(value, addrs);
	}
	free(value);
}

int
multidrop_rcpts(const struct account *a, const char *hdr, size_t hdrlen,
    const char *postmaster, struct strlist *out)
{
	static const char *const resent[] = { "Resent-To", "Resent-Cc",
	    "Resent-Bcc", NULL };
	static const char *const plain[] = { "To", "Cc", "Bcc",
	    "Apparently-To", NULL };
	struct strlist	 addrs = { NULL, 0 };
	char		*value = xmalloc(PM_MD_VALUE_MAX), *copy;
	const char	*local;
	size_t		 i;
	int		 how = 0;

	if (a->envelope != NULL && strcmp(a->envelope, ENVELOPE_DISABLED) != 0 &&
	    envelope_value(a, hdr, hdrlen, value, PM_MD_VALUE_MAX) == 0)
		multidrop_split(value, &addrs);
	if (addrs.n > 0)
		how |= MD_ENVELOPE;
	if (addrs.n == 0)
		from_fields(hdr, hdrlen, resent, &addrs);
	if (addrs.n == 0)
		from_fields(hdr, hdrlen, plain, &addrs);
	for (i = 0; i < addrs.n; i++) {
		copy = xstrdup(addrs.v[i]);
		if ((local = map_address(a, copy)) != NULL)
			add_unique(out, local);
		free(copy);
	}
	if (out->n == 0 && postmaster != NULL && *postmaster != '\0') {
		strlist_add(out, postmaster);
		how |= MD_POSTMASTER;
	}
	strlist_free(&addrs);
	free(value);
	return (how);
}
