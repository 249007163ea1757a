/*
 * net.h -- TCP and UNIX-domain connections with a deadline.
 */

#ifndef PM_NET_H
#define PM_NET_H

#include <stddef.h>

#define NET_ERR_CONNECT	-1	/* every address refused or timed out */
#define NET_ERR_DNS	-2	/* the name does not resolve */

/*
 * Connect to host:port (numeric port), trying each address in turn, each
 * attempt bounded by timeout seconds.  Returns a non-blocking socket, or
 * NET_ERR_* with *cause set.  *peer_r receives the numeric address that
 * answered (caller frees).
 */
int	net_connect(const char *host, int port, int timeout, char **peer_r,
	    char **cause);
/* The same for a UNIX-domain socket at path. */
int	net_connect_unix(const char *path, char **cause);

/* This host's name for EHLO and Received lines; "localhost" if unknown. */
void	net_local_hostname(char *buf, size_t size);

#endif
