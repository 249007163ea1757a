/*
 * ledger.c -- what is known about each message of a poll and what
 * the server is told: the folder's UID journal, which messages to fetch,
 * the staged batch of a group-committing sink, and the contract's order
 * for each delivered message: the sink commits, the journal records, the
 * driver disposes; the journal is synced before the driver expunges.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "log.h"
#include "session_int.h"
#include "uidstore.h"
#include "xmalloc.h"

/*
 * Add a size the server declared to a sum.  The server may lie (up to
 * LLONG_MAX, or negative): each size counts for at most PM_MESSAGE_MAX,
 * and the sum saturates instead of wrapping.
 */
uint64_t
octets_add(uint64_t sum, long long size)
{
	uint64_t	n;

	n = size < 0 ? 0 : size > PM_MESSAGE_MAX ? PM_MESSAGE_MAX :
	    (uint64_t)size;
	return (sum > UINT64_MAX - n ? UINT64_MAX : sum + n);
}

/* A message over "limit": left alone, or deleted with "limitflush". */
int
ledger_oversized(struct session *s, const struct msg *m,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	int			 rc;

	st->oversized++;
	if (a->limitflush != 1) {
		log_info("%s@%s: message %u is %lld octets, over the limit of "
		    "%d; left on the server", a->user, a->name, m->num,
		    m->size, a->limit);
		return (0);
	}
	log_info("%s@%s: message %u is %lld octets, over the limit of %d; "
	    "deleted unread (limitflush)", a->user, a->name, m->num, m->size,
	    a->limit);
	if ((rc = s->driver->dispose(s, m, DISP_DELETE, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

/* The key a message is recorded under: POP3 UIDL, IMAP UID. */
const char *
ledger_key(const struct session *s, const struct msg *m, char *buf,
    size_t size)
{
	if (s->driver->key == MSG_KEY_UID) {
		snprintf(buf, size, "%u", m->uid);
		return (buf);
	}
	return (m->uidl);
}

/* The UID journal of a folder, opened on first use and kept open. */
struct folder_state *
ledger_folder(struct session *s, const char *folder, int *rc)
{
	const struct account	*a = s->account;
	const int		 per_folder = s->driver->folders;
	struct folder_state	*fs;
	struct uidstore		*st;
	char			*key, *cause = NULL;
	size_t			 i, bad;
	int			 n;

	for (i = 0; i < s->nfolders; i++) {
		if (strcmp(s->folders[i].folder, folder) == 0)
			return (&s->folders[i]);
	}
	xasprintf(&key, "%s %s@%s%s%s", s->driver->journal, a->user,
	    a->name, per_folder ? " " : "", per_folder ? folder : "");
	*rc = uidstore_open(s->opts->statedir, key, s->check, &st, &cause);
	free(key);
	if (*rc != 0) {
		log_warnx("%s@%s: UID state: %s", a->user, a->name, cause);
		free(cause);
		return (NULL);
	}
	if ((bad = uidstore_bad_lines(st)) > 0)
		log_warnx("%s@%s: %s: %zu damaged line%s ignored", a->user,
		    a->name, uidstore_path(st), bad, bad == 1 ? "" : "s");
	/* Switching from fetchmail must not fetch its kept mail again. */
	/* fetchmail's .fetchids holds POP3 UIDLs. */
	if (s->driver->key == MSG_KEY_UIDL && uidstore_is_new(st) &&
	    s->opts->idfile != NULL) {
		n = uidstore_import_fetchids(st, s->opts->idfile, a->user,
		    account_host(a), &cause);
		if (n < 0) {
			log_warnx("%s@%s: fetchmail's UID file not imported: "
			    "%s", a->user, a->name, cause);
			free(cause);
		} else if (n > 0)
			log_info("%s@%s: %d UID%s imported from %s: fetchmail "
			    "already fetched those messages", a->user, a->name,
			    n, n == 1 ? "" : "s", s->opts->idfile);
	}
	s->folders = xreallocarray(s->folders, s->nfolders + 1,
	    sizeof(*s->folders));
	fs = &s->folders[s->nfolders++];
	fs->folder = xstrdup(folder);
	fs->store = st;
	fs->full = 0;
	*rc = 0;
	return (fs);
}

/*
 * IMAP lists only unseen mail, so the journal cannot tell which of its
 * UIDs left the server.  Once it records more UIDs than the folder holds,
 * some certainly did: list every UID once, so that they are forgotten
 * when the poll ends and the journal stays the size of the folder.
 */
int
ledger_prune(struct session *s, struct folder_state *fs,
    char **cause)
{
	struct msgset	 all = { 0 };
	char		 buf[16];
	const char	*key;
	size_t		 i;
	int		 rc;

	if (fs->full || s->check || s->driver->list_all == NULL ||
	    uidstore_count(fs->store) <= s->driver->folder_size(s))
		return (0);
	if ((rc = s->driver->list_all(s, &all, cause)) == 0) {
		for (i = 0; i < all.n; i++) {
			if ((key = ledger_key(s, &all.v[i], buf,
			    sizeof(buf))) != NULL)
				uidstore_mark(fs->store, key);
		}
		fs->full = 1;
	} else if (rc == PM_ERROR) {
		/*
		 * Only tidying: the server's refusal (a tagged NO) must not
		 * hold up the mail.  Anything else (a reply that made no
		 * sense, a line cut short) leaves the connection where no
		 * command can follow, and ends the poll.
		 */
		log_warnx("%s@%s: %s (the journal is tidied another time)",
		    s->account->user, s->account->name, *cause);
		free(*cause);
		*cause = NULL;
		rc = 0;
	}
	msgset_clear(&all);
	return (rc);
}

/* Look each message up in the journal; returns how many to fetch. */
size_t
ledger_classify(struct session *s, struct folder_state *fs,
    struct msgset *ms)
{
	char		 buf[16];
	const char	*key;
	size_t		 i, fresh = 0;

	fs->full = s->driver->list_all == NULL;	/* the scan lists all */
	for (i = 0; i < ms->n; i++) {
		key = ledger_key(s, &ms->v[i], buf, sizeof(buf));
		if (key == NULL) {
			fs->full = 0;
			ms->v[i].recorded = UID_NONE;
		} else {
			ms->v[i].recorded = uidstore_get(fs->store, key);
			uidstore_mark(fs->store, key);
		}
		/* What this poll will fetch: fetchall takes kept mail too. */
		if (ms->v[i].recorded == UID_NONE ||
		    (ms->v[i].recorded == UID_KEPT && s->account->fetchall))
			fresh++;
	}
	return (fresh);
}

struct leftover {
	struct session		*s;
	struct uidlist		 scanned;	/* the scan's UIDs, sorted */
	int			 rc;
};

static int
ledger_uid_cmp(const void *a, const void *b)
{
	const uint32_t	*x = a, *y = b;

	return (*x < *y ? -1 : *x > *y);
}

static int
ledger_leftover(const char *uid, enum uid_state state, void *arg)
{
	struct leftover	*lo = arg;
	struct msg	 m;
	const char	*errstr;
	char		*cause = NULL;

	if (state != UID_DELETE)
		return (0);
	memset(&m, 0, sizeof(m));
	m.uid = m.num = strtonum(uid, 1, UINT32_MAX, &errstr);
	if (errstr != NULL)
		return (0);
	if (lo->scanned.n > 0 && bsearch(&m.uid, lo->scanned.v,
	    lo->scanned.n, sizeof(*lo->scanned.v), ledger_uid_cmp) != NULL)
		return (0);	/* in the scan: handled there */
	if ((lo->rc = lo->s->driver->dispose(lo->s, &m, DISP_DELETE,
	    &cause)) != 0) {
		session_warn(lo->s, cause);
		return (1);
	}
	return (0);
}

/*
 * IMAP: messages delivered before whose deletion never reached the
 * server (pullmail was killed before EXPUNGE) are deleted now.  The
 * scan does not list them when they already carry \Deleted.  (A UIDL
 * driver's scan lists every message, so these are in it.)
 */
int
ledger_leftovers(struct session *s, struct folder_state *fs,
    const struct msgset *ms)
{
	struct leftover	lo = { s, { NULL, 0, 0 }, 0 };
	size_t		i;

	if (s->driver->key != MSG_KEY_UID || s->check)
		return (0);
	/* A lookup per journal line, so a large scan costs n log n. */
	for (i = 0; i < ms->n; i++)
		(void)uidlist_add(&lo.scanned, ms->v[i].uid, SIZE_MAX);
	(void)uidlist_finish(&lo.scanned, SIZE_MAX);
	uidstore_each(fs->store, ledger_leftover, &lo);
	uidlist_clear(&lo.scanned);
	return (lo.rc);
}

/* A message delivered on an earlier poll: delete it, or leave it. */
int
ledger_old(struct session *s, struct folder_state *fs, struct msg *m,
    struct poll_stats *st)
{
	const struct account	*a = s->account;
	enum disposition	 d = DISP_DELETE;
	char			 buf[16], *cause = NULL;
	const char		*key = ledger_key(s, m, buf, sizeof(buf));
	int			 rc;

	if (m->recorded == UID_KEPT) {
		if (a->flush != 1)
			d = DISP_SEEN;	/* IMAP: set \Seen if it was lost */
		else if (uidstore_record(fs->store, key, UID_DELETE,
		    &cause) != 0) {
			session_warn(s, cause);
			return (PM_IOERR);
		}
	}
	if (d == DISP_DELETE)
		st->flushed++;
	if ((rc = s->driver->dispose(s, m, d, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

enum fate
ledger_fate(const struct session *s, const struct msg *m)
{
	const struct account	*a = s->account;

	if (m->recorded == UID_BOUNCE)
		return (FATE_BOUNCING);
	/* Delivered before: the journal says so, the UID proves it. */
	if (m->recorded == UID_DELETE || (m->recorded == UID_KEPT &&
	    !a->fetchall))
		return (FATE_OLD);
	if (a->limit > 0 && m->size > a->limit)
		return (FATE_OVERSIZED);
	return (FATE_FETCH);
}

/*
 * Tell the driver what comes, so that it can ask for it ahead: no more
 * than fetchlimit still allows, nothing that would be drained unread.
 */
void
ledger_plan(struct session *s, const struct msgset *ms,
    const struct poll_stats *st)
{
	const struct account	 *a = s->account;
	const struct msg	**v;
	size_t			  i, n = 0, cap = ms->n;

	if (s->driver->upcoming == NULL)
		return;
	if (a->fetchlimit > 0)
		cap = st->fetched >= (unsigned)a->fetchlimit ? 0 :
		    a->fetchlimit - st->fetched;
	v = xreallocarray(NULL, ms->n > 0 ? ms->n : 1, sizeof(*v));
	for (i = 0; i < ms->n && n < cap; i++) {
		if (ledger_fate(s, &ms->v[i]) == FATE_FETCH)
			v[n++] = &ms->v[i];
	}
	s->driver->upcoming(s, v, n);
	free(v);
}

void
staged_add(struct staged *sg, size_t i, long long size)
{
	if (sg->n == sg->cap) {
		sg->cap = sg->cap == 0 ? SESSION_BATCH : sg->cap * 2;
		sg->v = xreallocarray(sg->v, sg->cap, sizeof(*sg->v));
	}
	sg->v[sg->n++] = i;
	sg->octets = octets_add(sg->octets, size);
}

/*
 * "expunge N": deletions made real every N of them, not only at the
 * end: IMAP expunges, POP3 (whose deletions become real only at QUIT)
 * logs out and in again.  N, or 0 when that does not apply.
 */
unsigned int
ledger_expunge_every(const struct session *s)
{
	const struct account	*a = s->account;

	if (a->keep || a->expunge <= 0)
		return (0);
	return ((unsigned int)a->expunge);
}

/*
 * A batch is bounded in count and size: a crash re-fetches at most that
 * much, and "expunge N" still means N.
 */
int
ledger_batch_full(const struct session *s, const struct staged *sg)
{
	unsigned int	n = ledger_expunge_every(s);

	if (sg->n >= SESSION_BATCH || sg->octets >= SESSION_BATCH_OCTETS)
		return (1);
	return (n > 0 && s->deletions + sg->n >= n);
}

/*
 * A message the sink holds for good: counted, and recorded before the
 * server hears of it, so that killed from here on it is never delivered
 * again.
 */
void
ledger_record(struct session *s, struct folder_state *fs,
    const struct msg *m, struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL, kbuf[16];
	const char		*key;

	st->delivered++;
	st->octets = octets_add(st->octets, m->size);
	log_debug("%s@%s: message %u delivered", a->user, a->name, m->num);
	session_progress(s, st);
	key = ledger_key(s, m, kbuf, sizeof(kbuf));
	if (key != NULL && uidstore_record(fs->store, key, a->keep ?
	    UID_KEPT : UID_DELETE, &cause) != 0) {
		log_warnx("%s@%s: %s; message %u may be fetched again",
		    a->user, a->name, cause, m->num);
		free(cause);
	}
}

/* Then the server deletes it, or marks it seen with "keep". */
int
ledger_dispose(struct session *s, const struct msg *m)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	int			 rc;

	if ((rc = s->driver->dispose(s, m, a->keep ? DISP_SEEN :
	    DISP_DELETE, &cause)) != 0) {
		session_warn(s, cause);
		return (rc);
	}
	if (ledger_expunge_every(s) > 0)
		s->deletions++;
	return (0);
}

/*
 * Make the staged batch durable, then record and dispose of each message
 * in it.  If the sink cannot, the whole batch stays on the server.
 */
int
ledger_settle(struct session *s, struct sink *sk, struct folder_state *fs,
    struct msgset *ms, struct staged *sg, struct poll_stats *st)
{
	const struct account	*a = s->account;
	char			*cause = NULL;
	size_t			 i, n = sg->n;
	int			 rc = 0;

	sg->n = 0;
	sg->octets = 0;
	if (n == 0)
		return (0);
	if (sk->ops->sync(sk, &cause) != SINK_OK) {
		log_warnx("%s@%s: %zu message%s not delivered, left on the "
		    "server: %s", a->user, a->name, n, n == 1 ? "" : "s",
		    cause);
		free(cause);
		st->failed += n;
		return (sk->fail);
	}
	for (i = 0; i < n; i++)
		ledger_record(s, fs, &ms->v[sg->v[i]], st);
	for (i = 0; i < n && rc == 0; i++)
		rc = ledger_dispose(s, &ms->v[sg->v[i]]);
	return (rc);
}

/* Before the server removes anything for good: the journal on disk. */
int
ledger_sync(struct session *s)
{
	char	*cause = NULL;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < s->nfolders; i++) {
		if (uidstore_sync(s->folders[i].store, &cause) != 0) {
			log_warnx("%s@%s: %s", s->account->user,
			    s->account->name, cause);
			free(cause);
			cause = NULL;
			rc = PM_IOERR;
		}
	}
	return (rc);
}

/*
 * Deletions made real now (IMAP EXPUNGE), never before the journal that
 * says what was delivered is on disk.  A driver whose deletions become
 * real at QUIT has nothing to do here.
 */
int
ledger_expunge(struct session *s)
{
	char	*cause = NULL;
	int	 rc;

	s->deletions = 0;
	if (s->check || s->driver->expunge == NULL)
		return (0);
	if ((rc = ledger_sync(s)) != 0)
		return (rc);
	if ((rc = s->driver->expunge(s, &cause)) != 0)
		session_warn(s, cause);
	return (rc);
}

/*
 * fetchmail's "flush" where the scan leaves read mail out (IMAP): the
 * read messages are deleted first, unfetched.  (Where the scan lists
 * them, ledger_old does it from the journal.)
 */
int
ledger_flush_seen(struct session *s, char **cause)
{
	const struct account	*a = s->account;
	struct msgset		 old = { 0 };
	size_t			 i;
	int			 rc;

	if (a->flush != 1 || a->fetchall || s->check ||
	    s->driver->seen == NULL)
		return (0);
	if ((rc = s->driver->seen(s, &old, cause)) != 0)
		goto out;
	if (old.n > 0)
		log_info("%s@%s: flushing %zu old message%s", a->user, a->name,
		    old.n, old.n == 1 ? "" : "s");
	for (i = 0; i < old.n && rc == 0; i++)
		rc = s->driver->dispose(s, &old.v[i], DISP_DELETE, cause);
out:
	msgset_clear(&old);
	return (rc);
}

/* The server confirmed: forget what it deleted, close the journals. */
void
ledger_close(struct session *s, int confirmed)
{
	struct folder_state	*fs;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < s->nfolders; i++) {
		fs = &s->folders[i];
		if (confirmed && uidstore_finish(fs->store, fs->full,
		    &cause) != 0) {
			log_warnx("%s@%s: %s", s->account->user,
			    s->account->name, cause);
			free(cause);
			cause = NULL;
		}
		uidstore_close(fs->store);
		free(fs->folder);
	}
	free(s->folders);
	s->folders = NULL;
	s->nfolders = 0;
}

/*
 * IMAP: a folder whose UIDVALIDITY changed has new UIDs for everything;
 * what its journal recorded is forgotten.
 */
int
ledger_validity(struct session *s, struct folder_state *fs,
    const char *folder, char **cause)
{
	const struct account	*a = s->account;
	uint32_t		 oldv;
	int			 rc;

	if (s->driver->key != MSG_KEY_UID)
		return (0);
	if ((rc = uidstore_validity(fs->store, s->uidvalidity, &oldv,
	    cause)) < 0)
		return (PM_IOERR);
	if (rc > 0)
		log_info("%s@%s: folder %s: UIDVALIDITY changed from %u to "
		    "%u; its recorded UIDs are forgotten (the \\Seen flags "
		    "still tell old mail from new)", a->user, a->name, folder,
		    oldv, s->uidvalidity);
	return (0);
}
