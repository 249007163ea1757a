/*
 * envelope.h -- who a message is from and for, as SMTP needs it.
 */

#ifndef PM_ENVELOPE_H
#define PM_ENVELOPE_H

#include <stddef.h>

#include "account.h"

struct envelope {
	char		*from;		/* "" for the null sender <> */
	struct strlist	 rcpts;		/* local names, as configured */
	long long	 size;		/* server's size, for SIZE= */
	int		 eightbit;	/* header says 8bit or binary */
	int		 multidrop;	/* MD_ENVELOPE, MD_POSTMASTER */
};

/*
 * Build from the message's header block and the account; a multidrop
 * message nobody matches goes to postmaster.
 */
void	envelope_build(struct envelope *, const struct account *,
	    const char *hdr, size_t hdrlen, long long size,
	    const char *postmaster);
void	envelope_free(struct envelope *);
/* Does an address hold non-ASCII bytes (so SMTP needs SMTPUTF8)? */
int	envelope_utf8(const struct envelope *);

#endif
