/*
 * sink.c -- the only place that chooses a sink; adding one is a line
 * here and a file of its own.
 */

#include <string.h>

#include "result.h"
#include "sink.h"

void
sink_init(struct sink *s, const struct account *a)
{
	memset(s, 0, sizeof(*s));
	s->account = a;
	if (a->maildir != NULL) {
		s->ops = &sink_maildir_ops;
		s->fail = PM_IOERR;
	} else if (a->mbox != NULL) {
		s->ops = &sink_mbox_ops;
		s->fail = PM_IOERR;
	} else if (a->bsmtp != NULL) {	/* fetchmail: bsmtp wins over mda */
		s->ops = &sink_bsmtp_ops;
		s->fail = PM_BSMTP;
	} else if (a->mda != NULL) {
		s->ops = &sink_mda_ops;
		s->fail = PM_IOERR;
	} else {
		s->ops = &sink_smtp_ops;
		s->fail = PM_SMTP;
	}
}
