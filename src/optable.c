/*
 * optable.c -- every option of the rcfile and of the command line.
 *
 * Rows of one scope are in --configdump order (fetchmail's key order,
 * then pullmail's own keys); rows without a dump key follow.  A row with
 * name NULL has no keyword of its own: the grammar gives it its value
 * ("user", "pass", "is"), or the parser fills it in (envskip, wildcard).
 *
 * Adding an option: one row here, its field in struct account or struct
 * config, its behaviour where it is used, and its lines in the manual
 * pages (tests/compat/t_docs.sh checks they are there).
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "bounds.h"
#include "optable.h"
#include "rc_parse.h"
#include "xmalloc.h"

#define A(f)	.off = offsetof(struct account, f)
#define C(f)	.off = offsetof(struct config, f)
#define NUM(lo, hi) .min = (lo), .max = (hi)
#define NEG	OF_NEGATABLE
#define NEGJ	(OF_NEGATABLE | OF_JOINED)

const struct opt optable[] = {
	/* Server options. */
	{ "via", NULL, KW_VIA, OS_SERVER, OK_STR, 0, A(via),
	  .what = "a host name after \"via\"", .dump = "via" },
	{ "proto", "protocol", KW_PROTO, OS_SERVER, OK_ENUM,
	  OF_OWN_RC | OF_OWN_CL | OF_OWN_DUMP, A(proto),
	  .cl = "protocol proto", .cl_short = 'p', .dump = "protocol" },
	{ "service", NULL, KW_SERVICE, OS_SERVER, OK_STR, OF_OWN_RC,
	  A(service), .cl = "service", .cl_short = 'P', .dump = "service" },
	{ "timeout", NULL, KW_OPTION, OS_SERVER, OK_INT, 0, A(timeout),
	  PM_TIMEOUT_DEFAULT, NUM(0, INT_MAX), .what = "timeout",
	  .cl = "timeout", .cl_short = 't', .dump = "timeout" },
	{ "interval", NULL, KW_OPTION, OS_SERVER, OK_INT, 0, A(interval), 0,
	  NUM(0, INT_MAX), .what = "interval", .dump = "interval" },
	{ "envelope", NULL, KW_ENVELOPE, OS_SERVER, OK_STR,
	  NEGJ | OF_OWN_RC | OF_OWN_DUMP, A(envelope), .cl = "envelope",
	  .cl_short = 'E', .dump = "envelope" },
	{ NULL, NULL, KW_NONE, OS_SERVER, OK_INT, 0, A(envskip), 0,
	  NUM(0, INT_MAX), .dump = "envskip" },
	{ "qvirtual", NULL, KW_OPTION, OS_SERVER, OK_STR, 0, A(qvirtual),
	  .what = "a prefix after \"qvirtual\"", .cl = "qvirtual",
	  .cl_short = 'Q', .dump = "qvirtual" },
	{ "auth", "authenticate preauth preauthenticate", KW_AUTH, OS_SERVER,
	  OK_ENUM, OF_OWN_RC | OF_OWN_CL | OF_OWN_DUMP, A(auth),
	  .cl = "auth", .dump = "auth" },
	{ "dns", NULL, KW_OPTION, OS_SERVER, OK_FLAG, NEGJ, A(dns), 1,
	  .dump = "dns" },
	{ "uidl", NULL, KW_OPTION, OS_SERVER, OK_FLAG, NEGJ, A(uidl), 0,
	  .cl = "uidl", .cl_short = 'U', .dump = "uidl" },
	{ "aka", NULL, KW_OPTION, OS_SERVER, OK_LIST, 0, A(aka),
	  .what = "a host name after \"aka\"", .dump = "aka" },
	{ "localdomains", "local", KW_OPTION, OS_SERVER, OK_LIST, 0,
	  A(localdomains), .what = "a domain after \"localdomains\"",
	  .dump = "localdomains" },
	{ "interface", NULL, KW_INTERFACE, OS_SERVER, OK_STR,
	  OF_REFUSED | OF_OWN_RC, A(interface), .cl = "interface",
	  .cl_short = 'I', .dump = "interface" },
	{ "monitor", NULL, KW_OPTION, OS_SERVER, OK_STR, OF_REFUSED,
	  A(monitor), .what = "an interface name", .cl = "monitor",
	  .cl_short = 'M', .dump = "monitor" },
	{ "plugin", NULL, KW_OPTION, OS_SERVER, OK_STR, OF_REFUSED,
	  A(plugin), .what = "a command after \"plugin\"", .cl = "plugin",
	  .dump = "plugin" },
	{ "plugout", NULL, KW_OPTION, OS_SERVER, OK_STR, OF_REFUSED,
	  A(plugout), .what = "a command after \"plugout\"", .cl = "plugout",
	  .dump = "plugout" },
	{ "principal", NULL, KW_OPTION, OS_SERVER, OK_STR, 0, A(principal),
	  .what = "a principal", .cl = "principal", .dump = "principal" },
	{ "esmtpname", NULL, KW_OPTION, OS_SERVER, OK_STR, 0, A(esmtpname),
	  .what = "a user name after \"esmtpname\"", .dump = "esmtpname" },
	{ "esmtppassword", NULL, KW_OPTION, OS_SERVER, OK_SECRET,
	  OF_DUMP_IFSET, A(esmtppassword),
	  .what = "a password after \"esmtppassword\"",
	  .dump = "esmtppassword" },
	/* fetchmail turns this on for "no tracepolls"; we do not. */
	{ "tracepolls", NULL, KW_OPTION, OS_SERVER, OK_FLAG, NEG,
	  A(tracepolls), 0, .cl = "tracepolls", .dump = "tracepolls" },
	{ "bad-header", NULL, KW_BADHEADER, OS_SERVER, OK_FLAG,
	  OF_OWN_RC | OF_OWN_CL | OF_OWN_DUMP, A(badheader), 0,
	  .cl = "bad-header", .dump = "badheader" },
	{ "checkalias", NULL, KW_OPTION, OS_SERVER, OK_FLAG, NEGJ,
	  A(checkalias), 0 },
	{ "port", NULL, KW_PORT, OS_SERVER, OK_STR,
	  OF_VIEW | OF_OWN_RC | OF_OWN_CL, A(service), .cl = "port" },

	/* User options. */
	{ NULL, NULL, KW_USER, OS_USER, OK_STR, 0, A(user),
	  .cl = "user username", .cl_short = 'u', .dump = "remote" },
	{ NULL, NULL, KW_PASS, OS_USER, OK_SECRET, 0, A(password),
	  .what = "a password", .dump = "password" },
	/* Filled by is/to/here. */
	{ NULL, NULL, KW_IS, OS_USER, OK_LIST, OF_OWN_DUMP, A(locals),
	  .dump = "localnames" },
	{ NULL, NULL, KW_NONE, OS_USER, OK_FLAG, 0, A(wildcard), 0 },
	{ "fetchall", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(fetchall), 0,
	  .cl = "fetchall all", .cl_short = 'a', .dump = "fetchall" },
	{ "keep", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(keep), 0,
	  .cl = "keep", .cl_short = 'k', .cl_no = "nokeep", .cl_noshort = 'K',
	  .dump = "keep" },
	{ "flush", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(flush), 0,
	  .cl = "flush", .cl_short = 'F', .dump = "flush" },
	{ "limitflush", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ,
	  A(limitflush), 0, .cl = "limitflush", .dump = "limitflush" },
	{ "rewrite", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(rewrite), 1,
	  .cl_no = "norewrite", .cl_noshort = 'n', .dump = "rewrite" },
	/* Default: on with an MDA (account_finish). */
	{ "stripcr", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ | OF_NODEFAULT,
	  A(stripcr), .dump = "stripcr" },
	{ "forcecr", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(forcecr), 0,
	  .dump = "forcecr" },
	{ "pass8bits", "pass8", KW_OPTION, OS_USER, OK_FLAG, NEGJ,
	  A(pass8bits), 0, .dump = "pass8bits" },
	{ "dropstatus", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ,
	  A(dropstatus), 0, .dump = "dropstatus" },
	{ "dropdelivered", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ,
	  A(dropdelivered), 0, .dump = "dropdelivered" },
	{ "mimedecode", "mimedec", KW_OPTION, OS_USER, OK_FLAG, NEGJ,
	  A(mimedecode), 0, .dump = "mimedecode" },
	{ "idle", NULL, KW_OPTION, OS_USER, OK_FLAG, NEGJ, A(idle), 0,
	  .cl = "idle", .dump = "idle" },
	{ "mda", NULL, KW_MDA, OS_USER, OK_STR, OF_OWN_RC | OF_OWN_CL,
	  A(mda), .cl = "mda", .cl_short = 'm', .dump = "mda" },
	{ "bsmtp", NULL, KW_BSMTP, OS_USER, OK_PATH, 0, A(bsmtp),
	  .what = "a file name after \"bsmtp\"", .cl = "bsmtp",
	  .dump = "bsmtp" },
	{ "lmtp", NULL, KW_OPTION, OS_USER, OK_FLAG, 0, A(lmtp), 0,
	  .cl = "lmtp", .dump = "lmtp" },
	{ "preconnect", "pre", KW_OPTION, OS_USER, OK_STR, OF_REFUSED,
	  A(preconnect), .what = "a command after \"preconnect\"",
	  .dump = "preconnect" },
	{ "postconnect", "post", KW_OPTION, OS_USER, OK_STR, OF_REFUSED,
	  A(postconnect), .what = "a command after \"postconnect\"",
	  .dump = "postconnect" },
	{ "limit", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(limit), 0,
	  NUM(0, INT_MAX), .what = "limit", .cl = "limit", .cl_short = 'l',
	  .dump = "limit" },
	{ "warnings", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(warnings), 3600,
	  NUM(0, INT_MAX), .what = "warnings", .cl = "warnings",
	  .cl_short = 'w', .dump = "warnings" },
	{ "fetchlimit", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(fetchlimit), 0,
	  NUM(0, INT_MAX), .what = "fetchlimit", .cl = "fetchlimit",
	  .cl_short = 'B', .dump = "fetchlimit" },
	{ "fetchsizelimit", NULL, KW_OPTION, OS_USER, OK_INT, 0,
	  A(fetchsizelimit), 100, NUM(0, INT_MAX), .what = "fetchsizelimit",
	  .cl = "fetchsizelimit", .dump = "fetchsizelimit" },
	{ "fastuidl", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(fastuidl), 4,
	  NUM(0, INT_MAX), .what = "fastuidl", .cl = "fastuidl",
	  .dump = "fastuidl" },
	{ "batchlimit", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(batchlimit), 0,
	  NUM(0, INT_MAX), .what = "batchlimit", .cl = "batchlimit",
	  .cl_short = 'b', .dump = "batchlimit" },
	{ "ssl", NULL, KW_OPTION, OS_USER, OK_FLAG, NEG, A(ssl), 0,
	  .cl = "ssl", .dump = "ssl" },
	{ "sslkey", NULL, KW_OPTION, OS_USER, OK_PATH, 0, A(sslkey),
	  .what = "a key file", .cl = "sslkey", .dump = "sslkey" },
	{ "sslcert", NULL, KW_OPTION, OS_USER, OK_PATH, 0, A(sslcert),
	  .what = "a certificate file", .cl = "sslcert", .dump = "sslcert" },
	{ "sslproto", NULL, KW_SSLPROTO, OS_USER, OK_STR, OF_OWN_RC,
	  A(sslproto), .cl = "sslproto", .dump = "sslproto" },
	{ "sslcertck", NULL, KW_OPTION, OS_USER, OK_FLAG, NEG, A(sslcertck),
	  1, .cl = "sslcertck", .cl_no = "nosslcertck", .dump = "sslcertck" },
	{ "sslcertfile", NULL, KW_OPTION, OS_USER, OK_PATH, 0,
	  A(sslcertfile), .what = "a CA file", .cl = "sslcertfile",
	  .dump = "sslcertfile" },
	{ "sslcertpath", NULL, KW_OPTION, OS_USER, OK_PATH, 0,
	  A(sslcertpath), .what = "a CA directory", .cl = "sslcertpath",
	  .dump = "sslcertpath" },
	{ "sslcommonname", NULL, KW_SSLCOMMONNAME, OS_USER, OK_STR, 0,
	  A(sslcommonname), .what = "a host name", .cl = "sslcommonname",
	  .dump = "sslcommonname" },
	/* fetchmail's key shows the first pin; all: "sslfingerprints". */
	{ "sslfingerprint", NULL, KW_SSLFINGERPRINT, OS_USER, OK_LIST,
	  OF_OWN_RC | OF_OWN_DUMP, A(sslfingerprints),
	  .what = "a certificate fingerprint", .cl = "sslfingerprint",
	  .dump = "sslfingerprint" },
	{ "expunge", NULL, KW_OPTION, OS_USER, OK_INT, 0, A(expunge), 0,
	  NUM(0, INT_MAX), .what = "expunge", .cl = "expunge",
	  .cl_short = 'e', .dump = "expunge" },
	{ "properties", NULL, KW_PROPERTIES, OS_USER, OK_STR, 0,
	  A(properties), .what = "a string after \"properties\"",
	  .dump = "properties" },
	{ "smtphost", "smtp", KW_SMTPHOST, OS_USER, OK_LIST, 0, A(smtphosts),
	  .what = "an SMTP host", .cl = "smtphost", .cl_short = 'S',
	  .dump = "smtphunt" },
	{ "fetchdomains", NULL, KW_OPTION, OS_USER, OK_LIST, 0,
	  A(fetchdomains), .what = "a domain after \"fetchdomains\"",
	  .cl = "fetchdomains", .dump = "fetchdomains" },
	{ "smtpaddress", NULL, KW_OPTION, OS_USER, OK_STR, 0, A(smtpaddress),
	  .what = "a domain after \"smtpaddress\"", .cl = "smtpaddress",
	  .cl_short = 'D', .dump = "smtpaddress" },
	{ "smtpname", NULL, KW_OPTION, OS_USER, OK_STR, 0, A(smtpname),
	  .what = "an address after \"smtpname\"", .cl = "smtpname",
	  .dump = "smtpname" },
	{ "antispam", NULL, KW_ANTISPAM, OS_USER, OK_LIST,
	  OF_OWN_RC | OF_OWN_CL | OF_OWN_DUMP, A(antispam), .cl = "antispam",
	  .cl_short = 'Z', .dump = "antispam" },
	{ "folder", "folders", KW_OPTION, OS_USER, OK_LIST, 0, A(folders),
	  .what = "a folder name", .cl = "folder", .cl_short = 'r',
	  .dump = "mailboxes" },
	/* pullmail's own. */
	{ "passwordeval", NULL, KW_OPTION, OS_USER, OK_STR, OF_EXT,
	  A(passwordeval), .what = "a command after \"passwordeval\"",
	  .dump = "passwordeval" },
	{ "sslcrlfile", NULL, KW_SSLCRLFILE, OS_USER, OK_PATH,
	  OF_EXT | OF_OWN_RC, A(sslcrlfile), .what = "a CRL file",
	  .cl = "sslcrlfile", .dump = "sslcrlfile" },
	{ NULL, NULL, KW_NONE, OS_USER, OK_LIST, OF_VIEW, A(sslfingerprints),
	  .dump = "sslfingerprints" },
	{ "maildir", NULL, KW_OPTION, OS_USER, OK_PATH, OF_EXT, A(maildir),
	  .what = "a directory after \"maildir\"", .cl = "maildir",
	  .dump = "maildir" },
	{ "mbox", NULL, KW_OPTION, OS_USER, OK_PATH, OF_EXT, A(mbox),
	  .what = "a file name after \"mbox\"", .cl = "mbox", .dump = "mbox" },
	{ "mdauser", NULL, KW_OPTION, OS_USER, OK_STR, OF_EXT, A(mdauser),
	  .what = "a user name after \"mdauser\"", .cl = "mdauser",
	  .dump = "mdauser" },
	{ "postdeliver", NULL, KW_OPTION, OS_USER, OK_STR, OF_EXT,
	  A(postdeliver), .what = "a command after \"postdeliver\"",
	  .dump = "postdeliver" },
	{ "postpoll", NULL, KW_OPTION, OS_USER, OK_STR, OF_EXT, A(postpoll),
	  .what = "a command after \"postpoll\"", .dump = "postpoll" },

	/* Global options: "set NAME". */
	{ "daemon", NULL, KW_OPTION, OS_SET, OK_INT, 0, C(daemon), 0,
	  NUM(0, INT_MAX), .what = "daemon interval", .cl = "daemon",
	  .cl_short = 'd', .dump = "poll_interval" },
	{ "logfile", NULL, KW_OPTION, OS_SET, OK_PATH, 0, C(logfile),
	  .what = "a file name", .cl = "logfile", .cl_short = 'L',
	  .dump = "logfile" },
	{ "idfile", NULL, KW_OPTION, OS_SET, OK_PATH, 0, C(idfile),
	  .what = "a file name", .cl = "idfile", .cl_short = 'i',
	  .dump = "idfile" },
	{ "postmaster", NULL, KW_OPTION, OS_SET, OK_STR, 0, C(postmaster),
	  .what = "a user name", .cl = "postmaster", .dump = "postmaster" },
	{ "bouncemail", NULL, KW_OPTION, OS_SET, OK_FLAG, NEGJ,
	  C(bouncemail), 1, .cl_no = "nobounce", .dump = "bouncemail" },
	{ "spambounce", NULL, KW_OPTION, OS_SET, OK_FLAG, NEGJ,
	  C(spambounce), 0, .dump = "spambounce" },
	{ "softbounce", NULL, KW_OPTION, OS_SET, OK_FLAG, NEG, C(softbounce),
	  1, .cl = "softbounce", .cl_no = "nosoftbounce",
	  .dump = "softbounce" },
	{ NULL, NULL, KW_PROPERTIES, OS_SET, OK_STR, 0, C(properties),
	  .what = "a string", .dump = "properties" },
	{ "invisible", NULL, KW_OPTION, OS_SET, OK_FLAG, NEG, C(invisible), 0,
	  .cl = "invisible", .dump = "invisible" },
	/* fetchmail turns dots on for "set no showdots"; not us. */
	{ "showdots", NULL, KW_OPTION, OS_SET, OK_FLAG, NEG, C(showdots), 0,
	  .cl = "showdots", .dump = "showdots" },
	{ "syslog", NULL, KW_OPTION, OS_SET, OK_FLAG, NEG, C(syslog), 0,
	  .cl = "syslog", .cl_no = "nosyslog", .dump = "syslog" },
	{ "jobs", NULL, KW_OPTION, OS_SET, OK_INT, OF_EXT, C(jobs), 4,
	  NUM(1, 1000), .what = "jobs", .cl = "jobs", .dump = "jobs" },
	{ "connlimit", NULL, KW_OPTION, OS_SET, OK_INT, OF_EXT, C(connlimit),
	  PM_CONNLIMIT_DEFAULT, NUM(1, 1000),
	  .what = "connlimit (connections to one server at once)",
	  .cl = "connlimit", .dump = "connlimit" },
	{ "deadline", NULL, KW_OPTION, OS_SET, OK_INT, OF_EXT, C(deadline),
	  3600, NUM(0, INT_MAX), .what = "deadline (seconds)",
	  .cl = "deadline", .dump = "deadline" },
	{ "statedir", NULL, KW_OPTION, OS_SET, OK_PATH, OF_EXT, C(statedir),
	  .what = "a directory", .cl = "statedir", .dump = "statedir" },
	{ "metricsfile", NULL, KW_OPTION, OS_SET, OK_PATH, OF_EXT,
	  C(metricsfile), .what = "a file name", .dump = "metricsfile" },
	{ "hooktimeout", NULL, KW_OPTION, OS_SET, OK_INT, OF_EXT,
	  C(hooktimeout), 60, NUM(1, 86400), .what = "hooktimeout (seconds)",
	  .dump = "hooktimeout" },
	{ "pidfile", NULL, KW_OPTION, OS_SET, OK_PATH, 0, C(pidfile),
	  .what = "a file name", .cl = "pidfile" },
};

