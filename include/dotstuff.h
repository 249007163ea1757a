/*
 * dotstuff.h -- POP3/SMTP dot-stuffing as streaming state machines.
 *
 * Pure: no I/O, no allocation, no globals.  State survives any split of
 * the input into chunks, down to one byte at a time.
 */

#ifndef PM_DOTSTUFF_H
#define PM_DOTSTUFF_H

#include <stddef.h>

enum dot_state {
	DOT_BOL,	/* at the start of a line */
	DOT_DOT,	/* "." at the start of a line: stuffing or the end */
	DOT_DOTCR,	/* ".\r" at the start of a line */
	DOT_INLINE,	/* inside a line */
	DOT_END,	/* ".\r\n" seen: the message is complete */
};

struct dot_decoder {
	enum dot_state	state;
};

/*
 * Undo dot-stuffing from in[0..len) into out, which must have room for
 * len + 1 bytes (a CR held back by the previous call may come out now).
 * Stops after the terminator; *used_r tells how much of in was consumed.
 * Returns the number of bytes written to out.
 */
size_t	dot_decode(struct dot_decoder *, const char *in, size_t len,
	    size_t *used_r, char *out);

/*
 * The other direction, for SMTP DATA: every line ending, CR LF, bare LF
 * or bare CR, becomes CR LF, and a line starting with "." gets another,
 * so that the only "CR LF . CR LF" a server can see is the real end,
 * however leniently it reads line ends.  out needs DOT_ENCODE_MAX(len)
 * bytes (a CR held back by the previous call may come out now).
 * dot_encode_end() writes the final CR LF if needed and ". CR LF"; out
 * needs DOT_ENCODE_END_MAX bytes.
 */
#define DOT_ENCODE_MAX(len)	(2 * (len) + 2)
#define DOT_ENCODE_END_MAX	5
struct dot_encoder {
	int	bol;		/* next byte starts a line */
	int	held_cr;	/* a CR waiting to see if LF follows */
};

void	dot_encode_init(struct dot_encoder *);
size_t	dot_encode(struct dot_encoder *, const char *in, size_t len,
	    char *out);
size_t	dot_encode_end(struct dot_encoder *, char *out);

/*
 * CR LF to LF for local delivery (fetchmail's stripcr).  out needs
 * len + 1 bytes; a trailing CR is held until the next call or the end.
 */
struct crlf_stripper {
	int	held_cr;
};

size_t	crlf_strip(struct crlf_stripper *, const char *in, size_t len,
	    char *out);
size_t	crlf_strip_end(struct crlf_stripper *, char *out);

/*
 * Bare LF to CR LF (fetchmail's forcecr, for an MDA that wants network
 * line ends).  out needs 2 * len bytes.
 */
struct crlf_forcer {
	int	last_cr;	/* the previous byte was a CR */
};

size_t	crlf_force(struct crlf_forcer *, const char *in, size_t len,
	    char *out);

#endif
