/*
 * session_int.h -- the parts of one poll, for the session's own files:
 * session.c (open, the folder loop, IDLE, close), deliver.c (one message
 * to the sink), ledger.c (the journal and what the server is told),
 * refusal.c (bounces) and session_connect.c (connection and TLS).
 * Nothing outside them includes it.
 */

#ifndef PM_SESSION_INT_H
#define PM_SESSION_INT_H

#include <stdint.h>
#include <time.h>

#include "envelope.h"
#include "msgset.h"
#include "session.h"
#include "sink.h"

struct poll_stats {
	unsigned int	found;
	unsigned int	delivered;
	unsigned int	failed;
	unsigned int	fetched;	/* tried, for fetchlimit */
	unsigned int	oversized;	/* over "limit", left or flushed */
	unsigned int	flushed;	/* delivered before, deleted now */
	int		limited;	/* fetchlimit stopped the poll */
	int		stopped;	/* the stop flag did, with mail left */
	uint64_t	octets;		/* as the server declared them */
	struct timespec	start;		/* for the progress line */
	struct timespec	drawn;		/* when it was last drawn */
	time_t		since;		/* the last report (wall clock) */
	long long	since_ms;	/* the same, monotonic */
	unsigned int	sent;		/* delivered, already reported */
	uint64_t	sent_octets;
};

/* The UID journal of one folder during a poll. */
struct folder_state {
	char		*folder;
	struct uidstore	*store;
	int		 full;	/* the scan listed every message by UID */
};

/* What a bounce needs from a message the forwarder refused for good. */
struct refusal {
	char	*from;
	char	*rcpt;
	char	*hdr;
	size_t	 hdrlen;
	char	*reply;
};

/* What the folder loop does with a message; the plan shares it. */
enum fate {
	FATE_FETCH,
	FATE_BOUNCING,		/* a bounce for it was in flight */
	FATE_OLD,		/* delivered before */
	FATE_OVERSIZED,		/* over "limit" */
};

/*
 * Messages a group-committing sink (Maildir) holds but has not yet made
 * durable: indexes into the folder's msgset.
 */
struct staged {
	size_t		*v;
	size_t		 n;
	size_t		 cap;
	uint64_t	 octets;
};

/* Bodies are read this much at a time. */
#define SESSION_CHUNK		65536
/* Group commit (Maildir): one directory fsync per this many messages. */
#define SESSION_BATCH		32
#define SESSION_BATCH_OCTETS	(8ULL * 1024 * 1024)

/* session.c */
void	session_warn(struct session *, char *cause);
void	session_progress(struct session *, struct poll_stats *);

/* session_connect.c (session_connect, session_starttls: driver.h) */
void	session_cert_refused(struct session *, char **cause);

/* deliver.c: one message from the driver to the sink's commit. */
int	deliver_message(struct session *, struct sink *, const struct msg *,
	    char *buf, enum sink_result *, struct refusal *);
void	deliver_date(char *buf, size_t size);

/* refusal.c: a message the forwarder refused for good. */
void	refusal_note(struct session *, struct refusal *,
	    const struct envelope *, const char *hdr, size_t hdrlen);
void	refusal_free(struct refusal *);
int	refusal_handle(struct session *, struct sink *, struct folder_state *,
	    const struct msg *, const struct refusal *);

/*
 * ledger.c: what is known about each message (the UID journal) and what
 * the server is told, in the contract's order: commit, record, dispose,
 * sync, expunge.
 */
uint64_t octets_add(uint64_t sum, long long size);
struct folder_state *ledger_folder(struct session *, const char *folder,
	    int *rc);
const char *ledger_key(const struct session *, const struct msg *,
	    char *buf, size_t size);
size_t	ledger_classify(struct session *, struct folder_state *,
	    struct msgset *);
int	ledger_validity(struct session *, struct folder_state *,
	    const char *folder, char **cause);
int	ledger_prune(struct session *, struct folder_state *, char **cause);
int	ledger_leftovers(struct session *, struct folder_state *,
	    const struct msgset *);
int	ledger_flush_seen(struct session *, char **cause);
void	ledger_plan(struct session *, const struct msgset *,
	    const struct poll_stats *);
enum fate ledger_fate(const struct session *, const struct msg *);
int	ledger_old(struct session *, struct folder_state *, struct msg *,
	    struct poll_stats *);
int	ledger_oversized(struct session *, const struct msg *,
	    struct poll_stats *);
void	staged_add(struct staged *, size_t i, long long size);
unsigned int ledger_expunge_every(const struct session *);
int	ledger_batch_full(const struct session *, const struct staged *);
void	ledger_record(struct session *, struct folder_state *,
	    const struct msg *, struct poll_stats *);
int	ledger_dispose(struct session *, const struct msg *);
int	ledger_settle(struct session *, struct sink *, struct folder_state *,
	    struct msgset *, struct staged *, struct poll_stats *);
int	ledger_sync(struct session *);
int	ledger_expunge(struct session *);
void	ledger_close(struct session *, int confirmed);

#endif
