/*
 * bounce.h -- the delivery status notification (RFC 3464) pullmail sends
 * when the forwarder refused a message for good and softbounce is off.
 */

#ifndef PM_BOUNCE_H
#define PM_BOUNCE_H

#include <stddef.h>

struct bounce_info {
	const char	*me;		/* our host name */
	const char	*to;		/* who gets the notice */
	const char	*rcpt;		/* the recipient that refused */
	const char	*reply;		/* the forwarder's reply, one line */
	const char	*account;	/* user@server it came from */
	const char	*hdr;		/* the refused message's header */
	size_t		 hdrlen;
	const char	*date;		/* RFC 5322 date */
	const char	*boundary;	/* unique MIME boundary */
};

/* The whole notice, CR LF line ends, allocated. */
char	*bounce_build(const struct bounce_info *, size_t *len);

#endif
