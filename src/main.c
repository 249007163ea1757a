/*
 * main.c -- what to do: dump, probe, one poll, or the daemon.
 *
 * Options follow fetchmail's and override the rcfile for every account.
 * The exit code is fetchmail's per account; over several accounts a
 * failure wins (run.c: run_round).
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <fcntl.h>
#include <libutil.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "account.h"
#include "cmdline.h"
#include "config.h"
#include "configdump.h"
#include "daemon.h"
#include "log.h"
#include "password.h"
#include "pidlock.h"
#include "probe.h"
#include "rc_parse.h"
#include "rcload.h"
#include "result.h"
#include "run.h"
#include "settings.h"
#include "status.h"
#include "xmalloc.h"

/*
 * -V also loads every certificate, key and CRL the accounts name, as a
 * poll would, without connecting: a file that cannot be used is named
 * with its poll's file:line, and the exit status says so (5).
 */
static int
check_tls_files(const struct run *r)
{
	const struct account	*a;
	const struct tls_policy	*p;
	char			*report, *cause = NULL;
	size_t			 i;
	int			 rc = PM_OK;

	for (i = 0; i < r->polls.n; i++) {
		a = r->polls.v[i];
		p = &a->tls;
		if (p->mode == TLS_MODE_PLAIN || (p->cafile == NULL &&
		    p->capath == NULL && p->crlfile == NULL &&
		    p->certfile == NULL && p->keyfile == NULL))
			continue;
		if (tls_policy_check(p, &report, &cause) != 0) {
			printf("%s:%d: %s@%s: %s\n", a->rcfile != NULL ?
			    a->rcfile : "(command line)", a->line, a->user,
			    a->name, cause);
			free(cause);
			cause = NULL;
			rc = PM_SYNTAX;
			continue;
		}
		printf("TLS files of %s@%s: loaded\n%s", a->user, a->name,
		    report != NULL ? report : "");
		free(report);
	}
	return (rc);
}

static int
print_version(const struct run *r)
{
	printf("pullmail %s (%s)\n", PACKAGE_VERSION,
	    OpenSSL_version(OPENSSL_VERSION));
	settings_print(stdout, &r->cfg);
	return (check_tls_files(r));
}

static const struct scheme {
	const char	*prefix;
	enum proto	 proto;
	int		 implicit;
} schemes[] = {
	{ "imap://", PROTO_IMAP, 0 }, { "imaps://", PROTO_IMAP, 1 },
	{ "pop3://", PROTO_POP3, 0 }, { "pop3s://", PROTO_POP3, 1 },
};

/*
 * The protocol and TLS mode of HOST:PORT: from a well-known port, else
 * found out by asking (probe_detect) unless the command line gave them
 * (detect 0).  0, or -1 when nothing was found.
 */
static int
probe_guess(struct account *a, const char *host, const char *port,
    int detect)
{
	const char	*errstr;
	char		*found;
	enum proto	 proto;
	int		 implicit, n;

	if (strcmp(port, "110") == 0 || strcmp(port, "995") == 0)
		a->proto = PROTO_POP3;
	if (strcmp(port, "993") == 0 || strcmp(port, "995") == 0)
		a->ssl = 1;
	if (strcmp(port, "110") == 0 || strcmp(port, "143") == 0 ||
	    strcmp(port, "993") == 0 || strcmp(port, "995") == 0)
		return (0);
	n = strtonum(port, 1, 65535, &errstr);
	if (errstr != NULL || !detect)
		return (0);	/* a service name: account_finish judges */
	if (probe_detect(host, n, &proto, &implicit, &found) != 0) {
		printf("probing %s port %d: %s\n", host, n, found);
		free(found);
		return (-1);
	}
	printf("detected on %s %s\n", host, found);
	free(found);
	a->proto = proto;
	a->ssl = implicit;
	return (0);
}

/*
 * --probe: a poll name (or aka) from the rcfile, else HOST[:PORT] or an
 * imap://, imaps://, pop3:// or pop3s:// URL; on another port than the
 * well-known ones, what speaks there is found out first.
 */
static int
run_probe(struct config *cfg, const struct cmdline *cl)
{
	struct account	*a = NULL;
	char		*host, *colon, *cause, *at;
	size_t		 i;
	int		 rc;
	const struct scheme *scheme;

	for (i = 0; i < cfg->accounts.n && a == NULL; i++) {
		if (rcload_names(cfg->accounts.v[i], cl->probe))
			a = cfg->accounts.v[i];
	}
	if (a == NULL) {
		/* imap://, imaps://, pop3:// and pop3s:// say it all. */
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			if (strncasecmp(cl->probe, schemes[i].prefix,
			    strlen(schemes[i].prefix)) == 0)
				break;
		}
		scheme = i < sizeof(schemes) / sizeof(schemes[0]) ?
		    &schemes[i] : NULL;
		host = xstrdup(cl->probe + (scheme != NULL ?
		    strlen(scheme->prefix) : 0));
		host[strcspn(host, "/")] = '\0';
		if (scheme != NULL && (at = strrchr(host, '@')) != NULL)
			memmove(host, at + 1, strlen(at + 1) + 1);	/* user@ */
		colon = strrchr(host, ':');
		if (colon != NULL && strchr(host, ':') == colon) {
			*colon++ = '\0';
		} else if (host[0] == '[' && (colon = strstr(host, "]:")) !=
		    NULL) {
			*colon = '\0';
			colon += 2;
			memmove(host, host + 1, strlen(host));
		} else
			colon = NULL;
		a = account_new(host);
		a->entry = -1;
		account_list_add(&cfg->accounts, a);
		if (colon != NULL)
			a->service = xstrdup(colon);
		if (scheme != NULL) {
			a->proto = scheme->proto;
			a->ssl = scheme->implicit;
		} else if (colon != NULL && probe_guess(a, host, colon,
		    cl->acct->ssl != 1 && cl->acct->proto == PROTO_UNSET) != 0) {
			free(host);
			return (PM_SOCKET);
		}
		free(host);
	}
	account_override(a, cl->acct);
	if (account_finish(a, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (PM_SYNTAX);
	}
	rc = probe(a);
	return (rc);
}