const size_t optable_n = nitems(optable);

const struct opt *
opt_by_kw(enum kw kw, int set)
{
	size_t	i;

	for (i = 0; i < optable_n; i++) {
		if (optable[i].kw == kw && (optable[i].scope == OS_SET) == set)
			return (&optable[i]);
	}
	return (NULL);
}

/* Is word one of the space-separated words of list? */
static int
word_in(const char *word, const char *list)
{
	size_t	len = strlen(word);

	while (list != NULL && *list != '\0') {
		if (strncmp(list, word, len) == 0 &&
		    (list[len] == ' ' || list[len] == '\0'))
			return (1);
		if ((list = strchr(list, ' ')) != NULL)
			list++;
	}
	return (0);
}

static int
opt_spelt(const struct opt *o, const char *word)
{
	return (o->name != NULL && (strcmp(o->name, word) == 0 ||
	    word_in(word, o->aliases)));
}

const struct opt *
opt_by_word(const char *word, int *negated)
{
	size_t	i;

	*negated = 0;
	for (i = 0; i < optable_n; i++) {
		if (opt_spelt(&optable[i], word))
			return (&optable[i]);
	}
	if (strncmp(word, "no", 2) != 0)
		return (NULL);
	for (i = 0; i < optable_n; i++) {
		if ((optable[i].flags & OF_JOINED) &&
		    opt_spelt(&optable[i], word + 2)) {
			*negated = 1;
			return (&optable[i]);
		}
	}
	return (NULL);
}

