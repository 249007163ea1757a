/*
 * settings.h -- the effective settings in words, for -V.
 */

#ifndef PM_SETTINGS_H
#define PM_SETTINGS_H

#include <stdio.h>

#include "rc_parse.h"

/* Global settings, then every account; passwords are never shown. */
void	settings_print(FILE *, const struct config *);

#endif
