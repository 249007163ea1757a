/*
 * session.h -- one poll of one account: the only module that knows both
 * the retrieval drivers and the sinks, and so the only one that decides
 * what to fetch and when a message may leave the server.
 */

#ifndef PM_SESSION_H
#define PM_SESSION_H

#include <sys/types.h>

#include <stdint.h>

#include "account.h"
#include "driver.h"
#include "msgset.h"
#include "report.h"
#include "result.h"
#include "sasl.h"

struct conn;
struct sink_ops;

/* How to poll: from the command line and the global settings. */
struct poll_opts {
	int		 check;		/* -c: count, change nothing */
	volatile int	*stop;		/* set by SIGTERM/SIGINT */
	const char	*statedir;	/* UID journals */
	const char	*idfile;	/* fetchmail's .fetchids, imported */
	int		 softbounce;	/* keep mail refused for good */
	int		 spambounce;	/* bounce antispam refusals too */
	int		 bouncemail;	/* bounce to the sender, else: */
	const char	*postmaster;
	int		 progress;	/* draw a progress line */
	int		 hooktimeout;	/* seconds a hook may run */
	/* Called with what the poll came to; see report.h.  May be NULL. */
	void		(*report)(void *, const struct poll_report *);
	void		*report_arg;
	/* The contract test's fakes; NULL: by the account, as always. */
	const struct driver	*driver;
	const struct sink_ops	*sink;
};

struct folder_state;

struct session {
	const struct account	*account;
	const struct poll_opts	*opts;
	const struct driver	*driver;
	struct conn		*conn;
	void			*drvdata;	/* the driver's own state */
	int			 fail;		/* pm_result of the last error */
	int			 check;		/* -c: count, change nothing */
	volatile int		*stop;		/* set by SIGTERM/SIGINT */
	uint32_t		 uidvalidity;	/* IMAP: of the selected folder */
	struct folder_state	*folders;	/* UID state, one per folder */
	size_t			 nfolders;
	unsigned int		 deletions;	/* since the last QUIT */
	int			 reopen;	/* POP3 "expunge N" reached */
	unsigned char		 last_header[32];	/* SHA-256 */
	int			 have_last_header;
	char			*why;		/* what ended the poll early */
	int			 other_proto;	/* greeted in another protocol */
};

/*
 * Poll one account: fetch, deliver, dispose.  Returns a pm_result.  With
 * check set (-c), only count what is waiting: PM_OK if anything is.
 */
int	session_poll(const struct account *, const struct poll_opts *);


#endif
