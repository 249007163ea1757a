/*
 * main.c -- command line, rcfile, and the exit code.
 *
 * Options follow fetchmail's and override the rcfile for every account.
 * The exit code is fetchmail's: 0 if any account had mail delivered,
 * else the last account's result.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "account.h"
#include "bounds.h"
#include "cmdline.h"
#include "config.h"
#include "configdump.h"
#include "log.h"
#include "password.h"
#include "probe.h"
#include "rc_parse.h"
#include "result.h"
#include "session.h"
#include "settings.h"
#include "xmalloc.h"

static char *
default_rcfile(void)
{
	struct passwd	*pw;
	const char	*home, *fmhome;
	char		*path;

	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			fatalx("cannot find the home directory");
		home = pw->pw_dir;
	}
	xasprintf(&path, "%s/.pullmailrc", home);
	if (access(path, F_OK) == 0)
		return (path);
	free(path);
	/* fetchmail's own lookup: $FETCHMAILHOME/fetchmailrc, if set. */
	if ((fmhome = getenv("FETCHMAILHOME")) != NULL && *fmhome != '\0')
		xasprintf(&path, "%s/fetchmailrc", fmhome);
	else
		xasprintf(&path, "%s/.fetchmailrc", home);
	return (path);
}

/* The directory relative paths in the rcfile are taken from. */
static char *
rcfile_dir(const char *path)
{
	char	*copy, *dir, cwd[PATH_MAX], *abs;

	if (strcmp(path, "-") == 0)
		return (getcwd(cwd, sizeof(cwd)) != NULL ? xstrdup(cwd) : NULL);
	copy = xstrdup(path);
	dir = dirname(copy);
	if (*dir == '/')
		abs = xstrdup(dir);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		abs = NULL;
	else if (strcmp(dir, ".") == 0)
		abs = xstrdup(cwd);
	else
		xasprintf(&abs, "%s/%s", cwd, dir);
	free(copy);
	return (abs);
}

/* Read the whole rcfile; NULL with *len_r 0 if it does not exist. */
static char *
read_rcfile(const char *path, size_t *len_r, struct stat *st)
{
	char	*buf = NULL;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	*len_r = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (NULL);
		log_warn("%s", path);
		exit(PM_IOERR);
	}
	if (fstat(fd, st) == -1) {
		log_warn("%s", path);
		exit(PM_IOERR);
	}
	if (fd != STDIN_FILENO && !S_ISREG(st->st_mode) &&
	    strcmp(path, "/dev/null") != 0) {
		log_warnx("%s: not a regular file", path);
		exit(PM_IOERR);
	}
	buf = xmalloc(PM_RC_SIZE_MAX + 1);
	while ((n = read(fd, buf + len, PM_RC_SIZE_MAX + 1 - len)) > 0) {
		len += n;
		if (len > PM_RC_SIZE_MAX) {
			log_warnx("%s: larger than %d bytes", path,
			    PM_RC_SIZE_MAX);
			exit(PM_SYNTAX);
		}
	}
	if (n == -1) {
		log_warn("%s", path);
		exit(PM_IOERR);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*len_r = len;
	return (buf);
}

/* A file holding passwords must be the user's and private. */
static int
check_secrecy(const char *path, const struct stat *st,
    const struct config *cfg)
{
	size_t	i;
	int	secrets = 0;

	for (i = 0; i < cfg->accounts.n; i++) {
		secrets |= cfg->accounts.v[i]->password != NULL;
		secrets |= cfg->accounts.v[i]->esmtppassword != NULL;
	}
	if (!secrets || strcmp(path, "-") == 0)
		return (0);
	if (st->st_uid != geteuid()) {
		log_warnx("%s holds passwords but is owned by uid %ld, not by "
		    "you (uid %ld); refusing to use it", path,
		    (long)st->st_uid, (long)geteuid());
		return (-1);
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("%s holds passwords but others may read it; run: "
		    "chmod 600 %s", path, path);
		return (-1);
	}
	return (0);
}

