/*
 * msgset.h -- the messages a scan found on the server.
 */

#ifndef PM_MSGSET_H
#define PM_MSGSET_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

struct msg {
	uint32_t	num;		/* POP3 message number */
	uint32_t	uid;		/* IMAP UID */
	char		uidl[PM_UID_MAX]; /* POP3 UIDL, "" if none */
	long long	size;		/* as the server reported it */
	int		recorded;	/* enum uid_state: delivered before? */
};

struct msgset {
	struct msg	*v;
	size_t		 n;
	size_t		 cap;
};

void	msgset_add(struct msgset *, const struct msg *);
void	msgset_clear(struct msgset *);

#endif
