/*
 * sasl_conn.c -- SASL on a connection: channel binding taken from its TLS
 * session, answers sent without ever reaching a trace.
 */

#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "sasl_conn.h"
#include "tls.h"

struct sasl *
sasl_conn_new(struct conn *c, enum sasl_mech m, const char *user,
    const char *secret, const char *host, int port)
{
	struct sasl	*sa;
	unsigned char	 cb[64];
	const char	*type;
	size_t		 len;

	sa = sasl_new(m, user, secret, host, port, NULL);
	if (conn_is_tls(c) && tls_channel_binding(conn_tls(c), &type, cb,
	    sizeof(cb), &len) == 0)
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
