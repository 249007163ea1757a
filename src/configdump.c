/*
 * configdump.c -- write the configuration as fetchmail's --configdump does.
 *
 * Layout, key order and string escaping follow fetchmail 6.4 byte for
 * byte (see corpus/CONFIGDUMP.md), so a dict comparison or a diff against
 * fetchmail's own dump shows only real differences.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "configdump.h"
#include "xmalloc.h"

/* fetchmail's escaping: C escapes, other control bytes as \0xHH. */
static void
dump_quoted(FILE *f, const char *s)
{
	static const char from[] = "\a\b\f\n\r\t\v";
	static const char to[] = "abfnrtv";
	const char	*e;

	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if ((e = strchr(from, c)) != NULL)
			fprintf(f, "\\%c", to[e - from]);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\0x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
dump_str(FILE *f, const char *ind, const char *key, const char *v)
{
	fprintf(f, "%s\"%s\":", ind, key);
	if (v == NULL)
		fputs("None", f);
	else
		dump_quoted(f, v);
	fputs(",\n", f);
}

static void
dump_int(FILE *f, const char *ind, const char *key, int v)
{
	fprintf(f, "%s'%s':%d,\n", ind, key, v < 0 ? 0 : v);
}

static void
dump_bool(FILE *f, const char *ind, const char *key, int v)
{
	fprintf(f, "%s'%s':%s,\n", ind, key, v == 1 ? "TRUE" : "FALSE");
}

static void
dump_list(FILE *f, const char *ind, const char *key, const struct strlist *l)
{
	size_t	i;

	fprintf(f, "%s\"%s\":[", ind, key);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputs(", ", f);
		dump_quoted(f, l->v[i]);
	}
	fputs("],\n", f);
}

/* Plain names as strings, server=local maps as pairs, "*" last. */
static void
dump_localnames(FILE *f, const char *ind, const struct account *a)
{
	const char	*eq;
	char		*left;
	size_t		 i;

	fprintf(f, "%s'localnames':[", ind);
	for (i = 0; i < a->locals.n; i++) {
		if (i > 0)
			fputs(", ", f);
		if ((eq = strchr(a->locals.v[i], '=')) != NULL) {
			left = xstrndup(a->locals.v[i], eq - a->locals.v[i]);
			fputc('(', f);
			dump_quoted(f, left);
			fputs(", ", f);
			dump_quoted(f, eq + 1);
			fputc(')', f);
			free(left);
		} else
			dump_quoted(f, a->locals.v[i]);
	}
	if (a->wildcard == 1)
		fputs(a->locals.n > 0 ? ", '*'" : "'*'", f);
	fputs("],\n", f);
}

static void
dump_user(FILE *f, const struct account *a)
{
	const char	*u = "\t\t    ";
	size_t		 i;

	dump_str(f, u, "remote", a->user);
	dump_str(f, u, "password", a->password);
	dump_localnames(f, u, a);
	dump_bool(f, u, "fetchall", a->fetchall);
	dump_bool(f, u, "keep", a->keep);
	dump_bool(f, u, "flush", a->flush);
	dump_bool(f, u, "limitflush", a->limitflush);
	dump_bool(f, u, "rewrite", a->rewrite);
	dump_bool(f, u, "stripcr", a->stripcr);
	dump_bool(f, u, "forcecr", a->forcecr);
	dump_bool(f, u, "pass8bits", a->pass8bits);
	dump_bool(f, u, "dropstatus", a->dropstatus);
	dump_bool(f, u, "dropdelivered", a->dropdelivered);
	dump_bool(f, u, "mimedecode", a->mimedecode);
	dump_bool(f, u, "idle", a->idle);
	dump_str(f, u, "mda", a->mda);
	dump_str(f, u, "bsmtp", a->bsmtp);
	dump_bool(f, u, "lmtp", a->lmtp);
	dump_str(f, u, "preconnect", a->preconnect);
	dump_str(f, u, "postconnect", a->postconnect);
	dump_int(f, u, "limit", a->limit);
	dump_int(f, u, "warnings", a->warnings);
	dump_int(f, u, "fetchlimit", a->fetchlimit);
	dump_int(f, u, "fetchsizelimit", a->fetchsizelimit);
	dump_int(f, u, "fastuidl", a->fastuidl);
	dump_int(f, u, "batchlimit", a->batchlimit);
	dump_bool(f, u, "ssl", a->ssl);
	dump_str(f, u, "sslkey", a->sslkey);
	dump_str(f, u, "sslcert", a->sslcert);
	dump_str(f, u, "sslproto", a->sslproto);
	dump_bool(f, u, "sslcertck", a->sslcertck);
	dump_str(f, u, "sslcertfile", a->sslcertfile);
	dump_str(f, u, "sslcertpath", a->sslcertpath);
	dump_str(f, u, "sslcommonname", a->sslcommonname);
	dump_str(f, u, "sslfingerprint", a->sslfingerprints.n > 0 ?
	    a->sslfingerprints.v[0] : NULL);
	dump_int(f, u, "expunge", a->expunge);
	dump_str(f, u, "properties", a->properties);
	dump_list(f, u, "smtphunt", &a->smtphosts);
	dump_list(f, u, "fetchdomains", &a->fetchdomains);
	dump_str(f, u, "smtpaddress", a->smtpaddress);
	dump_str(f, u, "smtpname", a->smtpname);
	fprintf(f, "%s'antispam':'", u);
	for (i = 0; i < a->antispam.n; i++)
		fprintf(f, "%s%s", i > 0 ? " " : "", a->antispam.v[i]);
	fputs("',\n", f);
	dump_list(f, u, "mailboxes", &a->folders);
	/* pullmail's own settings. */
	dump_str(f, u, "passwordeval", a->passwordeval);
	dump_str(f, u, "sslcrlfile", a->sslcrlfile);
	dump_list(f, u, "sslfingerprints", &a->sslfingerprints);
	dump_str(f, u, "maildir", a->maildir);
	dump_str(f, u, "mbox", a->mbox);
	dump_str(f, u, "mdauser", a->mdauser);
	dump_str(f, u, "postdeliver", a->postdeliver);
	dump_str(f, u, "postpoll", a->postpoll);
}

