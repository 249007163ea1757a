/*
 * header.c -- find fields in a header block without trusting it.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "header.h"

size_t
header_end(const char *buf, size_t len)
{
	size_t	i;

	/* A message that starts with an empty line has no header. */
	if (len >= 1 && buf[0] == '\n')
		return (1);
	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n')
		return (2);
	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return (i + 2);
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return (i + 3);
	}
	return (0);
}

int
header_get(const char *hdr, size_t len, const char *name, char *out,
    size_t size)
{
	size_t	nlen = strlen(name), i, o;
	int	bol = 1;

	if (size == 0)
		return (-1);
	for (i = 0; i < len; i++) {
		if (bol && len - i > nlen && hdr[i + nlen] == ':' &&
		    strncasecmp(hdr + i, name, nlen) == 0)
			break;
		bol = hdr[i] == '\n';
	}
	if (i >= len)
		return (-1);
	i += nlen + 1;
	while (i < len && (hdr[i] == ' ' || hdr[i] == '\t'))
		i++;
	for (o = 0; i < len; i++) {
		if (hdr[i] == '\r')
			continue;
		if (hdr[i] == '\n') {
			/* Folded: the field goes on if the next line is indented. */
			if (i + 1 < len && (hdr[i + 1] == ' ' ||
			    hdr[i + 1] == '\t'))
				continue;
			break;
		}
		if (o + 1 < size)
			out[o++] = hdr[i];
	}
	out[o] = '\0';
	return (0);
}

int
header_address_safe(const char *s)
{
	/* An MDA would take "-C/x" for an option. */
	if (*s == '-')
		return (0);
	for (; *s != '\0'; s++) {
		/* '<' or '>', even quoted, would confuse "MAIL FROM:<%s>". */
		if ((unsigned char)*s < ' ' || *s == 0x7f || *s == '<' ||
		    *s == '>')
			return (0);
	}
	return (1);
}

int
header_address(const char *value, char *out, size_t size)
{
	const char	*lt, *gt, *at, *start, *end, *p;
	size_t		 n;
	int		 quoted = 0;

	if ((lt = strchr(value, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL) {
		start = lt + 1;
		end = gt;
	} else {
		if ((at = strchr(value, '@')) == NULL)
			return (-1);
		for (start = at; start > value && !isspace((unsigned char)
		    start[-1]) && start[-1] != ',' && start[-1] != '"'; start--)
			;
		for (end = at; *end != '\0' && !isspace((unsigned char)*end) &&
		    *end != ',' && *end != '(' && *end != '"'; end++)
			;
	}
	n = end - start;
	if (n >= size)
		return (-1);
	/*
	 * An address never holds controls, nor spaces outside a quoted
	 * local part ("a b"@example.org is valid); refuse a forged one.
	 */
	for (p = start; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\\' && quoted && p + 1 < end)
			p++;
		else if ((unsigned char)*p < ' ' || *p == 0x7f ||
		    (*p == ' ' && !quoted) || *p == '<' || *p == '>')
			return (-1);
	}
	if (quoted)
		return (-1);
	memcpy(out, start, n);
	out[n] = '\0';
	if (!header_address_safe(out))
		return (-1);
	return (0);
}

/* Does the field at line (len bytes, up to its end) start with name:? */
static int
field_is(const char *line, size_t len, const char *name)
{
	size_t	n = strlen(name);

	return (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':');
}

/* Is the value after "name:" empty (only blanks, line ends)? */
static int
field_empty(const char *line, size_t len, const char *name)
{
	size_t	i;

	for (i = strlen(name) + 1; i < len; i++) {
		if (!isspace((unsigned char)line[i]))
			return (0);
	}
	return (1);
}

size_t
header_field_end(const char *hdr, size_t len, size_t start)
{
	size_t	end = start;

	do {
		while (end < len && hdr[end] != '\n')
			end++;
		if (end < len)
			end++;
	} while (end < len && (hdr[end] == ' ' || hdr[end] == '\t'));
	return (end);
}

size_t
header_filter(char *hdr, size_t len, int dropstatus, int dropdelivered)
{
	size_t	in = 0, out = 0, end, flen;
	int	drop;

	while (in < len) {
		end = header_field_end(hdr, len, in);
		flen = end - in;
		drop = 0;
		if (field_is(hdr + in, flen, "Status") ||
		    field_is(hdr + in, flen, "X-Mozilla-Status"))
			drop = dropstatus || field_empty(hdr + in, flen,
			    field_is(hdr + in, flen, "Status") ? "Status" :
			    "X-Mozilla-Status");
		else if (field_is(hdr + in, flen, "Delivered-To"))
			drop = dropdelivered;
		else if ((flen >= 5 && memcmp(hdr + in, "From ", 5) == 0) ||
		    (flen >= 6 && memcmp(hdr + in, ">From ", 6) == 0))
			drop = 1;	/* an mbox separator, not a field */
		if (!drop) {
			memmove(hdr + out, hdr + in, flen);
			out += flen;
		}
		in = end;
	}
	return (out);
}

size_t
header_bad_line(const char *hdr, size_t len)
{
	size_t		 i = 0, line = 0, end;
	const char	*colon;

	while (i < len) {
		line++;
		for (end = i; end < len && hdr[end] != '\n'; end++)
			;
		if (end - i == 0 || (end - i == 1 && hdr[i] == '\r'))
			return (0);		/* the empty line: done */
		if (hdr[i] != ' ' && hdr[i] != '\t') {
			colon = memchr(hdr + i, ':', end - i);
			if (colon == NULL || colon == hdr + i)
				return (line);
		}
		i = end + 1;
	}
	return (0);
}
