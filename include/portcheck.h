/*
 * portcheck.h -- does a port want TLS from the first byte?
 */

#ifndef PM_PORTCHECK_H
#define PM_PORTCHECK_H

/*
 * Offer a TLS handshake on a connection of its own to host:port, within
 * seconds, verifying nothing and sending nothing after it.  1 when the
 * server completed it (the port speaks implicit TLS), else 0.
 */
int	port_speaks_tls(const char *host, int port, const char *label,
	    int seconds);

#endif
