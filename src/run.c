/*
 * run.c -- a round of polls: the checks made once in the parent, and the
 * worker that polls one account.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "hook.h"
#include "log.h"
#include "password.h"
#include "result.h"
#include "run.h"
#include "status.h"
#include "xmalloc.h"

static volatile int	worker_stop;

/* In a worker: finish the message in hand, then stop. */
static void
worker_on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

struct work {
	struct account		*a;
	const struct poll_opts	*o;
};

/* In a worker: the poll's report goes to the parent. */
static void
run_worker_report(void *arg, const struct poll_report *rp)
{
	struct work	*w = arg;

	if (sched_report(rp) != 0)
		log_debug("%s@%s: the report of this poll was not sent",
		    w->a->user, w->a->name);
	/* After the report: a slow hook does not delay --status. */
	hook_report(w->a, rp, w->o->hooktimeout, &worker_stop);
}

static int
run_worker(void *arg)
{
	struct work		*w = arg;
	struct poll_opts	 o = *w->o;
	struct sigaction	 sa;
	char			*cause;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = worker_on_stop;	/* no SA_RESTART: IDLE must wake */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;	/* the parent's business */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	setproctitle("%s@%s%s", w->a->user, w->a->name, w->a->idle == 1 ?
	    " (idle)" : "");
	if (w->a->passwordeval != NULL && w->a->password == NULL &&
	    password_resolve(w->a, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (PM_AUTHFAIL);
	}
	o.stop = &worker_stop;
	if (!o.check) {
		o.report = run_worker_report;
		o.report_arg = w;
	}
	conn_set_stop(&worker_stop);	/* SIGTERM ends every wait */
	return (session_poll(w->a, &o));
}

/*
 * Seconds from SIGTERM to SIGKILL.  Every wait for a mail server ends
 * within a second of SIGTERM, but not a wait for the SMTP/LMTP server
 * (the answer to a final dot above all): killed there, the worker would
 * leave on the server a message that may have been delivered, and the
 * next poll would deliver it again.  So it gets that server's timeout.
 */
static int
run_grace(const struct account *a)
{
	if (a->maildir != NULL || a->mbox != NULL || a->bsmtp != NULL ||
	    a->mda != NULL)
		return (PM_KILL_GRACE);
	return ((a->timeout > PM_SMTP_TIMEOUT_MIN ? a->timeout :
	    PM_SMTP_TIMEOUT_MIN) + PM_KILL_GRACE);
}

/* The worker's job for w's account; job->key is allocated. */
static void
run_job(struct sched_job *job, struct work *w, int idle, int timeless)
{
	char	*key;

	memset(job, 0, sizeof(*job));
	xasprintf(&key, "%s@%s", w->a->user, w->a->name);
	job->key = key;
	job->server = account_host(w->a);
	job->idle = idle;
	job->timeless = timeless;
	job->grace = run_grace(w->a);
	job->fn = run_worker;
	job->arg = w;
}

char *
run_key(const struct run *r, const struct account *a)
{
	const struct account	*b;
	char			*key;
	size_t			 i, nth = 1;

	for (i = 0; i < r->polls.n && r->polls.v[i] != a; i++) {
		b = r->polls.v[i];
		if (strcmp(b->user, a->user) == 0 &&
		    strcmp(b->name, a->name) == 0)
			nth++;
	}
	if (nth == 1)
		xasprintf(&key, "%s@%s", a->user, a->name);
	else
		xasprintf(&key, "%s@%s#%zu", a->user, a->name, nth);
	return (key);
}

void
run_opts(struct run *r)
{
	struct poll_opts	*o = &r->popts;

	memset(o, 0, sizeof(*o));
	o->check = r->cl->check;
	o->statedir = r->cfg.statedir;
	o->idfile = r->cfg.idfile;
	o->softbounce = r->cfg.softbounce;
	o->spambounce = r->cfg.spambounce;
	o->bouncemail = r->cfg.bouncemail;
	o->postmaster = r->cfg.postmaster;
	o->hooktimeout = r->cfg.hooktimeout;
}

/* Of the accounts on a's server: how many are "idle", how many not. */
static void
run_count_on_host(const struct run *r, const struct account *a, int *idle,
    int *other)
{
	const struct account	*b;
	size_t			 j;

	*idle = *other = 0;
	for (j = 0; j < r->polls.n; j++) {
		b = r->polls.v[j];
		if (strcasecmp(account_host(a), account_host(b)) != 0)
			continue;
		if (b->idle == 1)
			(*idle)++;
		else
			(*other)++;
	}
}

/* Is a the first of r->polls on its server? */
static int
run_first_on_host(const struct run *r, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++) {
		if (strcasecmp(account_host(r->polls.v[i]),
		    account_host(r->polls.v[j])) == 0)
			return (0);
	}
	return (1);
}

