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
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/opensslv.h>

#include "account.h"
#include "bounds.h"
#include "config.h"
#include "log.h"
#include "rc_parse.h"
#include "result.h"
#include "session.h"
#include "xmalloc.h"

/* Values from the command line; TRI_UNSET / NULL where not given. */
struct cmdline {
	const char	*rcfile;
	int		 verbose;
	int		 silent;
	int		 keep;
	int		 fetchall;
	enum proto	 proto;
	int		 port;
	const char	*user;
	int		 ssl;
	const char	*sslproto;
	int		 sslcertck;
	const char	*sslcertfile;
	const char	*sslcertpath;
	const char	*sslcommonname;
	const char	*mda;
	const char	*smtphost;
	int		 timeout;
	const char	*folder;
};

enum {
	OPT_SSL = 256,
	OPT_SSLPROTO,
	OPT_SSLCERTCK,
	OPT_NOSSLCERTCK,
	OPT_SSLCERTFILE,
	OPT_SSLCERTPATH,
	OPT_SSLCOMMONNAME,
};

static const struct option longopts[] = {
	{ "fetchmailrc",	required_argument, NULL, 'f' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "silent",		no_argument,	   NULL, 's' },
	{ "keep",		no_argument,	   NULL, 'k' },
	{ "nokeep",		no_argument,	   NULL, 'K' },
	{ "all",		no_argument,	   NULL, 'a' },
	{ "fetchall",		no_argument,	   NULL, 'a' },
	{ "protocol",		required_argument, NULL, 'p' },
	{ "proto",		required_argument, NULL, 'p' },
	{ "service",		required_argument, NULL, 'P' },
	{ "port",		required_argument, NULL, 'P' },
	{ "username",		required_argument, NULL, 'u' },
	{ "timeout",		required_argument, NULL, 't' },
	{ "mda",		required_argument, NULL, 'm' },
	{ "smtphost",		required_argument, NULL, 'S' },
	{ "folder",		required_argument, NULL, 'r' },
	{ "ssl",		no_argument,	   NULL, OPT_SSL },
	{ "sslproto",		required_argument, NULL, OPT_SSLPROTO },
	{ "sslcertck",		no_argument,	   NULL, OPT_SSLCERTCK },
	{ "nosslcertck",	no_argument,	   NULL, OPT_NOSSLCERTCK },
	{ "sslcertfile",	required_argument, NULL, OPT_SSLCERTFILE },
	{ "sslcertpath",	required_argument, NULL, OPT_SSLCERTPATH },
	{ "sslcommonname",	required_argument, NULL, OPT_SSLCOMMONNAME },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: pullmail [options] [server ...]\n"
"  -f, --fetchmailrc FILE  run-control file (default ~/.pullmailrc,\n"
"                          else ~/.fetchmailrc; - reads standard input)\n"
"  -v, --verbose           more detail; twice for protocol traces\n"
"  -s, --silent            only errors\n"
"  -k, --keep / -K, --nokeep   leave / delete retrieved messages\n"
"  -a, --fetchall          fetch old messages too\n"
"  -p, --protocol PROTO    auto, pop3 or imap\n"
"  -P, --service PORT      server port\n"
"  -u, --username NAME     login name on the server\n"
"  -t, --timeout SECONDS   give up on a silent server\n"
"  -m, --mda COMMAND       deliver through this program (%%T, %%F)\n"
"  -S, --smtphost HOST[/PORT]  forward to this SMTP server\n"
"  -r, --folder NAME       IMAP folder\n"
"      --ssl               implicit TLS (ports 995/993)\n"
"      --sslproto PROTO    TLS floor: tls1.2+ (default), tls1.3+, ''...\n"
"      --sslcertck / --nosslcertck  verify the server certificate\n"
"      --sslcertfile FILE  trusted CA certificates (PEM)\n"
"      --sslcertpath DIR   trusted CA directory (hashed)\n"
"      --sslcommonname NAME  name the certificate must carry\n"
"  -V, --version           version and TLS library\n"
"  -h, --help              this text\n");
}

static int
parse_number(const char *s, const char *what, long long min, long long max)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		log_warnx("%s \"%s\" is %s", what, s, errstr);
		exit(PM_SYNTAX);
	}
	return ((int)v);
}

