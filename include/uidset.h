/*
 * uidset.h -- the UIDs of one account+folder that pullmail has delivered,
 * and the journal text format that records them.
 *
 * Pure: no I/O, no logging.  The journal is line-oriented text:
 *
 *	pullmail-uids 1		header, first line
 *	V 1700000000		IMAP UIDVALIDITY; a new value forgets every UID
 *	K <uid>			delivered and kept on the server ("keep")
 *	D <uid>			delivered, to be deleted from the server
 *	B <uid>			refused for good; a bounce is on its way
 *	- <uid>			gone from the server
 *
 * A line counts only when its newline is there, so a write torn by a
 * crash or a power cut is ignored: a UID is never taken as delivered
 * unless its whole line reached the file.
 */

#ifndef PM_UIDSET_H
#define PM_UIDSET_H

#include <stddef.h>
#include <stdint.h>

#define UIDSET_HEADER	"pullmail-uids 1\n"

enum uid_state {
	UID_NONE = 0,		/* not recorded */
	UID_KEPT = 'K',		/* delivered, left on the server */
	UID_DELETE = 'D',	/* delivered, deletion not yet confirmed */
	UID_BOUNCE = 'B',	/* refused; bounced (or about to be): never
				 * bounce it again, never delete it unsent */
};

struct uidset;

struct uidset	*uidset_new(void);
void		 uidset_free(struct uidset *);
enum uid_state	 uidset_get(const struct uidset *, const char *uid);
/* Record (or change) a UID; UID_NONE removes it. */
void		 uidset_put(struct uidset *, const char *uid, enum uid_state);
void		 uidset_clear(struct uidset *);
size_t		 uidset_count(const struct uidset *);
/* Visit every UID in order; stops early when fn returns non-zero. */
int		 uidset_each(const struct uidset *,
		    int (*fn)(const char *, enum uid_state, void *), void *);

/* Marks for one poll: which recorded UIDs the server still lists. */
void		 uidset_mark(struct uidset *, const char *uid);
int		 uidset_marked(const struct uidset *, const char *uid);
void		 uidset_unmark(struct uidset *);

/*
 * Is uid storable in a journal line?  1..PM_UID_MAX-1 printable ASCII
 * bytes without spaces (RFC 1939 0x21-0x7E).
 */
int		 uid_valid(const char *uid);

struct uidjournal {
	struct uidset	*set;
	uint32_t	 validity;	/* last V line, 0 if none */
	size_t		 good_len;	/* bytes up to the last whole line */
	size_t		 lines;		/* whole lines after the header */
	size_t		 bad;		/* whole lines that made no sense */
};

/*
 * Replay a journal image into j->set (which the caller created).
 * Returns 0, or -1 when buf is not a pullmail journal at all (*errstr
 * says why).  An empty or torn header is an empty journal.
 */
int		 uidjournal_replay(struct uidjournal *j, const char *buf,
		    size_t len, const char **errstr);

/*
 * One line of fetchmail's .fetchids: "user@host uid".  Returns 0 and
 * points user/host/uid into line (which is modified), or -1.
 */
int		 fetchids_parse(char *line, char **user, char **host,
		    char **uid);

#endif
