/*
 * scheduler.c -- forked workers, their deadlines, and the parent's
 * signals.
 *
 * A worker is a fork of the parent that polls one account and exits with
 * its result; what it delivered is in the UID journal before the server
 * hears of it, so killing one at any instant loses nothing.
 */

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "result.h"
#include "scheduler.h"
#include "xmalloc.h"

/* In a worker: where its reports go. */
static int	report_fd = -1;

/* SIGIO is taken by sigtimedwait; the handler only outlives a fork. */
static void
sched_on_io(int sig)
{
	(void)sig;
}

void
sched_init(struct sched *s, int jobs, int deadline)
{
	struct sigaction	sa;

	memset(s, 0, sizeof(*s));
	s->jobs = jobs > 0 ? jobs : 1;
	s->deadline = deadline;
	sigemptyset(&s->caught);
	sigaddset(&s->caught, SIGCHLD);
	sigaddset(&s->caught, SIGTERM);
	sigaddset(&s->caught, SIGINT);
	sigaddset(&s->caught, SIGHUP);
	sigaddset(&s->caught, SIGUSR1);
	/* A report in a pipe wakes the wait (an IDLE pass with news). */
	sigaddset(&s->caught, SIGIO);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sched_on_io;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGIO, &sa, NULL);
	sigprocmask(SIG_BLOCK, &s->caught, &s->oldmask);
}

/* Whole reports through a pipe: a write of up to PIPE_BUF is atomic. */
_Static_assert(sizeof(struct poll_report) <= PIPE_BUF, "report too big");

void
sched_reports(struct sched *s, sched_report_fn fn, void *arg)
{
	s->on_report = fn;
	s->report_arg = arg;
}

int
sched_report(const struct poll_report *rp)
{
	if (report_fd == -1)
		return (-1);
	return (write(report_fd, rp, sizeof(*rp)) == (ssize_t)sizeof(*rp) ?
	    0 : -1);
}

/* Take what the worker sent; at its end, close the pipe. */
static void
sched_drain(struct sched *s, struct worker *w, int last)
{
	struct poll_report	rp;
	ssize_t			n;

	while (w->rfd != -1 && (n = read(w->rfd, &rp, sizeof(rp))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || (size_t)n != sizeof(rp))
			break;		/* EAGAIN: nothing more for now */
		rp.why[sizeof(rp.why) - 1] = '\0';
		if (rp.final) {
			w->final = rp;
			w->reported = 1;
		} else if (s->on_report != NULL)
			s->on_report(s->report_arg, w->tag, &rp);
	}
	if (last && w->rfd != -1) {
		close(w->rfd);
		w->rfd = -1;
	}
}

void
sched_free(struct sched *s)
{
	size_t	i;

	for (i = 0; i < s->nw; i++) {
		free(s->w[i].key);
		free(s->w[i].server);
		if (s->w[i].rfd != -1)
			close(s->w[i].rfd);
	}
	free(s->w);
	s->w = NULL;
	s->nw = 0;
}

int
sched_server_full(const struct sched *s, const char *server)
{
	size_t	i;
	int	n = 0;

	if (s->connlimit <= 0)
		return (0);
	/* One that sent its final report has logged out (a hook may run). */
	for (i = 0; i < s->nw; i++) {
		if (!s->w[i].done && !s->w[i].reported &&
		    strcasecmp(s->w[i].server, server) == 0)
			n++;
	}
	return (n >= s->connlimit);
}