void
run_idle_over_limit(const struct run *r)
{
	const struct account	*a;
	size_t			 i;
	int			 n, other, lim = r->cfg.connlimit;

	for (i = 0; i < r->polls.n; i++) {
		a = r->polls.v[i];
		if (!run_first_on_host(r, i))
			continue;	/* said at the first one */
		run_count_on_host(r, a, &n, &other);
		if (n > lim)
			log_warnx("%d \"idle\" accounts on %s, but connlimit "
			    "is %d: %d of them wait for the others to end; "
			    "raise it with \"set connlimit %d\"", n,
			    account_host(a), lim, n - lim, n + (other > 0));
		else if (n == lim && other > 0)
			/* Idle connections never end: the others wait. */
			log_warnx("%d \"idle\" account%s on %s take%s all its "
			    "connections (connlimit %d): its %d other "
			    "account%s %s not polled while %s stay%s; raise "
			    "it with \"set connlimit %d\"", n, n == 1 ? "" :
			    "s", account_host(a), n == 1 ? "s" : "", lim,
			    other, other == 1 ? "" : "s", other == 1 ? "is" :
			    "are", n == 1 ? "it" : "they", n == 1 ? "s" : "",
			    n + 1);
	}
}

int
run_ready(struct account *a)
{
	const char	*what;
	char		*cause;

	if ((what = account_not_yet(a)) != NULL) {
		log_warnx("%s:%d:%d: poll %s: %s is understood but not "
		    "carried out by this version of pullmail; not polling "
		    "this account rather than doing something else with its "
		    "mail", a->rcfile != NULL ? a->rcfile : "command line",
		    a->line, a->col, a->name, what);
		return (PM_SYNTAX);
	}
	if (a->passwordeval == NULL && password_resolve(a, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (PM_AUTHFAIL);
	}
	if (account_sendable(a, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (PM_SYNTAX);
	}
	return (0);
}

void
run_record(struct run *r, const struct account *a,
    const struct poll_report *rp)
{
	status_record(r, a, rp);
	log_debug("%s@%s: poll %s: %u delivered, %llu octets, exit %d%s%s",
	    a->user, a->name, rp->final ? "ended" : "pass", rp->delivered,
	    (unsigned long long)rp->octets, (int)rp->result,
	    rp->why[0] != '\0' ? ": " : "", rp->why);
}

void
run_record_unpolled(struct run *r, const struct account *a, int result)
{
	struct poll_report	rp;

	memset(&rp, 0, sizeof(rp));
	rp.start = rp.end = time(NULL);
	rp.result = result;
	rp.final = 1;
	strlcpy(rp.why, "not polled: the account cannot be polled as "
	    "configured (the log says why)", sizeof(rp.why));
	run_record(r, a, &rp);
}

/* An IDLE pass of a one-shot "idle" account. */
static void
run_round_pass(void *arg, long tag, const struct poll_report *rp)
{
	struct run	*r = arg;

	if (tag >= 0 && (size_t)tag < r->round_n)
		run_record(r, r->round_v[tag], rp);
}

int
run_round(struct run *r, struct account **v, size_t n, int *results)
{
	struct poll_report *reports;
	struct sched_job *jobs;
	struct account	**ran;
	struct work	 *work;
	size_t		  i, m = 0, *slot;
	int		 *got, failed = 0, any_ok = 0;

	work = xcalloc(n, sizeof(*work));
	jobs = xcalloc(n, sizeof(*jobs));
	slot = xcalloc(n, sizeof(*slot));
	got = xcalloc(n, sizeof(*got));
	reports = xcalloc(n, sizeof(*reports));
	ran = xcalloc(n, sizeof(*ran));
	/* A progress line only when one poll has the terminal. */
	r->popts.progress = (n == 1 || r->sched.jobs == 1) &&
	    log_on_terminal();
	for (i = 0; i < n; i++) {
		if ((results[i] = run_ready(v[i])) != 0) {
			if (!r->cl->check)
				run_record_unpolled(r, v[i], results[i]);
			continue;
		}
		work[m].a = v[i];
		work[m].o = &r->popts;
		/* One-shot "idle" stays until SIGTERM: no deadline. */
		run_job(&jobs[m], &work[m], 0, v[i]->idle == 1 &&
		    !r->cl->check);
		ran[m] = v[i];
		slot[m++] = i;
	}
	r->round_v = ran;
	r->round_n = m;
	sched_reports(&r->sched, run_round_pass, r);
	sched_round(&r->sched, m, jobs, got, reports);
	sched_reports(&r->sched, NULL, NULL);
	r->round_v = NULL;
	r->round_n = 0;
	for (i = 0; i < m; i++) {
		results[slot[i]] = got[i];
		if (got[i] != PM_UNDEFINED && !r->cl->check)
			run_record(r, ran[i], &reports[i]);
		free((char *)jobs[i].key);
	}
	/*
	 * A failure (any code but 0 and 1) wins: the last failing account's
	 * code.  fetchmail returns 0 as soon as one account delivered, which
	 * hides another's failure from cron; pullmail does not.
	 */
	for (i = 0; i < n; i++) {
		if (results[i] == PM_UNDEFINED)
			continue;	/* stopped before it ran */
		if (results[i] == PM_OK)
			any_ok = 1;
		else if (results[i] != PM_NOMAIL)
			failed = results[i];
	}
	free(work);
	free(jobs);
	free(slot);
	free(got);
	free(reports);
	free(ran);
	return (failed != 0 ? failed : any_ok ? PM_OK : PM_NOMAIL);
}

int
run_spawn(struct run *r, struct account *a, long tag, int idle)
{
	struct work		w = { a, &r->popts };
	struct sched_job	job;
	int			rc;

	/* The worker gets its own copy of w with the rest of memory. */
	run_job(&job, &w, idle, idle);
	rc = sched_spawn(&r->sched, tag, &job);
	free((char *)job.key);
	return (rc);
}
