/*
 * sdnotify.c -- the service manager's notify protocol, spoken directly.
 *
 * One datagram per state to the AF_UNIX socket named by NOTIFY_SOCKET:
 * a path, or an abstract name written with a leading "@".  The protocol
 * is documented as stable (sd_notify(3)); OpenSSH speaks it the same way
 * to avoid libsystemd.  Failures are ignored: a manager that does not
 * listen must not stop the mail.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "sdnotify.h"
#include "xmalloc.h"

static int			 sd_fd = -1;
static struct sockaddr_un	 sd_addr;
static socklen_t		 sd_addrlen;
static long			 sd_every = -1;	/* ms between pings */
static long long		 sd_last;	/* ms of the last ping */
static long long		 sd_start;	/* ms of sd_setup() */

void
sd_setup(void)
{
	const char	*path = getenv("NOTIFY_SOCKET");
	const char	*usec = getenv("WATCHDOG_USEC");
	const char	*pid = getenv("WATCHDOG_PID");
	const char	*errstr;
	long long	 us;
	size_t		 len;

	if (usec != NULL && (pid == NULL || strtonum(pid, 1, LLONG_MAX,
	    &errstr) == (long long)getpid())) {
		us = strtonum(usec, 1, LLONG_MAX, &errstr);
		if (errstr == NULL)
			sd_every = us / 2000 > 0 ? us / 2000 : 1;
	}
	if (path != NULL && (path[0] == '/' || path[0] == '@') &&
	    (len = strlen(path)) < sizeof(sd_addr.sun_path)) {
		memset(&sd_addr, 0, sizeof(sd_addr));
		sd_addr.sun_family = AF_UNIX;
		memcpy(sd_addr.sun_path, path, len);
		if (path[0] == '@')
			sd_addr.sun_path[0] = '\0';	/* abstract */
		sd_addrlen = offsetof(struct sockaddr_un, sun_path) + len +
		    (path[0] == '/');
		sd_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else if (path != NULL)
		log_warnx("NOTIFY_SOCKET \"%s\" is not a socket path; not "
		    "telling the service manager anything", path);
	if (sd_fd == -1)
		sd_every = -1;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	sd_start = sd_last = clock_usec() / 1000;
}

void
sd_state(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (sd_fd == -1)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	(void)sendto(sd_fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sd_addr, sd_addrlen);
	free(msg);
}

void
sd_reloading(void)
{
	sd_state("RELOADING=1\nMONOTONIC_USEC=%lld", clock_usec());
}

long
sd_watchdog_next(void)
{
	long long	left;

	if (sd_every < 0)
		return (-1);
	left = sd_last + sd_every - clock_usec() / 1000;
	return (left > 0 ? (long)left : 0);
}

void
sd_watchdog(void)
{
	long long	now;

	if (sd_every < 0 || (now = clock_usec() / 1000) - sd_last < sd_every)
		return;
	sd_state("WATCHDOG=1");
	sd_last = now;
}

int
sd_test_fault(const char *name)
{
	static char		*fault;		/* "NAME:SECONDS", or "" */
	static long long	 after;		/* ms after sd_setup() */
	const char		*env, *errstr;
	char			*colon;
	size_t			 len;

	if (fault == NULL) {
		env = getenv("PULLMAIL_TEST_FAULT");
		fault = xstrdup(env != NULL ? env : "");
		unsetenv("PULLMAIL_TEST_FAULT");
		if ((colon = strchr(fault, ':')) != NULL) {
			*colon = '\0';
			after = strtonum(colon + 1, 0, 86400, &errstr) * 1000;
			if (errstr != NULL)
				fault[0] = '\0';
		}
		if (fault[0] != '\0')
			log_warnx("PULLMAIL_TEST_FAULT: fault \"%s\" armed "
			    "(for the test suite only)", fault);
	}
	len = strlen(name);
	return (strncmp(fault, name, len) == 0 && fault[len] == '\0' &&
	    clock_usec() / 1000 - sd_start >= after);
}

void
sd_test_hang(const char *name)
{
	/*
	 * The signal mask stays the loop's: SIGABRT, what systemd sends when
	 * the pings stop, ends the process as it would a real hang.
	 */
	log_warnx("PULLMAIL_TEST_FAULT: fault \"%s\": hanging here for "
	    "good (for the test suite only)", name);
	for (;;)
		pause();
}
