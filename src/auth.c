/*
 * auth.c -- choose how to log in.
 *
 * "auth any" takes the strongest mechanism the server offers; an explicit
 * "auth X" that the server does not offer is an error that lists what it
 * does offer.  Without TLS (only after sslproto ''), a password is sent
 * only through a mechanism that does not reveal it, unless the user also
 * said "auth password".
 */

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "result.h"
#include "xmalloc.h"

static enum sasl_mech
auth_mech(enum auth au)
{
	switch (au) {
	case AUTH_EXTERNAL:
		return (SASL_EXTERNAL);
	case AUTH_CRAM_MD5:
		return (SASL_CRAM_MD5);
	case AUTH_SCRAM_SHA_1:
		return (SASL_SCRAM_SHA_1);
	case AUTH_SCRAM_SHA_256:
		return (SASL_SCRAM_SHA_256);
	case AUTH_XOAUTH2:
		return (SASL_XOAUTH2);
	case AUTH_OAUTHBEARER:
		return (SASL_OAUTHBEARER);
	default:
		return (SASL_NONE);
	}
}

int
auth_choose(const struct account *a, const char *offered, int tls,
    enum sasl_mech *m, char **cause)
{
	const char	*host = account_host(a);
	const char	*list = offered != NULL && *offered != '\0' ? offered :
			    "none";
	enum sasl_mech	 best;

	*m = SASL_NONE;
	if (offered == NULL)
		offered = "";
	switch (a->auth) {
	case AUTH_PASSWORD:
		return (0);		/* USER/PASS or LOGIN, as fetchmail */
	case AUTH_ANY:
	case AUTH_UNSET:
		if (tls) {
			*m = sasl_choose(offered, 1);
			return (0);
		}
		/* In clear text only a mechanism that hides the password. */
		best = sasl_choose(offered, 0);
		if (best != SASL_NONE && !sasl_plaintext(best)) {
			*m = best;
			return (0);
		}
		xasprintf(cause, "%s: no TLS, and the server offers no login "
		    "that hides the password (it offers: %s); refusing to send "
		    "it in clear text (say \"auth password\" to allow that)",
		    host, list);
		return (PM_AUTHFAIL);
	default:
		break;
	}
	if ((*m = auth_mech(a->auth)) == SASL_NONE) {
		xasprintf(cause, "authentication %s is not supported by "
		    "pullmail", auth_name(a->auth));
		return (PM_AUTHFAIL);
	}
	/* "auth scram-sha-256" binds to the TLS channel when it can. */
	if (tls && sasl_offers(offered, sasl_plus(*m)))
		*m = sasl_plus(*m);
	if (!sasl_offers(offered, *m)) {
		xasprintf(cause, "%s does not offer %s (auth %s); it offers: "
		    "%s", host, sasl_name(*m), auth_name(a->auth), list);
		return (PM_AUTHFAIL);
	}
	return (0);
}
