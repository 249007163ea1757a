/*
 * mimedecode.c -- undo quoted-printable on the way through (fetchmail's
 * "mimedecode"), for the message body and for the text parts of
 * multipart bodies, nested up to MIME_DEPTH deep.
 *
 * Everything is streamed: the body is cut into lines only as far as
 * finding boundaries needs (MIME_LINE bytes; longer lines cannot be
 * boundaries and go straight through), and part headers are held until
 * their empty line (MIME_HEADER_MAX; a longer one is passed on as it is).
 * Only text is decoded (a part with no Content-Type is text/plain): QP
 * around binary data stays QP, since 8-bit SMTP must not carry NULs.
 * The Content-Transfer-Encoding of a decoded part becomes 8bit.
 * Encoded words in header fields (RFC 2047) are left as they are:
 * decoding them would lose their charset.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "header.h"
#include "mimedecode.h"
#include "xmalloc.h"

#define QP_PLAIN	0
#define QP_EQ		1	/* after "=" */
#define QP_HEX		2	/* after "=X" */
#define QP_CR		3	/* after "=\r" */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Quoted-printable, any piece at a time; soft line breaks vanish. */
static int
qp_decode(struct mimedec *d, const char *in, size_t len)
{
	char	out[MIME_LINE + 4];
	size_t	i, o = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = in[i];
		switch (d->qpstate) {
		case QP_PLAIN:
			if (c == '=')
				d->qpstate = QP_EQ;
			else
				out[o++] = c;
			break;
		case QP_EQ:
			if (hexval(c) >= 0) {
				d->qphex = c;
				d->qpstate = QP_HEX;
			} else if (c == '\r')
				d->qpstate = QP_CR;
			else if (c == '\n')
				d->qpstate = QP_PLAIN;	/* "=\n" soft break */
			else {
				out[o++] = '=';		/* not QP: kept */
				out[o++] = c;
				d->qpstate = QP_PLAIN;
			}
			break;
		case QP_HEX:
			if (hexval(c) >= 0)
				out[o++] = hexval(d->qphex) * 16 + hexval(c);
			else {
				out[o++] = '=';
				out[o++] = d->qphex;
				out[o++] = c;
			}
			d->qpstate = QP_PLAIN;
			break;
		case QP_CR:
			d->qpstate = QP_PLAIN;
			if (c != '\n') {
				out[o++] = '=';
				out[o++] = '\r';
				out[o++] = c;
			}
			break;
		}
		if (o >= MIME_LINE) {
			if (d->emit(d->arg, out, o) != 0)
				return (-1);
			o = 0;
		}
	}
	return (o > 0 ? d->emit(d->arg, out, o) : 0);
}

/* What is pending in the QP decoder at a part's end, as it was. */
static int
qp_flush(struct mimedec *d)
{
	char	rest[2];
	size_t	n = 0;

	if (d->qpstate != QP_PLAIN)
		rest[n++] = '=';
	if (d->qpstate == QP_HEX)
		rest[n++] = d->qphex;
	else if (d->qpstate == QP_CR)
		rest[n++] = '\r';
	d->qpstate = QP_PLAIN;
	return (n > 0 ? d->emit(d->arg, rest, n) : 0);
}

/* The boundary parameter of a multipart Content-Type, or NULL. */
static char *
mime_boundary(const char *ctype)
{
	const char	*p, *end;

	if (strncasecmp(ctype, "multipart/", 10) != 0)
		return (NULL);
	for (p = ctype; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			end = strchr(++p, '"');
			if (end == NULL)
				return (NULL);
		} else
			end = p + strcspn(p, "; \t");
		if (end == p || end - p > 200)
			return (NULL);
		return (xstrndup(p, end - p));
	}
	return (NULL);
}

/*
 * A header block: is its body QP text (1), a multipart (its boundary is
 * pushed; 0), or neither (0)?  A QP text header says 8bit afterwards.
 */
static int
mime_header(struct mimedec *d, char *hdr, size_t *len)
{
	char	 ctype[1024], cte[64], *b, *p, *end;
	int	 text;

	if (header_get(hdr, *len, "Content-Type", ctype, sizeof(ctype)) != 0)
		strlcpy(ctype, "text/plain", sizeof(ctype));
	if ((b = mime_boundary(ctype)) != NULL) {
		if (d->nbounds < MIME_DEPTH)
			d->bounds[d->nbounds++] = b;
		else
			free(b);
		return (0);
	}
	text = strncasecmp(ctype, "text/", 5) == 0;
	if (!text || header_get(hdr, *len, "Content-Transfer-Encoding", cte,
	    sizeof(cte)) != 0 || strncasecmp(cte, "quoted-printable", 16) != 0)
		return (0);
	/* The field's value: "quoted-printable" becomes "8bit". */
	for (p = hdr; p < hdr + *len; p = end + 1) {
		if ((end = memchr(p, '\n', hdr + *len - p)) == NULL)
			break;
		if (strncasecmp(p, "Content-Transfer-Encoding:", 26) != 0)
			continue;
		/* Within this line only: hdr has no terminating NUL. */
		for (; p + 16 <= end; p++) {
			if (strncasecmp(p, "quoted-printable", 16) == 0)
				break;
		}
		if (p + 16 > end)
			return (0);
		memcpy(p, "8bit", 4);
		memmove(p + 4, p + 16, hdr + *len - (p + 16));
		*len -= 12;
		return (1);
	}
	return (0);
}

