/*
 * probe_detect.c -- what speaks on a port nobody named: for --probe
 * HOST:PORT on a port that is not 110, 143, 993 or 995.
 *
 * A POP3 or IMAP server in plain text greets at once; an implicit-TLS
 * one waits for our handshake.  So: connect, wait a few seconds for a
 * greeting; without one, offer TLS (portcheck.c) and read the greeting
 * inside it.  "+OK" is POP3, "* OK" or "* PREAUTH" is IMAP.  Nothing is
 * sent but the handshake; no credentials, no command.
 */

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "portcheck.h"
#include "probe.h"
#include "tls.h"
#include "xmalloc.h"

static int
greeting_proto(const char *line, enum proto *proto)
{
	if (strncmp(line, "+OK", 3) == 0)
		*proto = PROTO_POP3;
	else if (strncmp(line, "* OK", 4) == 0 ||
	    strncmp(line, "* PREAUTH", 9) == 0)
		*proto = PROTO_IMAP;
	else
		return (-1);
	return (0);
}

/* The first line on c, within its timeout; NULL when none came. */
static char *
first_line(struct conn *c)
{
	char	*line, *cause = NULL;
	size_t	 len;

	if (conn_readline(c, &line, &len, &cause) != 0) {
		free(cause);
		return (NULL);
	}
	return (xstrdup(line));
}

int
probe_detect(const char *host, int port, enum proto *proto, int *implicit,
    char **found)
{
	struct tls_policy	 p;
	struct conn		*c;
	char			*cause = NULL, *line = NULL, seen[64];
	int			 dns, secs = PM_GREETING_QUIET_MS / 1000 + 2;

	*found = NULL;
	if ((c = conn_connect(host, port, secs, host, &dns, &cause)) == NULL) {
		*found = cause;
		return (-1);
	}
	*implicit = !conn_wait_readable(c, PM_GREETING_QUIET_MS);
	if (!*implicit)
		line = first_line(c);
	conn_close(&c);
	if (*implicit) {
		if (!port_speaks_tls(host, port, host, secs)) {
			xasprintf(found, "port %d neither greets within %d "
			    "seconds nor answers a TLS handshake", port,
			    PM_GREETING_QUIET_MS / 1000);
			return (-1);
		}
		/* Again, to read the greeting inside TLS. */
		tls_policy_init(&p);
		p.mode = TLS_MODE_IMPLICIT;
		p.verify = 0;
		if ((c = conn_connect(host, port, secs, host, &dns,
		    &cause)) != NULL && conn_starttls(c, &p, &cause) == 0)
			line = first_line(c);
		free(cause);
		conn_close(&c);
	}
	if (line == NULL || greeting_proto(line, proto) != 0) {
		xasprintf(found, "port %d speaks %s, but %s", port, *implicit ?
		    "TLS from the first byte" : "plain text first", line == NULL ?
		    "sent no greeting" : "its greeting is neither POP3 nor IMAP");
		free(line);
		return (-1);
	}
	/* The server's words, made harmless for the terminal. */
	(void)log_visible(seen, sizeof(seen), line);
	xasprintf(found, "port %d: %s, %s (greeting \"%s\")", port,
	    *proto == PROTO_POP3 ? "POP3" : "IMAP", *implicit ?
	    "TLS from the first byte (\"ssl\")" : "plain text first, then "
	    "STARTTLS", seen);
	free(line);
	return (0);
}
