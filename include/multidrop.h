/*
 * multidrop.h -- who a message is for, when an account has several local
 * names or "*" (fetchmail's multidrop).  Pure: header text in, local
 * names out.
 *
 * The recipients come from the envelope header (default: the "for" clause
 * of Received), else Resent-To/Cc/Bcc, else To/Cc/Bcc/Apparently-To.  An
 * address is local when it has no domain, or its domain is the poll name,
 * the via name, an "aka" or a "localdomains" entry (or a subdomain of
 * one); its local part, less any "qvirtual" prefix, is mapped through the
 * account's names: "server=local" pairs, the names themselves, or passed
 * through with "*".  Nothing matched: the postmaster.  No DNS lookups.
 */

#ifndef PM_MULTIDROP_H
#define PM_MULTIDROP_H

#include <stddef.h>

#include "account.h"

/*
 * Add the local names hdr is for to out, without duplicates.  Returns
 * MD_ENVELOPE when the envelope header named the recipients, and
 * MD_POSTMASTER when nobody matched and the postmaster gets it.
 */
#define MD_ENVELOPE	1
#define MD_POSTMASTER	2
int	multidrop_rcpts(const struct account *, const char *hdr,
	    size_t hdrlen, const char *postmaster, struct strlist *out);

/*
 * Split an address list ("A <a@x>, \"b, c\" <b@y>, d@z") into bare
 * addresses, each added to out.  Groups and comments are tolerated.
 */
void	multidrop_split(const char *list, struct strlist *out);

#endif
