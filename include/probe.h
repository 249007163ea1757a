/*
 * probe.h -- pullmail --probe: what a server's TLS looks like, and
 * whether it is good enough.
 */

#ifndef PM_PROBE_H
#define PM_PROBE_H

#include "account.h"

/*
 * Connect to a's server as a poll would, report greeting, capabilities
 * before and after TLS, the handshake, the chain, verification, weak
 * spots, whether TLS below 1.2 or a login before TLS is offered, and the
 * rcfile lines to paste.  Returns 0 when the server passes, else an exit
 * code (2 for TLS failures).
 */
int	probe(const struct account *a);
/*
 * What speaks on host:port: POP3 or IMAP, TLS from the first byte or
 * plain text first.  0 with *proto and *implicit set, or -1; either way
 * *found says what was seen (allocated).  Sends no command.
 */
int	probe_detect(const char *host, int port, enum proto *proto,
	    int *implicit, char **found);

#endif
