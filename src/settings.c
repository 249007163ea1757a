/*
 * settings.c -- print what each account will do, as -V shows it.
 *
 * One line per setting, in the words a user would look for; passwords
 * appear only as "(set)" and where they come from.  The lines below are
 * written out because they explain what several options do together; an
 * option row with a label (optable.c) adds "label: value" when it is set.
 */

#include <stdio.h>
#include <string.h>

#include "account.h"
#include "optable.h"
#include "rc_parse.h"
#include "settings.h"

static const char *
yes_no(int v)
{
	return (v == 1 ? "yes" : "no");
}

static void
print_list(FILE *f, const char *label, const struct strlist *l,
    const char *none)
{
	size_t	i;

	fprintf(f, "  %s: ", label);
	if (l->n == 0)
		fputs(none, f);
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", l->v[i]);
	fputc('\n', f);
}

/* The rows of one scope with a -V label, set in rec: "label: value". */
static void
print_rows(FILE *f, const char *ind, enum opt_scope scope, const void *rec)
{
	const struct opt	*o;
	size_t			 i;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->label == NULL || o->scope != scope ||
		    !opt_is_set(rec, o) || o->kind == OK_ENUM)
			continue;
		if (o->kind == OK_LIST) {
			print_list(f, o->label, OPT_CFIELD(rec, o,
			    struct strlist), "");
			continue;
		}
		fprintf(f, "%s%s: ", ind, o->label);
		if (o->kind == OK_FLAG)
			fputs(yes_no(*OPT_CFIELD(rec, o, int)), f);
		else if (o->kind == OK_INT)
			fprintf(f, "%d", *OPT_CFIELD(rec, o, int));
		else if (o->kind == OK_SECRET)
			fputs("(set)", f);
		else
			fputs(*OPT_CFIELD(rec, o, char *), f);
		fputc('\n', f);
	}
}

static const char *
tls_mode(const struct account *a)
{
	if (a->ssl)
		return ("implicit TLS (the connection starts encrypted)");
	if (a->sslproto != NULL && *a->sslproto == '\0')
		return ("none: plain text, as sslproto '' asks");
	return ("STARTTLS/STLS, required");
}

static const char *
delivery(const struct account *a, char *buf, size_t len)
{
	if (a->bsmtp != NULL)
		snprintf(buf, len, "BSMTP file %s", a->bsmtp);
	else if (a->maildir != NULL)
		snprintf(buf, len, "Maildir %s", a->maildir);
	else if (a->mbox != NULL)
		snprintf(buf, len, "mbox %s", a->mbox);
	else if (a->mda != NULL)
		snprintf(buf, len, "MDA command: %s", a->mda);
	else
		snprintf(buf, len, "%s to the first that answers of the "
		    "hosts below", a->lmtp ? "LMTP" : "SMTP");
	return (buf);
}

