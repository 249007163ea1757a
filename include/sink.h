/*
 * sink.h -- where a fetched message goes.
 *
 * A sink is opened once per poll, then for each message: begin, write as
 * often as needed, and commit or abort.  commit returning SINK_OK is the
 * only thing that allows a message to leave the server.
 *
 * Sinks with a sync operation (Maildir) commit in groups: commit
 * returning SINK_OK only stages the message, and sync makes every staged
 * message durable at once (one fsync of the directory for a whole batch
 * instead of one per message).  Until sync returns SINK_OK, no staged
 * message may leave the server or be recorded as delivered; close
 * discards whatever is still staged.
 */

#ifndef PM_SINK_H
#define PM_SINK_H

#include <stddef.h>

#include "account.h"
#include "envelope.h"

enum sink_result {
	SINK_OK,		/* accepted for good */
	SINK_TEMPFAIL,		/* try again next poll */
	SINK_PERMFAIL,		/* refused; kept while softbounce is on */
	SINK_FATAL,		/* the sink itself is gone: end the poll */
};

struct sink;

struct sink_ops {
	const char	*name;
	/* 0, or a pm_result (PM_SMTP, PM_IOERR) with *cause set. */
	int		 (*open)(struct sink *, char **);
	enum sink_result (*begin)(struct sink *, const struct envelope *,
			    char **);
	enum sink_result (*write)(struct sink *, const void *, size_t,
			    char **);
	enum sink_result (*commit)(struct sink *, char **);
	void		 (*abort)(struct sink *);	/* leaves nothing */
	enum sink_result (*sync)(struct sink *, char **); /* or NULL */
	void		 (*close)(struct sink *);
};

struct sink {
	const struct sink_ops	*ops;
	const struct account	*account;
	void			*data;
	int			 fail;	/* pm_result when a message fails */
	int			 code;	/* SMTP/LMTP reply code of the last
					 * refusal; 0 for other sinks */
};

extern const struct sink_ops sink_smtp_ops;
extern const struct sink_ops sink_mda_ops;
extern const struct sink_ops sink_maildir_ops;
extern const struct sink_ops sink_mbox_ops;
extern const struct sink_ops sink_bsmtp_ops;

/* The sink the account asks for: maildir, mbox, bsmtp, mda, else
 * SMTP/LMTP. */
void	sink_init(struct sink *, const struct account *);

#endif