/* Rows that own storage in a record of this kind. */
static int
opt_owns(const struct opt *o, int set)
{
	return (!(o->flags & OF_VIEW) && (o->scope == OS_SET) == set);
}

int
opt_is_set(const void *rec, const struct opt *o)
{
	switch (o->kind) {
	case OK_FLAG:
	case OK_INT:
		return (*OPT_CFIELD(rec, o, int) != TRI_UNSET);
	case OK_ENUM:
		return (*OPT_CFIELD(rec, o, int) != 0);
	case OK_STR:
	case OK_PATH:
	case OK_SECRET:
		return (*OPT_CFIELD(rec, o, char *) != NULL);
	case OK_LIST:
		return (OPT_CFIELD(rec, o, struct strlist)->n != 0);
	}
	return (0);
}

void
opt_clear(void *rec, const struct opt *o)
{
	char	**s;

	switch (o->kind) {
	case OK_FLAG:
	case OK_INT:
		*OPT_FIELD(rec, o, int) = TRI_UNSET;
		break;
	case OK_ENUM:
		*OPT_FIELD(rec, o, int) = 0;
		break;
	case OK_SECRET:
		s = OPT_FIELD(rec, o, char *);
		if (*s != NULL)
			explicit_bzero(*s, strlen(*s));
		/* FALLTHROUGH */
	case OK_STR:
	case OK_PATH:
		s = OPT_FIELD(rec, o, char *);
		free(*s);
		*s = NULL;
		break;
	case OK_LIST:
		strlist_free(OPT_FIELD(rec, o, struct strlist));
		break;
	}
}

