/*
 * uidstore.h -- the durable record of what was delivered, one journal
 * per account+folder under the state directory (DESIGN section 3).
 *
 * A line is appended with one write(2) after each commit, so a killed
 * process loses nothing it recorded; the journal is fdatasync'ed every
 * UIDSTORE_SYNC_EVERY lines and before the server is told to remove
 * anything for good.  A lock file keeps a second writer out.
 */

#ifndef PM_UIDSTORE_H
#define PM_UIDSTORE_H

#include <stdint.h>

#include "uidset.h"

#define UIDSTORE_SYNC_EVERY	64

struct uidstore;

/*
 * Open the journal named after key (any text; it is encoded into a file
 * name) in dir, creating dir (0700) and the journal (0600) as needed.
 * readonly: for -c, no lock, nothing created or written.  Returns 0, or
 * a pm_result with *cause set (PM_EXCLUDE when another pullmail holds
 * the lock, PM_IOERR otherwise).
 */
int		 uidstore_open(const char *dir, const char *key, int readonly,
		    struct uidstore **, char **cause);
void		 uidstore_close(struct uidstore *);
const char	*uidstore_path(const struct uidstore *);
/* How many UIDs are recorded. */
size_t		 uidstore_count(const struct uidstore *);
/* Whole lines replay skipped as garbage (reported once by the caller). */
size_t		 uidstore_bad_lines(const struct uidstore *);
/* Did this open create the journal (nothing recorded before)? */
int		 uidstore_is_new(const struct uidstore *);

enum uid_state	 uidstore_get(const struct uidstore *, const char *uid);
/* The server still lists uid (for uidstore_finish). */
void		 uidstore_mark(struct uidstore *, const char *uid);
/* Each recorded UID in turn (see uidset_each). */
int		 uidstore_each(const struct uidstore *,
		    int (*)(const char *, enum uid_state, void *), void *);

/*
 * IMAP: the folder's UIDVALIDITY.  A different value than recorded
 * forgets every UID (they name other messages now).  Returns 1 when it
 * did, 0 when unchanged, -1 on a write error (*cause set).
 */
int		 uidstore_validity(struct uidstore *, uint32_t, uint32_t *old,
		    char **cause);
/* Append "state uid" in one write.  0 or -1 (*cause set). */
int		 uidstore_record(struct uidstore *, const char *uid,
		    enum uid_state, char **cause);
int		 uidstore_sync(struct uidstore *, char **cause);

/*
 * After the server confirmed a session's deletions (QUIT or EXPUNGE
 * answered OK): forget the UIDs recorded for deletion and, when the scan
 * listed every message (full_listing), those the server no longer has;
 * then compact the journal if it is mostly dead lines.
 */
int		 uidstore_finish(struct uidstore *, int full_listing,
		    char **cause);

/*
 * Import fetchmail's .fetchids lines for user@host as kept UIDs (once:
 * the caller checks uidstore_is_new).  Returns how many, or -1 with
 * *cause set; a missing file is 0.
 */
int		 uidstore_import_fetchids(struct uidstore *, const char *idfile,
		    const char *user, const char *host, char **cause);

#endif