/* Does name select a (poll name, or an "aka" of it, any case)? */
static int
names_account(const struct account *a, const char *name)
{
	size_t	i;

	if (strcmp(a->name, name) == 0)
		return (1);
	for (i = 0; i < a->aka.n; i++) {
		if (strcasecmp(a->aka.v[i], name) == 0)
			return (1);
	}
	return (0);
}

/*
 * The accounts to poll: every active one, or those named on the command
 * line (skip entries too); an unknown name becomes a new account.
 */
static void
select_accounts(struct config *cfg, const struct cmdline *cl,
    struct account_list *out)
{
	struct account	*a;
	size_t		 i, n = cfg->accounts.n;
	int		 j, found, next_entry = 0;

	for (i = 0; i < n; i++) {
		if (cfg->accounts.v[i]->entry >= next_entry)
			next_entry = cfg->accounts.v[i]->entry + 1;
	}
	for (i = 0; cl->nservers == 0 && i < n; i++) {
		if (cfg->accounts.v[i]->active)
			account_list_add(out, cfg->accounts.v[i]);
	}
	for (j = 0; j < cl->nservers; j++) {
		found = 0;
		for (i = 0; i < n; i++) {
			if (names_account(cfg->accounts.v[i],
			    cl->servers[j])) {
				account_list_add(out, cfg->accounts.v[i]);
				found = 1;
			}
		}
		if (!found) {
			a = account_new(cl->servers[j]);
			a->entry = next_entry++;
			account_list_add(&cfg->accounts, a);
			account_list_add(out, a);
		}
	}
}

/* fetchmail's warnings about a finished configuration. */
static void
warn_config(const struct config *cfg)
{
	const struct account	*a;
	size_t			 i;

	for (i = 0; i < cfg->warnings.n; i++)
		log_warnx("%s", cfg->warnings.v[i]);
	for (i = 0; i < cfg->accounts.n; i++) {
		a = cfg->accounts.v[i];
		if (account_multidrop(a) && strcmp(a->envelope, "Received") ==
		    0 && a->active)
			log_warnx("%s:%d:%d: poll %s: multidrop (several local "
			    "names) reads recipients from the Received header; "
			    "set \"envelope\" to the header your server records "
			    "them in", a->rcfile != NULL ? a->rcfile :
			    "command line", a->line, a->col, a->name);
	}
}

static void
print_version(const struct config *cfg)
{
	printf("pullmail %s (%s)\n", PACKAGE_VERSION,
	    OpenSSL_version(OPENSSL_VERSION));
	settings_print(stdout, cfg);
}

/*
 * --probe: a poll name (or aka) from the rcfile, else HOST[:PORT] with
 * the protocol and TLS mode guessed from a well-known port.
 */