void
opt_copy(void *to, const void *from, const struct opt *o)
{
	const char	*s;

	switch (o->kind) {
	case OK_FLAG:
	case OK_INT:
	case OK_ENUM:
		*OPT_FIELD(to, o, int) = *OPT_CFIELD(from, o, int);
		break;
	case OK_STR:
	case OK_PATH:
	case OK_SECRET:
		s = *OPT_CFIELD(from, o, char *);
		*OPT_FIELD(to, o, char *) = s != NULL ? xstrdup(s) : NULL;
		break;
	case OK_LIST:
		strlist_copy(OPT_FIELD(to, o, struct strlist),
		    OPT_CFIELD(from, o, struct strlist));
		break;
	}
}

void
opt_clear_all(void *rec, int set)
{
	size_t	i;

	for (i = 0; i < optable_n; i++) {
		if (opt_owns(&optable[i], set))
			opt_clear(rec, &optable[i]);
	}
}

void
opt_defaults(void *rec, int set)
{
	const struct opt	*o;
	size_t			 i;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (opt_owns(o, set) && !(o->flags & OF_NODEFAULT) &&
		    (o->kind == OK_FLAG || o->kind == OK_INT) &&
		    *OPT_FIELD(rec, o, int) == TRI_UNSET)
			*OPT_FIELD(rec, o, int) = o->def;
	}
}
