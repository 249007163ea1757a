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
#include "optable.h"
#include "result.h"
#include "xmalloc.h"

/* Long options without a letter; the option table's come after. */
enum {
	OPT_CONFIGDUMP = 256, OPT_PROBE, OPT_STATUS, OPT_JSON,
	OPT_ROW = 512,		/* + 2 * row, + 1 for the "no" form */
};

/* Modes: what to do, not how (the settings are in the option table). */
static const char modeshort[] = "?hVcsvNqf:";
static const struct option modeopts[] = {
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "check",		no_argument,	   NULL, 'c' },
	{ "silent",		no_argument,	   NULL, 's' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "nodetach",		no_argument,	   NULL, 'N' },
	{ "quit",		no_argument,	   NULL, 'q' },
	{ "fetchmailrc",	required_argument, NULL, 'f' },
	{ "configdump",		no_argument,	   NULL, OPT_CONFIGDUMP },
	{ "status",		no_argument,	   NULL, OPT_STATUS },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "probe",		required_argument, NULL, OPT_PROBE },
};

#define CL_LONG_MAX	192	/* long options, modes and settings */

static struct option	longopts[CL_LONG_MAX];
static char		shortopts[CL_LONG_MAX];

static int
cl_has_arg(const struct opt *o)
{
	return (o->kind != OK_FLAG || (o->flags & OF_OWN_CL));
}

static void
cl_long_add(size_t *n, const char *name, size_t len, int has_arg, int val)
{
	if (*n + 1 >= nitems(longopts))
		abort();	/* CL_LONG_MAX is too small for the table */
	longopts[*n].name = xstrndup(name, len);
	longopts[*n].has_arg = has_arg ? required_argument : no_argument;
	longopts[*n].flag = NULL;
	longopts[*n].val = val;
	(*n)++;
}

/* Every space-separated name of names, as a long option. */
static void
cl_long_names(size_t *n, const char *names, int has_arg, int val)
{
	const char	*end;

	while (names != NULL && *names != '\0') {
		end = strchrnul(names, ' ');
		cl_long_add(n, names, end - names, has_arg, val);
		names = *end == ' ' ? end + 1 : end;
	}
}

static void
cl_short_add(size_t *len, int letter, int has_arg)
{
	if (letter == 0)
		return;
	if (*len + 3 >= sizeof(shortopts))
		abort();
	shortopts[(*len)++] = (char)letter;
	if (has_arg)
		shortopts[(*len)++] = ':';
}

/* getopt's tables: the modes, then each row's names. */
static void
cl_tables(void)
{
	const struct opt	*o;
	size_t			 i, n = 0, len;

	if (longopts[0].name != NULL)
		return;
	for (i = 0; i < nitems(modeopts); i++)
		longopts[n++] = modeopts[i];
	len = strlcpy(shortopts, modeshort, sizeof(shortopts));
	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		cl_long_names(&n, o->cl, cl_has_arg(o), OPT_ROW + 2 * (int)i);
		cl_long_names(&n, o->cl_no, 0, OPT_ROW + 2 * (int)i + 1);
		cl_short_add(&len, o->cl_short, cl_has_arg(o));
		cl_short_add(&len, o->cl_noshort, 0);
	}
}

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

static int
cl_port(struct account *a, const char *arg)
{
	int	port;

	if (cl_number("--port", arg, 1, 65535, &port) != 0)
		return (-1);
	free(a->service);
	xasprintf(&a->service, "%d", port);
	return (0);
}

static int
cl_badheader(struct account *a, const char *arg)
{
	if (strcmp(arg, "accept") == 0)
		a->badheader = 1;
	else if (strcmp(arg, "reject") == 0)
		a->badheader = 0;
	else {
		fprintf(stderr, "pullmail: --bad-header takes accept or "
		    "reject, not \"%s\"\n", arg);
		return (-1);
	}
	return (0);
}

