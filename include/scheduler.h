/*
 * scheduler.h -- accounts polled by forked workers, a few at a time.
 *
 * The parent blocks the signals it cares about and takes them with
 * sigtimedwait(2), so a signal never interrupts it halfway through
 * anything: SIGTERM/SIGINT (stop), SIGHUP (reload), SIGUSR1 (wake),
 * SIGCHLD, and SIGIO (a worker's report came through its pipe).  A worker
 * runs one account with the signal mask it had before, and is killed
 * when it outlives the poll deadline.
 */

#ifndef PM_SCHEDULER_H
#define PM_SCHEDULER_H

#include <sys/types.h>

#include <signal.h>
#include <time.h>

#include "report.h"

struct worker {
	pid_t	 pid;
	long	 tag;		/* the caller's: which account */
	char	*key;		/* "user@server", for messages */
	char	*server;	/* its host: at most connlimit at once */
	int	 idle;		/* stays connected; no deadline */
	time_t	 deadline;	/* SIGTERM then */
	time_t	 kill_at;	/* SIGKILL then, once SIGTERM was sent */
	int	 grace;		/* seconds from SIGTERM to SIGKILL */
	int	 done;
	int	 result;	/* a pm_result */
	int	 rfd;		/* its reports come in here; -1: closed */
	time_t	 started;
	int	 reported;	/* its final report came */
	struct poll_report final;
};

/* An IDLE pass's report reached the parent: tag is the worker's. */
typedef void (*sched_report_fn)(void *arg, long tag,
    const struct poll_report *);

struct sched {
	int		 jobs;		/* workers at once, idle ones aside */
	int		 connlimit;	/* per server, idle ones too; 0: none */
	int		 deadline;	/* seconds a poll may take; 0: none */
	struct worker	*w;
	size_t		 nw;
	sigset_t	 caught;	/* taken with sigtimedwait */
	sigset_t	 oldmask;	/* what workers get back */
	int		 stop;		/* SIGTERM or SIGINT arrived */
	int		 reload;	/* SIGHUP arrived */
	int		 wake;		/* SIGUSR1 arrived */
	sched_report_fn	 on_report;	/* NULL: IDLE passes are dropped */
	void		*report_arg;
};

/* The worker's job: returns a pm_result, its exit status. */
typedef int (*sched_fn)(void *arg);

struct sched_job {
	const char	*key;		/* "user@server", for messages */
	const char	*server;	/* its host: connlimit counts per host */
	int		 idle;		/* stays connected: no deadline */
	int		 timeless;	/* no deadline either */
	int		 grace;		/* seconds from SIGTERM to SIGKILL */
	sched_fn	 fn;		/* fn(arg) in the worker */
	void		*arg;
};

void	sched_init(struct sched *, int jobs, int deadline);
/* Reports of IDLE passes that workers send go to fn in the parent. */
void	sched_reports(struct sched *, sched_report_fn fn, void *arg);
/*
 * In a worker: send a report to the parent.  Never blocks: a report the
 * parent has no room for is dropped (-1).
 */
int	sched_report(const struct poll_report *);
/* Forget the workers (all finished by now). */
void	sched_free(struct sched *);
/* Fork a worker for the job; -1 if that failed (logged). */
int	sched_spawn(struct sched *, long tag, const struct sched_job *);
/* Has server as many connections as connlimit allows? */
int	sched_server_full(const struct sched *, const char *server);
/*
 * Wait up to timeout_ms (-1: until something happens) for a signal or a
 * worker's end; workers past their deadline are stopped.
 */
void	sched_wait(struct sched *, int timeout_ms);
/* How many workers run (idle: the idle ones, else the others). */
size_t	sched_running(const struct sched *, int idle);
/*
 * A finished worker's tag, result and final report (made up from its
 * exit when it sent none); 0 when none is left.
 */
int	sched_collect(struct sched *, int idle, long *tag, int *result,
	    struct poll_report *);
void	sched_signal(struct sched *, int sig, int idle);
/*
 * Run n jobs, at most s->jobs at a time and connlimit per server, in
 * order as far as those allow; results[i] gets each result
 * (PM_UNDEFINED if it never ran, PM_IOERR if its worker could not start) and, unless NULL, reports[i] its final
 * report (zeroed if it never ran).  Returns when all are done, early when
 * a stop signal arrives (those running are told to finish the message in
 * hand, and waited for).
 */
void	sched_round(struct sched *, size_t n, const struct sched_job *,
	    int *results, struct poll_report *reports);

#endif
