/*
 * status.h -- what pullmail knows about each account's polls, kept in
 * STATEDIR/status.json for "pullmail --status" and written out as a
 * Prometheus textfile ("set metricsfile") too.
 *
 * The parent keeps one entry per account key ("user@server", and
 * "user@server#N" for the Nth entry with the same user and server), fed
 * by run_record() with every poll report.  Counts are cumulative across
 * runs and daemon restarts.  The file is replaced atomically, at most
 * every STATUS_FLUSH seconds in the daemon and at the end of a one-shot
 * run; a damaged file or one of another version is ignored with a
 * warning.
 */

#ifndef PM_STATUS_H
#define PM_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define STATUS_VERSION	1
#define STATUS_FLUSH	5		/* seconds between daemon writes */
#define STATUS_CODES	24		/* exit codes 0..23 */
#define STATUS_MAXFILE	(64 * 1024 * 1024)	/* larger: ignored */

struct run;
struct account;

struct status_entry {
	char		*key;		/* "user@server[#N]" */
	char		*server;	/* the poll name */
	int64_t		 start;		/* last poll; 0: never */
	int64_t		 end;
	uint64_t	 msec;		/* how long it took */
	int		 result;	/* its exit code; -1: never */
	char		 why[REPORT_WHY];
	uint64_t	 delivered;	/* cumulative */
	uint64_t	 octets;
	uint64_t	 polls;		/* ended polls and IDLE passes */
	uint64_t	 failures[STATUS_CODES];	/* by exit code */
	uint64_t	 consecutive;	/* failed polls in a row */
	int64_t		 last_success;	/* end of the last poll: 0 or 1 */
	int64_t		 backoff;	/* daemon: extra wait, seconds */
	int64_t		 next_due;	/* daemon: 0 unknown */
	int		 in_round;	/* daemon: ended a poll this round */
	int		 gone;		/* not in the rcfile: not written */
};

struct status {
	char			*path;		/* STATEDIR/status.json */
	struct status_entry	*v;
	size_t			 n;
	int64_t			 daemon_pid;	/* 0: not a daemon */
	int64_t			 daemon_started;
	int64_t			 run_start;	/* last one-shot run */
	int64_t			 run_end;
	int			 run_exit;	/* -1: none yet */
	double			 round_seconds;	/* -1: none yet */
	double			 round_begun;	/* monotonic seconds */
	int64_t			 written;
	/* The parent's view: r->polls.v[i] is v[slot[i]]. */
	const void		*slot_of;	/* polls.v of slot; NULL: reloaded */
	size_t			 slot_n;
	size_t			*slot;
	int			 dirty;
	int			 failed_write;	/* warned about it */
	double			 saved_at;	/* monotonic */
};

/* A pm_result as a word: "ok", "socket", ... ("undefined" otherwise). */
const char	*status_word(int result);
/* A failure: any exit code but 0 and 1. */
int		 status_failed(int result);

/*
 * Parse buf (a status file's bytes) into st, which must be empty.  0, or
 * -1 with *cause set (st left empty).
 */
int	status_parse(struct status *st, const char *buf, size_t len,
	    char **cause);
/* st as JSON text (allocated); accounts in st's order. */
char	*status_json(const struct status *st);
void	status_clear(struct status *st);

/*
 * In the parent, around a one-shot run or the daemon (which sets
 * daemon): read the file, note the start.  Nothing with -c.
 */
void	status_begin(struct run *, int daemon);
/*
 * The daemon read its rcfile again: r->polls is a new list (which malloc
 * may have put where an old one was), so the table finds each account's
 * entry again by its key.
 */
void	status_reloaded(struct run *);
/* A poll report of a (run_record). */
void	status_record(struct run *, const struct account *a,
	    const struct poll_report *);
/* The daemon's schedule for a: when next due, and the back-off in it. */
void	status_due(struct run *, const struct account *a, int64_t next,
	    int64_t backoff);
/*
 * The daemon loop: write the files if there is news and STATUS_FLUSH
 * seconds have passed.  Returns how many ms the loop may sleep before
 * it should call again (at most ms; -1 in ms: no limit).
 */
int	status_tick(struct run *, int ms);
/* The end of a one-shot run (with its exit code) or of the daemon. */
void	status_end(struct run *, int exit_code);

/* "pullmail --status [--json]": print and return the exit code. */
int	status_show(struct run *, int json);

/* Key of a in r->polls: "user@server", "#N" for the Nth duplicate. */
char	*status_key(const struct run *, const struct account *a);

/* metrics.c: write r's metrics file ("set metricsfile"), if any. */
void	metrics_write(const struct run *, const struct status *st);
/* The text of it (allocated); also for the tests. */
char	*metrics_text(const struct status *st);

/* Shared by status.c, status_file.c and status_show.c. */
struct json_object;
struct status_entry *status_entry_find(struct status *, const char *key);
struct status_entry *status_entry_add(struct status *, const char *key);
struct json_object *status_object(const struct status *);
/* o's text (allocated), o released. */
char	*status_text(struct json_object *o);
/* A file's bytes, NUL-terminated (allocated); NULL with errno set. */
char	*status_read_file(const char *path, size_t *len);
/* Read path into st: 0 read, 1 no file, -1 damaged (warned). */
int	status_load(struct status *st, const char *path);
/* s with control and non-UTF-8 bytes escaped (allocated). */
char	*status_visible(const char *s);
/* Monotonic seconds. */
double	status_mono(void);

#endif
