/*
 * portcheck.c -- does a port want TLS from the first byte?
 *
 * Asked when a server that should greet in plain text (POP3, IMAP
 * without "ssl") stays silent: an implicit-TLS port waits for our
 * ClientHello and would let us wait out the whole timeout.  A second
 * connection offers the handshake; the answer turns a long wait into
 * an error that names the fix.  Nothing is sent over it but the
 * handshake, and nothing it says is trusted beyond "this is TLS".
 */

#include <stdlib.h>

#include "conn.h"
#include "portcheck.h"
#include "tls.h"

int
port_speaks_tls(const char *host, int port, const char *label, int seconds)
{
	struct tls_policy	 p;
	struct conn		*c;
	char			*cause = NULL;
	int			 dns, tls;

	if ((c = conn_connect(host, port, seconds, label, &dns,
	    &cause)) == NULL) {
		free(cause);
		return (0);
	}
	tls_policy_init(&p);
	p.mode = TLS_MODE_IMPLICIT;
	p.verify = 0;		/* whose certificate it is does not matter */
	tls = conn_starttls(c, &p, &cause) == 0;
	free(cause);
	conn_close(&c);
	return (tls);
}
