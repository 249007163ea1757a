/*
 * dotstuff.c -- the three byte-stream transforms between a mail server and
 * a sink: POP3 unstuffing, SMTP stuffing, and CR stripping.
 *
 * Each keeps just enough state to work across chunk boundaries, because
 * bodies stream through fixed buffers and a chunk may end anywhere.
 */

#include <stddef.h>

#include "dotstuff.h"

size_t
dot_decode(struct dot_decoder *d, const char *in, size_t len, size_t *used_r,
    char *out)
{
	size_t	i, o = 0;
	char	c;

	for (i = 0; i < len && d->state != DOT_END; i++) {
		c = in[i];
		switch (d->state) {
		case DOT_BOL:
			if (c == '.') {
				d->state = DOT_DOT;
				continue;
			}
			break;
		case DOT_DOT:
			if (c == '\r') {
				d->state = DOT_DOTCR;
				continue;
			}
			if (c == '\n') {		/* tolerate ".\n" */
				d->state = DOT_END;
				continue;
			}
			break;				/* "..x": the first dot goes */
		case DOT_DOTCR:
			if (c == '\n') {
				d->state = DOT_END;
				continue;
			}
			out[o++] = '\r';		/* ".\rx": release the CR */
			break;
		case DOT_INLINE:
		case DOT_END:
			break;
		}
		out[o++] = c;
		d->state = c == '\n' ? DOT_BOL : DOT_INLINE;
	}
	*used_r = i;
	return (o);
}

void
dot_encode_init(struct dot_encoder *e)
{
	e->bol = 1;
	e->held_cr = 0;
}

size_t
dot_encode(struct dot_encoder *e, const char *in, size_t len, char *out)
{
	size_t	i, o = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (c == '\n') {
			/* CR LF and bare LF both end a line as CR LF. */
			out[o++] = '\r';
			out[o++] = '\n';
			e->held_cr = 0;
			e->bol = 1;
			continue;
		}
		if (e->held_cr) {
			/*
			 * A bare CR ends a line too: left bare, "\r.\r\n"
			 * would end DATA early for a server that reads CR
			 * as a line end (SMTP smuggling).
			 */
			out[o++] = '\r';
			out[o++] = '\n';
			e->held_cr = 0;
			e->bol = 1;
		}
		if (c == '\r') {
			e->held_cr = 1;
			continue;
		}
		if (e->bol && c == '.')
			out[o++] = '.';
		out[o++] = c;
		e->bol = 0;
	}
	return (o);
}

size_t
dot_encode_end(struct dot_encoder *e, char *out)
{
	size_t	o = 0;

	if (e->held_cr || !e->bol) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	e->held_cr = 0;
	out[o++] = '.';
	out[o++] = '\r';
	out[o++] = '\n';
	e->bol = 1;
	return (o);
}

size_t
crlf_strip(struct crlf_stripper *s, const char *in, size_t len, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (s->held_cr) {
			s->held_cr = 0;
			if (in[i] != '\n')
				out[o++] = '\r';
		}
		if (in[i] == '\r') {
			s->held_cr = 1;
			continue;
		}
		out[o++] = in[i];
	}
	return (o);
}

size_t
crlf_strip_end(struct crlf_stripper *s, char *out)
{
	if (!s->held_cr)
		return (0);
	s->held_cr = 0;
	out[0] = '\r';
	return (1);
}

size_t
crlf_force(struct crlf_forcer *f, const char *in, size_t len, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\n' && !f->last_cr)
			out[o++] = '\r';
		out[o++] = in[i];
		f->last_cr = in[i] == '\r';
	}
	return (o);
}
