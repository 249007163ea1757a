/*
 * configdump.h -- the configuration as fetchmail's --configdump prints it.
 *
 * The output is the Python literal fetchmail writes (fetchmailconf reads
 * it), with the same keys and values for everything fetchmail knows, so
 * the two can be compared; pullmail's own settings have keys of their own.
 */

#ifndef PM_CONFIGDUMP_H
#define PM_CONFIGDUMP_H

#include <stdio.h>

#include "rc_parse.h"

/* cfg must be complete: defaults merged, account_finish() applied. */
void	configdump(FILE *, const struct config *cfg);

#endif
