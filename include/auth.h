/*
 * auth.h -- how to log in: a SASL mechanism or the protocol's own
 * password command, from the account's "auth" and what the server offers.
 */

#ifndef PM_AUTH_H
#define PM_AUTH_H

#include "account.h"
#include "sasl.h"

/*
 * Pick the way to log in.  offered lists the server's SASL mechanisms
 * (space-separated); tls says whether the session is encrypted.  *m is
 * SASL_NONE for the protocol's password command (USER/PASS, LOGIN).
 * Returns 0, or PM_AUTHFAIL with *cause naming what the server offers.
 * Passwords never travel in clear unless the user said "auth password"
 * with "sslproto ''".
 */
int	auth_choose(const struct account *, const char *offered, int tls,
	    enum sasl_mech *m, char **cause);

#endif