/* The value of row o into cl; -1 on a bad argument. */
static int
cl_row(struct cmdline *cl, const struct opt *o, int negated, const char *arg)
{
	void	*rec = o->scope == OS_SET ? (void *)&cl->globals : cl->acct;
	char	 name[64];

	switch (o->flags & OF_OWN_CL ? o->kw : KW_OPTION) {
	case KW_PROTO: return (cl_proto(cl->acct, arg));
	case KW_AUTH: return (cl_auth(cl->acct, arg));
	case KW_PORT: return (cl_port(cl->acct, arg));
	case KW_BADHEADER: return (cl_badheader(cl->acct, arg));
	case KW_MDA: return (cl_mda(cl->acct, arg));
	case KW_ANTISPAM: return (cl_antispam(cl->acct, arg));
	default: break;
	}
	switch (o->kind) {
	case OK_FLAG:
		*OPT_FIELD(rec, o, int) = !negated;
		return (0);
	case OK_INT:
		snprintf(name, sizeof(name), "--%.*s", (int)strcspn(o->cl, " "),
		    o->cl);
		return (cl_number(name, arg, o->min, o->max,
		    OPT_FIELD(rec, o, int)));
	case OK_STR:
	case OK_SECRET:
		cl_str(OPT_FIELD(rec, o, char *), arg);
		return (0);
	case OK_PATH:
		cl_path(OPT_FIELD(rec, o, char *), arg);
		return (0);
	case OK_LIST:
		cl_list(OPT_FIELD(rec, o, struct strlist), arg);
		return (0);
	case OK_ENUM:
		break;
	}
	return (-1);
}

/* The row a getopt value stands for, or NULL. */
static const struct opt *
cl_row_of(int ch, int *negated)
{
	size_t	i;

	*negated = 0;
	if (ch >= OPT_ROW && (size_t)(ch - OPT_ROW) / 2 < optable_n) {
		*negated = (ch - OPT_ROW) % 2;
		return (&optable[(ch - OPT_ROW) / 2]);
	}
	for (i = 0; ch > 0 && ch < OPT_CONFIGDUMP && i < optable_n; i++) {
		if (optable[i].cl_short == ch)
			return (&optable[i]);
		if (optable[i].cl_noshort == ch) {
			*negated = 1;
			return (&optable[i]);
		}
	}
	return (NULL);
}

/* One option into cl; -1 on a bad argument. */
static int
cl_option(struct cmdline *cl, int ch, const char *arg, int *sinks)
{
	const struct opt	*o;
	int			 negated;

	switch (ch) {
	case 'V': cl->version = 1; return (0);
	case 'c': cl->check = 1; return (0);
	case 's': cl->silent = 1; return (0);
	case 'v': cl->verbose++; return (0);
	case 'N': cl->nodetach = 1; return (0);
	case 'q': cl->quit = 1; return (0);
	case 'f': cl->rcfile = arg; return (0);
	case OPT_CONFIGDUMP: cl->configdump = 1; return (0);
	case OPT_PROBE: cl->probe = arg; return (0);
	case OPT_STATUS: cl->status = 1; return (0);
	case OPT_JSON: cl->json = 1; return (0);
	default: break;
	}
	if ((o = cl_row_of(ch, &negated)) == NULL)
		return (-1);
	if (o->kw == KW_SMTPHOST || o->kw == KW_MDA || o->kw == KW_BSMTP)
		(*sinks)++;
	return (cl_row(cl, o, negated, arg));
}

int
cmdline_parse(struct cmdline *cl, int argc, char **argv)
{
	int	ch, sinks = 0;

	memset(cl, 0, sizeof(*cl));
	cl->acct = account_new("");
	config_init(&cl->globals);
	cl_tables();
	optind = 0;	/* glibc: start over, forgetting any earlier parse */
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		if (ch == 'h' || (ch == '?' &&
		    strcmp(argv[optind - 1], "-?") == 0)) {
			cmdline_usage(stdout);
			return (PM_OK);
		}
		if (cl_option(cl, ch, optarg, &sinks) != 0) {
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
