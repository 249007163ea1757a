/*
 * configdump.c -- write the configuration as fetchmail's --configdump does.
 *
 * Layout, key order and string escaping follow fetchmail 6.4 byte for
 * byte (see corpus/CONFIGDUMP.md), so a dict comparison or a diff against
 * fetchmail's own dump shows only real differences.  The keys and their
 * order are the option table's (optable.c); the few values fetchmail
 * writes in a form of their own are in dump_own().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "configdump.h"
#include "optable.h"
#include "rc_parse.h"
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
	if (a->wildcard)
		fputs(a->locals.n > 0 ? ", '*'" : "'*'", f);
	fputs("],\n", f);
}

/* An option with a form of its own in fetchmail's dump. */
static void
dump_own(FILE *f, const char *ind, const struct opt *o,
    const struct account *a)
{
	size_t	i;

	switch (o->kw) {
	case KW_PROTO:
		/* fetchmail shows SDPS as the POP3 it really is. */
		dump_str(f, ind, o->dump, a->proto == PROTO_SDPS ? "POP3" :
		    proto_name(a->proto));
		break;
	case KW_ENVELOPE:
		dump_str(f, ind, o->dump, strcmp(a->envelope,
		    ENVELOPE_DISABLED) == 0 ? NULL : a->envelope);
		break;
	case KW_AUTH:
		if (a->auth != AUTH_EXTERNAL)
			dump_str(f, ind, o->dump, auth_name(a->auth));
		break;
	case KW_BADHEADER:
		fprintf(f, "%s'%s': %s,\n", ind, o->dump, a->badheader ?
		    "TRUE" : "FALSE");
		break;
	case KW_IS:
		dump_localnames(f, ind, a);
		break;
	case KW_SSLFINGERPRINT:
		dump_str(f, ind, o->dump, a->sslfingerprints.n > 0 ?
		    a->sslfingerprints.v[0] : NULL);
		break;
	case KW_ANTISPAM:
		fprintf(f, "%s'%s':'", ind, o->dump);
		for (i = 0; i < a->antispam.n; i++)
			fprintf(f, "%s%s", i > 0 ? " " : "", a->antispam.v[i]);
		fputs("',\n", f);
		break;
	default:
		break;
	}
}

/* The rows of one scope with a dump key, in table order. */
static void
dump_rows(FILE *f, const char *ind, enum opt_scope scope, const void *rec)
{
	const struct opt	*o;
	size_t			 i;

	for (i = 0; i < optable_n; i++) {
		o = &optable[i];
		if (o->scope != scope || o->dump == NULL)
			continue;
		if (o->flags & OF_OWN_DUMP) {
			dump_own(f, ind, o, rec);
			continue;
		}
		switch (o->kind) {
		case OK_FLAG:
			dump_bool(f, ind, o->dump, *OPT_CFIELD(rec, o, int));
			break;
		case OK_INT:
			dump_int(f, ind, o->dump, *OPT_CFIELD(rec, o, int));
			break;
		case OK_STR:
		case OK_PATH:
		case OK_SECRET:
			if (!(o->flags & OF_DUMP_IFSET) || opt_is_set(rec, o))
				dump_str(f, ind, o->dump,
				    *OPT_CFIELD(rec, o, char *));
			break;
		case OK_LIST:
			dump_list(f, ind, o->dump,
			    OPT_CFIELD(rec, o, struct strlist));
			break;
		case OK_ENUM:
			break;
		}
	}
}

static void
dump_server(FILE *f, const struct account *a)
{
	const char	*s = "\t    ";

	fprintf(f, "\t# Entry for site `%s' begins:\n\t{\n", a->name);
	dump_str(f, s, "pollname", a->name);
	dump_bool(f, s, "active", a->active);
	dump_rows(f, s, OS_SERVER, a);
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
	dump_rows(f, g, OS_SET, cfg);
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
		dump_rows(f, "\t\t    ", OS_USER, a);
		prev = a;
	}
	fputs("\t\t}\n\t\t,\t    ]\n\t}\n    ]\n}\n# End of initializer\n", f);
}
