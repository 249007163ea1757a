/*
 * sasl_conn.h -- a SASL exchange carried on a connection, as POP3, IMAP
 * and SMTP all carry it: base64 lines, "*" to cancel.
 */

#ifndef PM_SASL_CONN_H
#define PM_SASL_CONN_H

#include "conn.h"
#include "sasl.h"

/*
 * sasl_new() for a login over c: bound to c's TLS channel when there is
 * one (SCRAM-*-PLUS binds to it, plain SCRAM says it could have).  When
 * the session has no safe binding, SCRAM-*-PLUS in *m becomes plain
 * SCRAM (which then says it cannot bind); use *m afterwards.
 */
struct sasl	*sasl_conn_new(struct conn *c, enum sasl_mech *,
		    const char *user, const char *secret, const char *host,
		    int port);
/*
 * Answer the server's challenge (base64) on c: the initial response
 * held in *init if it was not sent with the command, else the next step.
 * A mechanism that will not go on cancels with "*".  Returns 0, or
 * PM_AUTHFAIL / PM_PROTOCOL with *cause set.
 */
int		 sasl_conn_answer(struct conn *c, struct sasl *,
		    const char *challenge, char **init, char **cause);

#endif
