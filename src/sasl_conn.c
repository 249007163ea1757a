/*
 * sasl_conn.c -- SASL on a connection: channel binding taken from its TLS
 * session, answers sent without ever reaching a trace.
 */

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "result.h"
#include "sasl_conn.h"
#include "tls.h"

struct sasl *
sasl_conn_new(struct conn *c, enum sasl_mech *m, const char *user,
    const char *secret, const char *host, int port)
{
	struct sasl	*sa;
	unsigned char	 cb[64];
	const char	*type;
	size_t		 len;
	int		 bound;

	bound = conn_is_tls(c) && tls_channel_binding(conn_tls(c), &type, cb,
	    sizeof(cb), &len) == 0;
	if (!bound && (*m == SASL_SCRAM_SHA_256_PLUS ||
	    *m == SASL_SCRAM_SHA_1_PLUS)) {
		/* No safe binding (TLS 1.2 without EMS): plain SCRAM. */
		log_debug("%s: no channel binding on this TLS session; %s "
		    "instead of %s", host, *m == SASL_SCRAM_SHA_1_PLUS ?
		    "SCRAM-SHA-1" : "SCRAM-SHA-256", sasl_name(*m));
		*m = *m == SASL_SCRAM_SHA_1_PLUS ? SASL_SCRAM_SHA_1 :
		    SASL_SCRAM_SHA_256;
	}
	sa = sasl_new(*m, user, secret, host, port, NULL);
	if (bound)
		sasl_channel_binding(sa, type, cb, len);
	explicit_bzero(cb, sizeof(cb));
	return (sa);
}

int
sasl_conn_answer(struct conn *c, struct sasl *sa, const char *challenge,
    char **init, char **cause)
{
	char	*resp;
	int	 rc;

	/* Without an inline initial response it answers the first "+". */
	if (*init != NULL) {
		resp = *init;
		*init = NULL;
	} else if ((rc = sasl_answer(sa, challenge, &resp, cause)) != 0) {
		if (rc == SASL_REFUSED) {
			/* "*" cancels (RFC 3501 6.2.2, RFC 5034 4, 4954 4). */
			conn_printf(c, "*\r\n");
			conn_flush(c, NULL);
		}
		return (rc == SASL_REFUSED ? PM_AUTHFAIL : PM_PROTOCOL);
	}
	conn_send_secret(c, "", resp);
	freezero(resp, strlen(resp));
	return (0);
}