/* The rcfile's absolute path: the daemon leaves the directory. */
static char *
absolute_path(const char *path)
{
	char	cwd[PATH_MAX], *abs;

	if (path[0] == '/' || strcmp(path, "-") == 0 ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return (xstrdup(path));
	xasprintf(&abs, "%s/%s", cwd, path);
	return (abs);
}

/*
 * Passwords, tokens and SCRAM keys are in this process's memory: no core
 * file, and (outside sanitizer builds, whose leak checker must attach to
 * the process) no ptrace or /proc/PID/mem by other processes of the user.
 */
static void
no_core_dumps(void)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		log_warn("setrlimit RLIMIT_CORE");
#ifndef __SANITIZE_ADDRESS__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_DUMPABLE");
#endif
}

/* One round over every account, then exit. */
static int
run_once(struct run *r)
{
	int	*results, rc;

	results = xcalloc(r->polls.n, sizeof(*results));
	status_begin(r, 0);
	rc = run_round(r, r->polls.v, r->polls.n, results);
	status_end(r, rc);
	free(results);
	return (rc);
}

/*
 * Started with 0, 1 or 2 closed, the next open file would take its number
 * and then be read or written as standard input, output or error (an MDA
 * would get a pipe end as its stdout); /dev/null takes the place.
 */
static void
std_fds_open(void)
{
	int	fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= STDERR_FILENO)
		;
	if (fd == -1)
		_exit(PM_IOERR);
	close(fd);
}

int
main(int argc, char **argv, char **envp)
{
	struct cmdline	 cl;
	struct run	 r;
	struct pidfh	*pfh = NULL;
	char		*path;
	int		 rc, result = PM_SYNTAX;

	std_fds_open();
	no_core_dumps();
	setproctitle_init(argc, argv, envp);
	signal(SIGPIPE, SIG_IGN);
	memset(&r, 0, sizeof(r));
	config_init(&r.cfg);
	if ((rc = cmdline_parse(&cl, argc, argv)) != -1) {
		cmdline_free(&cl);
		return (rc);
	}
	r.cl = &cl;
	log_init(cl.verbose, cl.silent);

	path = cl.rcfile != NULL ? xstrdup(cl.rcfile) : rcload_default_path();
	r.rcpath = absolute_path(path);
	free(path);
	r.rcdir = rcload_dir(r.rcpath);
	if ((result = rcload_config(&cl, r.rcpath, r.rcdir, &r.cfg)) != 0)
		goto out;
	result = PM_SYNTAX;
	if (cl.probe != NULL) {
		result = run_probe(&r.cfg, &cl);
		goto out;
	}
	if (rcload_accounts(&cl, &r.cfg, &r.polls) != 0)
		goto out;
	if (cl.configdump) {
		for (size_t i = 0; i < r.cfg.accounts.n; i++)
			password_from_netrc(r.cfg.accounts.v[i]);
		configdump(stdout, &r.cfg);
		result = PM_OK;
		goto out;
	}
	if (cl.status) {
		result = status_show(&r, cl.json);
		goto out;
	}
	if (cl.version) {
		result = print_version(&r);
		goto out;
	}
	if (r.polls.n == 0 && !cl.quit) {
		log_warnx("no mail servers to poll (%s names none, and none "
		    "were given on the command line)", r.rcpath);
		goto out;
	}
	if ((result = pidlock_take(&r.cfg, &cl, &pfh)) != -1)
		goto out;
	if ((r.cfg.logfile != NULL || r.cfg.syslog == 1) &&
	    log_target(r.cfg.logfile, r.cfg.syslog) != 0) {
		result = PM_IOERR;
		goto out;
	}
	sched_init(&r.sched, r.cfg.jobs, r.cfg.deadline);
	r.sched.connlimit = r.cfg.connlimit;
	run_opts(&r);
	if (!cl.check)
		run_idle_over_limit(&r);
	if (r.cfg.daemon > 0 && !cl.check)
		result = daemon_run(&r, pfh);
	else {
		if (pidfile_write(pfh) == -1)
			log_warn("pidfile");
		result = run_once(&r);
	}
out:
	if (pfh != NULL)
		pidfile_remove(pfh);
	sched_free(&r.sched);
	free(r.polls.v);
	config_free(&r.cfg);
	cmdline_free(&cl);
	free(r.rcpath);
	free(r.rcdir);
	return (result);
}
