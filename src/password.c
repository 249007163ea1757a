/*
 * password.c -- the password when the rcfile holds none: passwordeval,
 * ~/.netrc, or a prompt on the terminal.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <readpassphrase.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "password.h"
#include "runas.h"
#include "xmalloc.h"

struct netrc_lexer {
	const char	*p, *end;
	char		 tok[PM_PASSWORD_MAX + 1];
	int		 overlong;	/* the token did not fit in tok */
};

/* The next whitespace-separated or double-quoted token; 0 at the end. */
static int
netrc_token(struct netrc_lexer *lx)
{
	size_t	n = 0;
	int	quoted;

	while (lx->p < lx->end && strchr(" \t\r\n", *lx->p) != NULL)
		lx->p++;
	if (lx->p >= lx->end)
		return (0);
	lx->overlong = 0;
	quoted = *lx->p == '"';
	if (quoted)
		lx->p++;
	while (lx->p < lx->end) {
		char	c = *lx->p;

		if (quoted ? c == '"' : strchr(" \t\r\n", c) != NULL)
			break;
		if (c == '\\' && lx->p + 1 < lx->end)
			c = *++lx->p;
		if (n < sizeof(lx->tok) - 1)
			lx->tok[n++] = c;
		else
			lx->overlong = 1;
		lx->p++;
	}
	if (quoted && lx->p < lx->end)
		lx->p++;
	lx->tok[n] = '\0';
	return (1);
}

char *
netrc_lookup(const char *buf, size_t len, const char *machine,
    const char *login)
{
	struct netrc_lexer	 lx;
	char			*found = NULL, *pass = NULL, *user = NULL;
	int			 match = 0, more;

	lx.p = buf;
	lx.end = buf + len;
	do {
		more = netrc_token(&lx);
		if (!more || strcmp(lx.tok, "machine") == 0 ||
		    strcmp(lx.tok, "default") == 0) {
			/* The entry before this one is complete. */
			if (match && pass != NULL && (user == NULL ||
			    strcmp(user, login) == 0)) {
				found = pass;
				pass = NULL;
			}
			freezero(pass, pass != NULL ? strlen(pass) : 0);
			free(user);
			pass = user = NULL;
			if (found != NULL || !more)
				break;
			if (strcmp(lx.tok, "default") == 0)
				match = 1;
			else
				match = netrc_token(&lx) &&
				    strcmp(lx.tok, machine) == 0;
		} else if (strcmp(lx.tok, "login") == 0) {
			if (netrc_token(&lx)) {
				free(user);
				user = xstrdup(lx.tok);
			}
		} else if (strcmp(lx.tok, "password") == 0) {
			/* A password cut short would be wrong: skip it. */
			if (netrc_token(&lx) && !lx.overlong) {
				freezero(pass, pass != NULL ? strlen(pass) : 0);
				pass = xstrdup(lx.tok);
			}
		} else if (strcmp(lx.tok, "account") == 0) {
			netrc_token(&lx);
		} else if (strcmp(lx.tok, "macdef") == 0) {
			/* A macro runs to the next empty line. */
			netrc_token(&lx);
			while (lx.p < lx.end && !(lx.p[0] == '\n' &&
			    lx.p + 1 < lx.end && lx.p[1] == '\n'))
				lx.p++;
		}
	} while (more);
	explicit_bzero(lx.tok, sizeof(lx.tok));
	return (found);
}

