/*
 * cmdline.c -- fetchmail's options, with its meanings.
 *
 * Numbers go through strtol(base 0) as fetchmail's do (010 is octal,
 * 0x10 hex), but trailing garbage, overflow and negative values are usage
 * errors.  List options take comma-separated values.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmdline.h"
#include "mda_argv.h"
#include "result.h"
#include "xmalloc.h"

enum {
	OPT_SSL = 256, OPT_SSLKEY, OPT_SSLCERT, OPT_SSLPROTO, OPT_SSLCERTCK,
	OPT_NOSSLCERTCK, OPT_SSLCERTFILE, OPT_SSLCERTPATH, OPT_SSLCOMMONNAME,
	OPT_SSLFINGERPRINT, OPT_SSLCRLFILE, OPT_SYSLOG, OPT_NOSYSLOG,
	OPT_INVISIBLE, OPT_SHOWDOTS, OPT_PIDFILE, OPT_POSTMASTER,
	OPT_NOBOUNCE, OPT_SOFTBOUNCE, OPT_NOSOFTBOUNCE, OPT_IDLE, OPT_PORT,
	OPT_AUTH, OPT_BADHEADER, OPT_PRINCIPAL, OPT_TRACEPOLLS, OPT_PLUGIN,
	OPT_PLUGOUT, OPT_LIMITFLUSH, OPT_FETCHDOMAINS, OPT_SMTPNAME,
	OPT_FETCHSIZELIMIT, OPT_FASTUIDL, OPT_BSMTP, OPT_LMTP, OPT_CONFIGDUMP,
	OPT_MAILDIR, OPT_MBOX, OPT_MDAUSER, OPT_JOBS, OPT_CONNLIMIT, OPT_DEADLINE, OPT_STATEDIR, OPT_PROBE,
	OPT_STATUS, OPT_JSON,
};

static const char shortopts[] =
    "?hVcsvd:NqL:f:i:p:UP:t:E:Q:I:M:u:akKFnl:w:r:S:D:Z:b:B:e:m:";

static const struct option longopts[] = {
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "check",		no_argument,	   NULL, 'c' },
	{ "silent",		no_argument,	   NULL, 's' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "daemon",		required_argument, NULL, 'd' },
	{ "nodetach",		no_argument,	   NULL, 'N' },
	{ "quit",		no_argument,	   NULL, 'q' },
	{ "logfile",		required_argument, NULL, 'L' },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "nosyslog",		no_argument,	   NULL, OPT_NOSYSLOG },
	{ "invisible",		no_argument,	   NULL, OPT_INVISIBLE },
	{ "showdots",		no_argument,	   NULL, OPT_SHOWDOTS },
	{ "fetchmailrc",	required_argument, NULL, 'f' },
	{ "idfile",		required_argument, NULL, 'i' },
	{ "pidfile",		required_argument, NULL, OPT_PIDFILE },
	{ "postmaster",		required_argument, NULL, OPT_POSTMASTER },
	{ "nobounce",		no_argument,	   NULL, OPT_NOBOUNCE },
	{ "softbounce",		no_argument,	   NULL, OPT_SOFTBOUNCE },
	{ "nosoftbounce",	no_argument,	   NULL, OPT_NOSOFTBOUNCE },
	{ "protocol",		required_argument, NULL, 'p' },
	{ "proto",		required_argument, NULL, 'p' },
	{ "uidl",		no_argument,	   NULL, 'U' },
	{ "idle",		no_argument,	   NULL, OPT_IDLE },
	{ "service",		required_argument, NULL, 'P' },
	{ "port",		required_argument, NULL, OPT_PORT },
	{ "auth",		required_argument, NULL, OPT_AUTH },
	{ "timeout",		required_argument, NULL, 't' },
	{ "envelope",		required_argument, NULL, 'E' },
	{ "qvirtual",		required_argument, NULL, 'Q' },
	{ "bad-header",		required_argument, NULL, OPT_BADHEADER },
	{ "principal",		required_argument, NULL, OPT_PRINCIPAL },
	{ "tracepolls",		no_argument,	   NULL, OPT_TRACEPOLLS },
	{ "interface",		required_argument, NULL, 'I' },
	{ "monitor",		required_argument, NULL, 'M' },
	{ "plugin",		required_argument, NULL, OPT_PLUGIN },
	{ "plugout",		required_argument, NULL, OPT_PLUGOUT },
	{ "user",		required_argument, NULL, 'u' },
	{ "username",		required_argument, NULL, 'u' },
	{ "all",		no_argument,	   NULL, 'a' },
	{ "fetchall",		no_argument,	   NULL, 'a' },
	{ "keep",		no_argument,	   NULL, 'k' },
	{ "nokeep",		no_argument,	   NULL, 'K' },
	{ "flush",		no_argument,	   NULL, 'F' },
	{ "limitflush",		no_argument,	   NULL, OPT_LIMITFLUSH },
	{ "norewrite",		no_argument,	   NULL, 'n' },
	{ "limit",		required_argument, NULL, 'l' },
	{ "warnings",		required_argument, NULL, 'w' },
	{ "folder",		required_argument, NULL, 'r' },
	{ "smtphost",		required_argument, NULL, 'S' },
	{ "fetchdomains",	required_argument, NULL, OPT_FETCHDOMAINS },
	{ "smtpaddress",	required_argument, NULL, 'D' },
	{ "smtpname",		required_argument, NULL, OPT_SMTPNAME },
	{ "antispam",		required_argument, NULL, 'Z' },
	{ "batchlimit",		required_argument, NULL, 'b' },
	{ "fetchlimit",		required_argument, NULL, 'B' },
	{ "fetchsizelimit",	required_argument, NULL, OPT_FETCHSIZELIMIT },
	{ "fastuidl",		required_argument, NULL, OPT_FASTUIDL },
	{ "expunge",		required_argument, NULL, 'e' },
	{ "mda",		required_argument, NULL, 'm' },
	{ "bsmtp",		required_argument, NULL, OPT_BSMTP },
	{ "lmtp",		no_argument,	   NULL, OPT_LMTP },
	{ "ssl",		no_argument,	   NULL, OPT_SSL },
	{ "sslkey",		required_argument, NULL, OPT_SSLKEY },
	{ "sslcert",		required_argument, NULL, OPT_SSLCERT },
	{ "sslproto",		required_argument, NULL, OPT_SSLPROTO },
	{ "sslcertck",		no_argument,	   NULL, OPT_SSLCERTCK },
	{ "nosslcertck",	no_argument,	   NULL, OPT_NOSSLCERTCK },
	{ "sslcertfile",	required_argument, NULL, OPT_SSLCERTFILE },
	{ "sslcertpath",	required_argument, NULL, OPT_SSLCERTPATH },
	{ "sslcommonname",	required_argument, NULL, OPT_SSLCOMMONNAME },
	{ "sslfingerprint",	required_argument, NULL, OPT_SSLFINGERPRINT },
	{ "sslcrlfile",		required_argument, NULL, OPT_SSLCRLFILE },
	{ "maildir",		required_argument, NULL, OPT_MAILDIR },
	{ "mbox",		required_argument, NULL, OPT_MBOX },
	{ "mdauser",		required_argument, NULL, OPT_MDAUSER },
	{ "jobs",		required_argument, NULL, OPT_JOBS },
	{ "connlimit",		required_argument, NULL, OPT_CONNLIMIT },
	{ "deadline",		required_argument, NULL, OPT_DEADLINE },
	{ "statedir",		required_argument, NULL, OPT_STATEDIR },
	{ "configdump",		no_argument,	   NULL, OPT_CONFIGDUMP },
	{ "status",		no_argument,	   NULL, OPT_STATUS },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "probe",		required_argument, NULL, OPT_PROBE },
	{ NULL,			0,		   NULL, 0 }
};

void
cmdline_usage(FILE *f)
{
	fputs(
"usage: pullmail [options] [server ...]\n"
"Modes:\n"
"  -?, --help             this text\n"
"  -V, --version          version, TLS library and the effective settings\n"
"      --configdump       print the configuration as fetchmail does, exit\n"
"      --probe HOST[:PORT]|NAME  check a server's TLS, log in nowhere\n"
"      --status [--json]  each account's last poll, failures, next poll\n"
"  -c, --check            count waiting mail, change nothing\n"
"  -d, --daemon N         poll every N seconds;  -N, --nodetach  stay in\n"
"                         the foreground;  -q, --quit  stop the daemon\n"
"  -s, --silent / -v, --verbose (twice: protocol traces, secrets masked)\n"
"Files and logging:\n"
"  -f, --fetchmailrc FILE run-control file (default ~/.pullmailrc, else\n"
"                         ~/.fetchmailrc; - reads standard input)\n"
"  -i, --idfile FILE  --pidfile FILE  --statedir DIR  --jobs N\n"
"  --connlimit N (connections to one server at once)\n"
"  --deadline SECONDS (a poll that takes longer is stopped)\n"
"  -L, --logfile FILE  --syslog  --nosyslog  --invisible  --showdots\n"
"  --postmaster NAME  --nobounce  --softbounce  --nosoftbounce\n"
"Server (every account):\n"
"  -p, --protocol P       auto, pop3, imap, apop, rpop, kpop, sdps, etrn,\n"
"                         odmr;  -P, --service S;  --port N\n"
"  --auth TYPE  -t, --timeout N  -U, --uidl  --idle  -E, --envelope H\n"
"  -Q, --qvirtual P  --bad-header accept|reject  --principal P\n"
"  --tracepolls  -I, --interface IF/IP[/MASK]  -M, --monitor IF\n"
"  --plugin CMD  --plugout CMD\n"
"TLS:\n"
"  --ssl  --sslproto P (tls1.2+ by default; '' for plain text)\n"
"  --sslcertck  --nosslcertck  --sslcertfile F  --sslcertpath D\n"
"  --sslcrlfile F  --sslcommonname N  --sslfingerprint FP  --sslcert F\n"
"  --sslkey F\n"
"Retrieval and delivery:\n"
"  -u, --username NAME  -a, --fetchall  -k, --keep  -K, --nokeep\n"
"  -F, --flush  --limitflush  -n, --norewrite  -l, --limit N\n"
"  -w, --warnings N  -r, --folder A,B  -B, --fetchlimit N\n"
"  --fetchsizelimit N  --fastuidl N  -e, --expunge N  -b, --batchlimit N\n"
"  -S, --smtphost H[/PORT],...  --fetchdomains A,B  -D, --smtpaddress D\n"
"  --smtpname ADDR  -Z, --antispam N,...  --lmtp\n"
"  -m, --mda CMD  --bsmtp FILE  --maildir DIR  --mbox FILE\n"
"See pullmail(1) and pullmailrc(5).\n", f);
}

/* fetchmail's strtol(base 0) numbers, refusing garbage and negatives. */
static int
cl_number(const char *opt, const char *s, long min, long max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || v < min ||
	    v > max) {
		fprintf(stderr, "pullmail: %s needs a number from %ld to %ld, "
		    "not \"%s\"\n", opt, min, max, s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

static void
cl_str(char **to, const char *s)
{
	free(*to);
	*to = xstrdup(s);
}

static int
cl_mda(struct account *a, const char *s)
{
	char	*why = NULL;

	if (mda_check(s, &why) != 0) {
		fprintf(stderr, "pullmail: --mda: %s\n", why);
		free(why);
		return (-1);
	}
	cl_str(&a->mda, s);
	return (0);
}

/* A file name: relative ones are taken from the current directory. */
static void
cl_path(char **to, const char *s)
{
	char	cwd[PATH_MAX];

	free(*to);
	if (*s != '/' && strcmp(s, "-") != 0 && *s != '\0' &&
	    getcwd(cwd, sizeof(cwd)) != NULL)
		xasprintf(to, "%s/%s", cwd, s);
	else
		*to = xstrdup(s);
}

static void
cl_list(struct strlist *l, const char *s)
{
	strlist_free(l);
	strlist_split(l, s);
}

static int
cl_proto(struct account *a, const char *s)
{
	static const struct {
		const char	*name;
		enum proto	 proto;
	} protos[] = {
		{ "auto", PROTO_AUTO }, { "pop2", PROTO_POP2 },
		{ "pop3", PROTO_POP3 }, { "imap", PROTO_IMAP },
		{ "apop", PROTO_APOP }, { "rpop", PROTO_RPOP },
		{ "sdps", PROTO_SDPS }, { "etrn", PROTO_ETRN },
		{ "odmr", PROTO_ODMR }, { "kpop", PROTO_KPOP },
	};
	size_t	i;

	for (i = 0; i < nitems(protos); i++) {
		if (strcasecmp(s, protos[i].name) != 0)
			continue;
		a->proto = protos[i].proto;
		if (a->proto == PROTO_KPOP) {
			a->proto = PROTO_POP3;
			cl_str(&a->service, "kpop");
		}
		return (0);
	}
	fprintf(stderr, "pullmail: unknown protocol \"%s\"\n", s);
	return (-1);
}

static int
cl_auth(struct account *a, const char *s)
{
	static const struct {
		const char	*name;
		enum auth	 auth;
	} auths[] = {
		{ "any", AUTH_ANY }, { "password", AUTH_PASSWORD },
		{ "kerberos", AUTH_KERBEROS_V5 },	/* V5 here, as fetchmail */
		{ "kerberos_v5", AUTH_KERBEROS_V5 },
		{ "kerberos5", AUTH_KERBEROS_V5 },
		{ "kerberos_v4", AUTH_KERBEROS_V4 },
		{ "kerberos4", AUTH_KERBEROS_V4 },
		{ "gssapi", AUTH_GSSAPI }, { "cram-md5", AUTH_CRAM_MD5 },
		{ "cram", AUTH_CRAM_MD5 }, { "otp", AUTH_OTP },
		{ "opie", AUTH_OTP }, { "ntlm", AUTH_NTLM },
		{ "msn", AUTH_MSN }, { "ssh", AUTH_SSH },
		{ "scram-sha-1", AUTH_SCRAM_SHA_1 },
		{ "scram-sha-256", AUTH_SCRAM_SHA_256 },
		{ "xoauth2", AUTH_XOAUTH2 }, { "oauthbearer", AUTH_OAUTHBEARER },
	};
	size_t	i;

	if (strcasecmp(s, "external") == 0) {
		a->auth = AUTH_EXTERNAL;
		return (0);
	}
	for (i = 0; i < nitems(auths); i++) {
		if (strcmp(s, auths[i].name) == 0) {
			a->auth = auths[i].auth;
			return (0);
		}
	}
	fprintf(stderr, "pullmail: unknown authentication \"%s\"\n", s);
	return (-1);
}

static int
cl_antispam(struct account *a, const char *s)
{
	struct strlist	 l = { NULL, 0 };
	char		 buf[16];
	size_t		 i;
	int		 v, rc = 0;

	strlist_split(&l, s);
	strlist_free(&a->antispam);
	for (i = 0; i < l.n && rc == 0; i++) {
		if (strcmp(l.v[i], "-1") == 0)
			v = -1;
		else if ((rc = cl_number("--antispam", l.v[i], 0, 999,
		    &v)) != 0)
			break;
		snprintf(buf, sizeof(buf), "%d", v);
		strlist_add(&a->antispam, buf);
	}
	strlist_free(&l);
	return (rc);
}

/* One option into cl; -1 on a bad argument. */
static int
cl_option(struct cmdline *cl, int ch, const char *arg)
{
	struct account	*a = cl->acct;
	struct config	*g = &cl->globals;

	switch (ch) {
	case 'V': cl->version = 1; return (0);
	case 'c': cl->check = 1; return (0);
	case 's': cl->silent = 1; return (0);
	case 'v': cl->verbose++; return (0);
	case 'N': cl->nodetach = 1; return (0);
	case 'q': cl->quit = 1; return (0);
	case OPT_CONFIGDUMP: cl->configdump = 1; return (0);
	case OPT_PROBE: cl->probe = arg; return (0);
	case OPT_STATUS: cl->status = 1; return (0);
	case OPT_JSON: cl->json = 1; return (0);
	case 'f': cl->rcfile = arg; return (0);
	case 'd': return (cl_number("--daemon", arg, 0, INT_MAX, &g->daemon));
	case 'L': cl_path(&g->logfile, arg); return (0);
	case OPT_SYSLOG: g->syslog = 1; return (0);
	case OPT_NOSYSLOG: g->syslog = 0; return (0);
	case OPT_INVISIBLE: g->invisible = 1; return (0);
	case OPT_SHOWDOTS: g->showdots = 1; return (0);
	case 'i': cl_path(&g->idfile, arg); return (0);
	case OPT_PIDFILE: cl_path(&g->pidfile, arg); return (0);
	case OPT_STATEDIR: cl_path(&g->statedir, arg); return (0);
	case OPT_JOBS: return (cl_number("--jobs", arg, 1, 1000, &g->jobs));
	case OPT_CONNLIMIT: return (cl_number("--connlimit", arg, 1, 1000,
	    &g->connlimit));
	case OPT_DEADLINE: return (cl_number("--deadline", arg, 0, INT_MAX,
	    &g->deadline));
	case OPT_POSTMASTER: cl_str(&g->postmaster, arg); return (0);
	case OPT_NOBOUNCE: g->bouncemail = 0; return (0);
	case OPT_SOFTBOUNCE: g->softbounce = 1; return (0);
	case OPT_NOSOFTBOUNCE: g->softbounce = 0; return (0);
	case 'p': return (cl_proto(a, arg));
	case 'U': a->uidl = 1; return (0);
	case OPT_IDLE: a->idle = 1; return (0);
	case 'P': cl_str(&a->service, arg); return (0);
	case OPT_PORT: {
		int	port;

		if (cl_number("--port", arg, 1, 65535, &port) != 0)
			return (-1);
		free(a->service);
		xasprintf(&a->service, "%d", port);
		return (0);
	}
	case OPT_AUTH: return (cl_auth(a, arg));
	case 't': return (cl_number("--timeout", arg, 0, INT_MAX,
	    &a->timeout));
	case 'E': cl_str(&a->envelope, arg); return (0);
	case 'Q': cl_str(&a->qvirtual, arg); return (0);
	case OPT_BADHEADER:
		if (strcmp(arg, "accept") == 0)
			a->badheader = 1;
		else if (strcmp(arg, "reject") == 0)
			a->badheader = 0;
		else {
			fprintf(stderr, "pullmail: --bad-header takes accept "
			    "or reject, not \"%s\"\n", arg);
			return (-1);
		}
		return (0);
	case OPT_PRINCIPAL: cl_str(&a->principal, arg); return (0);
	case OPT_TRACEPOLLS: a->tracepolls = 1; return (0);
	case 'I': cl_str(&a->interface, arg); return (0);
	case 'M': cl_str(&a->monitor, arg); return (0);
	case OPT_PLUGIN: cl_str(&a->plugin, arg); return (0);
	case OPT_PLUGOUT: cl_str(&a->plugout, arg); return (0);
	case 'u': cl_str(&a->user, arg); return (0);
	case 'a': a->fetchall = 1; return (0);
	case 'k': a->keep = 1; return (0);
	case 'K': a->keep = 0; return (0);
	case 'F': a->flush = 1; return (0);
	case OPT_LIMITFLUSH: a->limitflush = 1; return (0);
	case 'n': a->rewrite = 0; return (0);
	case 'l': return (cl_number("--limit", arg, 0, INT_MAX, &a->limit));
	case 'w': return (cl_number("--warnings", arg, 0, INT_MAX,
	    &a->warnings));
	case 'r': cl_list(&a->folders, arg); return (0);
	case 'S': cl_list(&a->smtphosts, arg); return (0);
	case OPT_FETCHDOMAINS: cl_list(&a->fetchdomains, arg); return (0);
	case 'D': cl_str(&a->smtpaddress, arg); return (0);
	case OPT_SMTPNAME: cl_str(&a->smtpname, arg); return (0);
	case 'Z': return (cl_antispam(a, arg));
	case 'b': return (cl_number("--batchlimit", arg, 0, INT_MAX,
	    &a->batchlimit));
	case 'B': return (cl_number("--fetchlimit", arg, 0, INT_MAX,
	    &a->fetchlimit));
	case OPT_FETCHSIZELIMIT: return (cl_number("--fetchsizelimit", arg,
	    0, INT_MAX, &a->fetchsizelimit));
	case OPT_FASTUIDL: return (cl_number("--fastuidl", arg, 0, INT_MAX,
	    &a->fastuidl));
	case 'e': return (cl_number("--expunge", arg, 0, INT_MAX,
	    &a->expunge));
	case 'm': return (cl_mda(a, arg));
	case OPT_BSMTP: cl_path(&a->bsmtp, arg); return (0);
	case OPT_MAILDIR: cl_path(&a->maildir, arg); return (0);
	case OPT_MBOX: cl_path(&a->mbox, arg); return (0);
	case OPT_MDAUSER: cl_str(&a->mdauser, arg); return (0);
	case OPT_LMTP: a->lmtp = 1; return (0);
	case OPT_SSL: a->ssl = 1; return (0);
	case OPT_SSLKEY: cl_path(&a->sslkey, arg); return (0);
	case OPT_SSLCERT: cl_path(&a->sslcert, arg); return (0);
	case OPT_SSLPROTO: cl_str(&a->sslproto, arg); return (0);
	case OPT_SSLCERTCK: a->sslcertck = 1; return (0);
	case OPT_NOSSLCERTCK: a->sslcertck = 0; return (0);
	case OPT_SSLCERTFILE: cl_path(&a->sslcertfile, arg); return (0);
	case OPT_SSLCERTPATH: cl_path(&a->sslcertpath, arg); return (0);
	case OPT_SSLCRLFILE: cl_path(&a->sslcrlfile, arg); return (0);
	case OPT_SSLCOMMONNAME: cl_str(&a->sslcommonname, arg); return (0);
	case OPT_SSLFINGERPRINT: cl_list(&a->sslfingerprints, arg); return (0);
	default:
		return (-1);
	}
}

int
cmdline_parse(struct cmdline *cl, int argc, char **argv)
{
	int	ch, sinks = 0;

	memset(cl, 0, sizeof(*cl));
	cl->acct = account_new("");
	config_init(&cl->globals);
	optind = 0;	/* glibc: start over, forgetting any earlier parse */
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		if (ch == 'h' || (ch == '?' &&
		    strcmp(argv[optind - 1], "-?") == 0)) {
			cmdline_usage(stdout);
			return (PM_OK);
		}
		if (ch == 'S' || ch == 'm' || ch == OPT_BSMTP)
			sinks++;
		if (cl_option(cl, ch, optarg) != 0) {
			cmdline_usage(stderr);
			return (PM_SYNTAX);
		}
	}
	if (sinks > 1) {
		fprintf(stderr, "pullmail: give at most one of --smtphost, "
		    "--mda and --bsmtp\n");
		return (PM_SYNTAX);
	}
	if (cl->json && !cl->status) {
		fprintf(stderr, "pullmail: --json goes with --status\n");
		return (PM_SYNTAX);
	}
	cl->servers = argv + optind;
	cl->nservers = argc - optind;
	return (-1);
}

void
cmdline_free(struct cmdline *cl)
{
	account_free(cl->acct);
	config_free(&cl->globals);
	cl->acct = NULL;
}
