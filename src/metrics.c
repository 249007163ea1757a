/*
 * metrics.c -- "set metricsfile PATH": the status table in the text
 * format of Prometheus, for node_exporter's textfile collector, replaced
 * atomically whenever the status file is written.
 *
 * Counters are those of the status file, so they survive restarts.  A
 * "round" of the daemon is the time from the end of the previous round
 * until every account that is not in IDLE has ended one poll; of a
 * one-shot run, the run.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "log.h"
#include "run.h"
#include "status.h"
#include "xmalloc.h"

struct buf {
	char	*p;
	size_t	 len, size;
};

static void
put(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("metrics: vsnprintf");
		if ((size_t)n < b->size - b->len)
			break;
		b->size = (b->size + (size_t)n + 1) * 2;
		b->p = xreallocarray(b->p, b->size, 1);
	}
	b->len += (size_t)n;
}

/* A label value: backslash, double quote and newline escaped. */
static void
put_label(struct buf *b, const char *name, const char *v)
{
	put(b, "%s=\"", name);
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			put(b, "\\\\");
		else if (*v == '"')
			put(b, "\\\"");
		else if (*v == '\n')
			put(b, "\\n");
		else
			put(b, "%c", *v);
	}
	put(b, "\"");
}

static void
put_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_labels(struct buf *b, const struct status_entry *e)
{
	put_label(b, "account", e->key);
	put(b, ",");
	put_label(b, "server", e->server != NULL ? e->server : "");
}

enum kind { M_POLLS, M_MESSAGES, M_BYTES, M_SUCCESS, M_DURATION,
	M_CONSECUTIVE };

static const struct metric {
	enum kind	 kind;
	const char	*name, *type, *help;
} metrics[] = {
	{ M_POLLS, "pullmail_polls_total", "counter",
	    "Polls (and IDLE passes with new mail) that ended." },
	{ M_MESSAGES, "pullmail_messages_delivered_total", "counter",
	    "Messages delivered." },
	{ M_BYTES, "pullmail_delivered_bytes_total", "counter",
	    "Bytes delivered, as the server sized the messages." },
	{ M_SUCCESS, "pullmail_last_success_timestamp_seconds", "gauge",
	    "When the last poll that ended with exit code 0 or 1 ended." },
	{ M_DURATION, "pullmail_last_poll_duration_seconds", "gauge",
	    "How long the last poll took." },
	{ M_CONSECUTIVE, "pullmail_consecutive_failures", "gauge",
	    "Failed polls in a row (exit codes other than 0 and 1)." },
};

char *
metrics_text(const struct status *st)
{
	const struct status_entry	*e;
	struct buf			 b = { NULL, 0, 0 };
	size_t				 i, m;
	unsigned long long		 v;
	int				 c;

	b.size = 4096;
	b.p = xmalloc(b.size);
	b.p[0] = '\0';
	for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		put_head(&b, metrics[m].name, metrics[m].type,
		    metrics[m].help);
		for (i = 0; i < st->n; i++) {
			e = &st->v[i];
			switch (metrics[m].kind) {
			case M_POLLS:
				v = e->polls;
				break;
			case M_MESSAGES:
				v = e->delivered;
				break;
			case M_BYTES:
				v = e->octets;
				break;
			case M_SUCCESS:
				if (e->last_success <= 0)
					continue;
				v = (unsigned long long)e->last_success;
				break;
			case M_DURATION:
				if (e->result < 0)
					continue;
				put(&b, "%s{", metrics[m].name);
				put_labels(&b, e);
				put(&b, "} %llu.%03llu\n",
				    (unsigned long long)e->msec / 1000,
				    (unsigned long long)e->msec % 1000);
				continue;
			default:
				v = e->consecutive;
				break;
			}
			put(&b, "%s{", metrics[m].name);
			put_labels(&b, e);
			put(&b, "} %llu\n", v);
		}
		if (metrics[m].kind != M_POLLS)
			continue;
		/* After the polls: the failed ones, by exit class. */
		put_head(&b, "pullmail_poll_failures_total", "counter",
		    "Failed polls, by the class of their exit code.");
		for (i = 0; i < st->n; i++) {
			e = &st->v[i];
			for (c = 0; c < STATUS_CODES; c++) {
				if (e->failures[c] == 0)
					continue;
				put(&b, "pullmail_poll_failures_total{");
				put_labels(&b, e);
				put(&b, ",");
				put_label(&b, "class", status_word(c));
				put(&b, "} %llu\n",
				    (unsigned long long)e->failures[c]);
			}
		}
	}
	if (st->round_seconds >= 0) {
		put_head(&b, "pullmail_round_duration_seconds", "gauge",
		    "The last round: a one-shot run, or in the daemon the "
		    "time until every account not in IDLE ended a poll.");
		put(&b, "pullmail_round_duration_seconds %.3f\n",
		    st->round_seconds);
	}
	return (b.p);
}

void
metrics_write(const struct run *r, const struct status *st)
{
	static int	 failed;
	char		*text, *cause;

	if (r->cfg.metricsfile == NULL)
		return;
	text = metrics_text(st);
	/* node_exporter runs as its own user: readable whatever the umask. */
	if (durable_replace(r->cfg.metricsfile, text, strlen(text), 0644,
	    &cause) != 0) {
		if (!failed)
			log_warnx("metrics file not written: %s", cause);
		failed = 1;
		free(cause);
	} else
		failed = 0;
	free(text);
}
