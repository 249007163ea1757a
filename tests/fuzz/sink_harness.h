/*
 * sink_harness.h -- what the sink fuzz targets share: a private
 * directory, a real sink driven with a message cut into pieces of random
 * sizes, and the transforms the sinks promise, written out plainly so
 * that what a sink wrote can be checked against them.
 */

#ifndef PM_SINK_HARNESS_H
#define PM_SINK_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "envelope.h"
#include "sink.h"

/* A fresh directory for this process, removed at exit. */
const char	*harness_dir(void);
/* An account with only the name set; the target fills in the sink. */
struct account	*harness_account(void);

/*
 * The input of a sink target: 4 bytes that seed the piece sizes, then
 * the message.  0 when data is too short.
 */
int		 harness_input(const uint8_t *data, size_t size,
		    uint32_t *seed_r, const uint8_t **msg_r, size_t *len_r);

/*
 * Deliver msg from sender@example.org to "user" through the account's
 * sink as a session would: open, begin, write in pieces whose sizes a
 * generator seeded with seed chooses (1 byte to over 1 MiB, 16 KiB TLS
 * records among them), commit, sync, close.  Aborts unless it commits,
 * or if a descriptor leaked.
 */
void		 harness_deliver(const struct account *, const uint8_t *msg,
		    size_t len, uint32_t seed);
/* begin, write part of msg, abort: the sink must leave nothing. */
void		 harness_abandon(const struct account *, const uint8_t *msg,
		    size_t len, uint32_t seed);
/*
 * For a sink that appends to one file (mbox, BSMTP): path removed, msg
 * delivered, then a second copy abandoned, which must leave the file as
 * it was.  Returns the file; *len_r is set.
 */
char		*harness_file_sink(const struct account *, const char *path,
		    const uint8_t *msg, size_t len, uint32_t seed,
		    size_t *len_r);

/* A whole file; aborts if it cannot be read.  *len_r is set. */
char		*harness_slurp(const char *path, size_t *len_r);
/* The one file in dir (aborts unless there is exactly one), or NULL. */
char		*harness_only_file(const char *dir);
void		 harness_empty_dir(const char *dir);

/* CR LF to LF; a bare CR stays (stripcr).  out: len bytes. */
size_t		 harness_strip(const uint8_t *in, size_t len, char *out);
/*
 * Every line end (CR LF, bare LF, bare CR) as CR LF, ending with one:
 * what SMTP must carry.  out: 2 * len + 2 bytes.
 */
size_t		 harness_canonical(const char *in, size_t len, char *out);
/*
 * Aborts if a lenient SMTP server could see the end of DATA before the
 * real one: a bare CR or LF, or a line that is only "." before the end.
 */
void		 harness_check_data(const char *data, size_t len);
/*
 * What an SMTP server received as DATA (up to and with ".\r\n"):
 * harness_check_data, then it must decode to msg with every line end as
 * CR LF.  Aborts otherwise.
 */
void		 harness_check_smtp(const char *data, size_t dlen,
		    const uint8_t *msg, size_t len);

#endif
