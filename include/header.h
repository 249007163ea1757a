/*
 * header.h -- pure helpers for an RFC 5322 header block.
 */

#ifndef PM_HEADER_H
#define PM_HEADER_H

#include <stddef.h>

/*
 * Offset just past the empty line that ends the header in buf[0..len),
 * or 0 if it has not been seen yet.  CR LF and bare LF both count.
 */
size_t	header_end(const char *buf, size_t len);
/*
 * The first field called name (case-insensitive), unfolded into out
 * (size bytes, truncated), without the name and leading spaces.
 * Returns 0 if found, -1 if not.
 */
int	header_get(const char *hdr, size_t len, const char *name, char *out,
	    size_t size);
/*
 * The address in a field value: what is inside <...>, else the first
 * word holding "@".  "<>" yields "".  Returns -1 if none is found, or if
 * the one found is not header_address_safe.
 */
int	header_address(const char *value, char *out, size_t size);
/*
 * 1 if an address or local name from a message may become an SMTP
 * argument, an MDA argument or part of a log line: no control byte, no
 * DEL, no '<' or '>' (even quoted), and no leading '-' that a program
 * would take for an option.
 */
int	header_address_safe(const char *);

/* Offset just past the field at start: its line and its continuations. */
size_t	header_field_end(const char *hdr, size_t len, size_t start);
/*
 * Drop fields from the header block hdr[0..len) in place, each with its
 * continuation lines, as fetchmail does: empty Status: and
 * X-Mozilla-Status: always, non-empty ones with dropstatus,
 * Delivered-To: with dropdelivered, and mbox "From " / ">From " lines.
 * Returns the new length.
 */
size_t	header_filter(char *hdr, size_t len, int dropstatus,
	    int dropdelivered);
/*
 * The number (from 1) of the first line in hdr[0..len) that is neither
 * a field ("Name: value") nor a continuation, or 0 if all are good.
 */
size_t	header_bad_line(const char *hdr, size_t len);

#endif