static char *
netrc_read(void)
{
	const char	*home;
	char		*path, *buf;
	struct stat	 sb;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return (NULL);
	xasprintf(&path, "%s/.netrc", home);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		free(path);
		return (NULL);
	}
	/* As ftp(1) does: passwords others can read or plant are ignored. */
	if (fstat(fd, &sb) == -1 || sb.st_uid != geteuid() ||
	    (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		log_warnx("%s is ignored: it must be owned by you and "
		    "readable by you alone (chmod 600 %s)", path, path);
		free(path);
		close(fd);
		return (NULL);
	}
	free(path);
	buf = xmalloc(PM_RC_SIZE_MAX + 1);
	while (len < PM_RC_SIZE_MAX &&
	    (n = read(fd, buf + len, PM_RC_SIZE_MAX - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return (buf);
}

void
password_from_netrc(struct account *a)
{
	char	*buf;

	if (a->password != NULL || (buf = netrc_read()) == NULL)
		return;
	a->password = netrc_lookup(buf, strlen(buf), a->name, a->user);
	if (a->password == NULL && a->via != NULL)
		a->password = netrc_lookup(buf, strlen(buf), a->via, a->user);
	freezero(buf, strlen(buf));
}

/* Run cmd without a shell when it has no shell syntax in it. */
static void
exec_command(const char *cmd)
{
	char	*copy, *p, *argv[64];
	int	 argc = 0;

	if (strpbrk(cmd, "|&;<>()$`\\\"'*?[]#~=%{}\n") == NULL) {
		copy = xstrdup(cmd);
		for (p = strtok(copy, " \t"); p != NULL && argc < 63;
		    p = strtok(NULL, " \t"))
			argv[argc++] = p;
		argv[argc] = NULL;
		if (argc > 0)
			execvp(argv[0], argv);
		_exit(127);
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* The first line of what "passwordeval" prints. */
static int
password_eval(struct account *a, char **cause)
{
	char		 buf[PM_PASSWORD_MAX + 2];
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	time_t		 deadline;
	pid_t		 pid;
	struct runas	 ra;
	int		 fds[2], status, timed_out = 0;

	if (runas_resolve(&ra, a, "passwordeval", cause) != 0)
		return (-1);
	if (pipe2(fds, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		runas_become(&ra, "passwordeval");
		/* Only stdin, the pipe and stderr: nothing of ours leaks. */
		closefrom(STDERR_FILENO + 1);
		exec_command(a->passwordeval);
	}
	runas_free(&ra);
	close(fds[1]);
	/* Bounded by the account's timeout: a pinentry may need a while. */
	deadline = time(NULL) + a->timeout;
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		int	left = (int)(deadline - time(NULL));

		if (left <= 0 || poll(&pfd, 1, left * 1000) == 0) {
			timed_out = 1;
			break;
		}
		if (len >= sizeof(buf) - 1)
			break;
		n = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (timed_out)
		xasprintf(cause, "passwordeval for %s@%s did not finish "
		    "within %d seconds (the account's timeout); killed it",
		    a->user, a->name, a->timeout);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		xasprintf(cause, "passwordeval for %s@%s failed (%s %d)",
		    a->user, a->name, WIFEXITED(status) ? "exit status" :
		    "signal", WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status));
	else if (buf[0] == '\0')
		xasprintf(cause, "passwordeval for %s@%s printed no password",
		    a->user, a->name);
	else if (strlen(buf) > PM_PASSWORD_MAX)
		xasprintf(cause, "passwordeval for %s@%s printed a line longer "
		    "than %d bytes", a->user, a->name, PM_PASSWORD_MAX);
	else {
		a->password = xstrdup(buf);
		explicit_bzero(buf, sizeof(buf));
		return (0);
	}
	explicit_bzero(buf, sizeof(buf));
	return (-1);
}

int
password_resolve(struct account *a, char **cause)
{
	char	buf[PM_PASSWORD_MAX + 1], *prompt;

	if (a->password != NULL)
		return (0);
	if (a->passwordeval != NULL)
		return (password_eval(a, cause));
	password_from_netrc(a);
	if (a->password != NULL)
		return (0);
	if (!isatty(STDIN_FILENO)) {
		xasprintf(cause, "no password for %s@%s: none in the rcfile, "
		    "no passwordeval, none in ~/.netrc (machine %s%s%s), and "
		    "standard input is not a terminal to ask on", a->user,
		    a->name, a->name, a->via != NULL ? " or " : "",
		    a->via != NULL ? a->via : "");
		return (-1);
	}
	xasprintf(&prompt, "Enter password for %s@%s: ", a->user, a->name);
	if (readpassphrase(prompt, buf, sizeof(buf), RPP_REQUIRE_TTY) ==
	    NULL) {
		free(prompt);
		xasprintf(cause, "no password for %s@%s: the prompt failed",
		    a->user, a->name);
		return (-1);
	}
	free(prompt);
	a->password = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return (0);
}
