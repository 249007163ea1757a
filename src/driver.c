/*
 * driver.c -- which retrieval driver polls an account.
 */

#include "driver.h"

const struct driver *
driver_for(enum proto proto)
{
	/* account_not_yet() keeps the protocols never built from here. */
	if (proto == PROTO_POP3 || proto == PROTO_APOP)
		return (&pop3_driver);
	return (&imap_driver);
}