static enum proto
parse_proto(const char *s)
{
	if (strcasecmp(s, "pop3") == 0)
		return (PROTO_POP3);
	if (strcasecmp(s, "imap") == 0)
		return (PROTO_IMAP);
	if (strcasecmp(s, "auto") == 0)
		return (PROTO_AUTO);
	log_warnx("protocol \"%s\" is not supported (auto, pop3, imap)", s);
	exit(PM_SYNTAX);
}

static char *
default_rcfile(void)
{
	struct passwd	*pw;
	const char	*home;
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
	xasprintf(&path, "%s/.fetchmailrc", home);
	return (path);
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
	if (fd != STDIN_FILENO && !S_ISREG(st->st_mode)) {
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
static void
check_secrecy(const char *path, const struct stat *st,
    const struct config *cfg)
{
	size_t	i;
	int	secrets = 0;

	for (i = 0; i < cfg->accounts.n; i++)
		secrets |= cfg->accounts.v[i]->password != NULL;
	if (!secrets || strcmp(path, "-") == 0)
		return;
	if (st->st_uid != geteuid()) {
		log_warnx("%s holds passwords but is owned by uid %ld, not by "
		    "you (uid %ld); refusing to use it", path,
		    (long)st->st_uid, (long)geteuid());
		exit(PM_IOERR);
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("%s holds passwords but others may read it; run: "
		    "chmod 600 %s", path, path);
		exit(PM_IOERR);
	}
}

static void
apply_cmdline(struct account *a, const struct cmdline *cl)
{
	if (cl->keep != TRI_UNSET)
		a->keep = cl->keep;
	if (cl->fetchall != TRI_UNSET)
		a->fetchall = cl->fetchall;
	if (cl->proto != PROTO_UNSET)
		a->proto = cl->proto;
	if (cl->port != TRI_UNSET)
		a->port = cl->port;
	if (cl->user != NULL) {
		free(a->user);
		a->user = xstrdup(cl->user);
	}
	if (cl->ssl != TRI_UNSET)
		a->ssl = cl->ssl;
	if (cl->sslproto != NULL) {
		free(a->sslproto);
		a->sslproto = xstrdup(cl->sslproto);
	}
	if (cl->sslcertck != TRI_UNSET)
		a->sslcertck = cl->sslcertck;
#define CL_STR(f) do {							\
	if (cl->f != NULL) {						\
		free(a->f);						\
		a->f = xstrdup(cl->f);					\
	}								\
} while (0)
	CL_STR(sslcertfile);
	CL_STR(sslcertpath);
	CL_STR(sslcommonname);
	CL_STR(mda);
#undef CL_STR
	if (cl->smtphost != NULL) {
		strlist_free(&a->smtphosts);
		strlist_add(&a->smtphosts, cl->smtphost);
	}
	if (cl->folder != NULL) {
		strlist_free(&a->folders);
		strlist_add(&a->folders, cl->folder);
	}
	if (cl->timeout != TRI_UNSET)
		a->timeout = cl->timeout;
}

/* Accounts named on the command line: match poll names, or make new. */
static void
select_accounts(struct config *cfg, int argc, char **argv)
{
	struct account_list	 chosen = { NULL, 0 };
	size_t			 i;
	int			 j, found;

	if (argc == 0) {
		for (i = 0; i < cfg->accounts.n; i++) {
			if (!cfg->accounts.v[i]->active) {
				account_free(cfg->accounts.v[i]);
				cfg->accounts.v[i] = NULL;
			}
		}
		for (i = j = 0; i < cfg->accounts.n; i++) {
			if (cfg->accounts.v[i] != NULL)
				cfg->accounts.v[j++] = cfg->accounts.v[i];
		}
		cfg->accounts.n = j;
		return;
	}
	for (j = 0; j < argc; j++) {
		found = 0;
		for (i = 0; i < cfg->accounts.n; i++) {
			if (cfg->accounts.v[i] != NULL &&
			    strcmp(cfg->accounts.v[i]->name, argv[j]) == 0) {
				chosen.v = xreallocarray(chosen.v, chosen.n + 1,
				    sizeof(*chosen.v));
				chosen.v[chosen.n++] = cfg->accounts.v[i];
				cfg->accounts.v[i] = NULL;
				found = 1;
			}
		}
		if (!found) {
			chosen.v = xreallocarray(chosen.v, chosen.n + 1,
			    sizeof(*chosen.v));
			chosen.v[chosen.n++] = account_new(argv[j]);
		}
	}
	for (i = 0; i < cfg->accounts.n; i++)
		account_free(cfg->accounts.v[i]);
	free(cfg->accounts.v);
	cfg->accounts = chosen;
}

int
main(int argc, char **argv)
{
	struct cmdline	 cl;
	struct config	 cfg;
	struct stat	 st;
	char		*rcpath, *buf, *cause;
	size_t		 len, i;
	int		 ch, rc, result = PM_NOMAIL, any_ok = 0;

	signal(SIGPIPE, SIG_IGN);
	memset(&cl, 0, sizeof(cl));
	cl.keep = cl.fetchall = cl.port = cl.ssl = cl.sslcertck = TRI_UNSET;
	cl.timeout = TRI_UNSET;
	while ((ch = getopt_long(argc, argv, "f:vskKap:P:u:t:m:S:r:Vh",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			cl.rcfile = optarg;
			break;
		case 'v':
			cl.verbose++;
			break;
		case 's':
			cl.silent = 1;
			break;
		case 'k':
			cl.keep = 1;
			break;
		case 'K':
			cl.keep = 0;
			break;
		case 'a':
			cl.fetchall = 1;
			break;
		case 'p':
			cl.proto = parse_proto(optarg);
			break;
		case 'P':
			cl.port = parse_number(optarg, "port", 1, 65535);
			break;
		case 'u':
			cl.user = optarg;
			break;
		case 't':
			cl.timeout = parse_number(optarg, "timeout", 0,
			    INT_MAX);
			break;
		case 'm':
			cl.mda = optarg;
			break;
		case 'S':
			cl.smtphost = optarg;
			break;
		case 'r':
			cl.folder = optarg;
			break;
		case OPT_SSL:
			cl.ssl = 1;
			break;
		case OPT_SSLPROTO:
			cl.sslproto = optarg;
			break;
		case OPT_SSLCERTCK:
			cl.sslcertck = 1;
			break;
		case OPT_NOSSLCERTCK:
			cl.sslcertck = 0;
			break;
		case OPT_SSLCERTFILE:
			cl.sslcertfile = optarg;
			break;
		case OPT_SSLCERTPATH:
			cl.sslcertpath = optarg;
			break;
		case OPT_SSLCOMMONNAME:
			cl.sslcommonname = optarg;
			break;
		case 'V':
			printf("pullmail %s, %s\n", PACKAGE_VERSION,
			    OPENSSL_VERSION_TEXT);
			return (PM_OK);
		case 'h':
			usage(stdout);
			return (PM_OK);
		default:
			usage(stderr);
			return (PM_SYNTAX);
		}
	}
	argc -= optind;
	argv += optind;
	log_init(cl.verbose, cl.silent);

	rcpath = cl.rcfile != NULL ? xstrdup(cl.rcfile) : default_rcfile();
	config_init(&cfg);
	buf = read_rcfile(rcpath, &len, &st);
	if (buf != NULL) {
		rc = rc_parse(rcpath, buf, len, &cfg, &cause);
		explicit_bzero(buf, len);
		free(buf);
		if (rc != 0) {
			log_warnx("%s", cause);
			free(cause);
			result = PM_SYNTAX;
			goto out;
		}
		check_secrecy(rcpath, &st, &cfg);
	}
	select_accounts(&cfg, argc, argv);
	if (cfg.accounts.n == 0) {
		log_warnx("no mail servers to poll (%s names none, and none "
		    "were given on the command line)", rcpath);
		result = PM_SYNTAX;
		goto out;
	}
	for (i = 0; i < cfg.accounts.n; i++) {
		apply_cmdline(cfg.accounts.v[i], &cl);
		if (account_finish(cfg.accounts.v[i], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			result = PM_SYNTAX;
			goto out;
		}
	}
	for (i = 0; i < cfg.accounts.n; i++) {
		rc = session_poll(cfg.accounts.v[i]);
		if (rc == PM_OK)
			any_ok = 1;
		result = rc;
	}
out:
	config_free(&cfg);
	free(rcpath);
	return (any_ok ? PM_OK : result);
}
