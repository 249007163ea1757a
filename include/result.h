/*
 * result.h -- outcomes of a poll, numbered as fetchmail's exit codes so
 * that cron idioms and wrapper scripts keep working.
 */

#ifndef PM_RESULT_H
#define PM_RESULT_H

enum pm_result {
	PM_OK = 0,		/* at least one message delivered */
	PM_NOMAIL = 1,		/* nothing to deliver */
	PM_SOCKET = 2,		/* connect, TLS, timeout */
	PM_AUTHFAIL = 3,	/* login refused, no password */
	PM_PROTOCOL = 4,	/* malformed server response */
	PM_SYNTAX = 5,		/* rcfile or command line */
	PM_IOERR = 6,		/* permissions, MDA or file sink failed */
	PM_ERROR = 7,		/* the server reported an error */
	PM_EXCLUDE = 8,		/* another instance is running */
	PM_LOCKBUSY = 9,	/* the mailbox is locked on the server */
	PM_SMTP = 10,		/* the SMTP/LMTP forwarder failed */
	PM_DNS = 11,		/* a name did not resolve */
	PM_BSMTP = 12,
	PM_MAXFETCH = 13,
	PM_SERVBUSY = 14,
	PM_UNDEFINED = 23,	/* internal error */
};

#endif
