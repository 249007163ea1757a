/*
 * msgset.h -- the messages a scan found on the server.
 *
 * One record per message, 32 bytes on LP64: a mailbox of 100,000
 * messages costs about 3 MB.  A POP3 UIDL is kept once, in storage that
 * belongs to the set; an IMAP message needs only its UID.
 */

#ifndef PM_MSGSET_H
#define PM_MSGSET_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

struct msg {
	uint32_t	 num;		/* POP3 message number (IMAP: the UID) */
	uint32_t	 uid;		/* IMAP UID */
	long long	 size;		/* as the server reported it, -1 unknown */
	const char	*uidl;		/* POP3 UIDL, NULL if none */
	int		 recorded;	/* enum uid_state: delivered before? */
};

struct msgset_block;

struct msgset {
	struct msg		*v;
	size_t			 n;
	size_t			 cap;
	struct msgset_block	*strings;	/* the UIDLs' bytes */
	size_t			 string_bytes;	/* how many of them */
};

/*
 * Room for n messages in all, when the server said how many there are:
 * a large folder then costs what it holds, not up to twice that.
 */
void	msgset_reserve(struct msgset *, size_t n);
/* Append a copy of *m (its uidl pointer as it is). */
void	msgset_add(struct msgset *, const struct msg *);
/*
 * Give v[i] the UIDL uidl, copied into the set's own storage (it stays
 * where it is until msgset_clear).  -1 if the set's UIDLs would exceed
 * PM_UIDL_BYTES_MAX bytes.
 */
int	msgset_set_uidl(struct msgset *, size_t i, const char *uidl);
void	msgset_clear(struct msgset *);

/*
 * IMAP UIDs as SEARCH lists them, 4 bytes each, duplicates dropped as
 * they come: a server repeating a UID costs nothing.
 */
struct uidlist {
	uint32_t	*v;
	size_t		 n;
	size_t		 cap;
};

/* Add a UID; -1 once more than max different UIDs were given. */
int	uidlist_add(struct uidlist *, uint32_t uid, size_t max);
/* Sort the UIDs and drop duplicates; -1 if more than max remain. */
int	uidlist_finish(struct uidlist *, size_t max);
void	uidlist_clear(struct uidlist *);

#endif