static void
dump_server(FILE *f, const struct account *a)
{
	const char	*s = "\t    ";
	const char	*proto;

	fprintf(f, "\t# Entry for site `%s' begins:\n\t{\n", a->name);
	dump_str(f, s, "pollname", a->name);
	dump_bool(f, s, "active", a->active);
	dump_str(f, s, "via", a->via);
	/* fetchmail shows SDPS as the POP3 it really is. */
	proto = a->proto == PROTO_SDPS ? "POP3" : proto_name(a->proto);
	dump_str(f, s, "protocol", proto);
	dump_str(f, s, "service", a->service);
	dump_int(f, s, "timeout", a->timeout);
	dump_int(f, s, "interval", a->interval);
	dump_str(f, s, "envelope", strcmp(a->envelope, ENVELOPE_DISABLED) == 0 ?
	    NULL : a->envelope);
	dump_int(f, s, "envskip", a->envskip);
	dump_str(f, s, "qvirtual", a->qvirtual);
	if (a->auth != AUTH_EXTERNAL)
		dump_str(f, s, "auth", auth_name(a->auth));
	dump_bool(f, s, "dns", a->dns);
	dump_bool(f, s, "uidl", a->uidl);
	dump_list(f, s, "aka", &a->aka);
	dump_list(f, s, "localdomains", &a->localdomains);
	dump_str(f, s, "interface", a->interface);
	dump_str(f, s, "monitor", a->monitor);
	dump_str(f, s, "plugin", a->plugin);
	dump_str(f, s, "plugout", a->plugout);
	dump_str(f, s, "principal", a->principal);
	dump_str(f, s, "esmtpname", a->esmtpname);
	if (a->esmtppassword != NULL)
		dump_str(f, s, "esmtppassword", a->esmtppassword);
	dump_bool(f, s, "tracepolls", a->tracepolls);
	fprintf(f, "%s'badheader': %s,\n", s, a->badheader == 1 ? "TRUE" :
	    "FALSE");
	fprintf(f, "%s'users': [\n", s);
}

void
configdump(FILE *f, const struct config *cfg)
{
	const struct account	*a, *prev = NULL;
	const char		*g = "    ";
	size_t			 i;

	fputs("TRUE=1; FALSE=0\n\nos_type = 'linux'\n", f);
	fputs("feature_options = ('pop3','imap','gssapi','sdps','etrn',"
	    "'odmr','ssl',)\n", f);
	fputs("# Start of configuration initializer\nfetchmailrc = {\n", f);
	dump_int(f, g, "poll_interval", cfg->daemon);
	dump_str(f, g, "logfile", cfg->logfile);
	dump_str(f, g, "idfile", cfg->idfile);
	dump_str(f, g, "postmaster", cfg->postmaster);
	dump_bool(f, g, "bouncemail", cfg->bouncemail);
	dump_bool(f, g, "spambounce", cfg->spambounce);
	dump_bool(f, g, "softbounce", cfg->softbounce);
	dump_str(f, g, "properties", cfg->properties);
	dump_bool(f, g, "invisible", cfg->invisible);
	dump_bool(f, g, "showdots", cfg->showdots);
	dump_bool(f, g, "syslog", cfg->syslog);
	dump_int(f, g, "jobs", cfg->jobs);
	dump_int(f, g, "connlimit", cfg->connlimit);
	dump_int(f, g, "deadline", cfg->deadline);
	dump_str(f, g, "statedir", cfg->statedir);
	dump_str(f, g, "metricsfile", cfg->metricsfile);
	dump_int(f, g, "hooktimeout", cfg->hooktimeout);
	if (cfg->accounts.n == 0) {
		fputs("    'servers': []\n}\n# End of initializer\n", f);
		return;
	}
	fputs("    # List of server entries begins here\n"
	    "    'servers': [\n", f);
	for (i = 0; i < cfg->accounts.n; i++) {
		a = cfg->accounts.v[i];
		if (prev != NULL && prev->entry == a->entry)
			fputs("\t\t}\n\t\t,\t\t{\n", f);
		else {
			if (prev != NULL)
				fputs("\t\t}\n\t\t,\t    ]\n\t}\n\t,\n", f);
			dump_server(f, a);
			fputs("\t\t{\n", f);
		}
		dump_user(f, a);
		prev = a;
	}
	fputs("\t\t}\n\t\t,\t    ]\n\t}\n    ]\n}\n# End of initializer\n", f);
}