int
sched_spawn(struct sched *s, long tag, const struct sched_job *job)
{
	struct worker	*w;
	pid_t		 pid, parent = getpid();
	size_t		 i;
	int		 p[2] = { -1, -1 };

	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("%s: cannot start a worker: pipe", job->key);
		return (-1);
	}
	fflush(NULL);	/* nothing buffered may be written twice */
	switch (pid = fork()) {
	case -1:
		log_warn("%s: cannot start a worker: fork", job->key);
		close(p[0]);
		close(p[1]);
		return (-1);
	case 0:
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		for (i = 0; i < s->nw; i++) {
			if (s->w[i].rfd != -1)
				close(s->w[i].rfd);
		}
		close(p[0]);
		/* A parent that is not reading never holds up a poll. */
		(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
		report_fd = p[1];
		/*
		 * A worker does not outlive its parent: "kill -9 pullmail"
		 * stops everything, which the journal makes safe.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
			_exit(PM_UNDEFINED);
		_exit(job->fn(job->arg));
	}
	s->w = xreallocarray(s->w, s->nw + 1, sizeof(*s->w));
	w = &s->w[s->nw++];
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->tag = tag;
	w->rfd = p[0];
	w->started = time(NULL);
	close(p[1]);
	(void)fcntl(p[0], F_SETOWN, getpid());
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK | O_ASYNC);
	w->key = xstrdup(job->key);
	w->server = xstrdup(job->server);
	w->idle = job->idle;
	w->grace = job->grace;
	w->deadline = job->idle || job->timeless || s->deadline == 0 ? 0 :
	    time(NULL) + s->deadline;
	log_debug("%s: worker %ld started", job->key, (long)pid);
	return (0);
}

static struct worker *
sched_find(struct sched *s, pid_t pid)
{
	size_t	i;

	for (i = 0; i < s->nw; i++) {
		if (s->w[i].pid == pid && !s->w[i].done)
			return (&s->w[i]);
	}
	return (NULL);
}

static void
sched_reap(struct sched *s)
{
	struct worker	*w;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((w = sched_find(s, pid)) == NULL)
			continue;	/* not ours (an MDA is the worker's) */
		sched_drain(s, w, 1);
		w->done = 1;
		if (WIFEXITED(status)) {
			w->result = WEXITSTATUS(status);
			log_debug("%s: worker %ld ended with %d", w->key,
			    (long)pid, w->result);
		} else {
			w->result = PM_SOCKET;
			log_warnx("%s: the worker was killed by signal %d%s",
			    w->key, WTERMSIG(status), w->kill_at != 0 ?
			    " after the poll deadline" : "");
		}
	}
}

/* SIGTERM at the deadline (the message in hand is finished), then
 * SIGKILL after a grace period. */
static void
sched_deadlines(struct sched *s, time_t now)
{
	struct worker	*w;
	size_t		 i;

	for (i = 0; i < s->nw; i++) {
		w = &s->w[i];
		if (w->done || w->deadline == 0)
			continue;
		if (w->kill_at == 0 && now >= w->deadline) {
			log_warnx("%s: the poll took more than %d seconds; "
			    "stopping it", w->key, s->deadline);
			kill(w->pid, SIGTERM);
			w->kill_at = now + w->grace;
		} else if (w->kill_at != 0 && now >= w->kill_at) {
			kill(w->pid, SIGKILL);
			w->kill_at = now + 3600;
		}
	}
}

/* Milliseconds to the nearest deadline, capped at limit (-1: none). */
static int
sched_next_deadline(const struct sched *s, time_t now, int limit)
{
	const struct worker	*w;
	long long		 ms = limit, t;
	size_t			 i;

	for (i = 0; i < s->nw; i++) {
		w = &s->w[i];
		if (w->done || w->deadline == 0)
			continue;
		t = ((w->kill_at != 0 ? w->kill_at : w->deadline) - now) *
		    1000LL;
		if (t < 0)
			t = 0;
		if (ms < 0 || t < ms)
			ms = t;
	}
	return ((int)ms);
}

void
sched_wait(struct sched *s, int timeout_ms)
{
	struct timespec	 ts;
	siginfo_t	 si;
	time_t		 now = time(NULL);
	int		 sig, ms;

	ms = sched_next_deadline(s, now, timeout_ms);
	if (ms < 0)
		sig = sigwaitinfo(&s->caught, &si);
	else {
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		sig = sigtimedwait(&s->caught, &si, &ts);
	}
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		s->stop = 1;
		break;
	case SIGHUP:
		s->reload = 1;
		break;
	case SIGUSR1:
		s->wake = 1;
		break;
	}
	sched_reap(s);
	/* What idle workers said since (their reports are small and few). */
	for (size_t i = 0; i < s->nw; i++) {
		if (!s->w[i].done)
			sched_drain(s, &s->w[i], 0);
	}
	sched_deadlines(s, time(NULL));
}