static void
print_account(FILE *f, const struct account *a)
{
	char	buf[1024];

	fprintf(f, "\nAccount %s@%s%s:\n", a->user, a->name,
	    a->active ? "" : " (skip: polled only when named)");
	fprintf(f, "  server: %s, port %d, protocol %s\n", account_host(a),
	    account_port(a, a->proto == PROTO_AUTO ? PROTO_IMAP : a->proto),
	    a->proto == PROTO_SDPS ? "SDPS" : proto_name(a->proto));
	fprintf(f, "  authentication: %s\n", auth_name(a->auth));
	fprintf(f, "  password: %s\n", a->password != NULL ? "(set)" :
	    a->passwordeval != NULL ? "from passwordeval" :
	    "from ~/.netrc or a prompt");
	fprintf(f, "  TLS: %s\n", tls_mode(a));
	fprintf(f, "  TLS floor: %s\n", a->sslproto == NULL ?
	    "TLS 1.2 (default)" : *a->sslproto == '\0' ? "none" :
	    a->sslproto);
	fprintf(f, "  certificate check: %s\n", a->sslcertck ?
	    "chain and host name" : "OFF (no sslcertck)");
	fprintf(f, "  expected certificate name: %s\n", a->sslcommonname ?
	    a->sslcommonname : account_host(a));
	if (a->sslcertfile != NULL)
		fprintf(f, "  CA file: %s\n", a->sslcertfile);
	if (a->sslcertpath != NULL)
		fprintf(f, "  CA directory: %s\n", a->sslcertpath);
	if (a->sslcrlfile != NULL)
		fprintf(f, "  CRL file: %s\n", a->sslcrlfile);
	if (a->sslfingerprints.n > 0)
		print_list(f, "pinned fingerprints", &a->sslfingerprints, "");
	if (a->sslcert != NULL)
		fprintf(f, "  client certificate: %s (key %s)\n", a->sslcert,
		    a->sslkey != NULL ? a->sslkey : "in the same file");
	fprintf(f, "  timeout: %d seconds\n", a->timeout);
	print_list(f, "folders", &a->folders, "INBOX / the mailbox");
	fprintf(f, "  fetch all (old too): %s; keep on server: %s; flush: "
	    "%s\n", yes_no(a->fetchall), yes_no(a->keep), yes_no(a->flush));
	if (a->limit > 0)
		fprintf(f, "  size limit: %d bytes\n", a->limit);
	if (a->fetchlimit > 0)
		fprintf(f, "  at most %d messages per poll\n", a->fetchlimit);
	fprintf(f, "  delivery: %s\n", delivery(a, buf, sizeof(buf)));
	if (a->mda != NULL)
		fprintf(f, "  MDA runs as: %s\n", a->mdauser != NULL ?
		    a->mdauser : "the user running pullmail (refused if root)");
	if (a->mda == NULL && a->bsmtp == NULL && a->maildir == NULL &&
	    a->mbox == NULL) {
		print_list(f, "SMTP hosts", &a->smtphosts, "localhost");
		if (a->esmtppassword != NULL)
			fprintf(f, "  SMTP login: %s, after STARTTLS (or over "
			    "loopback)\n", a->esmtpname);
	}
	fprintf(f, "  headers: rewrite %s; dropstatus %s; dropdelivered %s;\n"
	    "    mimedecode %s; bad header lines: %s\n", yes_no(a->rewrite),
	    yes_no(a->dropstatus), yes_no(a->dropdelivered),
	    yes_no(a->mimedecode), a->badheader ? "accepted" :
	    "keep the message on the server");
	if (a->mda != NULL)
		fprintf(f, "  line ends for the MDA: %s\n", a->stripcr ?
		    "LF (stripcr)" : a->forcecr ? "CR LF (forcecr)" :
		    "as received");
	if (a->postdeliver != NULL)
		fprintf(f, "  after a poll that delivered: %s\n", a->postdeliver);
	if (a->postpoll != NULL)
		fprintf(f, "  after every poll: %s\n", a->postpoll);
	if (a->postdeliver != NULL || a->postpoll != NULL)
		fprintf(f, "  hooks run as: %s\n", a->mdauser != NULL ?
		    a->mdauser : "the user running pullmail (refused if root)");
	print_list(f, account_multidrop(a) ? "local names (multidrop)" :
	    "local name", &a->locals, "");
	print_rows(f, "  ", OS_SERVER, a);
	print_rows(f, "  ", OS_USER, a);
	if (a->rcfile != NULL)
		fprintf(f, "  defined at: %s:%d:%d\n", a->rcfile, a->line,
		    a->col);
}

void
settings_print(FILE *f, const struct config *cfg)
{
	size_t	i;

	if (cfg->daemon > 0)
		fprintf(f, "Daemon: every %d seconds; failing servers are "
		    "tried less often, up to hourly\n", cfg->daemon);
	else
		fprintf(f, "Daemon: no (one poll, then exit)\n");
	fprintf(f, "State directory: %s (UID journals, status.json)\n",
	    cfg->statedir);
	if (cfg->metricsfile != NULL)
		fprintf(f, "Metrics file: %s (Prometheus text format)\n",
		    cfg->metricsfile);
	fprintf(f, "fetchmail idfile: %s (imported on an account's first "
	    "poll)\n", cfg->idfile);
	fprintf(f, "Refused mail: %s\n", cfg->softbounce ? "kept on the "
	    "server (softbounce)" : cfg->bouncemail ? "bounced to the sender, "
	    "then deleted" : "bounced to the postmaster, then deleted");
	if (cfg->deadline > 0)
		fprintf(f, "Parallel polls: at most %d, each stopped after %d "
		    "seconds\n", cfg->jobs, cfg->deadline);
	else
		fprintf(f, "Parallel polls: at most %d, no time limit\n",
		    cfg->jobs);
	fprintf(f, "Connections to one server: at most %d at once\n",
	    cfg->connlimit);
	fprintf(f, "Hooks (postdeliver, postpoll): stopped after %d seconds\n",
	    cfg->hooktimeout);
	fprintf(f, "Postmaster: %s\n", cfg->postmaster);
	fprintf(f, "Logging: %s\n", cfg->logfile != NULL ? cfg->logfile :
	    cfg->syslog ? "syslog (mail)" : cfg->daemon > 0 ?
	    "standard error; syslog (mail) once detached" : "standard error");
	fprintf(f, "Pidfile: %s%s\n", cfg->pidfile != NULL ? cfg->pidfile :
	    cfg->statedir, cfg->pidfile != NULL ? "" : "/pullmail.pid");
	print_rows(f, "", OS_SET, cfg);
	for (i = 0; i < cfg->accounts.n; i++)
		print_account(f, cfg->accounts.v[i]);
}