static int
run_probe(struct config *cfg, const struct cmdline *cl)
{
	struct account	*a = NULL;
	char		*host, *colon, *cause;
	size_t		 i;
	int		 rc;

	for (i = 0; i < cfg->accounts.n && a == NULL; i++) {
		if (names_account(cfg->accounts.v[i], cl->probe))
			a = cfg->accounts.v[i];
	}
	if (a == NULL) {
		host = xstrdup(cl->probe);
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
		if (colon != NULL) {
			a->service = xstrdup(colon);
			if (strcmp(colon, "110") == 0 ||
			    strcmp(colon, "995") == 0)
				a->proto = PROTO_POP3;
			if (strcmp(colon, "993") == 0 ||
			    strcmp(colon, "995") == 0)
				a->ssl = 1;
		}
		free(host);
		account_list_add(&cfg->accounts, a);
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

/* SIGTERM/SIGINT: finish what is in hand, then stop (IDLE ends now). */
static volatile int	stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
catch_stop_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: an IDLE wait must wake */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int
poll_accounts(struct account_list *polls, const struct config *cfg, int check)
{
	struct poll_opts	 o = { check, &stop_requested, cfg->statedir,
				    cfg->idfile, cfg->softbounce, cfg->spambounce,
				    cfg->bouncemail, cfg->postmaster };
	const char	*what;
	char		*cause;
	size_t		 i;
	int		 rc, result = PM_NOMAIL, any_ok = 0;

	for (i = 0; i < polls->n; i++) {
		if ((what = account_not_yet(polls->v[i])) != NULL) {
			log_warnx("%s:%d:%d: poll %s: %s is understood but not "
			    "carried out by this version of pullmail; not "
			    "polling this account rather than doing something "
			    "else with its mail", polls->v[i]->rcfile != NULL ?
			    polls->v[i]->rcfile : "command line",
			    polls->v[i]->line, polls->v[i]->col,
			    polls->v[i]->name, what);
			result = PM_SYNTAX;
			continue;
		}
		if (password_resolve(polls->v[i], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			result = PM_AUTHFAIL;
			continue;
		}
		if (account_sendable(polls->v[i], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			result = PM_SYNTAX;
			continue;
		}
		if (stop_requested)
			break;
		rc = session_poll(polls->v[i], &o);
		if (rc == PM_OK)
			any_ok = 1;
		result = rc;
	}
	return (any_ok ? PM_OK : result);
}

int
main(int argc, char **argv)
{
	struct cmdline		 cl;
	struct config		 cfg;
	struct account_list	 polls = { NULL, 0 };
	struct stat		 st;
	char			*rcpath = NULL, *rcdir = NULL, *buf, *cause;
	size_t			 len, i;
	int			 rc, result = PM_SYNTAX;

	signal(SIGPIPE, SIG_IGN);
	config_init(&cfg);
	if ((rc = cmdline_parse(&cl, argc, argv)) != -1) {
		cmdline_free(&cl);
		return (rc);
	}
	log_init(cl.verbose, cl.silent);

	rcpath = cl.rcfile != NULL ? xstrdup(cl.rcfile) : default_rcfile();
	rcdir = rcfile_dir(rcpath);
	buf = read_rcfile(rcpath, &len, &st);
	if (buf != NULL) {
		rc = rc_parse(rcpath, rcdir, buf, len, &cfg, &cause);
		explicit_bzero(buf, len);
		free(buf);
		if (rc != 0) {
			log_warnx("%s", cause);
			free(cause);
			goto out;
		}
		if (!cl.version && check_secrecy(rcpath, &st, &cfg) != 0) {
			result = PM_IOERR;
			goto out;
		}
	}
	config_override(&cfg, &cl.globals);
	config_finish(&cfg);
	if (cl.probe != NULL) {
		result = run_probe(&cfg, &cl);
		goto out;
	}
	select_accounts(&cfg, &cl, &polls);
	for (i = 0; i < cfg.accounts.n; i++) {
		account_override(cfg.accounts.v[i], cl.acct);
		if (account_finish(cfg.accounts.v[i], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			goto out;
		}
	}
	warn_config(&cfg);
	if (cl.configdump) {
		for (i = 0; i < cfg.accounts.n; i++)
			password_from_netrc(cfg.accounts.v[i]);
		configdump(stdout, &cfg);
		result = PM_OK;
		goto out;
	}
	if (cl.version) {
		print_version(&cfg);
		result = PM_OK;
		goto out;
	}
	if (cl.quit) {
		log_warnx("--quit is not available in this version of "
		    "pullmail (there is no daemon to stop)");
		goto out;
	}
	if (polls.n == 0) {
		log_warnx("no mail servers to poll (%s names none, and none "
		    "were given on the command line)", rcpath);
		goto out;
	}
	/* Read but not carried out yet: say so instead of pretending. */
	if (cfg.daemon > 0 && !cl.check)
		log_warnx("daemon mode (every %d seconds) is not available in "
		    "this version of pullmail; polling once", cfg.daemon);
	if (cfg.logfile != NULL || cfg.syslog == 1)
		log_warnx("%s is not available in this version of pullmail; "
		    "logging to standard error", cfg.logfile != NULL ?
		    "set logfile" : "set syslog");
	catch_stop_signals();
	result = poll_accounts(&polls, &cfg, cl.check);
out:
	free(polls.v);
	config_free(&cfg);
	cmdline_free(&cl);
	free(rcpath);
	free(rcdir);
	return (result);
}
