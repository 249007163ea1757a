/*
 * hook.c -- "postdeliver" and "postpoll": the user's commands after a
 * poll, run by the worker that polled.
 *
 * The command is the rcfile's text, given to /bin/sh -c as it stands.
 * What the poll came to goes into PULLMAIL_* environment variables made
 * of numbers, fixed words and the rcfile's own names; nothing a server
 * sent (a greeting, an error, a UID, a header) is among them, so no
 * server can put a word into the shell's input.
 *
 * The hook runs as the MDA does (runas.c: mdauser when root; stdout and
 * stderr where pullmail's go, stdin /dev/null, no other descriptor), in
 * a session and process group of its own.  At the timeout the group gets
 * SIGTERM, and SIGKILL HOOK_GRACE seconds later, so a hook that hangs or
 * leaves a child behind does not hold the worker.  A background child of
 * a hook that exited in time is left alone: it is the user's.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "hook.h"
#include "log.h"
#include "runas.h"
#include "status.h"
#include "xmalloc.h"

/* Seconds between SIGTERM and SIGKILL to a hook's process group. */
#define HOOK_GRACE	3
/* How often the worker looks whether the hook ended (ms). */
#define HOOK_TICK	20

static void
hook_setenv_num(const char *name, long long v)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	(void)setenv(name, buf, 1);
}

/* In the child: the environment the hook sees. */
static void
hook_env(const struct account *a, const char *which,
    const struct poll_report *rp)
{
	char	*s;
	size_t	 i, len = 1;

	(void)setenv("PULLMAIL_HOOK", which, 1);
	xasprintf(&s, "%s@%s", a->user, a->name);
	(void)setenv("PULLMAIL_ACCOUNT", s, 1);
	free(s);
	(void)setenv("PULLMAIL_SERVER", a->name, 1);
	(void)setenv("PULLMAIL_HOST", account_host(a), 1);
	(void)setenv("PULLMAIL_USER", a->user, 1);
	/* The driver session.c picks: IMAP unless POP3 was asked for. */
	(void)setenv("PULLMAIL_PROTOCOL", a->proto == PROTO_POP3 ? "pop3" :
	    a->proto == PROTO_APOP ? "apop" : "imap", 1);
	for (i = 0; i < a->folders.n; i++)
		len += strlen(a->folders.v[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; i < a->folders.n; i++) {
		if (i > 0)
			strlcat(s, ",", len);
		strlcat(s, a->folders.v[i], len);
	}
	(void)setenv("PULLMAIL_FOLDERS", s, 1);
	free(s);
	(void)setenv("PULLMAIL_IDLE", rp->final ? "0" : "1", 1);
	hook_setenv_num("PULLMAIL_DELIVERED", rp->delivered);
	hook_setenv_num("PULLMAIL_OCTETS", (long long)rp->octets);
	hook_setenv_num("PULLMAIL_LEFT", rp->left);
	hook_setenv_num("PULLMAIL_EXIT", rp->result);
	(void)setenv("PULLMAIL_RESULT", status_word(rp->result), 1);
	hook_setenv_num("PULLMAIL_START", rp->start);
	hook_setenv_num("PULLMAIL_END", rp->end);
	/* The service manager talks to the daemon, not to its hooks. */
	(void)unsetenv("NOTIFY_SOCKET");
	(void)unsetenv("WATCHDOG_USEC");
	(void)unsetenv("WATCHDOG_PID");
}

/* In the child: become the hook, or _exit. */
static void __attribute__((noreturn))
hook_exec(const struct account *a, const char *which, const char *cmd,
    const struct poll_report *rp, const struct runas *ra)
{
	sigset_t	all;
	int		fd, sig;

	(void)setsid();		/* a process group to stop as one */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1)
		_exit(71);
	runas_become(ra, which);
	/* stdin, stdout and stderr, as the MDA has: nothing else of ours. */
	closefrom(STDERR_FILENO + 1);
	hook_env(a, which, rp);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, "pullmail: %s: /bin/sh: %s\n", which, strerror(errno));
	_exit(127);
}

/* SIGTERM or SIGKILL to the hook's group (to pid alone before setsid). */
static void
hook_signal(pid_t pid, int sig)
{
	if (kill(-pid, sig) == -1 && pid > 0)
		(void)kill(pid, sig);
}

static void
hook_run(const struct account *a, const char *which, const char *cmd,
    const struct poll_report *rp, int timeout, volatile int *stop)
{
	struct timespec	 tick = { 0, HOOK_TICK * 1000000L };
	struct runas	 ra;
	long long	 start, term_at = 0;
	char		*cause;
	pid_t		 pid, got;
	int		 status = 0, killed = 0, timedout = 0, stopped = 0;

	if (stop != NULL && *stop) {
		log_debug("%s@%s: %s hook not run: pullmail is stopping",
		    a->user, a->name, which);
		return;
	}
	if (runas_resolve(&ra, a, which, &cause) != 0) {
		log_warnx("%s@%s: %s hook not run: %s", a->user, a->name,
		    which, cause);
		free(cause);
		return;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warn("%s@%s: %s hook not run: fork", a->user, a->name,
		    which);
		runas_free(&ra);
		return;
	}
	if (pid == 0)
		hook_exec(a, which, cmd, rp, &ra);
	runas_free(&ra);
	log_debug("%s@%s: %s hook started (pid %ld)", a->user, a->name,
	    which, (long)pid);
	start = clock_ms();
	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == -1 && errno != EINTR) {
			log_warn("%s@%s: %s hook: waitpid", a->user, a->name,
			    which);
			return;
		}
		if (got == pid)
			break;
		if (term_at == 0 && (clock_ms() - start >= timeout *
		    1000LL || (stop != NULL && *stop))) {
			stopped = stop != NULL && *stop;
			timedout = !stopped;
			hook_signal(pid, SIGTERM);
			term_at = clock_ms();
		} else if (term_at != 0 && !killed && clock_ms() -
		    term_at >= HOOK_GRACE * 1000LL) {
			hook_signal(pid, SIGKILL);
			killed = 1;
		}
		(void)nanosleep(&tick, NULL);
	}
	if (timedout || stopped)	/* what outlived the leader goes too */
		(void)kill(-pid, SIGKILL);
	if (timedout)
		log_warnx("%s@%s: %s hook still running after %d seconds "
		    "(set hooktimeout); stopped it and its process group",
		    a->user, a->name, which, timeout);
	else if (stopped)
		log_warnx("%s@%s: %s hook stopped: pullmail is stopping",
		    a->user, a->name, which);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_debug("%s@%s: %s hook exited 0 after %lld ms", a->user,
		    a->name, which, clock_ms() - start);
	else if (WIFEXITED(status))
		log_warnx("%s@%s: %s hook failed: exit status %d", a->user,
		    a->name, which, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_warnx("%s@%s: %s hook failed: killed by signal %d",
		    a->user, a->name, which, WTERMSIG(status));
}

void
hook_report(const struct account *a, const struct poll_report *rp,
    int timeout, volatile int *stop)
{
	if (timeout <= 0)
		timeout = 60;
	if (a->postdeliver != NULL && rp->delivered > 0)
		hook_run(a, "postdeliver", a->postdeliver, rp, timeout, stop);
	if (a->postpoll != NULL && rp->final)
		hook_run(a, "postpoll", a->postpoll, rp, timeout, stop);
}
