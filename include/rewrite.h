/*
 * rewrite.h -- qualify bare addresses in a header block (fetchmail's
 * "rewrite", on by default).
 */

#ifndef PM_REWRITE_H
#define PM_REWRITE_H

#include <stddef.h>

/*
 * A copy of the header block hdr[0..len) in which every address in
 * From, To, Cc, Bcc, Reply-To and the Resent- fields that has no "@"
 * ("joe", "Joe <joe>") gets "@domain".  Display names, comments, quoted
 * strings, groups and folding are kept as they were.  *outlen is set.
 */
char	*rewrite_addresses(const char *hdr, size_t len, const char *domain,
	    size_t *outlen);

#endif