size_t
sched_running(const struct sched *s, int idle)
{
	size_t	i, n = 0;

	for (i = 0; i < s->nw; i++) {
		if (!s->w[i].done && (s->w[i].idle != 0) == (idle != 0))
			n++;
	}
	return (n);
}

int
sched_collect(struct sched *s, int idle, long *tag, int *result,
    struct poll_report *rp)
{
	struct worker	*w;
	size_t		 i;

	for (i = 0; i < s->nw; i++) {
		w = &s->w[i];
		if (!w->done || (w->idle != 0) != (idle != 0))
			continue;
		*tag = w->tag;
		*result = w->result;
		if (!w->reported) {
			/* Killed, or it failed before polling. */
			memset(&w->final, 0, sizeof(w->final));
			w->final.start = w->started;
			w->final.end = time(NULL);
			w->final.msec = (uint64_t)(w->final.end -
			    w->final.start) * 1000;
			w->final.final = 1;
			if (w->kill_at != 0)
				strlcpy(w->final.why, "stopped after the poll "
				    "deadline", sizeof(w->final.why));
		}
		w->final.result = w->result;
		if (rp != NULL)
			*rp = w->final;
		free(w->key);
		free(w->server);
		s->w[i] = s->w[--s->nw];
		return (1);
	}
	return (0);
}

void
sched_signal(struct sched *s, int sig, int idle)
{
	size_t	i;

	for (i = 0; i < s->nw; i++) {
		if (!s->w[i].done && (s->w[i].idle != 0) == (idle != 0))
			kill(s->w[i].pid, sig);
	}
}

/*
 * The first account from *next on that may start now: its server has a
 * connection to spare.  n when none.
 */
static size_t
sched_next_ready(const struct sched *s, size_t n,
    const struct sched_job *jobs, const unsigned char *started, size_t *next)
{
	size_t	i;

	while (*next < n && started[*next])
		(*next)++;
	for (i = *next; i < n; i++) {
		if (!started[i] && !sched_server_full(s, jobs[i].server))
			return (i);
	}
	return (n);
}

void
sched_round(struct sched *s, size_t n, const struct sched_job *jobs,
    int *results, struct poll_report *reports)
{
	struct poll_report	 rp;
	unsigned char		*started;
	size_t			 next = 0, i;
	long			 tag;
	int			 result, told = 0;

	started = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++) {
		results[i] = PM_UNDEFINED;
		if (reports != NULL)
			memset(&reports[i], 0, sizeof(reports[i]));
	}
	for (;;) {
		while (!s->stop && sched_running(s, 0) < (size_t)s->jobs &&
		    (i = sched_next_ready(s, n, jobs, started, &next)) < n) {
			started[i] = 1;
			if (sched_spawn(s, (long)i, &jobs[i]) == 0)
				continue;
			/* Not polled, and not a success (logged). */
			results[i] = PM_IOERR;
			if (reports != NULL) {
				reports[i].start = reports[i].end = time(NULL);
				reports[i].result = PM_IOERR;
				reports[i].final = 1;
				strlcpy(reports[i].why, "no worker could be "
				    "started (fork or pipe failed)",
				    sizeof(reports[i].why));
			}
		}
		while (sched_collect(s, 0, &tag, &result, &rp)) {
			results[tag] = result;
			if (reports != NULL)
				reports[tag] = rp;
		}
		if (s->stop && !told) {
			/* Each worker finishes the message in hand. */
			sched_signal(s, SIGTERM, 0);
			told = 1;
		}
		if (sched_running(s, 0) == 0 &&
		    (sched_next_ready(s, n, jobs, started, &next) == n ||
		    s->stop))
			break;
		sched_wait(s, -1);
	}
	free(started);
}
