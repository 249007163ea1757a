/*
 * driver.h -- what a retrieval driver (POP3, IMAP) is to the session.
 *
 * The session drives; a driver speaks its protocol and decides nothing
 * about mail.  One poll, in this order:
 *
 *   open          connect, TLS, log in
 *   select        a folder (POP3: the maildrop, once)
 *   scan          the messages to consider, with sizes and keys
 *   list_all      (UID drivers) every message, for pruning the journal
 *   seen          (flush) read messages the scan left out
 *   upcoming      the messages the session will fetch, in order: a driver
 *                 may ask for several at once
 *   body_begin, body_read ...   one message, streamed to the sink
 *   dispose       after the sink committed AND the journal recorded it:
 *                 delete, or mark seen.  A driver may defer this (batch
 *                 the STOREs, pipeline the DELEs) but must not make it
 *                 final on its own.
 *   expunge       called by the session only after the journal is on
 *                 disk (fdatasync): what dispose deleted goes for good.
 *                 NULL for a driver whose deletions become real at the
 *                 end of the session (POP3 QUIT, commits_at_quit).
 *   idle          (IDLE) wait in the folder for new mail
 *   close         send what was deferred, log out (POP3 QUIT makes its
 *                 deletions real: the journal was synced before)
 *   free
 *
 * A driver never removes mail for good except in expunge or, when
 * commits_at_quit is set, in close; the session calls both only after
 * the journal is synced.
 */

#ifndef PM_DRIVER_H
#define PM_DRIVER_H

#include <sys/types.h>

#include <stddef.h>

#include "account.h"
#include "msgset.h"

struct session;

enum disposition {
	DISP_DELETE,		/* delivered: remove from the server */
	DISP_SEEN,		/* delivered with "keep": mark it read */
};

/* What a message is recorded under in the journal. */
enum msg_key {
	MSG_KEY_UIDL,		/* POP3: the UIDL string */
	MSG_KEY_UID,		/* IMAP: the UID, with UIDVALIDITY */
};

/*
 * Functions returning int return 0 or an enum pm_result code with *cause
 * set.  body_read returns the number of bytes read, 0 at the end of the
 * message, -1 on error (with *cause set and session_fail() recorded).
 */
struct driver {
	const char	*name;		/* "POP3", "IMAP" */
	const char	*alpn;		/* RFC 7301 protocol id */
	const char	*journal;	/* the journal key's first word */
	enum msg_key	 key;
	int		 folders;	/* has more than one folder */
	int		 commits_at_quit; /* deletions are real at QUIT only */
	/* "proto auto": tried next when this one cannot connect. */
	const struct driver *fallback;

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
	/* Messages marked read that scan leaves out ("flush"); may be NULL. */
	int	(*seen)(struct session *, struct msgset *, char **);
	void	(*upcoming)(struct session *, const struct msg *const *,
		    size_t);
	int	(*body_begin)(struct session *, const struct msg *, char **);
	ssize_t	(*body_read)(struct session *, char *, size_t, char **);
	int	(*dispose)(struct session *, const struct msg *,
		    enum disposition, char **);
	int	(*expunge)(struct session *, char **);
	int	(*close)(struct session *, char **);
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

/* The driver for an account's protocol ("auto" starts with IMAP). */
const struct driver *driver_for(enum proto);

/* For drivers: connect to the account's server, TLS per policy. */
int	session_connect(struct session *, int port, char **cause);
/* For drivers: the STARTTLS step, once the server said go ahead. */
int	session_starttls(struct session *, char **cause);
/* Record why body_read failed. */
ssize_t	session_fail(struct session *, int result);

#endif
