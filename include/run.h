/*
 * run.h -- what one-shot runs and the daemon share: the loaded
 * configuration, the checks before an account is polled, and a round of
 * polls in workers.
 */

#ifndef PM_RUN_H
#define PM_RUN_H

#include <stddef.h>

#include "account.h"
#include "cmdline.h"
#include "rc_parse.h"
#include "scheduler.h"
#include "session.h"

struct status;

struct run {
	const struct cmdline	*cl;
	char			*rcpath;	/* absolute: the daemon chdirs */
	char			*rcdir;
	struct config		 cfg;
	struct account_list	 polls;		/* into cfg.accounts */
	struct poll_opts	 popts;
	struct sched		 sched;
	struct status		*status;	/* status.c: NULL with -c */
	struct account		**round_v;	/* run_round's, by worker tag */
	size_t			 round_n;
};

/*
 * An account's key across reloads and in the status file: "user@server",
 * "#N" added for the Nth entry with the same user and server (allocated).
 */
char	*run_key(const struct run *, const struct account *a);
/* popts from cfg and the command line. */
void	run_opts(struct run *);
/*
 * Warn when more "idle" accounts share a server than connlimit lets in,
 * or when they take all its connections and its other accounts wait.
 */
void	run_idle_over_limit(const struct run *);
/*
 * Can a be polled?  0, or a pm_result with the reason logged.  A
 * password from the rcfile, ~/.netrc or a prompt is found here, in the
 * parent, once; passwordeval runs in the worker before every poll.
 */
int	run_ready(struct account *);
/*
 * Poll v[0..n) in workers; results[i] gets each account's result.
 * Returns the exit code for the lot: the last failing account's (any
 * code but 0 and 1), else 0 if any delivered, else 1.
 */
int	run_round(struct run *, struct account **v, size_t n, int *results);
/*
 * What a poll (or an IDLE pass) of a came to, as its worker reported it:
 * kept for --status, the metrics file and the hooks.
 */
void	run_record(struct run *, const struct account *a,
	    const struct poll_report *);
/* a was not polled: run_ready said result. */
void	run_record_unpolled(struct run *, const struct account *a, int result);
/*
 * A worker of its own for one account (checked by run_ready): an "idle"
 * one without a deadline, or one poll.  0, or -1 if fork failed.
 */
int	run_spawn(struct run *, struct account *, long tag, int idle);

#endif
