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
/* from and one recipient, as envelope_build would leave them. */
void		 harness_envelope(struct envelope *, const char *from,
		    const char *rcpt);

/*
 * open (once per process: *opened), begin, write msg in pieces whose
 * sizes a generator seeded with seed chooses (1 byte to over 1 MiB,
 * 16 KiB TLS records among them), then commit and sync.  Returns the
 * commit's result; any other failure aborts the process.
 */
enum sink_result harness_deliver(struct sink *, const struct envelope *,
		    const uint8_t *msg, size_t len, uint32_t seed);
/* begin, write part of msg, abort: the sink must leave nothing. */
void		 harness_abandon(struct sink *, const struct envelope *,
		    const uint8_t *msg, size_t len, uint32_t seed);

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

#endif
