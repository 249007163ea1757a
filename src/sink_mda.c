/*
 * sink_mda.c -- pipe each message into a local delivery program.
 *
 * The command line comes from mda_argv.c: each recipient (%T) and the
 * sender (%F) is one argument of its own, never read by a shell, so
 * nothing from a message header can run as a command.
 * Exit 0 delivers, 75 (EX_TEMPFAIL) retries, anything else refuses.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotstuff.h"
#include "log.h"
#include "mda_argv.h"
#include "result.h"
#include "runas.h"
#include "sink.h"
#include "xmalloc.h"

#define MDA_CHUNK	16384

struct mda {
	pid_t			pid;
	int			fd;		/* the MDA's stdin */
	int			write_error;	/* it stopped reading */
	struct crlf_stripper	strip;
	struct crlf_forcer	force;
	struct runas		runas;		/* who runs it */
	char			out[2 * MDA_CHUNK];
};

static int
mda_open(struct sink *sk, char **cause)
{
	struct mda	*m;

	m = xcalloc(1, sizeof(*m));
	m->pid = -1;
	m->fd = -1;
	if (runas_resolve(&m->runas, sk->account, "mda", cause) != 0) {
		free(m);
		return (PM_IOERR);
	}
	sk->data = m;
	return (0);
}

static enum sink_result
mda_begin(struct sink *sk, const struct envelope *e, char **cause)
{
	struct mda	*m = sk->data;
	struct mda_args	 av;
	int		 pfd[2];

	mda_args_build(&av, sk->account->mda, e->from, e->rcpts.v,
	    e->rcpts.n);
	if (av.n == 0) {
		xasprintf(cause, "mda: empty command");
		mda_args_free(&av);
		return (SINK_FATAL);
	}
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		xasprintf(cause, "mda: pipe: %s", strerror(errno));
		mda_args_free(&av);
		return (SINK_FATAL);
	}
	switch (m->pid = fork()) {
	case -1:
		xasprintf(cause, "mda: fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		mda_args_free(&av);
		return (SINK_FATAL);
	case 0:
		if (dup2(pfd[0], STDIN_FILENO) == -1)
			_exit(71);
		signal(SIGPIPE, SIG_DFL);
		runas_become(&m->runas, "mda");
		/* The MDA gets the message, stdout and stderr, nothing else. */
		closefrom(STDERR_FILENO + 1);
		execvp(av.v[0], av.v);
		fprintf(stderr, "pullmail: mda: %s: %s\n", av.v[0],
		    strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(pfd[0]);
	m->fd = pfd[1];
	m->write_error = 0;
	memset(&m->strip, 0, sizeof(m->strip));
	memset(&m->force, 0, sizeof(m->force));
	log_debug("mda: started %s (pid %ld)", av.v[0], (long)m->pid);
	mda_args_free(&av);
	return (SINK_OK);
}

static void
mda_send(struct mda *m, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0 && !m->write_error) {
		n = write(m->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			/* EPIPE: it exited early; commit reads its status. */
			m->write_error = errno;
			return;
		}
		p += n;
		len -= n;
	}
}

static enum sink_result
mda_write(struct sink *sk, const void *data, size_t len, char **cause)
{
	struct mda	*m = sk->data;
	const char	*p = data;
	size_t		 n, o;

	(void)cause;
	while (len > 0) {
		n = len > MDA_CHUNK ? MDA_CHUNK : len;
		/* fetchmail's stripcr is on by default for an MDA, and
		 * wins over forcecr. */
		if (sk->account->stripcr == 0 && sk->account->forcecr == 1) {
			o = crlf_force(&m->force, p, n, m->out);
			mda_send(m, m->out, o);
			p += n;
			len -= n;
			continue;
		}
		if (sk->account->stripcr == 0) {
			mda_send(m, p, n);
			p += n;
			len -= n;
			continue;
		}
		o = crlf_strip(&m->strip, p, n, m->out);
		mda_send(m, m->out, o);
		p += n;
		len -= n;
	}
	return (SINK_OK);
}

static int
mda_reap(struct mda *m)
{
	int	status;

	while (waitpid(m->pid, &status, 0) == -1) {
		if (errno != EINTR)
			return (-1);
	}
	m->pid = -1;
	return (status);
}

static enum sink_result
mda_commit(struct sink *sk, char **cause)
{
	struct mda	*m = sk->data;
	int		 status;
	size_t		 o;

	o = crlf_strip_end(&m->strip, m->out);
	mda_send(m, m->out, o);
	close(m->fd);
	m->fd = -1;
	status = mda_reap(m);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (m->write_error == 0)
			return (SINK_OK);
		xasprintf(cause, "mda exited 0 without reading the whole "
		    "message (%s)", strerror(m->write_error));
		return (SINK_TEMPFAIL);
	}
	if (WIFEXITED(status)) {
		xasprintf(cause, "mda exited with status %d",
		    WEXITSTATUS(status));
		return (WEXITSTATUS(status) == 75 ? SINK_TEMPFAIL :
		    SINK_PERMFAIL);
	}
	if (WIFSIGNALED(status)) {
		xasprintf(cause, "mda killed by signal %d", WTERMSIG(status));
		return (SINK_TEMPFAIL);
	}
	xasprintf(cause, "mda: wait failed");
	return (SINK_TEMPFAIL);
}

static void
mda_abort(struct sink *sk)
{
	struct mda	*m = sk->data;

	if (m->fd != -1) {
		close(m->fd);
		m->fd = -1;
	}
	if (m->pid != -1) {
		kill(m->pid, SIGTERM);
		(void)mda_reap(m);
	}
}

static void
mda_close(struct sink *sk)
{
	struct mda	*m = sk->data;

	if (m != NULL) {
		mda_abort(sk);
		runas_free(&m->runas);
	}
	free(m);
	sk->data = NULL;
}

const struct sink_ops sink_mda_ops = {
	.name = "mda",
	.open = mda_open,
	.begin = mda_begin,
	.write = mda_write,
	.commit = mda_commit,
	.abort = mda_abort,
	.close = mda_close,
};
