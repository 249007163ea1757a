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
#include "msgset.h"
#include "report.h"
#include "result.h"
#include "sasl.h"

struct conn;

enum disposition {
	DISP_DELETE,		/* delivered: remove from the server */
	DISP_SEEN,		/* delivered with "keep": mark it read */
};

struct session;

/*
 * A retrieval driver.  Functions returning int return 0 or an
 * enum pm_result code with *cause set.  body_read returns the number of
 * bytes read, 0 at the end of the message, -1 on error (with *cause set
 * and session_fail() recorded).
 */
struct driver {
	const char	*name;		/* "POP3", "IMAP" */
	int	(*open)(struct session *, char **);
	int	(*select)(struct session *, const char *folder, char **);
	int	(*scan)(struct session *, struct msgset *, char **);
	/*
	 * Every message of the folder by UID, whatever its flags, for
	 * forgetting the journal lines of messages gone from the server
	 * when scan lists only some.  NULL when scan lists them all.
	 */
	int	(*list_all)(struct session *, struct msgset *, char **);
	/* How many messages the selected folder holds, as the server said. */
	size_t	(*folder_size)(struct session *);
	/*
	 * The messages the session means to fetch next, in order; a driver
	 * may ask for several at once.  NULL when it cannot.
	 */
	void	(*upcoming)(struct session *, const struct msg *const *,
		    size_t);
	int	(*body_begin)(struct session *, const struct msg *, char **);
	ssize_t	(*body_read)(struct session *, char *, size_t, char **);
	int	(*dispose)(struct session *, const struct msg *,
		    enum disposition, char **);
	int	(*close)(struct session *, int expunge, char **);
	/*
	 * Wait in the selected folder until new mail arrives (IDLE):
	 * 1 new mail, 0 the wait ran out, -1 error or *s->stop (cause set).
	 * NULL when the protocol cannot.
	 */
	int	(*idle)(struct session *, int seconds, char **);
	void	(*free)(struct session *);
};

extern const struct driver pop3_driver;
extern const struct driver imap_driver;

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

/* For drivers: connect to the account's server, TLS per policy. */
int	session_connect(struct session *, int port, char **cause);
/* For drivers: the STARTTLS step, once the server said go ahead. */
int	session_starttls(struct session *, char **cause);
/* Record why body_read failed. */
ssize_t	session_fail(struct session *, int result);

#endif