int
mime_begin(struct mimedec *d, char *hdr, size_t *len, mime_emit emit,
    void *arg)
{
	memset(d, 0, sizeof(*d));
	d->emit = emit;
	d->arg = arg;
	d->qp = mime_header(d, hdr, len);
	return (d->qp || d->nbounds > 0);
}

/* Is line (complete, without its line end) one of our boundaries? */
static int
mime_is_boundary(struct mimedec *d, const char *line, size_t len,
    int *closing)
{
	size_t	i, n;

	if (len < 2 || line[0] != '-' || line[1] != '-')
		return (-1);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (i = d->nbounds; i-- > 0; ) {
		n = strlen(d->bounds[i]);
		if (len < n + 2 || memcmp(line + 2, d->bounds[i], n) != 0)
			continue;
		if (len == n + 2) {
			*closing = 0;
			return ((int)i);
		}
		if (len == n + 4 && line[n + 2] == '-' && line[n + 3] == '-') {
			*closing = 1;
			return ((int)i);
		}
	}
	return (-1);
}

static void
mime_pop(struct mimedec *d, size_t keep)
{
	while (d->nbounds > keep)
		free(d->bounds[--d->nbounds]);
}

/* A part header line; the empty line ends the header. */
static int
mime_header_line(struct mimedec *d, const char *line, size_t len)
{
	int	ended;

	ended = len == 1 || (len == 2 && line[0] == '\r');
	if (d->hdrlen + len > MIME_HEADER_MAX) {
		/* Too long to look at: passed on as it is, not decoded. */
		d->in_header = 0;
		if (d->emit(d->arg, d->hdr, d->hdrlen) != 0)
			return (-1);
		d->hdrlen = 0;
		return (d->emit(d->arg, line, len));
	}
	memcpy(d->hdr + d->hdrlen, line, len);
	d->hdrlen += len;
	if (!ended)
		return (0);
	d->in_header = 0;
	d->qp = mime_header(d, d->hdr, &d->hdrlen);
	len = d->hdrlen;
	d->hdrlen = 0;
	return (d->emit(d->arg, d->hdr, len));
}

/* One line, or a piece of one (eol 0), from the body. */
static int
mime_line(struct mimedec *d, const char *line, size_t len, int eol)
{
	size_t	n = len;
	int	i, closing;

	if (d->in_header && (eol || d->hdrlen + len > MIME_HEADER_MAX))
		return (mime_header_line(d, line, len));
	if (d->in_header) {
		memcpy(d->hdr + d->hdrlen, line, len);
		d->hdrlen += len;
		return (0);
	}
	if (!d->midline && eol && d->nbounds > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if ((i = mime_is_boundary(d, line, n, &closing)) >= 0) {
			if (d->qp && qp_flush(d) != 0)
				return (-1);
			d->qp = 0;
			mime_pop(d, closing ? (size_t)i : (size_t)i + 1);
			if (!closing) {
				d->in_header = 1;
				if (d->hdr == NULL)
					d->hdr = xmalloc(MIME_HEADER_MAX);
			}
			return (d->emit(d->arg, line, len));
		}
	}
	return (d->qp ? qp_decode(d, line, len) : d->emit(d->arg, line, len));
}

int
mime_feed(struct mimedec *d, const char *in, size_t len)
{
	const char	*nl;
	size_t		 n;
	int		 eol;

	while (len > 0) {
		nl = memchr(in, '\n', len);
		n = nl != NULL ? (size_t)(nl - in) + 1 : len;
		if (n > MIME_LINE - d->linelen)
			n = MIME_LINE - d->linelen;
		memcpy(d->line + d->linelen, in, n);
		d->linelen += n;
		in += n;
		len -= n;
		eol = d->line[d->linelen - 1] == '\n';
		if (!eol && d->linelen < MIME_LINE)
			break;			/* wait for the rest */
		if (mime_line(d, d->line, d->linelen, eol) != 0)
			return (-1);
		d->midline = !eol;
		d->linelen = 0;
	}
	return (0);
}

int
mime_end(struct mimedec *d)
{
	if (d->linelen > 0 && mime_line(d, d->line, d->linelen, 1) != 0)
		return (-1);
	d->linelen = 0;
	if (d->in_header && d->hdrlen > 0 &&
	    d->emit(d->arg, d->hdr, d->hdrlen) != 0)
		return (-1);
	d->in_header = 0;
	d->hdrlen = 0;
	return (d->qp ? qp_flush(d) : 0);
}

void
mime_free(struct mimedec *d)
{
	mime_pop(d, 0);
	free(d->hdr);
	d->hdr = NULL;
}
